#!/usr/bin/env python3
"""Learning curve of the process-state classifier: RotNet-pretrained backbone + fine-tuning against
training from scratch, on the same labels, several runs per point, on the CPU.

    /usr/bin/python3 models/training/learning_curve_classifier.py [--sizes 1,2,4,8,16] [--runs 3]
        [--steps 100] [--threads 1] [--backbone models/training/.cache/pretrained-backbone.pt]

The backbone is pretrained once (``train_classifier.pretrain``, RotNet on unlabelled renders) and
saved to ``--backbone``; an existing file there is reused.  Run r of a point with n labelled crops
per state uses the labelled seeds ``r * 1000 .. r * 1000 + 4n - 1`` (state = seed % 4, so n per
state; the runs draw disjoint subsets) and init/augmentation seed ``100 * (r + 1) + n``; the
pretrained and the scratch model of a run get the same labels, seed, steps and augmentations
(``train_classifier.finetune``) and are scored on the same held-out crops (HELDOUT_SEEDS, 100 per
state).  One line per run on stdout; ``models/training/process-state.curve.json`` (per point and
init: mean, sd, each run; the paired difference pretrained - scratch) is rewritten after every run.
The shipped model (models/process-state.*) is not touched.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import process_world as pw  # noqa: E402
import train_classifier as tc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_SEED_STRIDE = 1000


def labelled_seeds(run, n):
    lo = pw.TRAIN_SEEDS[0] + run * RUN_SEED_STRIDE
    return range(lo, lo + n * len(tc.STATES))


def load_or_pretrain(path, steps):
    if os.path.exists(path):
        print(f"reusing pretrained backbone {path}", flush=True)
        return torch.load(path, map_location="cpu")
    backbone = tc.pretrain(steps, lambda msg: print(msg, flush=True))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(backbone, path)
    print(f"saved pretrained backbone {path}", flush=True)
    return backbone


def stats(values):
    return {"mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0}


def summarise(points):
    out = []
    for n, runs in points.items():
        if not runs:
            continue
        row = {"labelled_per_state": n, "runs": len(runs)}
        for init in ("pretrained", "scratch"):
            row[init] = {**stats([r[init]["accuracy"] for r in runs]), "accuracy": [r[init]["accuracy"] for r in runs]}
        row["difference"] = stats([r["pretrained"]["accuracy"] - r["scratch"]["accuracy"] for r in runs])
        row["each_run"] = runs
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,2,4,8,16", help="labelled crops per state, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="runs (labelled subsets and seeds) per point")
    ap.add_argument("--steps", type=int, default=100, help="fine-tuning steps per run")
    ap.add_argument("--pretrain-steps", type=int, default=60)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--backbone", default=os.path.join(HERE, ".cache", "pretrained-backbone.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "process-state.curve.json"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    t0 = time.time()
    lo = pw.HELDOUT_SEEDS[0]
    hx, hy, hboxes = tc.render_set(range(lo, lo + tc.HELDOUT_PER_STATE * len(tc.STATES)))
    print(f"rendered {len(hy)} held-out crops in {time.time() - t0:.0f}s", flush=True)
    backbone = load_or_pretrain(args.backbone, args.pretrain_steps)
    meta = {"command": " ".join(["/usr/bin/python3", "models/training/learning_curve_classifier.py"] + sys.argv[1:]),
            "steps": args.steps, "runs_per_point": args.runs, "threads": args.threads,
            "held_out": len(hy), "torch": torch.__version__, "machine": platform.processor() or platform.machine()}
    points = {n: [] for n in sizes}
    for run in range(args.runs):
        seeds = labelled_seeds(run, max(sizes))
        lx, ly, _ = tc.render_set(seeds)
        for n in sizes:
            x, y = lx[: n * len(tc.STATES)], ly[: n * len(tc.STATES)]
            seed = 100 * (run + 1) + n
            result = {"run": run, "labelled_seeds": [seeds[0], seeds[0] + len(y) - 1], "seed": seed}
            for init, start in (("pretrained", backbone), ("scratch", None)):
                t = time.time()
                ev = tc.evaluate(tc.finetune(x, y, args.steps, start, seed), hx, hy, hboxes)
                result[init] = {"accuracy": ev["accuracy"], "recall": ev["recall"], "seconds": round(time.time() - t, 1)}
            points[n].append(result)
            print(f"n={n}/state run {run}: pretrained {result['pretrained']['accuracy']:.4f} "
                  f"scratch {result['scratch']['accuracy']:.4f} "
                  f"({result['pretrained']['seconds'] + result['scratch']['seconds']:.0f}s, "
                  f"{time.time() - t0:.0f}s in all)", flush=True)
            with open(args.out, "w") as f:
                json.dump({**meta, "wall_seconds": round(time.time() - t0),
                           "complete": run == args.runs - 1 and n == sizes[-1],
                           "curve": summarise(points)}, f, indent=1)
                f.write("\n")
    for row in summarise(points):
        p, s, d = row["pretrained"], row["scratch"], row["difference"]
        print(f"n={row['labelled_per_state']}/state ({row['runs']} runs): pretrained {p['mean']:.4f} +- {p['sd']:.4f}"
              f"  scratch {s['mean']:.4f} +- {s['sd']:.4f}  difference {d['mean']:+.4f} +- {d['sd']:.4f}")
    print(f"wall {time.time() - t0:.0f}s; wrote {args.out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Learning curve of the process-state classifier: pretrained backbones + fine-tuning against
training from scratch, on the same labels, several runs per point, on the CPU.

    /usr/bin/python3 models/training/learning_curve_classifier.py [--sizes 1,2,4,8] [--runs 16]
        [--pretexts rotnet] [--pretrain-steps 600] [--first-run 0] [--heldout-from 0]
        [--steps 100] [--threads 1]

Each pretext of ``--pretexts`` (``pretext_classifier.PRETEXTS``: rotnet, simclr, conveyor;
several for a pilot) pretrains one backbone without the process world's labels, once, cached as
``.cache/backbone-<pretext>-<steps>.pt`` (an existing file is reused).  Run r of a point with n
labelled crops per state uses the labelled seeds ``r * 1000 .. r * 1000 + 4n - 1`` (state = seed % 4,
so n per state; the runs draw disjoint subsets) and init/augmentation seed ``100 * (r + 1) + n``;
every arm of a run (each pretext's backbone, and scratch) gets the same labels, seed, steps and
augmentations (``train_classifier.finetune``) and is scored on the same held-out crops
(HELDOUT_SEEDS from ``--heldout-from``, 100 per state).  ``--first-run`` skips runs that a pilot
already used (to choose a pretext), so that the reported curve is measured on fresh labels and seeds
(``--heldout-from``: on fresh held-out crops too).  One line per run on stdout; ``--out`` (default
``models/training/process-state.curve.json``: per point and arm mean, sd, each run; per pretext the
paired difference pretext - scratch: mean, sd, standard error, wins/ties/losses) is rewritten after
every run.  The shipped model (models/process-state.*) is not touched.
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
import pretext_classifier as pc  # noqa: E402
import process_world as pw  # noqa: E402
import train_classifier as tc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_SEED_STRIDE = 1000


def labelled_seeds(run, n):
    lo = pw.TRAIN_SEEDS[0] + run * RUN_SEED_STRIDE
    return range(lo, lo + n * len(tc.STATES))


def load_or_pretrain(pretext, steps):
    path = os.path.join(HERE, ".cache", f"backbone-{pretext}-{steps}.pt")
    if os.path.exists(path):
        print(f"reusing pretrained backbone {path}", flush=True)
        return torch.load(path, map_location="cpu"), None
    t = time.time()
    backbone = pc.PRETEXTS[pretext](steps, lambda msg: print(msg, flush=True))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(backbone, path)
    print(f"saved pretrained backbone {path}", flush=True)
    return backbone, round(time.time() - t)


def stats(values):
    return {"mean": statistics.mean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0}


def paired(diffs):
    out = stats(diffs)
    out["se"] = out["sd"] / len(diffs) ** 0.5
    out["wins_ties_losses"] = [sum(d > 0 for d in diffs), sum(d == 0 for d in diffs), sum(d < 0 for d in diffs)]
    return out


def summarise(points, arms):
    out = []
    for n, runs in points.items():
        if not runs:
            continue
        row = {"labelled_per_state": n, "runs": len(runs)}
        for arm in arms:
            acc = [r[arm]["accuracy"] for r in runs]
            row[arm] = {**stats(acc), "accuracy": acc}
        row["difference"] = {arm: paired([r[arm]["accuracy"] - r["scratch"]["accuracy"] for r in runs])
                             for arm in arms if arm != "scratch"}
        row["each_run"] = runs
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,2,4,8", help="labelled crops per state, comma-separated")
    ap.add_argument("--runs", type=int, default=16, help="runs (labelled subsets and seeds) per point")
    ap.add_argument("--steps", type=int, default=100, help="fine-tuning steps per run")
    ap.add_argument("--pretexts", default="rotnet", help="comma-separated: " + ",".join(pc.PRETEXTS))
    ap.add_argument("--pretrain-steps", default="600", help="one per pretext, or one for all")
    ap.add_argument("--first-run", type=int, default=0, help="runs are first-run .. first-run + runs - 1")
    ap.add_argument("--heldout-from", type=int, default=0, help="held-out crops are HELDOUT_SEEDS[0] + this ..")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "process-state.curve.json"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    sizes = [int(s) for s in args.sizes.split(",")]
    pretexts = args.pretexts.split(",")
    steps = [int(s) for s in args.pretrain_steps.split(",")]
    steps = steps * len(pretexts) if len(steps) == 1 else steps
    t0 = time.time()
    lo = pw.HELDOUT_SEEDS[0] + args.heldout_from
    hx, hy, hboxes = tc.render_set(range(lo, lo + tc.HELDOUT_PER_STATE * len(tc.STATES)))
    print(f"rendered {len(hy)} held-out crops in {time.time() - t0:.0f}s", flush=True)
    starts, pretraining = {}, {}
    for pretext, k in zip(pretexts, steps):
        starts[pretext], secs = load_or_pretrain(pretext, k)
        pretraining[pretext] = {"steps": k, "seconds": secs}
    starts["scratch"] = None
    arms = list(starts)
    meta = {"command": " ".join(["/usr/bin/python3", "models/training/learning_curve_classifier.py"] + sys.argv[1:]),
            "steps": args.steps, "runs_per_point": args.runs, "threads": args.threads, "pretraining": pretraining,
            "held_out": len(hy), "held_out_seeds": [lo, lo + len(hy) - 1], "torch": torch.__version__, "machine": platform.processor() or platform.machine()}
    points = {n: [] for n in sizes}
    last = args.first_run + args.runs - 1
    for run in range(args.first_run, last + 1):
        seeds = labelled_seeds(run, max(sizes))
        lx, ly, _ = tc.render_set(seeds)
        for n in sizes:
            x, y = lx[: n * len(tc.STATES)], ly[: n * len(tc.STATES)]
            seed = 100 * (run + 1) + n
            result = {"run": run, "labelled_seeds": [seeds[0], seeds[0] + len(y) - 1], "seed": seed}
            for arm, start in starts.items():
                t = time.time()
                ev = tc.evaluate(tc.finetune(x, y, args.steps, start, seed), hx, hy, hboxes)
                result[arm] = {"accuracy": ev["accuracy"], "recall": ev["recall"], "seconds": round(time.time() - t, 1)}
            points[n].append(result)
            print(f"n={n}/state run {run}: " + " ".join(f"{a} {result[a]['accuracy']:.4f}" for a in arms)
                  + f" ({time.time() - t0:.0f}s in all)", flush=True)
            with open(args.out, "w") as f:
                json.dump({**meta, "wall_seconds": round(time.time() - t0),
                           "complete": run == last and n == sizes[-1],
                           "curve": summarise(points, arms)}, f, indent=1)
                f.write("\n")
    for row in summarise(points, arms):
        print(f"n={row['labelled_per_state']}/state ({row['runs']} runs): "
              + "  ".join(f"{a} {row[a]['mean']:.4f} +- {row[a]['sd']:.4f}" for a in arms))
        for a, d in row["difference"].items():
            print(f"    {a} - scratch {d['mean']:+.4f} +- {d['sd']:.4f} (se {d['se']:.4f}), "
                  f"wins/ties/losses {d['wins_ties_losses']}")
    print(f"wall {time.time() - t0:.0f}s; wrote {args.out}")


if __name__ == "__main__":
    main()

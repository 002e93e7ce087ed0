#!/usr/bin/env python3
"""Held-out and sample-clip metrics of the thermal hotspot model (the figures of models/thermal-hotspot.md).

    /usr/bin/python3 models/training/eval_thermal.py                       # from the repo root
    /usr/bin/python3 models/training/eval_thermal.py --png /tmp/thermal    # plus false-colour figures

Backend: ONNX Runtime on models/thermal-hotspot.onnx when the onnxruntime module is importable,
else PyTorch (CPU, float32) on models/thermal-hotspot.pt (--backend forces one).

Held-out: 1000 scenes, seeds [5_000_000, 5_001_000) of thermal_world (never used in training),
rendered on the CPU.  Metrics: MAE of (max, avg, min) in K against the noise-free scene; hotspots
decoded from the heat map (train_thermal.decode_heatmap: 3x3 local maxima >= threshold, 3x3
centroid), matched one-to-one to the true centres within 8 px (greedy, nearest first): recall,
precision, position error (px); peak read-out = the max of the input over the 5x5 pixels around
a decoded hotspot, against the true peak.
Sample clip: samples/motor.mkv decoded with the ffmpeg CLI (gray16le), kelvin = counts * 0.01,
emissivity 0.95 / reflected 20 degC correction, against samples/motor.gt.jsonl.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_thermal_clip as rc  # noqa: E402
import thermal_world as tw  # noqa: E402
from train_thermal import (DECODE_THRESHOLD, build_model, decode_heatmap, evaluate_heldout,  # noqa: E402
                           hotspot_metrics, peak_from_input, temps_metrics)


def make_runner(backend, onnx_path, weights):
    if backend in ("auto", "onnxruntime"):
        try:
            import onnxruntime as ort
            so = ort.SessionOptions()
            so.intra_op_num_threads = 2
            sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
            return (lambda x: sess.run(["temps", "heatmap"], {"thermal": x})), f"onnxruntime {ort.__version__} ({onnx_path})"
        except ImportError:
            if backend == "onnxruntime":
                raise
    torch.set_num_threads(2)
    m = build_model(weights)

    def run(x):
        with torch.no_grad():
            t, h = m(torch.from_numpy(x))
        return t.numpy(), h.numpy()
    return run, f"torch {torch.__version__} CPU float32 ({weights})"


def evaluate_clip(run, mkv, gt_path, batch=54):
    counts = rc.read_counts(mkv)
    x = rc.model_input(counts)
    gts = [json.loads(line) for line in open(gt_path)]
    assert len(gts) == len(x), (len(gts), len(x))
    temps, heat = [], []
    for i in range(0, len(x), batch):
        t, h = run(x[i:i + batch])
        temps.append(np.asarray(t) * 100.0)
        heat.append(np.asarray(h)[:, 0])
    temps, heat = np.concatenate(temps), np.concatenate(heat)
    true = np.array([[g["max_c"], g["avg_c"], g["min_c"]] for g in gts])
    hg = [[{"x": h["x"], "y": h["y"], "amp": 99.0, "sigma": 0.0, "peak_c": h["peak_c"]} for h in g["hotspots"]]
          for g in gts]
    res = {"frames": len(x), "temps": temps_metrics(temps, true),
           "hotspots_by_threshold": hotspot_metrics(heat, hg, x[:, 0] * 100.0, thresholds=(0.3, 0.5))}
    # the alarm story: frames where max > 80 degC, by ground truth and by the model
    gt80, pr80 = true[:, 0] > 80.0, temps[:, 0] > 80.0
    res["max_above_80"] = {"gt_frames": int(gt80.sum()), "model_frames": int(pr80.sum()),
                           "disagreeing_frames": int((gt80 != pr80).sum())}
    return res, {"x": x, "temps": temps, "heat": heat, "gts": gts}


def probe_limits(run, n=100, log=print):
    """Recall / false positives outside the training ranges, on held-out seeds [5_000_000, +n):
    one hotspot of a set amplitude (distractor blobs off, equipment and the other draws as
    rendered), and the held-out scenes shifted to other ambient temperatures."""
    seeds = torch.arange(tw.HELDOUT_SEEDS[0], tw.HELDOUT_SEEDS[0] + n)
    out = {"single_hotspot_amplitude_k": {}, "ambient_c": {}}

    def score(p):
        s = tw.render(None, params=p)
        t, h = run(s["x"].numpy())
        gts = heldout_gt_from(s)
        m = hotspot_metrics(np.asarray(h)[:, 0], gts, thresholds=(0.3,))["0.3"]
        tm = temps_metrics(np.asarray(t) * 100.0, s["temps"].numpy())
        return {"recall": round(m["recall"], 4), "fp_per_scene": round(m["fp"] / n, 4),
                "pos_err_mean_px": round(m["pos_err_mean_px"], 3), "mae_max_k": round(tm["mae_max_k"], 3),
                "mae_min_k": round(tm["mae_min_k"], 3)}

    for amp in (4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 150.0, 250.0, 400.0):
        p = tw.sample_params(seeds)
        p["hot_on"] = torch.zeros_like(p["hot_on"])
        p["hot_on"][:, 0] = True
        p["hot_amp"] = torch.full_like(p["hot_amp"], amp)
        p["blob_on"] = torch.zeros_like(p["blob_on"])
        r = score(p)
        if amp < tw.HOTSPOT_MIN_K:     # not a hotspot by definition: every detection is a false positive
            r = {"detected_fraction": r["recall"], "mae_max_k": r["mae_max_k"]}
        out["single_hotspot_amplitude_k"][f"{amp:g}"] = r
        log(f"probe amplitude {amp:g} K: {r}")
    for amb in (-20.0, 0.0, 60.0, 100.0):
        p = tw.sample_params(seeds)
        p["ambient"] = torch.full_like(p["ambient"], amb)
        r = score(p)
        out["ambient_c"][f"{amb:g}"] = r
        log(f"probe ambient {amb:g} degC: {r}")
    return out


def heldout_gt_from(s):
    from train_thermal import heldout_gt
    return heldout_gt(s)


def false_colour(t_c, scale=4, lo=None, hi=None):
    import cv2
    lo = float(t_c.min()) if lo is None else lo
    hi = float(t_c.max()) if hi is None else hi
    v = np.clip((t_c - lo) / max(hi - lo, 1e-6) * 255, 0, 255).astype(np.uint8)
    im = cv2.applyColorMap(v, cv2.COLORMAP_INFERNO)
    return cv2.resize(im, (t_c.shape[1] * scale, t_c.shape[0] * scale), interpolation=cv2.INTER_NEAREST)


def draw_panel(t_c, heat, true_pts, pred_temps_c, true_temps_c, title, scale=4):
    """False-colour scene with true centres (green circles) and decoded hotspots (cyan crosses),
    next to the heat map."""
    import cv2
    im = false_colour(t_c, scale)
    for (x, y) in true_pts:
        cv2.circle(im, (int(round(x * scale)), int(round(y * scale))), 10, (0, 255, 0), 1, cv2.LINE_AA)
    for (x, y, s) in decode_heatmap(heat):
        c = (int(round(x * scale)), int(round(y * scale)))
        cv2.drawMarker(im, c, (255, 255, 0), cv2.MARKER_CROSS, 12, 1, cv2.LINE_AA)
    hm = cv2.applyColorMap((np.clip(heat, 0, 1) * 255).astype(np.uint8), cv2.COLORMAP_VIRIDIS)
    hm = cv2.resize(hm, (t_c.shape[1] * scale, t_c.shape[0] * scale), interpolation=cv2.INTER_NEAREST)
    panel = np.hstack([im, hm])
    txt = (f"{title}  true max/avg/min {true_temps_c[0]:.1f}/{true_temps_c[1]:.1f}/{true_temps_c[2]:.1f} C  "
           f"pred {pred_temps_c[0]:.1f}/{pred_temps_c[1]:.1f}/{pred_temps_c[2]:.1f} C")
    bar = np.zeros((22, panel.shape[1], 3), np.uint8)
    cv2.putText(bar, txt, (6, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return np.vstack([bar, panel])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="auto", choices=["auto", "onnxruntime", "torch"])
    ap.add_argument("--onnx", default="models/thermal-hotspot.onnx")
    ap.add_argument("--weights", default="models/thermal-hotspot.pt")
    ap.add_argument("--heldout", type=int, default=1000)
    ap.add_argument("--clip", default="samples/motor.mkv")
    ap.add_argument("--gt", default="samples/motor.gt.jsonl")
    ap.add_argument("--json", default="models/training/thermal-hotspot.metrics.json")
    ap.add_argument("--png", default=None, help="folder for false-colour figures")
    ap.add_argument("--probe", action="store_true", help="also probe amplitudes / ambients outside training")
    args = ap.parse_args()
    run, backend = make_runner(args.backend, args.onnx, args.weights)
    print("backend:", backend)
    t0 = time.time()
    seeds = np.arange(tw.HELDOUT_SEEDS[0], tw.HELDOUT_SEEDS[0] + args.heldout)
    held, arrays = evaluate_heldout(run, seeds, "cpu")
    out = {"backend": backend, "decode_threshold": DECODE_THRESHOLD, "match_px": 8.0, "heldout": held}
    print(f"held-out done in {time.time() - t0:.0f}s")
    clip_arrays = None
    if args.clip and os.path.exists(args.clip):
        out["clip"], clip_arrays = evaluate_clip(run, args.clip, args.gt)
        c, h = out["clip"]["temps"], out["clip"]["hotspots_by_threshold"]["0.3"]
        print(f"clip {args.clip}: MAE max {c['mae_max_k']:.3f} K avg {c['mae_avg_k']:.3f} K min {c['mae_min_k']:.3f} K | "
              f"hotspots recall {h['recall']:.4f} precision {h['precision']:.4f} pos err {h['pos_err_mean_px']:.3f} px "
              f"(max {h['pos_err_max_px']:.3f}) peak read-out MAE {h.get('peak_readout_mae_k', float('nan')):.3f} K | "
              f"max>80: {out['clip']['max_above_80']}")
    if args.probe:
        out["probe"] = probe_limits(run)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print("wrote", args.json)
    if args.png:
        import cv2
        os.makedirs(args.png, exist_ok=True)
        # held-out scenes: a few with hotspots, the first misses / false positives if any
        picks = [0, 1, 2, 3, 5, 8]
        bad = []
        for n, (hm, g) in enumerate(zip(arrays["heat"], arrays["gts"])):
            pred = decode_heatmap(hm)
            if len(pred) != len(g):
                bad.append(n)
        rows = [draw_panel(arrays["images_c"][n], arrays["heat"][n], [(h["x"], h["y"]) for h in arrays["gts"][n]],
                           arrays["pred_c"][n], arrays["true_c"][n], f"seed {seeds[n]}") for n in picks]
        cv2.imwrite(os.path.join(args.png, "heldout.png"), np.vstack(rows))
        if bad:
            rows = [draw_panel(arrays["images_c"][n], arrays["heat"][n], [(h["x"], h["y"]) for h in arrays["gts"][n]],
                               arrays["pred_c"][n], arrays["true_c"][n], f"seed {seeds[n]}") for n in bad[:6]]
            cv2.imwrite(os.path.join(args.png, "heldout_errors.png"), np.vstack(rows))
        if clip_arrays is not None:
            rows = []
            for t in (0, 150, 300):
                g = clip_arrays["gts"][t]
                rows.append(draw_panel(clip_arrays["x"][t, 0] * 100.0, clip_arrays["heat"][t],
                                       [(h["x"], h["y"]) for h in g["hotspots"]], clip_arrays["temps"][t],
                                       [g["max_c"], g["avg_c"], g["min_c"]], f"motor.mkv frame {t}"))
            cv2.imwrite(os.path.join(args.png, "clip.png"), np.vstack(rows))
        print("figures in", args.png)


if __name__ == "__main__":
    main()

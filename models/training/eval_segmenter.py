#!/usr/bin/env python3
"""Held-out and sample-clip metrics of the surface defect U-Net, on the CPU.

    /usr/bin/python3 models/training/eval_segmenter.py [--model models/surface-defects.onnx] \
        [--out models/training/surface-defects.eval.json]

--model takes the ONNX file (run with onnxruntime when this Python has it) or the .pt state_dict
(PyTorch); without onnxruntime an .onnx path falls back to the .pt beside it, which is the same
network (the ONNX is its export; the Java reference test holds them within 1e-4).

Held-out: render_sample seeds [5_000_000, 5_000_000 + --heldout), at model resolution (256x192),
pooled over all images.  Clip: samples/inspection.mp4 decoded with cv2, scaled by 2/3
(train_segmenter.preprocess), probabilities scaled back to 384x288 with cv2.resize INTER_LINEAR and
compared with samples/inspection.masks.mkv (source resolution); also at model resolution against
the clip's geometry (surface_world.InspectionClip) rasterised there.  Rules in SegStats
(train_segmenter.py).  Also times the model on the CPU (batch 1, 1 and 2 threads).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import surface_world as sw  # noqa: E402
from train_segmenter import (CLASSES, CLIP_SEED, HELDOUT_SEEDS, IN_H, IN_W, NC, SegStats, build_model,  # noqa: E402
                             evaluate, heldout_set, preprocess)

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


def make_predictor(path):
    if path.endswith(".onnx"):
        try:
            import onnxruntime as ort
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            return (lambda x: sess.run(["mask"], {"images": x})[0]), f"onnxruntime {ort.__version__} ({path})"
        except ImportError:
            path = path[:-len(".onnx")] + ".pt"
    model = build_model(path)

    def run(x):
        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()
    return run, f"torch {torch.__version__} ({path})"


def decode_masks(path):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, sw.H, sw.W)


def eval_clip(predict, mp4, masks, gt, seed=CLIP_SEED, min_area_model=8):
    cmaps = decode_masks(masks)
    recs = [json.loads(s) for s in open(gt)]
    clip = sw.InspectionClip(seed, len(recs))
    src = {t: SegStats(t) for t in THRESHOLDS}
    mod = {t: SegStats(t) for t in THRESHOLDS}
    near = SegStats(0.5)     # binary mask at model resolution, regions < min_area_model dropped, nearest up
    iy = np.minimum(((np.arange(sw.H) + 0.5) * sw.SCALE).astype(int), IN_H - 1)
    ix = np.minimum(((np.arange(sw.W) + 0.5) * sw.SCALE).astype(int), IN_W - 1)
    cap = cv2.VideoCapture(mp4)
    per_defect = {}                       # (item, class) -> [frames listed, frames found]
    fp_frames = {"clean_item_frames": 0, "clean_item_frames_with_false_region": 0,
                 "frames_with_false_region": 0}
    t = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        prob = predict(preprocess([f]))[0]
        up = np.stack([cv2.resize(prob[c], (sw.W, sw.H), interpolation=cv2.INTER_LINEAR) for c in range(NC)])
        true_src = np.stack([cmaps[t] == c + 1 for c in range(NC)])
        inst_src = []
        for d in recs[t]["defects"]:
            x1, y1, x2, y2 = d["box"]
            c = CLASSES.index(d["class"])
            m = np.zeros((sw.H, sw.W), bool)
            m[y1:y2, x1:x2] = cmaps[t][y1:y2, x1:x2] == c + 1
            inst_src.append((c, m, d["area_px"]))
            k = (d["item"], d["class"])
            e = per_defect.setdefault(k, [0, 0])
            e[0] += 1
            e[1] += int((up[c][m] >= 0.5).mean() >= 0.5)
        for s in src.values():
            s.add(up, true_src, inst_src)
        kept = np.zeros_like(prob, dtype=bool)
        for c in range(NC):
            n, lab, st, _ = cv2.connectedComponentsWithStats((prob[c] >= 0.5).astype(np.uint8), connectivity=8)
            big = np.nonzero(st[:, cv2.CC_STAT_AREA] >= min_area_model)[0]
            kept[c] = np.isin(lab, big[big > 0])
        near.add(kept[:, iy][:, :, ix].astype(np.float32), true_src, inst_src)
        panels = clip.layout(t)
        im = sw.instance_masks(panels, (IN_H, IN_W), sw.SCALE)
        isrc = sw.instance_masks(panels, (sw.H, sw.W), 1.0)
        true_m = np.zeros((NC, IN_H, IN_W), bool)
        inst_m = []
        for (c, m, _), (_, ms, _) in zip(im, isrc):
            true_m[c] |= m > 0
            inst_m.append((c, m > 0, int(ms.sum())))
        for s in mod.values():
            s.add(prob, true_m, inst_m)
        # frame-level false regions (model resolution, threshold 0.5, area >= min_area_model)
        false_region = False
        for c in range(NC):
            n, lab, st, _ = cv2.connectedComponentsWithStats((prob[c] >= 0.5).astype(np.uint8), connectivity=8)
            hit = np.zeros(n, bool)
            hit[np.unique(lab[true_m[c]])] = True
            false_region |= bool(((st[1:, cv2.CC_STAT_AREA] >= min_area_model) & ~hit[1:]).any())
        item = recs[t]["item"]
        clean = item is not None and not clip.items[item][0].defects
        fp_frames["frames_with_false_region"] += int(false_region)
        fp_frames["clean_item_frames"] += int(clean)
        fp_frames["clean_item_frames_with_false_region"] += int(clean and false_region)
        t += 1
    assert t == len(recs) == len(cmaps), (t, len(recs), len(cmaps))
    fp_frames["min_area_model_px"] = min_area_model
    return {"frames": t,
            "source_resolution": {str(k): s.summary() for k, s in src.items()},
            "model_resolution": {str(k): s.summary() for k, s in mod.items()},
            "source_resolution_nearest_min_area": near.summary(),
            "per_defect_frames_found_thr05": {f"item {k[0]} {k[1]}": {"frames_listed": v[0], "frames_found": v[1]}
                                              for k, v in sorted(per_defect.items())},
            "false_region_frames": fp_frames}


def time_cpu(predict_torch, reps=30):
    x = np.random.default_rng(0).random((1, 3, IN_H, IN_W), dtype=np.float32)
    out = {}
    for th in (1, 2):
        torch.set_num_threads(th)
        for _ in range(3):
            predict_torch(x)
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            predict_torch(x)
            ts.append(time.perf_counter() - t0)
        out[f"threads_{th}_median_ms"] = round(1000 * float(np.median(ts)), 1)
    torch.set_num_threads(2)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/surface-defects.onnx")
    ap.add_argument("--heldout", type=int, default=1000, help="0: keep the held-out figures already in --out")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clip", default="samples/inspection.mp4")
    ap.add_argument("--masks", default="samples/inspection.masks.mkv")
    ap.add_argument("--gt", default="samples/inspection.gt.jsonl")
    ap.add_argument("--out", default="models/training/surface-defects.eval.json")
    args = ap.parse_args()
    torch.set_num_threads(2)
    predict, engine = make_predictor(args.model)
    print("engine:", engine, flush=True)
    res = {"engine": engine}
    t0 = time.time()
    if args.heldout == 0 and os.path.exists(args.out):     # keep the held-out figures, redo the rest
        res = json.load(open(args.out))
    else:
        seeds = list(range(HELDOUT_SEEDS[0], HELDOUT_SEEDS[0] + args.heldout))
        imgs, bits, inst = heldout_set(seeds, args.workers)
        res["heldout_seeds"] = [seeds[0], seeds[-1]]
        res["heldout"] = evaluate(predict, imgs, bits, inst, THRESHOLDS)
    for k, r in res["heldout"].items():
        print(f"held-out thr {k}: fg IoU {r['fg_iou']:.4f} class IoU "
              f"{ {c: round(v, 4) for c, v in r['class_iou'].items()} } recall {r['recall_all']:.4f} "
              f"{ {c: round(v, 4) for c, v in r['recall'].items()} } recall(IoU>=0.3) {r['recall_iou03_all']:.4f} "
              f"false comps/img {r['false_components_per_image']}", flush=True)
    print(f"held-out done in {time.time() - t0:.0f}s", flush=True)
    if os.path.exists(args.clip):
        res["clip"] = eval_clip(predict, args.clip, args.masks, args.gt)
        for kind in ("source_resolution", "model_resolution"):
            for k, r in res["clip"][kind].items():
                print(f"clip {kind} thr {k}: fg IoU {r['fg_iou']:.4f} class IoU "
                      f"{ {c: round(v, 4) for c, v in r['class_iou'].items()} } recall {r.get('recall_all', 0):.4f} "
                      f"false comps/img {r['false_components_per_image']}", flush=True)
        r = res["clip"]["source_resolution_nearest_min_area"]
        print(f"clip nearest-upsampled binary mask, regions >= 8 model px: fg IoU {r['fg_iou']:.4f} class IoU "
              f"{ {c: round(v, 4) for c, v in r['class_iou'].items()} } recall {r.get('recall_all', 0):.4f}")
        print("clip false-region frames:", res["clip"]["false_region_frames"])
        print("clip per defect:", json.dumps(res["clip"]["per_defect_frames_found_thr05"]))
    pt = args.model[:-len(".onnx")] + ".pt" if args.model.endswith(".onnx") else args.model
    res["cpu_torch"] = time_cpu(make_predictor(pt)[0])
    res["cpu_torch"]["note"] = f"torch {torch.__version__}, batch 1, {os.cpu_count()} cores, median"
    print("cpu timing:", res["cpu_torch"])
    with open(args.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

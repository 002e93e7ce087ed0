#!/usr/bin/env python3
"""Held-out and clip figures of the shipped process-state classifier (PyTorch weights, CPU, float32).

    /usr/bin/python3 models/training/eval_classifier.py      # -> models/training/process-state.eval.json

Held-out: 400 crops, seeds 5,000,000..5,000,399 (state = seed % 4).  Clip: every frame of
samples/process.mp4 decoded by OpenCV, both regions.  For each: accuracy, per-state recall,
confusion matrix (rows true, columns predicted) and the CAM check: the share of abnormal images
whose map peak (the most probable state's map, at the centre of its cell) lies in the true abnormal
box widened by 3 px (half a map cell), per state and overall.
"""
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import process_world as pw  # noqa: E402
from train_classifier import CAM_STRIDE, HELDOUT_PER_STATE, IN, STATES, build_model, preprocess, render_set  # noqa: E402


def figures(model, x, y, boxes, scale):
    with torch.no_grad():
        logits, cam = model(x)
    pred = logits.argmax(1)
    conf = np.zeros((len(STATES), len(STATES)), int)
    cam_hits = {s: [0, 0] for s in STATES[1:]}
    for i in range(len(y)):
        t, p = int(y[i]), int(pred[i])
        conf[t, p] += 1
        if t == 0 or boxes[i] is None:
            continue
        k = int(cam[i, p].argmax())
        cy, cx = divmod(k, cam.shape[3])
        px, py = (cx + 0.5) * CAM_STRIDE * scale[i][2] / IN + scale[i][0], (cy + 0.5) * CAM_STRIDE * scale[i][3] / IN + scale[i][1]
        b = boxes[i]
        hit = b[0] - 3 <= px <= b[2] + 3 and b[1] - 3 <= py <= b[3] + 3
        cam_hits[STATES[t]][0] += hit
        cam_hits[STATES[t]][1] += 1
    hits = sum(v[0] for v in cam_hits.values())
    total = sum(v[1] for v in cam_hits.values())
    return {"images": int(len(y)), "accuracy": round(float((pred == y).float().mean()), 4),
            "recall": {s: round(conf[k, k] / max(1, conf[k].sum()), 4) for k, s in enumerate(STATES)},
            "confusion": conf.tolist(), "cam_peak_in_region": round(hits / max(1, total), 4),
            "cam_by_state": {s: f"{v[0]}/{v[1]}" for s, v in cam_hits.items()}}


def main():
    torch.set_num_threads(1)
    model = build_model("models/process-state.pt")
    lo = pw.HELDOUT_SEEDS[0]
    hx, hy, hboxes = render_set(range(lo, lo + HELDOUT_PER_STATE * len(STATES)))
    held = figures(model, hx, hy, hboxes, [(0, 0, pw.CROP, pw.CROP)] * len(hy))
    gt = [json.loads(s) for s in open("samples/process.gt.jsonl")]
    cap = cv2.VideoCapture("samples/process.mp4")
    crops, ys, boxes, where = [], [], [], []
    for n in range(len(gt)):
        ok, f = cap.read()
        assert ok, n
        for r in gt[n]["regions"]:
            x, y, w, h = pw.REGIONS[r["region"]]
            crops.append(f[y:y + h, x:x + w])
            ys.append(STATES.index(r["state"]))
            boxes.append(r["box"])
            where.append((x, y, w, h))
    clip = figures(model, torch.from_numpy(preprocess(crops)), torch.tensor(ys), boxes, where)
    out = {"model": "models/process-state.pt (PyTorch, CPU, float32)", "held_out": held, "clip": clip}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "process-state.eval.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

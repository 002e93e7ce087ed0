#!/usr/bin/env python3
"""Reference tensors of the surface defect U-Net for the Java tests (src/test/resources/tensors/).

    /usr/bin/python3 models/training/make_seg_reference_tensors.py            # from the repo root

1. decodes samples/inspection.mp4 with cv2.VideoCapture and saves frames FRAMES as lossless PNG
   (seg_frame_<n>.png, 384x288 BGR as decoded);
2. re-reads the PNGs, scales them by 2/3 to 256x192 (cv2.resize INTER_LINEAR, half-pixel centres;
   the contract's letterbox: r = 2/3, no padding), BGR->RGB, CHW, /255 -> seg_input_b2.bin
   [2,3,192,256] float32 little-endian;
3. runs the PyTorch model (models/surface-defects.pt, CPU, float32, torch.set_num_threads(1))
   -> seg_mask_b2.bin [2,4,192,256] float32 LE, per-class sigmoid probabilities;
4. seg_frames.json: the frames, the preprocessing, and the reference decoding: per class, the
   8-connected components of (p >= 0.5) at model resolution with area >= MIN_AREA model px,
   each with its area (model px, and / (2/3)^2 in source px), its box (model px, x2/y2
   exclusive, and / (2/3) in source px), its mean and max probability; plus the frame's ground
   truth from samples/inspection.gt.jsonl.
"""
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_segmenter import CLASSES, IN_H, IN_W, build_model  # noqa: E402
import surface_world as sw  # noqa: E402

FRAMES = [130, 204]   # item 4: a dent and a scratch; items 7 and 8: a stain, a dent, a crack and a scratch
OUT = "src/test/resources/tensors"
THRESHOLD, MIN_AREA = 0.5, 8


def regions(prob):
    out = []
    for c in range(len(CLASSES)):
        n, lab, st, _ = cv2.connectedComponentsWithStats((prob[c] >= THRESHOLD).astype(np.uint8), connectivity=8)
        for k in range(1, n):
            x, y, w, h, a = (int(v) for v in st[k])
            if a < MIN_AREA:
                continue
            p = prob[c][lab == k]
            out.append({"class": CLASSES[c], "class_index": c, "area_px": a,
                        "area_source_px": round(a / sw.SCALE ** 2, 2),
                        "box": [x, y, x + w, y + h],
                        "box_source": [round(v / sw.SCALE, 4) for v in (x, y, x + w, y + h)],
                        "mean_prob": round(float(p.mean()), 6), "max_prob": round(float(p.max()), 6)})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cap = cv2.VideoCapture("samples/inspection.mp4")
    i, want = 0, set(FRAMES)
    while want:
        ok, f = cap.read()
        if not ok:
            raise SystemExit(f"video ended before frames {sorted(want)}")
        if i in want:
            cv2.imwrite(os.path.join(OUT, f"seg_frame_{i}.png"), f, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            want.discard(i)
        i += 1
    frames = [cv2.imread(os.path.join(OUT, f"seg_frame_{n}.png"), cv2.IMREAD_COLOR) for n in FRAMES]
    x = np.stack([sw.to_model(f)[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0 for f in frames])
    x = np.ascontiguousarray(x, dtype="<f4")
    assert x.shape == (2, 3, IN_H, IN_W)
    x.tofile(os.path.join(OUT, "seg_input_b2.bin"))

    torch.set_num_threads(1)
    model = build_model("models/surface-defects.pt")
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    y = np.ascontiguousarray(y, dtype="<f4")
    assert y.shape == (2, len(CLASSES), IN_H, IN_W)
    y.tofile(os.path.join(OUT, "seg_mask_b2.bin"))

    gt = [json.loads(s) for s in open("samples/inspection.gt.jsonl")]
    exp = {"model": "models/surface-defects.onnx (reference computed with models/surface-defects.pt, PyTorch, "
                    "CPU, float32, 1 thread)",
           "input": {"name": "images", "shape": [2, 3, IN_H, IN_W], "file": "seg_input_b2.bin"},
           "output": {"name": "mask", "shape": [2, len(CLASSES), IN_H, IN_W], "file": "seg_mask_b2.bin"},
           "classes": CLASSES,
           "letterbox": {"scale": sw.SCALE, "pad_left": 0, "pad_top": 0, "resize": "cv2.resize INTER_LINEAR"},
           "decode": {"threshold": THRESHOLD, "rule": "p >= threshold", "connectivity": 8,
                      "min_area_model_px": MIN_AREA},
           "frames": []}
    for b, n in enumerate(FRAMES):
        exp["frames"].append({"frame": n, "batch_index": b, "png": f"seg_frame_{n}.png",
                              "source": {"width": sw.W, "height": sw.H},
                              "regions": regions(y[b]), "ground_truth": gt[n]})
    with open(os.path.join(OUT, "seg_frames.json"), "w") as fo:
        json.dump(exp, fo, indent=1)
        fo.write("\n")
    for fr in exp["frames"]:
        print(fr["frame"], [(r["class"], r["area_px"], r["box_source"], r["mean_prob"]) for r in fr["regions"]])
        print("   gt", [(d["class"], d["box"], d["area_px"]) for d in fr["ground_truth"]["defects"]])


if __name__ == "__main__":
    main()

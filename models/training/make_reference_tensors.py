#!/usr/bin/env python3
"""Reference tensors for the Java tests (src/test/resources/tensors/).

    /usr/bin/python3 models/training/make_reference_tensors.py            # from the repo root

1. decodes samples/conveyor.mp4 with cv2.VideoCapture and saves frames FRAMES as lossless
   PNG (frame_<n>.png, BGR as decoded);
2. re-reads the PNGs, letterboxes them (train_detector.letterbox: 640x360 -> 384x224,
   r = 0.6, pad left 0 / top 4 / bottom 4, value 114), BGR->RGB, /255 -> input_b3.bin
   [3,3,224,384] float32 little-endian;
3. runs the PyTorch model (models/conveyor-det.pt, CPU, float32) -> yolov8_b3.bin [3,6,N];
4. converts to the YOLOv5 layout -> yolov5_b3.bin [3,N,7]: cx, cy, w, h, obj = max class
   score, class scores / obj (obj == 0 -> class scores 0);
5. expected.json: max class score > 0.25, class-aware NMS torchvision.ops.batched_nms
   IoU 0.45, at most 100, score descending; box_source = (box_input - pad) / scale clipped
   to the frame.
"""
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_detector import CLASSES, IN_H, IN_W, build_model, decode, letterbox  # noqa: E402

FRAMES = [60, 160, 330]    # products only; glove (track 12) on the belt; screwdriver (track 27) just dropped
OUT = "src/test/resources/tensors"
CONF, IOU, MAX_DET = 0.25, 0.45, 100


def main():
    os.makedirs(OUT, exist_ok=True)
    cap = cv2.VideoCapture("samples/conveyor.mp4")
    i, want = 0, set(FRAMES)
    while want:
        ok, f = cap.read()
        if not ok:
            raise SystemExit(f"video ended before frames {sorted(want)}")
        if i in want:
            cv2.imwrite(os.path.join(OUT, f"frame_{i}.png"), f, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            want.discard(i)
        i += 1
    frames = [cv2.imread(os.path.join(OUT, f"frame_{n}.png"), cv2.IMREAD_COLOR) for n in FRAMES]
    batch, params = [], []
    for f in frames:
        lb, r, pad = letterbox(f)
        batch.append(lb[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) / 255.0)
        params.append((r, pad))
    x = np.ascontiguousarray(np.stack(batch), dtype="<f4")
    assert x.shape == (3, 3, IN_H, IN_W)
    x.tofile(os.path.join(OUT, "input_b3.bin"))

    torch.set_num_threads(1)
    model = build_model("models/conveyor-det.pt")
    with torch.no_grad():
        y = model(torch.from_numpy(x))
    v8 = np.ascontiguousarray(y.numpy(), dtype="<f4")          # [3, 6, N]
    v8.tofile(os.path.join(OUT, "yolov8_b3.bin"))
    n = v8.shape[2]

    t = v8.transpose(0, 2, 1)                                   # [3, N, 6]
    obj = t[..., 4:].max(-1, keepdims=True)
    cls = np.where(obj > 0, t[..., 4:] / np.where(obj > 0, obj, 1), 0)
    v5 = np.ascontiguousarray(np.concatenate([t[..., :4], obj, cls], -1), dtype="<f4")   # [3, N, 7]
    v5.tofile(os.path.join(OUT, "yolov5_b3.bin"))

    exp = {"input": {"width": IN_W, "height": IN_H}, "anchors": int(n), "classes": CLASSES,
           "decode": {"conf_threshold": CONF, "nms_iou": IOU, "max_det": MAX_DET, "class_aware_nms": True},
           "frames": []}
    for fn, f, (r, pad), det in zip(FRAMES, frames, params, decode(y, CONF, IOU, MAX_DET)):
        h, w = f.shape[:2]
        dets = []
        for d in det.numpy().astype(np.float64):
            bi = d[:4]
            bs = [(bi[0] - pad[0]) / r, (bi[1] - pad[1]) / r, (bi[2] - pad[0]) / r, (bi[3] - pad[1]) / r]
            bs = [min(max(bs[0], 0), w), min(max(bs[1], 0), h), min(max(bs[2], 0), w), min(max(bs[3], 0), h)]
            dets.append({"class": int(d[5]), "score": round(float(d[4]), 6),
                         "box_input": [round(float(v), 4) for v in bi],
                         "box_source": [round(float(v), 4) for v in bs]})
        exp["frames"].append({"frame": fn, "source": {"width": w, "height": h},
                              "letterbox": {"scale": r, "pad_left": pad[0], "pad_top": pad[1]},
                              "detections": dets})
    with open(os.path.join(OUT, "expected.json"), "w") as fo:
        json.dump(exp, fo, indent=1)
        fo.write("\n")
    for fr in exp["frames"]:
        print(fr["frame"], [(d["class"], d["score"]) for d in fr["detections"]])


if __name__ == "__main__":
    main()

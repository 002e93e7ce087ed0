#!/usr/bin/env python3
"""Reference tensors of the process-state classifier for the Java tests (src/test/resources/tensors/).

    /usr/bin/python3 models/training/make_cls_reference_tensors.py            # from the repo root

1. decodes samples/process.mp4 with cv2.VideoCapture and saves frames FRAMES as lossless PNG
   (cls_frame_<n>.png, 320x240 BGR as decoded);
2. re-reads the PNGs, crops each frame's two regions (process_world.REGIONS, 96x96), resizes each crop
   to 64x64 (cv2.resize INTER_LINEAR, half-pixel centres), BGR->RGB, /255, ImageNet mean/std, CHW
   -> cls_input_b4.bin [4,3,64,64] float32 little-endian (frame 0 glass_a, frame 0 glass_b, frame 1 ...);
3. runs the PyTorch model (models/process-state.pt, CPU, float32, 1 thread)
   -> cls_logits_b4.bin [4,4] and cls_cam_b4.bin [4,4,16,16] float32 LE;
4. cls_frames.json: the frames, regions, softmax probabilities, argmax, the decided class's CAM peak
   (cell, and its centre in frame pixels) and the ground truth.
"""
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import process_world as pw  # noqa: E402
from train_classifier import CAM_STRIDE, IN, STATES, build_model, preprocess  # noqa: E402

FRAMES = [120, 150]   # glass_a foaming, glass_b low_level (from its first frame, 120, and 3 s in)
OUT = "src/test/resources/tensors"


def main():
    os.makedirs(OUT, exist_ok=True)
    cap = cv2.VideoCapture("samples/process.mp4")
    i, want = 0, set(FRAMES)
    while want:
        ok, f = cap.read()
        if not ok:
            raise SystemExit(f"video ended before frames {sorted(want)}")
        if i in want:
            cv2.imwrite(os.path.join(OUT, f"cls_frame_{i}.png"), f, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            want.discard(i)
        i += 1
    crops, where = [], []
    for n in FRAMES:
        f = cv2.imread(os.path.join(OUT, f"cls_frame_{n}.png"), cv2.IMREAD_COLOR)
        for name, (x, y, w, h) in pw.REGIONS.items():
            crops.append(f[y:y + h, x:x + w])
            where.append((n, name, (x, y, w, h)))
    x = np.ascontiguousarray(preprocess(crops), dtype="<f4")
    assert x.shape == (4, 3, IN, IN)
    x.tofile(os.path.join(OUT, "cls_input_b4.bin"))
    torch.set_num_threads(1)
    model = build_model("models/process-state.pt")
    with torch.no_grad():
        logits, cam = model(torch.from_numpy(x))
    logits, cam = logits.numpy().astype("<f4"), cam.numpy().astype("<f4")
    logits.tofile(os.path.join(OUT, "cls_logits_b4.bin"))
    np.ascontiguousarray(cam).tofile(os.path.join(OUT, "cls_cam_b4.bin"))
    gt = [json.loads(s) for s in open("samples/process.gt.jsonl")]
    prob = torch.softmax(torch.from_numpy(logits), 1).numpy()
    exp = {"model": "models/process-state.onnx (reference computed with models/process-state.pt, PyTorch, CPU, "
                    "float32, 1 thread)",
           "input": {"name": "images", "shape": [4, 3, IN, IN], "file": "cls_input_b4.bin"},
           "outputs": [{"name": "logits", "shape": [4, len(STATES)], "file": "cls_logits_b4.bin"},
                       {"name": "cam", "shape": [4, len(STATES), IN // CAM_STRIDE, IN // CAM_STRIDE],
                        "file": "cls_cam_b4.bin"}],
           "states": STATES,
           "preprocess": {"crop": "frame[y:y+h, x:x+w]", "resize": "cv2.resize INTER_LINEAR to 64x64",
                          "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
           "images": []}
    for b, (n, name, (rx, ry, rw, rh)) in enumerate(where):
        c = int(prob[b].argmax())
        k = int(cam[b, c].argmax())
        cy, cx = divmod(k, cam.shape[3])
        truth = next(r for r in gt[n]["regions"] if r["region"] == name)
        exp["images"].append({"batch_index": b, "frame": n, "png": f"cls_frame_{n}.png", "region": name,
                              "box": [rx, ry, rw, rh], "probabilities": [round(float(p), 6) for p in prob[b]],
                              "state": STATES[c], "cam_peak_cell": [cx, cy],
                              "cam_peak": [rx + (cx + 0.5) * CAM_STRIDE * rw / IN, ry + (cy + 0.5) * CAM_STRIDE * rh / IN],
                              "ground_truth": truth})
    with open(os.path.join(OUT, "cls_frames.json"), "w") as fo:
        json.dump(exp, fo, indent=1)
        fo.write("\n")
    for im in exp["images"]:
        print(im["frame"], im["region"], im["state"], im["probabilities"], im["cam_peak"], im["ground_truth"])


if __name__ == "__main__":
    main()

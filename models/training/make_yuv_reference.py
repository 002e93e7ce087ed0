#!/usr/bin/env python3
"""Reference letterboxes of I420 (yuv420p) sources for the Java tests (src/test/resources/tensors/).

    /usr/bin/python3 models/training/make_yuv_reference.py            # from the repo root

1. yuv_1080p.mp4: frames 160 and 330 of samples/conveyor.mp4 scaled to 1920x1080 (bicubic),
   H.264 (libx264 crf 20, yuv420p), 2 frames: a camera-sized source;
2. for samples/conveyor.mp4 (640x360) and yuv_1080p.mp4, each frame the test reads is decoded by
   the ffmpeg command line into its raw yuv420p planes (no conversion), converted by OpenCV
   (cv2.COLOR_YUV2BGR_I420, BT.601 limited range) and letterboxed as in training
   (train_detector.letterbox: cv2.resize INTER_LINEAR, pad 114) -> yuv_<source>_<n>_letterbox.png;
   the 640x360 frame 160 also as full-size BGR -> yuv_conveyor_160_bgr.png;
3. yuv_reference.json: per image, its source, frame index, size and letterbox.
H.264 decoding is bit-exact, so linewatch's own decoder gives the same planes.
"""
import json
import os
import subprocess
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_detector import letterbox  # noqa: E402

OUT = "src/test/resources/tensors"
CLIP = "samples/conveyor.mp4"
BIG = os.path.join(OUT, "yuv_1080p.mp4")


def planes(path, index, w, h):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", f"select=eq(n\\,{index})", "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"], check=True, capture_output=True).stdout
    assert len(raw) == w * h * 3 // 2, len(raw)
    return np.frombuffer(raw, np.uint8).reshape(h * 3 // 2, w)


def main():
    subprocess.run(["ffmpeg", "-y", "-v", "error", "-i", CLIP, "-vf",
                    "select='eq(n\\,160)+eq(n\\,330)',scale=1920:1080:flags=bicubic", "-vsync", "vfr",
                    "-frames:v", "2", "-c:v", "libx264", "-crf", "20", "-pix_fmt", "yuv420p", BIG], check=True)
    images = []
    for source, path, w, h, frames in [("conveyor", CLIP, 640, 360, [160, 330]), ("1080p", BIG, 1920, 1080, [0, 1])]:
        for n in frames:
            bgr = cv2.cvtColor(planes(path, n, w, h), cv2.COLOR_YUV2BGR_I420)
            if source == "conveyor" and n == 160:
                cv2.imwrite(os.path.join(OUT, "yuv_conveyor_160_bgr.png"), bgr, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            lb, r, pad = letterbox(bgr)
            name = f"yuv_{source}_{n}_letterbox.png"
            cv2.imwrite(os.path.join(OUT, name), lb, [cv2.IMWRITE_PNG_COMPRESSION, 9])
            images.append({"source": os.path.relpath(path), "frame": n, "width": w, "height": h, "letterbox": name,
                           "scale": r, "pad_left": pad[0], "pad_top": pad[1]})
    with open(os.path.join(OUT, "yuv_reference.json"), "w") as f:
        json.dump({"images": images}, f, indent=1)
        f.write("\n")
    print(json.dumps(images))


if __name__ == "__main__":
    main()

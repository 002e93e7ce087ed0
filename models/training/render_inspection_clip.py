#!/usr/bin/env python3
"""Render the inspection sample clip, its true masks and its ground truth.

    /usr/bin/python3 models/training/render_inspection_clip.py            # from the repo root

writes (ffmpeg CLI):
    samples/inspection.mp4        384x288, 10 fps, 300 frames, H.264 (libx264, yuv420p, crf 18)
    samples/inspection.masks.mkv  FFV1 gray (8-bit, lossless), same size and frame count;
                                  pixel value = class index (0 background, 1 scratch, 2 stain, 3 dent, 4 crack)
    samples/inspection.gt.jsonl   one line per frame (0-based, decode order):
        {"frame": n, "item": id-or-null, "defects": [{"class": "scratch", "box": [x1, y1, x2, y2],
         "area_px": N, "item": id}]}

Seeds: InspectionClip(CLIP_SEED); per-frame sensor noise uses [CLIP_SEED, frame].  Training uses
render_sample seeds [0, 1_000_000) and the held-out set [5_000_000, 5_001_000): no overlap.

Rules: a pixel is a defect pixel when its centre is inside the defect (see surface_world) and on
the panel.  "item" is the panel covering the widest part of the frame (null: belt only).  A defect
is listed when at least surface_world.MIN_AREA_SRC (24) of its pixels are in the frame; box is
the tight box of those pixels (x2/y2 exclusive), area_px their count.  Items are numbered 0, 1, ...
in order of appearance.  Clip defects never overlap, so the class map is exact.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import surface_world as sw  # noqa: E402

CLIP_SEED = 9_100_001
N_FRAMES = 300
FPS = 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="samples")
    ap.add_argument("--seed", type=int, default=CLIP_SEED)
    ap.add_argument("--frames", type=int, default=N_FRAMES)
    ap.add_argument("--crf", type=int, default=18)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    clip = sw.InspectionClip(args.seed, args.frames)
    mp4 = os.path.join(args.out, "inspection.mp4")
    mkv = os.path.join(args.out, "inspection.masks.mkv")
    raw = ["-f", "rawvideo", "-s", f"{sw.W}x{sw.H}", "-r", str(FPS), "-i", "-"]
    enc = subprocess.Popen(["ffmpeg", "-y", "-loglevel", "error", "-pix_fmt", "bgr24"] + raw +
                           ["-c:v", "libx264", "-preset", "medium", "-crf", str(args.crf), "-g", "50",
                            "-pix_fmt", "yuv420p", "-movflags", "+faststart", mp4], stdin=subprocess.PIPE)
    menc = subprocess.Popen(["ffmpeg", "-y", "-loglevel", "error", "-pix_fmt", "gray"] + raw +
                            ["-c:v", "ffv1", "-level", "3", "-pix_fmt", "gray", "-fflags", "+bitexact",
                             "-flags:v", "+bitexact", mkv], stdin=subprocess.PIPE)
    lines = []
    for t in range(args.frames):
        img, cmap, gt = clip.frame(t)
        enc.stdin.write(img.tobytes())
        menc.stdin.write(cmap.tobytes())
        lines.append(json.dumps(gt))
    for p in (enc, menc):
        p.stdin.close()
        if p.wait() != 0:
            raise SystemExit("ffmpeg failed")
    with open(os.path.join(args.out, "inspection.gt.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # the brief: >= 2 defects of each class over the clip, several clean items, all fully seen
    recs = [json.loads(s) for s in lines]
    items_seen = sorted({r["item"] for r in recs if r["item"] is not None})
    by_class = {c: 0 for c in sw.CLASSES}
    for k in items_seen:
        p = clip.items[k][0]
        for d in p.defects:
            by_class[sw.CLASSES[d.cls]] += 1
    clean = [k for k in items_seen if not clip.items[k][0].defects]
    assert all(v >= 2 for v in by_class.values()), by_class
    assert len(clean) >= 3, clean
    for k in items_seen:   # each planned defect is wholly in view in some frame
        p = clip.items[k][0]
        for d in p.defects:
            full = int((d.raster((p.h, p.w)) & p.region((p.h, p.w), (0, 0), 1.0)).sum())
            best = max((e["area_px"] for r in recs for e in r["defects"]
                        if e["item"] == k and e["class"] == sw.CLASSES[d.cls]), default=0)
            assert best >= full, (k, sw.CLASSES[d.cls], best, full)
    print(f"{mp4}: {os.path.getsize(mp4) / 1e6:.2f} MB, {mkv}: {os.path.getsize(mkv) / 1e6:.2f} MB, "
          f"{args.frames} frames; items in view {items_seen}; clean {clean}; defects per class {by_class}")
    for k in items_seen:
        fr = [r["frame"] for r in recs if r["item"] == k]
        p = clip.items[k][0]
        print(f"  item {k}: {p.surface} {p.w}x{p.h}, main item in frames {fr[0]}..{fr[-1]}, defects "
              f"{[sw.CLASSES[d.cls] for d in p.defects]}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Render the shipped sample clip and its ground truth.

    /usr/bin/python3 models/training/render_clip.py            # from the repo root

writes samples/conveyor.mp4 (H.264 via the ffmpeg CLI), samples/conveyor.gt.jsonl and
samples/conveyor.appearances.json.

Seeds: the clip uses ConveyorClip(seed=CLIP_SEED); per-frame sensor noise is seeded with
[CLIP_SEED, frame].  Training scenes use seeds [0, 1_000_000) and the held-out scenes
[5_000_000, 5_001_000) (see train_detector.py): no overlap with CLIP_SEED.

Ground truth rule: an object is listed in a frame only when at least 40 % of its opaque
area (alpha > 0.5) lies inside the frame; boxes are the tight box of the opaque pixels
clipped to the frame, [x1, y1, x2, y2] with x2/y2 exclusive pixel edges, source pixels.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conveyor_world as cw  # noqa: E402

CLIP_SEED = 9_000_001
N_FRAMES = 1000
FPS = 25


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="samples")
    ap.add_argument("--seed", type=int, default=CLIP_SEED)
    ap.add_argument("--frames", type=int, default=N_FRAMES)
    ap.add_argument("--crf", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    clip = cw.ConveyorClip(args.seed, args.frames)
    mp4 = os.path.join(args.out, "conveyor.mp4")
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
           "-s", f"{cw.W}x{cw.H}", "-r", str(FPS), "-i", "-",
           "-c:v", "libx264", "-preset", "medium", "-crf", str(args.crf), "-g", "50",
           "-pix_fmt", "yuv420p", "-movflags", "+faststart", mp4]
    enc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    lines = []
    spans = {}
    for t in range(args.frames):
        img, objs = clip.frame(t)
        enc.stdin.write(img.tobytes())
        keep = []
        for o in objs:
            if o["visible"] < cw.VISIBLE_MIN:
                continue
            keep.append({"class": cw.CLASSES[o["class"]], "track": o["track"],
                         "box": [round(v, 2) for v in o["box"]]})
            if o["class"] == 1:
                sp = spans.setdefault(o["track"], [t, t])
                sp[1] = t
        keep.sort(key=lambda o: o["track"])
        lines.append(json.dumps({"frame": t, "objects": keep}))
    enc.stdin.close()
    if enc.wait() != 0:
        raise SystemExit("ffmpeg failed")
    with open(os.path.join(args.out, "conveyor.gt.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    apps = [{"track": k, "class": "foreign_object", "first_frame": v[0], "last_frame": v[1]}
            for k, v in sorted(spans.items(), key=lambda kv: kv[1][0])]
    with open(os.path.join(args.out, "conveyor.appearances.json"), "w") as f:
        json.dump({"fps": FPS, "frames": args.frames, "appearances": apps}, f, indent=1)
        f.write("\n")
    # sanity checks of the brief: 6-8 appearances, first 4 s clean, >= 75 clean frames between
    assert 6 <= len(apps) <= 8, apps
    assert apps[0]["first_frame"] >= 100, apps
    for a, b in zip(apps, apps[1:]):
        assert b["first_frame"] - a["last_frame"] - 1 >= 75, (a, b)
    print(f"{mp4}: {os.path.getsize(mp4) / 1e6:.2f} MB, {len(apps)} foreign-object appearances")
    for a in apps:
        print("  ", a, clip.modes[[o["track"] for o in clip.objs if o["sprite"].cls == 1].index(a["track"])])


if __name__ == "__main__":
    main()

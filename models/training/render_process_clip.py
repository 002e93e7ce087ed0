#!/usr/bin/env python3
"""Render the process-camera sample clip samples/process.mp4 and its ground truth samples/process.gt.jsonl.

    /usr/bin/python3 models/training/render_process_clip.py            # from the repo root

``process_world.ProcessClip(CLIP_SEED = 9_200_001)``: a 320x240 camera at 10 fps for 45 s (450 frames)
looking at two sight glasses, regions ``glass_a`` [52, 72, 96, 96] and ``glass_b`` [172, 72, 96, 96]
(x, y, width, height).  glass_a: normal, foaming from 8 s, normal from 16 s, discoloured from 24 s,
normal from 33 s; glass_b: normal, low_level from 12 s, normal from 22 s, foaming from 30 s, normal
from 38 s.  Contents are redrawn at each change (seeds [9_200_001, 1, k, ...]); the surface wobbles
and the level drifts; every frame has its own lighting and sensor noise (seed [9_200_001, 2, frame]).
Training crops use seeds [0, 1_000_000) and [2_000_000, 3_000_000), the held-out set
[5_000_000, 5_001_000): the clip's seed is in none.

H.264 (libx264, crf 24, GOP 20, yuv420p) from raw BGR through the ffmpeg CLI.  Ground truth, one line a
frame (0-based decode order): ``{"frame": n, "time_s": t, "regions": [{"region": "glass_a", "state":
"normal", "box": null}, ...]}`` where ``box`` is the abnormal region's [x1, y1, x2, y2] in frame
pixels (x2/y2 exclusive; see process_world for what it covers) or null for ``normal``.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import process_world as pw  # noqa: E402


def main():
    clip = pw.ProcessClip()
    os.makedirs("samples", exist_ok=True)
    mp4 = "samples/process.mp4"
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
           "-s", f"{pw.FRAME_W}x{pw.FRAME_H}", "-r", str(clip.FPS), "-i", "-",
           "-c:v", "libx264", "-preset", "medium", "-crf", "24", "-g", "20", "-bf", "0",
           "-pix_fmt", "yuv420p", "-fflags", "+bitexact", "-flags:v", "+bitexact", mp4]
    enc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    lines = []
    for n in range(clip.frames):
        img, truth = clip.render(n)
        enc.stdin.write(img.tobytes())
        regions = [{"region": k, "state": s, "box": b} for k, (s, b) in truth.items()]
        lines.append(json.dumps({"frame": n, "time_s": round(n / clip.FPS, 3), "regions": regions}))
    enc.stdin.close()
    if enc.wait() != 0:
        raise SystemExit("ffmpeg failed")
    with open("samples/process.gt.jsonl", "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{mp4}: {os.path.getsize(mp4) / 1e6:.2f} MB, {clip.frames} frames")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Render the radiometric sample clip samples/motor.mkv and its ground truth samples/motor.gt.jsonl.

    /usr/bin/python3 models/training/render_thermal_clip.py            # from the repo root

A motor housing with cooling fins, its shaft and a bearing on a steel frame, a switchgear box
with a cable run to the motor's terminal box, ambient about 25 degC with a slow drift of
+-0.4 K.  The bearing hotspot (Gaussian, sigma 5 px, centred on pixel (128, 62), i.e. at
continuous coordinates (128.5, 62.5)) heats from 45 degC past 80 degC (crossing 80 once at about
14.6 s, staying above it for about 9.7 s), then cools below 70 degC (at about 26.3 s) and stays
below; a cable-joint hotspot (sigma 2.5 px) stays at about 50 degC.

Camera model: Lepton-3.5-style radiometric 160x120, TLinear counts (kelvin = counts * 0.01),
9 fps, 324 frames (36 s).  The file stores APPARENT temperature for emissivity 0.95 and reflected
temperature 20 degC (T_app^4 = e*T_obj^4 + (1-e)*T_refl^4), plus white sensor noise of 0.06 K
(seeded with [CLIP_SEED, frame]), rounded to counts, as FFV1 (level 3) gray16le in Matroska,
written with the ffmpeg CLI from raw gray16le.

Ground truth (one JSON line per frame, 0-based decode order): max/avg/min of the noise-free
OBJECT temperature over the pixel grid (pixel centres), and the hotspots (Gaussian blobs of
amplitude >= 8 K) with their centre in continuous source pixel coordinates (pixel centres at
k + 0.5) and peak_c = the noise-free object temperature at that centre, all in degC.

Seeds: training scenes use [0, 1_000_000), held-out scenes [5_000_000, 5_001_000); the clip's
noise uses CLIP_SEED = 9_100_001 (per frame: HashRng seed CLIP_SEED * 1000 + frame), in neither.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thermal_world as tw  # noqa: E402

CLIP_SEED = 9_100_001
FPS = 9
N_FRAMES = 324
EMISSIVITY = 0.95
T_REFL_K = 293.15
NOISE_K = 0.06
BEARING = (128.5, 62.5)
JOINT = (101.5, 36.0)


def smoothstep(v):
    v = min(max(v, 0.0), 1.0)
    return v * v * (3 - 2 * v)


def bearing_peak_c(t_s):
    """Bearing hotspot peak (degC): 45 -> 86 (4..18 s), plateau, -> 62 (22..29 s), -> 60 (29..36 s)."""
    return (45.0 + 41.0 * smoothstep((t_s - 4.0) / 14.0) - 24.0 * smoothstep((t_s - 22.0) / 7.0)
            - 2.0 * smoothstep((t_s - 29.0) / 7.0))


def joint_peak_c(t_s):
    return 50.0 + 0.4 * math.sin(2 * math.pi * t_s / 13.0)


def scene_params(t_s):
    """thermal_world parameters (batch of 1) for time t_s, hotspot amplitudes still zero."""
    z = lambda *s: torch.zeros(1, *s)  # noqa: E731
    amb = 25.0 + 0.4 * math.sin(2 * math.pi * t_s / 36.0)
    heat = smoothstep((t_s - 4.0) / 20.0)            # the motor housing warms a little with the bearing
    p = {"ambient": torch.tensor([amb]), "grad": torch.tensor([[0.6, -0.8]]), "vignette": torch.tensor([-1.0]),
         "noise": torch.tensor([NOISE_K]), "seeds": torch.tensor([0])}
    # slot: (type, cx, cy, angle, hx, hy, corner, delta, gmag, gdir, soft, fin_amp, fin_period, inner_r, inner_d)
    eq = [
        (tw.EQ_SWITCHGEAR, 10.0, 18.0, 0.0, 22.0, 26.0, 1.0, 3.0, 1.0, 1.6, 0.5, 0.0, 4.0, 0.0, 0.0),   # box, top left
        (tw.EQ_CABLE, 80.0, 96.0, 0.0, 84.0, 2.5, 2.5, 0.8, 0.5, 0.0, 0.6, 0.0, 4.0, 0.0, 0.0),        # frame beam
        (tw.EQ_MOTOR, 64.0, 62.0, 0.0, 38.0, 20.0, 5.0, 6.0 + 3.0 * heat, 2.0, 0.0, 0.6, 0.8, 4.0, 0.0, 0.0),
        (tw.EQ_CABLE, 114.0, 62.0, 0.0, 12.0, 2.0, 2.0, 5.0 + 2.0 * heat, 1.0, 0.0, 0.5, 0.0, 4.0, 0.0, 0.0),  # shaft
        (tw.EQ_BEARING, BEARING[0], BEARING[1], 0.0, 11.0, 11.0, 11.0, 5.0, 1.0, 3.1, 0.6, 0.0, 4.0, 4.0, 1.5),
        (tw.EQ_CABLE, 67.0, 35.5, 0.0, 45.0, 1.8, 1.8, 3.0, 1.0, 0.0, 0.5, 0.0, 4.0, 0.0, 0.0),        # cable run
    ]
    cols = list(zip(*eq))
    names = ["eq_type", "eq_cx", "eq_cy", "eq_angle", "eq_hx", "eq_hy", "eq_corner", "eq_delta", "eq_gmag",
             "eq_gdir", "eq_soft", "eq_fin_amp", "eq_fin_period", "eq_inner_r", "eq_inner_delta"]
    for n, c in zip(names, cols):
        p[n] = torch.tensor([c], dtype=torch.long if n == "eq_type" else torch.float32)
    p["eq_on"] = torch.ones(1, tw.MAX_EQ, dtype=torch.bool)
    p["hot_on"] = torch.tensor([[True, True, False]])
    p["hot_x"] = torch.tensor([[BEARING[0], JOINT[0], 0.0]])
    p["hot_y"] = torch.tensor([[BEARING[1], JOINT[1], 0.0]])
    p["hot_sigma"] = torch.tensor([[5.0, 2.5, 1.0]])
    p["hot_amp"] = z(3)
    p["blob_on"] = torch.tensor([[True, False]])
    p["blob_x"], p["blob_y"] = torch.tensor([[30.0, 0.0]]), torch.tensor([[112.0, 0.0]])
    p["blob_amp"], p["blob_sigma"] = torch.tensor([[1.5, 0.0]]), torch.tensor([[18.0, 5.0]])
    return p


def frame(t):
    """Frame t -> (counts uint16 [120,160], gt dict)."""
    t_s = t / FPS
    p = scene_params(t_s)
    hx, hy = p["hot_x"], p["hot_y"]
    base = tw.field(p, hx, hy)[0]                     # object temperature at the centres without the hotspots
    want = torch.tensor([bearing_peak_c(t_s), joint_peak_c(t_s), 0.0])
    # each hotspot is far from the other (> 5 sigma): its amplitude sets its own peak
    p["hot_amp"] = (want - base).clamp(min=0)[None]
    p["hot_amp"][0, 2] = 0.0
    xs, ys = tw.pixel_grid()
    clean = tw.field(p, xs, ys)[0].double().numpy()
    peak = tw.field(p, hx, hy)[0].double().numpy()
    z = tw.HashRng(torch.tensor([CLIP_SEED * 1000 + t]), tag=0x5E45).normal(tw.H, tw.W)[0].double().numpy()
    t_app = tw.apparent_from_object(clean + tw.KELVIN, EMISSIVITY, T_REFL_K)
    counts = np.round((t_app + NOISE_K * z) * tw.COUNTS_PER_K).astype(np.uint16)
    hots = []
    for k in range(2):
        assert float(p["hot_amp"][0, k]) >= tw.HOTSPOT_MIN_K, (t, k, p["hot_amp"])
        hots.append({"x": round(float(hx[0, k]), 3), "y": round(float(hy[0, k]), 3), "peak_c": round(float(peak[k]), 3)})
    gt = {"frame": t, "max_c": round(float(clean.max()), 3), "avg_c": round(float(clean.mean()), 3),
          "min_c": round(float(clean.min()), 3), "hotspots": hots}
    return counts, gt, clean


def read_counts(mkv):
    """Decode a gray16le clip with the ffmpeg CLI -> uint16 counts [N, 120, 160]."""
    dec = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", mkv, "-f", "rawvideo", "-pix_fmt", "gray16le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(dec, "<u2").reshape(-1, tw.H, tw.W)


def model_input(counts, emissivity=EMISSIVITY, t_refl_k=T_REFL_K):
    """Counts -> model input [N, 1, 120, 160] float32: kelvin = counts * 0.01 (apparent), object
    temperature by the emissivity correction, n = (T_obj - 273.15) / 100; computed in float64."""
    t_app = np.asarray(counts, np.float64) * 0.01
    t_obj = tw.object_from_apparent(t_app, emissivity, t_refl_k)
    return ((t_obj - tw.KELVIN) / 100.0).astype(np.float32)[:, None]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="samples")
    ap.add_argument("--frames", type=int, default=N_FRAMES)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    mkv = os.path.join(args.out, "motor.mkv")
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "gray16le", "-s", f"{tw.W}x{tw.H}",
           "-r", str(FPS), "-i", "-", "-c:v", "ffv1", "-level", "3", "-pix_fmt", "gray16le",
           "-fflags", "+bitexact", "-flags:v", "+bitexact", mkv]    # bitexact: no random ids, same bytes every run
    enc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    lines, raw, peaks = [], [], []
    for t in range(args.frames):
        counts, gt, _ = frame(t)
        enc.stdin.write(counts.astype("<u2").tobytes())
        raw.append(counts)
        lines.append(json.dumps(gt))
        peaks.append(gt["hotspots"][0]["peak_c"])
    enc.stdin.close()
    if enc.wait() != 0:
        raise SystemExit("ffmpeg failed")
    with open(os.path.join(args.out, "motor.gt.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # lossless round trip
    back = read_counts(mkv)
    assert back.shape[0] == args.frames and np.array_equal(back, np.stack(raw)), "FFV1 round trip differs"
    # the story of the brief: crosses 80 once, >= 6 s above, then below 70 for good
    pk = np.array(peaks)
    above = pk > 80.0
    runs = np.flatnonzero(np.diff(above.astype(int)) != 0)
    first_above = int(np.argmax(above))
    last_above = int(len(above) - 1 - np.argmax(above[::-1]))
    below70 = int(np.flatnonzero(pk[last_above:] < 70.0)[0]) + last_above
    print(f"{mkv}: {os.path.getsize(mkv) / 1e6:.2f} MB, {args.frames} frames at {FPS} fps; bearing peak "
          f"{pk.min():.1f}..{pk.max():.1f} degC, > 80 from frame {first_above} to {last_above} "
          f"({(last_above - first_above + 1) / FPS:.1f} s), < 70 from frame {below70} on; transitions {len(runs)}")
    if args.frames == N_FRAMES:
        assert len(runs) == 2 and (last_above - first_above + 1) / FPS >= 6.0
        assert (pk[below70:] < 70.0).all()


if __name__ == "__main__":
    main()

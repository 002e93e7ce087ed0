#!/usr/bin/env python3
"""Reference tensors of the thermal model for the Java tests (src/test/resources/tensors/thermal_*).

    /usr/bin/python3 models/training/make_thermal_reference_tensors.py        # from the repo root

1. decodes samples/motor.mkv with the ffmpeg CLI (gray16le) and takes frames FRAMES (0-based);
2. kelvin = counts * 0.01 (apparent temperature), emissivity correction with e = 0.95 and
   reflected temperature 293.15 K: T_obj = ((T_app^4 - (1 - e) * T_refl^4) / e)^(1/4), then
   n = (T_obj - 273.15) / 100, all in float64, cast to float32 -> thermal_input_b2.bin
   [2, 1, 120, 160] float32 little-endian;
3. runs the PyTorch model (models/thermal-hotspot.pt, CPU, float32, one thread) ->
   thermal_temps_b2.bin [2, 3] and thermal_heatmap_b2.bin [2, 1, 60, 80] (float32 LE);
4. thermal_frames.json: frame numbers, calibration, the model's temperatures in degC
   (v * 100), the decoded hotspots (train_thermal.decode_heatmap, threshold 0.3) and the ground
   truth lines of samples/motor.gt.jsonl for those frames.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_thermal_clip as rc  # noqa: E402
from train_thermal import DECODE_THRESHOLD, build_model, decode_heatmap, peak_from_input  # noqa: E402

FRAMES = [45, 180]     # bearing at 45.6 degC below the cable joint (50.3); bearing at 85.8 degC, above 80
OUT = "src/test/resources/tensors"


def main():
    os.makedirs(OUT, exist_ok=True)
    counts = rc.read_counts("samples/motor.mkv")[FRAMES]
    x = np.ascontiguousarray(rc.model_input(counts), dtype="<f4")
    assert x.shape == (2, 1, 120, 160)
    x.tofile(os.path.join(OUT, "thermal_input_b2.bin"))
    torch.set_num_threads(1)
    model = build_model("models/thermal-hotspot.pt")
    with torch.no_grad():
        t, h = model(torch.from_numpy(x))
    t, h = t.numpy().astype("<f4"), h.numpy().astype("<f4")
    t.tofile(os.path.join(OUT, "thermal_temps_b2.bin"))
    h.tofile(os.path.join(OUT, "thermal_heatmap_b2.bin"))
    with torch.no_grad():    # batch 1 must give the same numbers
        for i in range(2):
            t1, h1 = model(torch.from_numpy(x[i:i + 1]))
            assert np.abs(t1.numpy() - t[i:i + 1]).max() < 1e-6 and np.abs(h1.numpy() - h[i:i + 1]).max() < 1e-6
    gts = [json.loads(line) for line in open("samples/motor.gt.jsonl")]
    exp = {"clip": "samples/motor.mkv", "frames": FRAMES,
           "calibration": {"kelvin_per_count": 0.01, "offset_k": 0.0, "emissivity": rc.EMISSIVITY,
                           "reflected_k": rc.T_REFL_K},
           "input": {"name": "thermal", "shape": [2, 1, 120, 160],
                     "unit": "n = (T_object_kelvin - 273.15) / 100, computed in float64 then cast to float32"},
           "outputs": {"temps": {"shape": [2, 3], "order": ["max", "avg", "min"], "unit": "degC = v * 100"},
                       "heatmap": {"shape": [2, 1, 60, 80], "stride": 2}},
           "decode": {"threshold": DECODE_THRESHOLD, "peak": "p >= threshold and p >= all neighbours in the 3x3 "
                      "window inside the map", "refine": "probability-weighted centroid of the 3x3 window clipped "
                      "to the map; x_px = 2 * (j_ref + 0.5), y_px = 2 * (i_ref + 0.5)",
                      "peak_c": "max of the corrected input (degC) over the 5x5 pixels centred on pixel "
                      "(floor(y_px), floor(x_px)), clipped to the frame"},
           "results": []}
    for k, fn in enumerate(FRAMES):
        t_c = x[k, 0].astype(np.float64) * 100.0
        hots = [{"x": round(hx, 4), "y": round(hy, 4), "score": round(s, 6),
                 "peak_c": round(peak_from_input(t_c, hx, hy), 4)} for hx, hy, s in decode_heatmap(h[k, 0])]
        exp["results"].append({
            "frame": fn,
            "temps_c": {"max": round(float(t[k, 0]) * 100, 4), "avg": round(float(t[k, 1]) * 100, 4),
                        "min": round(float(t[k, 2]) * 100, 4)},
            "input_c": {"max": round(float(t_c.max()), 4), "min": round(float(t_c.min()), 4)},
            "hotspots": hots, "ground_truth": gts[fn]})
    with open(os.path.join(OUT, "thermal_frames.json"), "w") as fo:
        json.dump(exp, fo, indent=1)
        fo.write("\n")
    for r in exp["results"]:
        print(r["frame"], r["temps_c"], [(d["x"], d["y"], d["score"], d["peak_c"]) for d in r["hotspots"]])
        print("   gt", r["ground_truth"])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Rebuild models/thermal-hotspot.onnx from the PyTorch weights models/thermal-hotspot.pt.

    /usr/bin/python3 models/training/export_thermal_onnx.py [--weights models/thermal-hotspot.pt] [--out models/thermal-hotspot.onnx]

Opset 17, input 'thermal' [batch, 1, 120, 160], outputs 'temps' [batch, 3] and 'heatmap'
[batch, 1, 60, 80], dynamic batch axis only.  Works with Debian's torch 1.13 (TorchScript
exporter) and with torch 2.x (dynamo=False).
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
from train_thermal import IN_H, IN_W, build_model, count_macs, export_onnx  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="models/thermal-hotspot.pt")
    ap.add_argument("--out", default="models/thermal-hotspot.onnx")
    args = ap.parse_args()
    model = build_model(args.weights)
    export_onnx(model, args.out, opset=17)
    nn_tools.describe_onnx(args.out)
    print("params", sum(p.numel() for p in model.parameters()), "MACs", count_macs(model))
    with torch.no_grad():
        t, h = model(0.25 + 0.1 * torch.rand(2, 1, IN_H, IN_W))
    print("torch outputs", tuple(t.shape), tuple(h.shape), "finite", bool(np.isfinite(t.numpy()).all()))


if __name__ == "__main__":
    main()

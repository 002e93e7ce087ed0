#!/usr/bin/env python3
"""Rebuild models/surface-defects.onnx from the PyTorch weights models/surface-defects.pt.

    /usr/bin/python3 models/training/export_segmenter_onnx.py [--weights models/surface-defects.pt] \
        [--out models/surface-defects.onnx]

Opset 17, input 'images' [B,3,192,256], output 'mask' [B,4,192,256], dynamic batch axis only.
BatchNorm is folded into the convolutions by the exporter (eval mode).  Works with Debian's
torch 1.13 (TorchScript exporter) and with torch 2.x (dynamo=False).
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
from train_segmenter import IN_H, IN_W, build_model, export_onnx  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="models/surface-defects.pt")
    ap.add_argument("--out", default="models/surface-defects.onnx")
    args = ap.parse_args()
    model = build_model(args.weights)
    export_onnx(model, args.out, opset=17)
    nn_tools.describe_onnx(args.out)
    with torch.no_grad():
        y = model(torch.rand(2, 3, IN_H, IN_W))
    print("torch output", tuple(y.shape), "finite", bool(np.isfinite(y.numpy()).all()))


if __name__ == "__main__":
    main()

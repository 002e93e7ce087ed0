#!/usr/bin/env python3
"""Rebuild models/process-state.onnx from the PyTorch weights models/process-state.pt.

    /usr/bin/python3 models/training/export_classifier_onnx.py [--weights models/process-state.pt] \
        [--out models/process-state.onnx]

Opset 17, input 'images' [B,3,64,64]; outputs 'logits' [B,4] and 'cam' [B,4,16,16] (the class-activation
map of every state, computed in the graph as a 1x1 convolution of the last block's activations with the
head's weights; logits = mean(cam) + bias); dynamic batch axis only.  BatchNorm is folded by the exporter
(eval mode).  Works with Debian's torch 1.13 (TorchScript exporter) and torch 2.x (dynamo=False).
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
from train_classifier import CAM_STRIDE, IN, STATES, build_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default="models/process-state.pt")
    ap.add_argument("--out", default="models/process-state.onnx")
    args = ap.parse_args()
    model = build_model(args.weights)
    cam = IN // CAM_STRIDE
    nn_tools.export_onnx(model, torch.zeros(1, 3, IN, IN), args.out, "images", ["logits", "cam"],
                         output_dims={0: [len(STATES)], 1: [len(STATES), cam, cam]},
                         doc="linewatch process-state classifier; states " + ",".join(STATES))
    nn_tools.describe_onnx(args.out)
    with torch.no_grad():
        logits, cams = model(torch.rand(2, 3, IN, IN))
    print("torch outputs", tuple(logits.shape), tuple(cams.shape), "finite",
          bool(np.isfinite(logits.numpy()).all() and np.isfinite(cams.numpy()).all()))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A YOLOv8n-shaped detector with random weights, for benchmarks at a real model size (issue 22).

    /usr/bin/python3 models/training/make_yolov8n_shaped.py [OUT.onnx]     # from the repo root
                                                          # default /tmp/yolov8n-shaped-640.onnx

The layers of Ultralytics' yolov8n.yaml (width 0.25, depth 0.33): the CSP backbone with C2f blocks
and SPPF, the PAN neck, and the decoupled head with DFL (16 bins) at strides 8, 16 and 32, for 80
classes at 640x640: input images [B, 3, 640, 640], output0 [B, 84, 8400] (cx, cy, w, h in input
pixels, 80 sigmoid scores), dynamic batch, metadata as Ultralytics exports write it. Convolutions
carry a bias instead of batch norm (an export folds the norm into the bias anyway). Weights are
random (seeded); the class biases start where Ultralytics starts them (log(5 / nc / (640 / s)^2)),
so scores stay low and NMS gets the handful of boxes a real scene gives, not 8400. It computes
nothing useful: it costs what YOLOv8n costs (the script prints its parameters and GFLOPs: about
3.2 M and 8.7). Not committed (12 MB): make it when benchmarking.
"""
import math
import os
import sys

import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_tools import export_onnx  # noqa: E402

SIZE, NC, REG_MAX = 640, 80, 16
STRIDES = (8, 16, 32)


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=True)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.conv(x))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut):
        super().__init__()
        self.cv1, self.cv2, self.add = Conv(c, c, 3), Conv(c, c, 3), shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n, shortcut):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c = c1 // 2
        self.cv1, self.cv2 = Conv(c1, c, 1), Conv(4 * c, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        for _ in range(3):
            y.append(self.m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class Detect(nn.Module):
    def __init__(self, ch):
        super().__init__()
        c2, c3 = max(16, ch[0] // 4, 4 * REG_MAX), max(ch[0], min(NC, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(c, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * REG_MAX, 1)) for c in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(c, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, NC, 1)) for c in ch)
        with torch.no_grad():
            for conv, s in zip(self.cv3, STRIDES):
                conv[-1].bias.fill_(math.log(5 / NC / (SIZE / s) ** 2))
        self.register_buffer("bins", torch.arange(REG_MAX, dtype=torch.float32).view(1, REG_MAX, 1, 1))
        anchors, strides = [], []
        for s in STRIDES:
            n = SIZE // s
            ys, xs = torch.meshgrid(torch.arange(n) + 0.5, torch.arange(n) + 0.5, indexing="ij")
            anchors.append(torch.stack([xs.flatten(), ys.flatten()]))
            strides.append(torch.full((1, n * n), float(s)))
        self.register_buffer("anchors", torch.cat(anchors, 1))      # [2, 8400]
        self.register_buffer("strides", torch.cat(strides, 1))      # [1, 8400]

    def forward(self, xs):
        b = xs[0].shape[0]
        box = torch.cat([self.cv2[i](x).view(b, 4 * REG_MAX, -1) for i, x in enumerate(xs)], 2)
        cls = torch.cat([self.cv3[i](x).view(b, NC, -1) for i, x in enumerate(xs)], 2)
        # DFL: the expected bin of a softmax over 16 bins, per side (left, top, right, bottom)
        d = box.view(b, 4, REG_MAX, -1).transpose(1, 2).softmax(1)
        d = (d * self.bins.view(1, REG_MAX, 1, 1)).sum(1)           # [B, 4, 8400]
        lt, rb = d[:, :2], d[:, 2:]
        x1y1, x2y2 = self.anchors - lt, self.anchors + rb
        xywh = torch.cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], 1) * self.strides
        return torch.cat([xywh, cls.sigmoid()], 1)


class YoloV8n(nn.Module):
    def __init__(self):
        super().__init__()
        self.b0 = nn.Sequential(Conv(3, 16, 3, 2), Conv(16, 32, 3, 2), C2f(32, 32, 1, True),
                                Conv(32, 64, 3, 2), C2f(64, 64, 2, True))                    # P3
        self.b1 = nn.Sequential(Conv(64, 128, 3, 2), C2f(128, 128, 2, True))                # P4
        self.b2 = nn.Sequential(Conv(128, 256, 3, 2), C2f(256, 256, 1, True), SPPF(256, 256))  # P5
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.h12 = C2f(384, 128, 1, False)
        self.h15 = C2f(192, 64, 1, False)
        self.d16, self.h18 = Conv(64, 64, 3, 2), C2f(192, 128, 1, False)
        self.d19, self.h21 = Conv(128, 128, 3, 2), C2f(384, 256, 1, False)
        self.detect = Detect((64, 128, 256))

    def forward(self, x):
        p3 = self.b0(x)
        p4 = self.b1(p3)
        p5 = self.b2(p4)
        h12 = self.h12(torch.cat([self.up(p5), p4], 1))
        h15 = self.h15(torch.cat([self.up(h12), p3], 1))
        h18 = self.h18(torch.cat([self.d16(h15), h12], 1))
        h21 = self.h21(torch.cat([self.d19(h18), p5], 1))
        return self.detect([h15, h18, h21])


def gflops(model):
    """Multiply-adds of every convolution at 640x640, times 2 (as Ultralytics counts GFLOPs)."""
    total = [0]

    def hook(m, inputs, out):
        total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(torch.zeros(1, 3, SIZE, SIZE))
    for h in handles:
        h.remove()
    return 2 * total[0] / 1e9


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/yolov8n-shaped-640.onnx"
    torch.manual_seed(22)
    model = YoloV8n().eval()
    params = sum(p.numel() for p in model.parameters())
    print(f"YOLOv8n-shaped: {params / 1e6:.2f} M parameters, {gflops(model):.1f} GFLOPs at {SIZE}x{SIZE}")
    export_onnx(model, torch.zeros(1, 3, SIZE, SIZE), out, "images", ["output0"],
                doc="linewatch benchmark model: YOLOv8n-shaped, random weights (models/training/make_yolov8n_shaped.py)")
    m = onnx.load(out)
    meta = {"description": "YOLOv8n-shaped, random weights (linewatch benchmark)", "stride": 32, "task": "detect",
            "batch": 16, "imgsz": [SIZE, SIZE], "names": {i: f"class{i}" for i in range(NC)}, "channels": 3,
            "end2end": False}
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, str(v)
    onnx.checker.check_model(m)
    onnx.save(m, out)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

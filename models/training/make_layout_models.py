#!/usr/bin/env python3
"""Tiny ONNX models in each output layout linewatch decodes, with metadata written the way
Ultralytics exports write it, and a PyTorch reference decode of each (src/test/resources/models/layouts/).

    /usr/bin/python3 models/training/make_layout_models.py            # from the repo root

The weights are random (seeded): the models compute nothing useful, but their outputs have the
shapes and value ranges of real exports, so that a decoder that reads a layout wrongly gets other
boxes, masks or classes than the reference decode here.

- det_v8.onnx      [B, 3, 64, 64] -> output0 [B, 4+nc, 64] (cx, cy, w, h, nc sigmoid scores); dynamic batch
- det_v8_b1.onnx   the same, exported with a static batch of 1 (metadata batch 1)
- det_e2e.onnx     -> output0 [B, 20, 6]: x1, y1, x2, y2, score, class of the 20 best anchors (TopK in
                   the graph, no NMS needed), as YOLOv10 and YOLO26 export them; metadata end2end True
- seg_v8.onnx      -> output0 [B, 4+nc+32, 64] and output1 prototypes [B, 32, 16, 16] (H/4, W/4)
- cls.onnx         -> output0 [B, 5] softmax class probabilities; task classify
- input_b2.bin     float32 LE [2, 3, 64, 64], the batch every reference below decodes
- expected.json    per model: the raw output shapes and the decode of each frame:
  detection (v8, seg): max class score >= 0.25, class-aware greedy NMS IoU 0.45 (written here in
  torch, as torchvision.ops.batched_nms does it), at most 100, score descending;
  end2end: score >= 0.25, no NMS; seg masks: sigmoid(coefficients . prototypes) > 0.5 at prototype
  resolution, cropped to the box / 4 (pixel index >= x1/4 and < x2/4, as Ultralytics' crop_mask),
  written as rows of '0'/'1'; classification: the 5 classes by probability.

Metadata keys and values as Ultralytics' exporter writes them: each value str() of the Python value
(names a dict {0: 'bolt', ...}, imgsz a list [64, 64], end2end True/False).
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_tools import export_onnx  # noqa: E402

OUT = "src/test/resources/models/layouts"
SIZE, STRIDE, GRID = 64, 8, 8            # 8x8 anchors at stride 8
NAMES = {0: "bolt", 1: "nut", 2: "o'ring"}
CLS_NAMES = {0: "ok", 1: "scratch", 2: "dent", 3: "stain", 4: "crack"}
NM, TOPK = 32, 20
CONF, IOU, MAX_DET, MASK_T = 0.25, 0.45, 100, 0.5


class Backbone(nn.Module):
    def __init__(self, out):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 16, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(16, out, 3, 2, 1))
        with torch.no_grad():
            self.body[-1].weight.mul_(6.0)   # spread the scores: some anchors pass 0.25, most do not

    def forward(self, x):
        return self.body(x)                  # [B, out, 8, 8]


def grid():
    ys, xs = torch.meshgrid(torch.arange(GRID, dtype=torch.float32), torch.arange(GRID, dtype=torch.float32),
                            indexing="ij")
    return xs.reshape(1, -1), ys.reshape(1, -1)


def boxes_scores(t, nc):
    """t [B, 4+nc+..., 64] raw -> cx, cy, w, h [B, 4, 64] in input pixels, scores [B, nc, 64]."""
    gx, gy = grid()
    cx = (gx + 0.5 + torch.tanh(t[:, 0])) * STRIDE
    cy = (gy + 0.5 + torch.tanh(t[:, 1])) * STRIDE
    w = torch.exp(t[:, 2].clamp(-2, 2)) * 2 * STRIDE
    h = torch.exp(t[:, 3].clamp(-2, 2)) * 2 * STRIDE
    return torch.stack([cx, cy, w, h], 1), torch.sigmoid(8.0 * t[:, 4:4 + nc])


class DetV8(nn.Module):
    def __init__(self, nc):
        super().__init__()
        self.nc, self.net = nc, Backbone(4 + nc)

    def forward(self, x):
        t = self.net(x).flatten(2)
        box, score = boxes_scores(t, self.nc)
        return torch.cat([box, score], 1)            # [B, 4+nc, 64]


class DetE2E(nn.Module):
    def __init__(self, nc):
        super().__init__()
        self.nc, self.net = nc, Backbone(4 + nc)

    def forward(self, x):
        t = self.net(x).flatten(2)
        box, score = boxes_scores(t, self.nc)
        xyxy = torch.cat([box[:, :2] - box[:, 2:] / 2, box[:, :2] + box[:, 2:] / 2], 1)   # [B, 4, 64]
        best, cls = score.max(1)                                                      # [B, 64]
        top, idx = best.topk(TOPK, 1)                                                 # [B, 20]
        sel = torch.gather(xyxy, 2, idx.unsqueeze(1).expand(-1, 4, -1))               # [B, 4, 20]
        c = torch.gather(cls, 1, idx).float()
        return torch.cat([sel, top.unsqueeze(1), c.unsqueeze(1)], 1).transpose(1, 2)  # [B, 20, 6]


class SegV8(nn.Module):
    def __init__(self, nc):
        super().__init__()
        self.nc, self.net = nc, Backbone(4 + nc + NM)
        self.proto = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, NM, 3, 2, 1))
        with torch.no_grad():
            self.proto[-1].weight.mul_(8.0)   # masks with pixels on both sides of 0.5

    def forward(self, x):
        t = self.net(x).flatten(2)
        box, score = boxes_scores(t, self.nc)
        return torch.cat([box, score, 8.0 * t[:, 4 + self.nc:]], 1), self.proto(x)   # [B, 4+nc+32, 64], [B, 32, 16, 16]


class Cls(nn.Module):
    def __init__(self, nc):
        super().__init__()
        self.net = nn.Sequential(Backbone(nc), nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        return torch.softmax(self.net(x), 1)


def ultralytics_metadata(task, names, batch, end2end=False):
    """The keys and str() values of Ultralytics' exporter (engine/exporter.py, self.metadata)."""
    return {
        "description": f"linewatch test model ({task}, random weights)",
        "author": "linewatch (keys and values as Ultralytics exports write them)",
        "date": "2026-12-05T00:00:00",
        "version": "8.3.0",
        "license": "AGPL-3.0 License (https://ultralytics.com/license)",
        "docs": "https://docs.ultralytics.com",
        "stride": 32 if task == "classify" else STRIDE,
        "task": task,
        "batch": batch,
        "imgsz": [SIZE, SIZE],
        "names": names,
        "args": {"batch": batch, "half": False, "dynamic": batch != 1, "simplify": True, "opset": 17, "nms": False},
        "channels": 3,
        "end2end": end2end,
    }


def export(model, name, outputs, meta, dynamic=True):
    path = os.path.join(OUT, name)
    x = torch.zeros(1, 3, SIZE, SIZE)
    if dynamic:
        export_onnx(model, x, path, "images", outputs)
    else:
        torch.onnx.export(model.eval(), x, path, opset_version=17, input_names=["images"], output_names=outputs,
                          do_constant_folding=True)
    m = onnx.load(path)
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, str(v)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def nms(boxes, scores, classes, iou):
    """Greedy class-aware NMS (torchvision.ops.batched_nms semantics), indices best first."""
    order = torch.argsort(scores, descending=True, stable=True)
    keep = []
    for i in order.tolist():
        ok = True
        for j in keep:
            if classes[i] != classes[j]:
                continue
            lt = torch.maximum(boxes[i, :2], boxes[j, :2])
            rb = torch.minimum(boxes[i, 2:], boxes[j, 2:])
            inter = (rb - lt).clamp(min=0).prod()
            a = (boxes[i, 2:] - boxes[i, :2]).prod()
            b = (boxes[j, 2:] - boxes[j, :2]).prod()
            if inter / (a + b - inter) > iou:
                ok = False
                break
        if ok:
            keep.append(i)
        if len(keep) == MAX_DET:
            break
    return keep


def decode_v8(out, nc):
    """out [4+nc(+32), N] of one frame -> (kept anchor indices, boxes xyxy, scores, classes)."""
    box, scores = out[:4].T, out[4:4 + nc].T
    best, cls = scores.max(1)
    cand = torch.nonzero(best >= CONF).flatten()
    xyxy = torch.cat([box[:, :2] - box[:, 2:] / 2, box[:, :2] + box[:, 2:] / 2], 1)
    keep = cand[nms(xyxy[cand], best[cand], cls[cand], IOU)] if len(cand) else cand
    return keep, xyxy, best, cls


def dets(keep, xyxy, best, cls):
    return [{"anchor": int(i), "class": int(cls[i]), "score": round(float(best[i]), 6),
             "box": [round(float(v), 4) for v in xyxy[i]]} for i in keep]


def mask_rows(coef, protos, box):
    """One instance's mask at prototype resolution: sigmoid(coef . protos) > 0.5 inside box / 4."""
    mh, mw = protos.shape[1:]
    m = torch.sigmoid(coef @ protos.reshape(NM, -1)).reshape(mh, mw)
    x1, y1, x2, y2 = (box * torch.tensor([mw / SIZE, mh / SIZE, mw / SIZE, mh / SIZE])).tolist()
    r = torch.arange(mw, dtype=torch.float32).reshape(1, -1)
    c = torch.arange(mh, dtype=torch.float32).reshape(-1, 1)
    inside = (r >= x1) & (r < x2) & (c >= y1) & (c < y2)
    bits = (m > MASK_T) & inside
    return ["".join("1" if v else "0" for v in row) for row in bits.tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(18)
    torch.set_num_threads(1)
    x = torch.rand(2, 3, SIZE, SIZE)
    np.ascontiguousarray(x.numpy(), dtype="<f4").tofile(os.path.join(OUT, "input_b2.bin"))
    nc = len(NAMES)
    det, e2e, seg, cls = DetV8(nc).eval(), DetE2E(nc).eval(), SegV8(nc).eval(), Cls(len(CLS_NAMES)).eval()
    e2e.net.load_state_dict(det.net.state_dict())     # the same anchors: end2end is the v8 head, top 20
    export(det, "det_v8.onnx", ["output0"], ultralytics_metadata("detect", NAMES, 16))
    export(det, "det_v8_b1.onnx", ["output0"], ultralytics_metadata("detect", NAMES, 1), dynamic=False)
    export(e2e, "det_e2e.onnx", ["output0"], ultralytics_metadata("detect", NAMES, 16, end2end=True))
    export(seg, "seg_v8.onnx", ["output0", "output1"], ultralytics_metadata("segment", NAMES, 16))
    export(cls, "cls.onnx", ["output0"], ultralytics_metadata("classify", CLS_NAMES, 16))

    exp = {"input": "input_b2.bin", "size": SIZE, "conf": CONF, "iou": IOU, "max_det": MAX_DET, "mask_threshold": MASK_T,
           "names": [NAMES[i] for i in range(nc)], "cls_names": [CLS_NAMES[i] for i in range(len(CLS_NAMES))]}
    with torch.no_grad():
        y = det(x)
        exp["det_v8"] = {"shape": list(y.shape), "frames": [dets(*decode_v8(y[b], nc)) for b in range(2)]}
        y = e2e(x)
        exp["det_e2e"] = {"shape": list(y.shape), "frames": [
            [{"class": int(r[5]), "score": round(float(r[4]), 6), "box": [round(float(v), 4) for v in r[:4]]}
             for r in y[b] if float(r[4]) >= CONF] for b in range(2)]}
        y, protos = seg(x)
        frames = []
        for b in range(2):
            keep, xyxy, best, c = decode_v8(y[b], nc)
            ds = dets(keep, xyxy, best, c)
            for d, i in zip(ds, keep.tolist()):
                d["mask"] = mask_rows(y[b, 4 + nc:, i], protos[b], xyxy[i])
            frames.append(ds)
        exp["seg_v8"] = {"shape": list(y.shape), "protos": list(protos.shape), "frames": frames}
        p = cls(x)
        top = p.topk(5, 1)
        exp["cls"] = {"shape": list(p.shape), "frames": [
            [{"class": int(i), "score": round(float(s), 6)} for s, i in zip(top.values[b], top.indices[b])]
            for b in range(2)]}
    with open(os.path.join(OUT, "expected.json"), "w") as fo:
        json.dump(exp, fo, indent=1)
        fo.write("\n")
    for k in ("det_v8", "det_e2e", "seg_v8", "cls"):
        print(k, exp[k]["shape"], [len(f) for f in exp[k]["frames"]])
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the small anchor-free YOLO-style conveyor detector from scratch.

    python3 models/training/train_detector.py --out OUTDIR --tmp /tmp      # GPU machine, 16 cores
    python3 models/training/train_detector.py --eval-only models/conveyor-det.pt   # clip P/R (CPU)

Defaults = the shipped model's run: 48000 scenes rendered by 15 worker processes while
training runs, batch 256, AdamW lr 2.5e-3, 6.3 min wall-clock on one H100 (5072 steps).
Not bit-reproducible (wall-clock budget, asynchronous rendering order, cuDNN).

Seed ranges (never overlapping):
    training scenes    render_scene(seed), seed in [0, 1_000_000)   (the first --train-scenes of it)
    held-out scenes    render_scene(seed), seed in [5_000_000, 5_001_000)
    sample clip        ConveyorClip(9_000_001) (render_clip.py)
Augmentation RNGs are seeded with [seed, 7] (training) / [seed, 8] (held-out), i.e. derived
from the scene seed only.

Model contract (see models/conveyor-det.md):
    input  'images'  [B, 3, 224, 384] float32 RGB in [0, 1] (pixel / 255), letterboxed (pad 114)
    output 'output0' [B, 6, N] (N = 28*48 + 14*24 + 7*12 = 1764 anchors, strides 8/16/32):
           rows 0..3 box cx, cy, w, h in input pixels, rows 4..5 class scores after sigmoid.
    Anchor order: stride 8 grid row-major (y then x), then stride 16, then stride 32;
    anchor centre = ((ix + 0.5) * stride, (iy + 0.5) * stride).

Training: task-aligned assignment (TAL, topk 10, alpha 0.5, beta 6) as in YOLOv8, BCE for
classes with IoU-aware soft targets, GIoU for boxes, AdamW + cosine LR over a wall-clock
budget, EMA of the weights.  Data: rendered on the fly by worker processes (JPEG / blur
degradation on the CPU) plus GPU photometric augmentation (brightness, contrast, gamma,
colour, blur, noise, flips).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
import queue

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402

IN_W, IN_H = 384, 224
NC = 2
CLASSES = ["product", "foreign_object"]
STRIDES = (8, 16, 32)
TRAIN_SEEDS = (0, 1_000_000)
HELDOUT_SEEDS = (5_000_000, 5_001_000)
CLIP_SEED = 9_000_001
MAX_OBJ = 20


# ----------------------------------------------------------------------------- letterbox
def letterbox(img, new_shape=(IN_H, IN_W), color=(114, 114, 114)):
    """Ultralytics-style letterbox (auto=False, scaleup=True, centred).

    r = min(new_h / h, new_w / w); resized to (round(w * r), round(h * r)) with
    cv2.INTER_LINEAR (only when the size changes); padded with ``color``:
    left = round(dw / 2 - 0.1), top = round(dh / 2 - 0.1), right = dw - left, bottom = dh - top.
    For 640x360 -> 384x224: r = 0.6, 384x216, left = 0, top = 4, bottom = 4.
    Returns (image, r, (left, top)).
    """
    h, w = img.shape[:2]
    r = min(new_shape[0] / h, new_shape[1] / w)
    new_w, new_h = int(round(w * r)), int(round(h * r))
    dw, dh = new_shape[1] - new_w, new_shape[0] - new_h
    if (w, h) != (new_w, new_h):
        img = cv2.resize(img, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh / 2 - 0.1)), int(round(dh / 2 + 0.1))
    left, right = int(round(dw / 2 - 0.1)), int(round(dw / 2 + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=color)
    return img, r, (left, top)


def preprocess(bgr_frames):
    """List of BGR uint8 frames -> float32 NCHW RGB [0,1] batch (numpy) + letterbox params."""
    out, params = [], []
    for f in bgr_frames:
        lb, r, pad = letterbox(f)
        out.append(lb[:, :, ::-1].transpose(2, 0, 1))
        params.append((r, pad))
    return np.ascontiguousarray(np.stack(out)).astype(np.float32) / 255.0, params


# ----------------------------------------------------------------------------- model
class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut=True):
        super().__init__()
        self.cv1, self.cv2 = Conv(c, c, 3), Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut) for _ in range(n))
        self.cv2 = Conv((2 + n) * self.c, c2, 1)

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        for m in self.m:
            y.append(m(y[-1]))
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c_ * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        for _ in range(3):
            y.append(self.m(y[-1]))
        return self.cv2(torch.cat(y, 1))


def make_anchors(h=IN_H, w=IN_W, strides=STRIDES):
    pts, st = [], []
    for s in strides:
        gh, gw = h // s, w // s
        ys, xs = torch.meshgrid(torch.arange(gh, dtype=torch.float32), torch.arange(gw, dtype=torch.float32),
                                indexing="ij")
        pts.append(torch.stack([(xs.flatten() + 0.5) * s, (ys.flatten() + 0.5) * s], 0))
        st.append(torch.full((1, gh * gw), float(s)))
    return torch.cat(pts, 1), torch.cat(st, 1)   # [2, N], [1, N]


class ConveyorDet(nn.Module):
    """YOLOv8-like: C2f backbone, PAN neck, decoupled anchor-free head (ltrb distances)."""

    def __init__(self, nc=NC, w=(16, 24, 48, 96, 128), head_c=32):
        super().__init__()
        self.nc = nc
        c1, c2, c3, c4, c5 = w
        self.stem = nn.Sequential(Conv(3, c1, 3, 2), Conv(c1, c2, 3, 2), C2f(c2, c2, 1))        # /4
        self.b3 = nn.Sequential(Conv(c2, c3, 3, 2), C2f(c3, c3, 2))                            # /8
        self.b4 = nn.Sequential(Conv(c3, c4, 3, 2), C2f(c4, c4, 2))                            # /16
        self.b5 = nn.Sequential(Conv(c4, c5, 3, 2), C2f(c5, c5, 1), SPPF(c5, c5))              # /32
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.n4 = C2f(c5 + c4, c4, 1, False)
        self.n3 = C2f(c4 + c3, c3, 1, False)
        self.d3 = Conv(c3, c3, 3, 2)
        self.p4 = C2f(c3 + c4, c4, 1, False)
        self.d4 = Conv(c4, c4, 3, 2)
        self.p5 = C2f(c4 + c5, c5, 1, False)
        chs = (c3, c4, c5)
        self.box = nn.ModuleList(nn.Sequential(Conv(c, head_c, 3), Conv(head_c, head_c, 3),
                                               nn.Conv2d(head_c, 4, 1)) for c in chs)
        self.cls = nn.ModuleList(nn.Sequential(Conv(c, head_c, 3), Conv(head_c, head_c, 3),
                                               nn.Conv2d(head_c, nc, 1)) for c in chs)
        anc, st = make_anchors()
        self.register_buffer("anchors", anc, persistent=False)
        self.register_buffer("strides", st, persistent=False)
        self.export = True
        self._init_bias()

    def _init_bias(self):
        for b, c, s in zip(self.box, self.cls, STRIDES):
            b[-1].bias.data[:] = 1.0
            c[-1].bias.data[: self.nc] = math.log(5 / self.nc / (IN_W / s * IN_H / s))

    def raw(self, x):
        x = self.stem(x)
        p3 = self.b3(x)
        p4 = self.b4(p3)
        p5 = self.b5(p4)
        n4 = self.n4(torch.cat([self.up(p5), p4], 1))
        o3 = self.n3(torch.cat([self.up(n4), p3], 1))
        o4 = self.p4(torch.cat([self.d3(o3), n4], 1))
        o5 = self.p5(torch.cat([self.d4(o4), p5], 1))
        # constant grid sizes (the input size is fixed): keeps the exported output shape static
        ns = [(IN_H // s) * (IN_W // s) for s in STRIDES]
        box = torch.cat([m(f).reshape(-1, 4, n) for m, f, n in zip(self.box, (o3, o4, o5), ns)], 2)
        cls = torch.cat([m(f).reshape(-1, self.nc, n) for m, f, n in zip(self.cls, (o3, o4, o5), ns)], 2)
        ltrb = F.softplus(box) * self.strides          # [B, 4, N] distances in input pixels
        return ltrb, cls                                # cls: logits [B, nc, N]

    def forward(self, x):
        ltrb, cls = self.raw(x)
        lt, rb = ltrb[:, :2], ltrb[:, 2:]
        x1y1 = self.anchors - lt
        x2y2 = self.anchors + rb
        cxy = (x1y1 + x2y2) * 0.5
        wh = x2y2 - x1y1
        return torch.cat([cxy, wh, cls.sigmoid()], 1)   # [B, 4 + nc, N]


def build_model(weights=None, device="cpu"):
    """Build the detector; optionally load a state_dict (.pt). Returns the model in eval mode."""
    m = ConveyorDet()
    if weights:
        nn_tools.load_weights(m, weights)
    return m.to(device).eval()


def count_flops(model):
    """Multiply-accumulates of conv layers for one 224x384 image (FLOPs = 2 * MACs)."""
    return nn_tools.count_macs(model, torch.zeros(1, 3, IN_H, IN_W))


# ----------------------------------------------------------------------------- decode / metrics
def box_iou(a, b):
    """a [..., M, 4], b [..., N, 4] xyxy -> [..., M, N]"""
    lt = torch.maximum(a[..., :, None, :2], b[..., None, :, :2])
    rb = torch.minimum(a[..., :, None, 2:], b[..., None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    aa = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    ab = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    return inter / (aa[..., :, None] + ab[..., None, :] - inter + 1e-9)


def decode(out, conf=0.25, iou=0.45, max_det=100):
    """out: [B, 4+nc, N] tensor -> list of [K, 6] tensors (x1, y1, x2, y2, score, cls) in input px,
    sorted by score desc. Max class score, class-aware NMS (torchvision batched_nms)."""
    import torchvision
    res = []
    for o in out:
        o = o.float()
        scores, cls = o[4:].max(0)
        keep = scores > conf
        b = o[:4, keep].T
        s, c = scores[keep], cls[keep]
        xyxy = torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)
        k = torchvision.ops.batched_nms(xyxy, s, c, iou)[:max_det]
        res.append(torch.cat([xyxy[k], s[k, None], c[k, None].float()], 1))
    return res


def to_source(det, r, pad, w=640, h=360):
    d = det.clone()
    d[:, [0, 2]] = ((d[:, [0, 2]] - pad[0]) / r).clamp(0, w)
    d[:, [1, 3]] = ((d[:, [1, 3]] - pad[1]) / r).clamp(0, h)
    return d


def average_precision(tp, conf, n_gt):
    """All-point interpolated AP for one class. tp: bool array sorted arbitrarily."""
    if n_gt == 0:
        return float("nan")
    order = np.argsort(-conf, kind="stable")
    tp = np.asarray(tp, np.float64)[order]
    ctp, cfp = np.cumsum(tp), np.cumsum(1 - tp)
    rec = ctp / n_gt
    prec = ctp / np.maximum(ctp + cfp, 1e-9)
    mrec = np.concatenate([[0.0], rec, [1.0]])
    mpre = np.concatenate([[1.0], prec, [0.0]])
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    i = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def match(dets, gts, thr=0.5):
    """dets [K,6] (sorted by score), gts [M,5] (cls, x1..y2) numpy -> tp flags per det."""
    tp = np.zeros(len(dets), bool)
    used = np.zeros(len(gts), bool)
    if len(gts) == 0 or len(dets) == 0:
        return tp
    ious = box_iou(torch.as_tensor(dets[:, :4]), torch.as_tensor(gts[:, 1:5])).numpy()
    for i in range(len(dets)):
        cand = np.where((gts[:, 0] == dets[i, 5]) & ~used, ious[i], -1)
        j = int(cand.argmax())
        if cand[j] >= thr:
            tp[i], used[j] = True, True
    return tp


def evaluate_map(all_dets, all_gts, thr=0.5):
    aps = []
    for c in range(NC):
        tp, conf, n = [], [], 0
        for d, g in zip(all_dets, all_gts):
            dc, gc = d[d[:, 5] == c], g[g[:, 0] == c]
            n += len(gc)
            tp.append(match(dc, gc, thr))
            conf.append(dc[:, 4])
        aps.append(average_precision(np.concatenate(tp), np.concatenate(conf), n))
    return aps


def pr_counts(all_dets, all_gts, thr=0.5):
    out = {}
    for c in list(range(NC)) + [None]:
        tp = fp = n = 0
        for d, g in zip(all_dets, all_gts):
            dc = d if c is None else d[d[:, 5] == c]
            gc = g if c is None else g[g[:, 0] == c]
            if c is None:  # class-aware matching across both classes
                t = np.concatenate([match(d[d[:, 5] == k], g[g[:, 0] == k], thr) for k in range(NC)])
            else:
                t = match(dc, gc, thr)
            tp += int(t.sum())
            fp += int(len(t) - t.sum())
            n += len(gc)
        key = "all" if c is None else CLASSES[c]
        out[key] = {"tp": tp, "fp": fp, "gt": n, "precision": tp / max(tp + fp, 1), "recall": tp / max(n, 1)}
    return out


def eval_clip(model, device, mp4="samples/conveyor.mp4", gt="samples/conveyor.gt.jsonl", conf=0.25, iou=0.45,
              batch=50):
    gts = []
    for line in open(gt):
        rec = json.loads(line)
        gts.append(np.array([[CLASSES.index(o["class"])] + o["box"] for o in rec["objects"]], np.float32).reshape(-1, 5))
    cap = cv2.VideoCapture(mp4)
    frames, dets = [], []

    def flush():
        x, params = preprocess(frames)
        with torch.no_grad():
            out = model(torch.from_numpy(x).to(device))
        for d, (r, pad) in zip(decode(out, conf, iou), params):
            dets.append(to_source(d, r, pad).cpu().numpy())
        frames.clear()

    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(f)
        if len(frames) == batch:
            flush()
    if frames:
        flush()
    assert len(dets) == len(gts), (len(dets), len(gts))
    res = pr_counts(dets, gts)
    # false positives touching the left/right frame edge (objects entering/leaving, < 40 % visible)
    n_edge = 0
    for d, g in zip(dets, gts):
        for c in range(NC):
            dc = d[d[:, 5] == c]
            tp = match(dc, g[g[:, 0] == c])
            n_edge += int((~tp & ((dc[:, 0] <= 2) | (dc[:, 2] >= 638))).sum())
    res["fp_at_frame_edge"] = n_edge
    # frame-level alarm view: frames with a foreign_object in gt vs. frames with a detection of it
    g1 = np.array([(g[:, 0] == 1).any() for g in gts])
    d1 = np.array([(d[:, 5] == 1).any() for d in dets])
    res["fo_frames"] = {"gt": int(g1.sum()), "detected": int((g1 & d1).sum()), "false_alarm_frames": int((~g1 & d1).sum())}
    return res


# ----------------------------------------------------------------------------- data
def render_sample(seed, aug_stream=7, degrade=True):
    import conveyor_world as cw
    rng = np.random.default_rng([seed, aug_stream])
    img, objs = cw.render_scene(seed)
    if degrade:
        if rng.random() < 0.2:  # soft upscaling (like a lower-res sensor / H.264 smoothing)
            s = rng.uniform(0.5, 0.85)
            small = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
            img = cv2.resize(small, (cw.W, cw.H), interpolation=cv2.INTER_LINEAR)
        if rng.random() < 0.85:
            q = int(rng.integers(20, 96))
            img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_COLOR)
    lb, r, (left, top) = letterbox(img)
    lab = [[o["class"], o["box"][0] * r + left, o["box"][1] * r + top, o["box"][2] * r + left, o["box"][3] * r + top]
           for o in objs if o["visible"] >= cw.VISIBLE_MIN]
    return np.ascontiguousarray(lb[:, :, ::-1]), lab   # RGB


def _render_chunk(args):
    path, n_total, start, seeds, aug_stream, degrade = args
    cv2.setNumThreads(1)
    mm = np.memmap(path, np.uint8, "r+", shape=(n_total, IN_H, IN_W, 3))
    labs = []
    for i, s in enumerate(seeds):
        img, lab = render_sample(s, aug_stream, degrade)
        mm[start + i] = img
        labs.append(lab)
    mm.flush()
    return start, labs


class Renderer:
    """Renders scenes in worker processes into a memmap; chunks become available as they finish."""

    def __init__(self, seeds, path, workers, chunk=128, aug_stream=7, degrade=True):
        import multiprocessing as mp
        self.n = len(seeds)
        self.path = path
        mm = np.memmap(path, np.uint8, "w+", shape=(self.n, IN_H, IN_W, 3))
        del mm
        jobs = [(path, self.n, i, list(seeds[i:i + chunk]), aug_stream, degrade) for i in range(0, self.n, chunk)]
        self.q = queue.Queue()
        self.pool = mp.get_context("fork").Pool(workers)

        def run():
            for res in self.pool.imap_unordered(_render_chunk, jobs):
                self.q.put(res)
            self.q.put(None)

        self.th = threading.Thread(target=run, daemon=True)
        self.th.start()

    def mm(self):
        return np.memmap(self.path, np.uint8, "r", shape=(self.n, IN_H, IN_W, 3))


def labels_tensor(labs):
    t = torch.zeros(len(labs), MAX_OBJ, 5)
    t[:, :, 0] = -1
    for i, lab in enumerate(labs):
        lab = lab[:MAX_OBJ]
        if lab:
            t[i, :len(lab)] = torch.tensor(lab)
    return t


def gpu_augment(x, lab, gen):
    """x uint8 [B,H,W,3] RGB on GPU, lab [B,M,5] -> float [B,3,H,W] in [0,1], labels."""
    B = x.shape[0]
    dev = x.device
    x = x.permute(0, 3, 1, 2).float() / 255.0
    lab = lab.clone()
    valid = lab[..., 0] >= 0
    # flips (the letterbox pads are symmetric, so the geometry stays valid)
    fh = torch.rand(B, device=dev, generator=gen) < 0.5
    fv = torch.rand(B, device=dev, generator=gen) < 0.5
    x = torch.where(fh[:, None, None, None], x.flip(3), x)
    x = torch.where(fv[:, None, None, None], x.flip(2), x)
    x1, x2 = lab[..., 1].clone(), lab[..., 3].clone()
    lab[..., 1] = torch.where(fh[:, None], IN_W - x2, x1)
    lab[..., 3] = torch.where(fh[:, None], IN_W - x1, x2)
    y1, y2 = lab[..., 2].clone(), lab[..., 4].clone()
    lab[..., 2] = torch.where(fv[:, None], IN_H - y2, y1)
    lab[..., 4] = torch.where(fv[:, None], IN_H - y1, y2)
    lab[~valid] = torch.tensor([-1.0, 0, 0, 0, 0], device=dev)

    def U(lo, hi, shape=(B, 1, 1, 1)):
        return lo + (hi - lo) * torch.rand(shape, device=dev, generator=gen)

    # photometric
    gray = x.mean(1, keepdim=True)
    x = gray + (x - gray) * U(0.6, 1.4)                         # saturation
    x = x * U(0.9, 1.1, (B, 3, 1, 1))                           # colour balance
    m = x.mean((1, 2, 3), keepdim=True)
    x = (x - m) * U(0.65, 1.35) + m * U(0.6, 1.4)               # contrast, brightness
    x = x.clamp(0, 1) ** U(0.7, 1.4)                            # gamma
    # blur a third of the batch
    sig = float(U(0.4, 1.3, (1,)).item())
    k = torch.arange(-2, 3, device=dev, dtype=torch.float32)
    kern = torch.exp(-k ** 2 / (2 * sig ** 2))
    kern = kern / kern.sum()
    xb = F.conv2d(F.pad(x, (2, 2, 0, 0), mode="replicate"), kern.view(1, 1, 1, 5).repeat(3, 1, 1, 1), groups=3)
    xb = F.conv2d(F.pad(xb, (0, 0, 2, 2), mode="replicate"), kern.view(1, 1, 5, 1).repeat(3, 1, 1, 1), groups=3)
    bm = torch.rand(B, device=dev, generator=gen) < 0.3
    x = torch.where(bm[:, None, None, None], xb, x)
    # sensor noise
    ns = U(0, 0.035) * (torch.rand((B, 1, 1, 1), device=dev, generator=gen) < 0.5)
    x = x + torch.randn(x.shape, device=dev, generator=gen) * ns
    # keep the letterbox padding at exactly 114/255 (as at inference)
    x[:, :, :4] = 114 / 255.0
    x[:, :, IN_H - 4:] = 114 / 255.0
    return x.clamp(0, 1), lab


# ----------------------------------------------------------------------------- loss
def bbox_giou(a, b):
    lt = torch.maximum(a[..., :2], b[..., :2])
    rb = torch.minimum(a[..., 2:], b[..., 2:])
    inter = (rb - lt).clamp(min=0).prod(-1)
    aa = (a[..., 2:] - a[..., :2]).clamp(min=0).prod(-1)
    ab = (b[..., 2:] - b[..., :2]).clamp(min=0).prod(-1)
    union = aa + ab - inter + 1e-7
    iou = inter / union
    clt = torch.minimum(a[..., :2], b[..., :2])
    crb = torch.maximum(a[..., 2:], b[..., 2:])
    carea = (crb - clt).clamp(min=0).prod(-1) + 1e-7
    return iou - (carea - union) / carea, iou


@torch.no_grad()
def tal_assign(pd_scores, pd_boxes, anc, gt_lab, topk=10, alpha=0.5, beta=6.0, eps=1e-9):
    """pd_scores [B,N,C] (sigmoid), pd_boxes [B,N,4] xyxy, anc [N,2], gt_lab [B,M,5] (cls<0 = pad).
    Returns target_boxes [B,N,4], target_scores [B,N,C], fg [B,N]."""
    B, N, C = pd_scores.shape
    M = gt_lab.shape[1]
    mask_gt = gt_lab[..., 0] >= 0                                   # [B,M]
    gcls = gt_lab[..., 0].clamp(min=0).long()
    gbox = gt_lab[..., 1:5]
    lt = anc[None, None] - gbox[..., None, :2]
    rb = gbox[..., None, 2:] - anc[None, None]
    in_gt = torch.cat([lt, rb], -1).amin(-1) > eps                  # [B,M,N]
    mask = in_gt & mask_gt[..., None]
    scores = pd_scores.permute(0, 2, 1).gather(1, gcls[..., None].expand(B, M, N))   # [B,M,N]
    ious = box_iou(gbox, pd_boxes).clamp(min=0)                     # [B,M,N]
    align = scores.pow(alpha) * ious.pow(beta) * mask
    k = min(topk, N)
    idx = align.topk(k, dim=-1).indices
    pos = torch.zeros_like(mask).scatter_(-1, idx, True) & mask
    fgc = pos.sum(1)                                                # [B,N]
    if (fgc > 1).any():
        best = F.one_hot(ious.masked_fill(~pos, -1).argmax(1), M).permute(0, 2, 1).bool()
        pos = torch.where((fgc > 1)[:, None], best & pos, pos)
    fg = pos.any(1)
    tgt = pos.float().argmax(1)                                     # [B,N]
    tboxes = gbox.gather(1, tgt[..., None].expand(B, N, 4))
    tcls = gcls.gather(1, tgt)
    align = align * pos
    pa = align.amax(-1, keepdim=True)
    pi = (ious * pos).amax(-1, keepdim=True)
    norm = (align * pi / (pa + eps)).amax(1)                        # [B,N]
    tscores = F.one_hot(tcls, C).float() * (norm * fg)[..., None]
    return tboxes, tscores, fg


def compute_loss(model, x, lab):
    ltrb, logits = model.raw(x)
    ltrb, logits = ltrb.float(), logits.float()
    anc = model.anchors.T                                           # [N,2]
    pboxes = torch.cat([anc[None] - ltrb[:, :2].permute(0, 2, 1), anc[None] + ltrb[:, 2:].permute(0, 2, 1)], -1)
    logits = logits.permute(0, 2, 1)                                # [B,N,C]
    tboxes, tscores, fg = tal_assign(logits.detach().sigmoid(), pboxes.detach(), anc, lab)
    tss = tscores.sum().clamp(min=1)
    l_cls = F.binary_cross_entropy_with_logits(logits, tscores, reduction="sum") / tss
    if fg.any():
        w = tscores.sum(-1)[fg]
        giou, _ = bbox_giou(pboxes[fg], tboxes[fg])
        l_box = ((1 - giou) * w).sum() / tss
    else:
        l_box = pboxes.sum() * 0
    return 7.5 * l_box + 0.5 * l_cls, l_box.detach(), l_cls.detach()


class EMA:
    def __init__(self, model, decay=0.9995, tau=1000):
        import copy
        self.m = copy.deepcopy(model).eval()
        for p in self.m.parameters():
            p.requires_grad_(False)
        self.decay, self.tau, self.n = decay, tau, 0

    @torch.no_grad()
    def update(self, model):
        self.n += 1
        d = self.decay * (1 - math.exp(-self.n / self.tau))
        msd = model.state_dict()
        for k, v in self.m.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


# ----------------------------------------------------------------------------- main
def heldout_map(model, device, imgs, labs, conf=0.001, iou=0.45):
    dets = []
    with torch.no_grad():
        for i in range(0, len(imgs), 100):
            x = torch.from_numpy(np.ascontiguousarray(imgs[i:i + 100])).to(device).permute(0, 3, 1, 2).float() / 255
            dets += [d.cpu().numpy() for d in decode(model(x), conf, iou)]
    gts = [np.array(l, np.float32).reshape(-1, 5) for l in labs]
    aps = evaluate_map(dets, gts)
    pr = pr_counts([d[d[:, 4] > 0.25] for d in dets], gts)
    return aps, pr


def export_onnx(model, path, opset=17):
    # the exporter leaves dims 1 and 2 of the output symbolic: declare them (only batch is dynamic)
    nn_tools.export_onnx(model, torch.zeros(1, 3, IN_H, IN_W), path, "images", ["output0"], opset,
                         output_dims={0: (4 + model.nc, int(model.anchors.shape[1]))},
                         doc="conveyor-det: output0 [B, 4+nc, N] = cx, cy, w, h (input px), class scores (sigmoid)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/training/.cache/run")
    ap.add_argument("--train-scenes", type=int, default=48000)
    ap.add_argument("--heldout-scenes", type=int, default=1000)
    ap.add_argument("--minutes", type=float, default=6.3, help="wall-clock training budget")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2.5e-3)
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-only", metavar="WEIGHTS", help="only evaluate WEIGHTS (.pt) on the sample clip")
    ap.add_argument("--conf", type=float, default=0.25, help="confidence threshold for --eval-only")
    args = ap.parse_args()
    if args.eval_only:
        m = build_model(args.eval_only)
        print(json.dumps(eval_clip(m, torch.device("cpu"), conf=args.conf), indent=1))
        return
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cudnn.benchmark = True
    tmp = args.tmp or args.out
    t0 = time.time()
    log = open(os.path.join(args.out, "train_log.txt"), "a")

    def P(*a):
        s = " ".join(str(v) for v in a)
        print(s, flush=True)
        log.write(s + "\n")
        log.flush()

    train_seeds = list(range(TRAIN_SEEDS[0], TRAIN_SEEDS[0] + args.train_scenes))
    held_seeds = list(range(HELDOUT_SEEDS[0], HELDOUT_SEEDS[0] + args.heldout_scenes))
    assert train_seeds[-1] < TRAIN_SEEDS[1]
    rend = Renderer(train_seeds, os.path.join(tmp, "train.u8"), args.workers)

    model = ConveyorDet().to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    macs = count_flops(model)
    P(f"device {dev} {torch.cuda.get_device_name() if dev.type == 'cuda' else ''} params {n_params} "
      f"MACs {macs / 1e6:.1f} M (FLOPs {2 * macs / 1e9:.3f} G) anchors {model.anchors.shape[1]}")
    model = model.to(memory_format=torch.channels_last)
    ema = EMA(model)
    g_bn, g_w, g_b = [], [], []
    for mn, m in model.named_modules():
        for pn, p in m.named_parameters(recurse=False):
            (g_b if pn == "bias" else g_bn if isinstance(m, nn.BatchNorm2d) else g_w).append(p)
    opt = torch.optim.AdamW([{"params": g_bn, "weight_decay": 0}, {"params": g_w, "weight_decay": 5e-4},
                             {"params": g_b, "weight_decay": 0}], lr=args.lr, betas=(0.937, 0.999))
    data = torch.empty((rend.n, IN_H, IN_W, 3), dtype=torch.uint8, device=dev)
    labels = torch.full((rend.n, MAX_OBJ, 5), -1.0, device=dev)
    ready = torch.zeros(rend.n, dtype=torch.bool)
    ready_idx = torch.empty(0, dtype=torch.long)
    mm = rend.mm()
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    budget = args.minutes * 60
    done_render = False
    step, t_train = 0, None
    warm = 300
    while True:
        # pull finished chunks
        while not done_render:
            try:
                res = rend.q.get(block=ready_idx.numel() < 4 * args.batch, timeout=600)
            except queue.Empty:
                break
            if res is None:
                done_render = True
                P(f"render done: {rend.n} scenes at {time.time() - t0:.0f}s")
                break
            s, labs = res
            n = len(labs)
            data[s:s + n] = torch.from_numpy(np.ascontiguousarray(mm[s:s + n])).to(dev)
            labels[s:s + n] = labels_tensor(labs).to(dev)
            ready[s:s + n] = True
            ready_idx = ready.nonzero().flatten()
        if t_train is None:
            t_train = time.time()
            P(f"training starts at {t_train - t0:.0f}s with {ready_idx.numel()} scenes ready")
        frac = (time.time() - t_train) / budget
        if frac >= 1:
            break
        lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        if step < warm:
            lr *= (step + 1) / warm
        for g in opt.param_groups:
            g["lr"] = lr
        bi = ready_idx[torch.randint(ready_idx.numel(), (args.batch,))].to(dev)
        x, lab = gpu_augment(data[bi], labels[bi], gen)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            loss, lb, lc = compute_loss(model, x, lab)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        ema.update(model)
        step += 1
        if step % 2000 == 0:
            torch.save({k: v.float().cpu() for k, v in ema.m.state_dict().items()}, os.path.join(args.out, "conveyor-det.pt"))
        if step % 200 == 0:
            P(f"step {step} t {time.time() - t_train:.0f}s lr {lr:.5f} loss {loss.item():.4f} box {lb.item():.4f} "
              f"cls {lc.item():.4f} ready {ready_idx.numel()}")
    P(f"trained {step} steps ({step * args.batch} images) in {time.time() - t_train:.0f}s")
    final = ema.m.float().eval()
    final = final.to(memory_format=torch.contiguous_format)
    torch.save({k: v.cpu() for k, v in final.state_dict().items()}, os.path.join(args.out, "conveyor-det.pt"))
    # held-out evaluation (no overlap with training seeds), rendered now
    rend.pool.close()
    import multiprocessing as mp
    with mp.get_context("fork").Pool(args.workers, initializer=cv2.setNumThreads, initargs=(1,)) as pool:
        res = pool.starmap(render_sample, [(s, 8, True) for s in held_seeds], chunksize=16)
    himgs = np.stack([r[0] for r in res])
    hlabs = [r[1] for r in res]
    aps, pr = heldout_map(final, dev, himgs, hlabs)
    P(f"held-out ({len(held_seeds)} scenes, seeds {held_seeds[0]}..{held_seeds[-1]}): AP50 product {aps[0]:.4f} "
      f"foreign_object {aps[1]:.4f} mAP50 {np.nanmean(aps):.4f}")
    P("held-out P/R @conf0.25 IoU0.5:", json.dumps(pr))
    summary = {"params": n_params, "macs": macs, "steps": step, "batch": args.batch, "train_scenes": args.train_scenes,
               "train_seconds": budget, "heldout_ap50": aps, "heldout_map50": float(np.nanmean(aps)), "heldout_pr": pr}
    if os.path.exists("samples/conveyor.mp4"):
        clip = eval_clip(final, dev)
        P("clip P/R @conf0.25 NMS0.45 IoU0.5:", json.dumps(clip))
        summary["clip"] = clip
    json.dump(summary, open(os.path.join(args.out, "summary.json"), "w"), indent=1)
    try:
        export_onnx(build_model(os.path.join(args.out, "conveyor-det.pt")), os.path.join(args.out, "conveyor-det.onnx"))
        P("onnx exported")
    except Exception as e:  # export is redone locally by export_onnx.py anyway
        P("onnx export failed:", repr(e))
    P(f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the slim U-Net that segments surface defects (scratch, stain, dent, crack).

    python3 models/training/train_segmenter.py --device cuda --budget-seconds 400 --out OUTDIR --tmp /tmp
    /usr/bin/python3 models/training/train_segmenter.py --device cpu --budget-seconds 30 \
        --train-samples 256 --heldout 32 --batch 4 --workers 2 --out /tmp/seg   # smoke test

Samples are rendered by worker processes (surface_world.render_sample) into a memmap while
training runs; training draws from the samples ready so far.  Stops itself after
--budget-seconds of training, saves the EMA weights to OUT/surface-defects.pt every minute
and at the end, then evaluates on the held-out set.  Not bit-reproducible (wall-clock budget,
asynchronous rendering, cuDNN); rendering is deterministic.

Seed ranges (never overlapping):
    training samples   render_sample(seed), seed in [0, 1_000_000) (the first --train-samples)
    held-out samples   render_sample(seed), seed in [5_000_000, 5_001_000)
    sample clip        InspectionClip(9_100_001) (render_inspection_clip.py)

Model contract (see models/surface-defects.md):
    input  'images' [B, 3, 192, 256] float32 RGB in [0, 1] (pixel / 255), the 384x288 frame
           scaled by 2/3 (cv2.resize INTER_LINEAR, no padding)
    output 'mask'   [B, 4, 192, 256] float32 per-class sigmoid probabilities,
           classes [scratch, stain, dent, crack] (multi-label; background = all below 0.5)
Loss: BCE + soft Dice (per class over the batch).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import queue
import sys
import threading
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
import surface_world as sw  # noqa: E402

IN_W, IN_H = sw.MW, sw.MH
NC = 4
CLASSES = sw.CLASSES
TRAIN_SEEDS = (0, 1_000_000)
HELDOUT_SEEDS = (5_000_000, 5_001_000)
CLIP_SEED = 9_100_001


# ----------------------------------------------------------------------------- model
def conv_block(c1, c2):
    """Two 3x3 Conv-BN-ReLU (seed 3.4)."""
    return nn.Sequential(nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(inplace=True),
                         nn.Conv2d(c2, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(inplace=True))


class SurfaceUNet(nn.Module):
    """U-Net after seed 3.4, slimmed: 4 encoder levels of 16/32/64/128 channels, a 128-channel
    bottleneck at stride 16, ConvTranspose 2x2 up-sampling, skip connections, 1x1 head -> 4 classes."""

    def __init__(self, nc=NC, widths=(16, 32, 64, 128), bottleneck=128, in_ch=3):
        super().__init__()
        self.nc = nc
        self.enc = nn.ModuleList()
        c = in_ch
        for w in widths:
            self.enc.append(conv_block(c, w))
            c = w
        self.pool = nn.MaxPool2d(2, 2)
        self.bottleneck = conv_block(c, bottleneck)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        c = bottleneck
        for w in reversed(widths):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2))
            self.dec.append(conv_block(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, nc, 1)
        nn.init.constant_(self.head.bias, -4.0)   # start near "no defect"

    def logits(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        for u, d, s in zip(self.up, self.dec, reversed(skips)):
            x = d(torch.cat([u(x), s], 1))
        return self.head(x)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def build_model(weights=None, device="cpu"):
    """Build the U-Net; optionally load a state_dict (.pt). Returns the model in eval mode."""
    m = SurfaceUNet()
    if weights:
        nn_tools.load_weights(m, weights)
    return m.to(device).eval()


def count_macs(model):
    """Multiply-accumulates of the conv layers for one 192x256 image (FLOPs = 2 * MACs)."""
    return nn_tools.count_macs(model, torch.zeros(1, 3, IN_H, IN_W))


def preprocess(bgr_frames):
    """List of 384x288 BGR uint8 frames -> float32 NCHW RGB [0, 1] (numpy), as the contract says."""
    out = [sw.to_model(f)[:, :, ::-1].transpose(2, 0, 1) for f in bgr_frames]
    return np.ascontiguousarray(np.stack(out)).astype(np.float32) / 255.0


def export_onnx(model, path, opset=17):
    nn_tools.export_onnx(model, torch.zeros(1, 3, IN_H, IN_W), path, "images", ["mask"], opset,
                         output_dims={0: (NC, IN_H, IN_W)},
                         doc="surface-defects: mask [B, 4, 192, 256] per-class sigmoid probabilities, "
                             "classes scratch, stain, dent, crack")


# ----------------------------------------------------------------------------- metrics
def unpack_bits(bits):
    """uint8 [..., H, W] class bits -> bool [..., 4, H, W] (numpy or torch)."""
    if isinstance(bits, torch.Tensor):
        sh = torch.arange(NC, device=bits.device, dtype=torch.uint8).view(NC, 1, 1)
        return ((bits.unsqueeze(-3) >> sh) & 1).bool()
    return ((bits[..., None, :, :] >> np.arange(NC, dtype=np.uint8)[:, None, None]) & 1).astype(bool)


class SegStats:
    """Pooled pixel counts (over all images) for per-class and foreground-union IoU, and instance
    recall.  Foreground = any class at or above the threshold.  A true defect instance (visible
    area >= surface_world.MIN_AREA_SRC source px) is *found* when at least 50 % of its pixels are
    predicted as its class (``recall``); the looser rule ``recall_iou03`` counts it found when a
    predicted connected component of its class has IoU >= 0.3 with it.  False components:
    connected components (8-connected) of a class's predicted mask with area >= min_area px that
    touch no true pixel of that class."""

    def __init__(self, thr=0.5, min_areas=(1, 4, 8, 16)):
        self.thr = thr
        self.min_areas = min_areas
        self.inter = np.zeros(NC, np.int64)
        self.union = np.zeros(NC, np.int64)
        self.fg = np.zeros(2, np.int64)
        self.found = np.zeros(NC, np.int64)
        self.found_iou = np.zeros(NC, np.int64)
        self.n_inst = np.zeros(NC, np.int64)
        self.fp = {a: np.zeros(NC, np.int64) for a in min_areas}
        self.images = 0

    def add(self, prob, true, instances=None):
        """prob float [4, H, W], true bool [4, H, W] (numpy); instances [(cls, bool mask, src area)]."""
        pred = prob >= self.thr
        self.inter += (pred & true).sum((1, 2))
        self.union += (pred | true).sum((1, 2))
        pf, tf = pred.any(0), true.any(0)
        self.fg += [(pf & tf).sum(), (pf | tf).sum()]
        self.images += 1
        comps = {}
        for c in range(NC):
            if not pred[c].any():
                continue
            n, lab, st, _ = cv2.connectedComponentsWithStats(pred[c].astype(np.uint8), connectivity=8)
            comps[c] = (lab, st[:, cv2.CC_STAT_AREA])
            hit = np.zeros(n, bool)
            hit[np.unique(lab[true[c]])] = True
            for a in self.min_areas:
                self.fp[a][c] += int(((st[1:, cv2.CC_STAT_AREA] >= a) & ~hit[1:]).sum())
        for c, m, a in instances or ():
            if a < sw.MIN_AREA_SRC or not m.any():
                continue
            self.n_inst[c] += 1
            self.found[c] += int(pred[c][m].mean() >= 0.5)
            if c in comps:
                lab, area = comps[c]
                ids, inter = np.unique(lab[m], return_counts=True)
                keep = ids > 0
                iou = inter[keep] / (area[ids[keep]] + m.sum() - inter[keep])
                self.found_iou[c] += int((iou >= 0.3).any())

    def summary(self):
        iou = self.inter / np.maximum(self.union, 1)
        out = {"threshold": self.thr, "images": self.images, "fg_iou": float(self.fg[0] / max(self.fg[1], 1)),
               "class_iou": {CLASSES[c]: float(iou[c]) for c in range(NC)},
               "mean_class_iou": float(iou.mean())}
        if self.n_inst.sum():
            out["recall"] = {CLASSES[c]: float(self.found[c] / max(self.n_inst[c], 1)) for c in range(NC)}
            out["recall_all"] = float(self.found.sum() / max(self.n_inst.sum(), 1))
            out["recall_iou03"] = {CLASSES[c]: float(self.found_iou[c] / max(self.n_inst[c], 1)) for c in range(NC)}
            out["recall_iou03_all"] = float(self.found_iou.sum() / max(self.n_inst.sum(), 1))
            out["instances"] = {CLASSES[c]: int(self.n_inst[c]) for c in range(NC)}
        out["false_components_per_image"] = {str(a): float(v.sum() / max(self.images, 1)) for a, v in self.fp.items()}
        if 4 in self.fp:
            out["false_components_by_class_min4"] = {CLASSES[c]: int(self.fp[4][c]) for c in range(NC)}
        return out


# ----------------------------------------------------------------------------- data
def _render_chunk(args):
    ipath, bpath, n_total, start, seeds = args
    cv2.setNumThreads(1)
    mi = np.memmap(ipath, np.uint8, "r+", shape=(n_total, IN_H, IN_W, 3))
    mb = np.memmap(bpath, np.uint8, "r+", shape=(n_total, IN_H, IN_W))
    for i, s in enumerate(seeds):
        img, bits, _ = sw.render_sample(s)
        mi[start + i] = img
        mb[start + i] = bits
    mi.flush()
    mb.flush()
    return start, len(seeds)


class Renderer:
    """Renders samples in worker processes into memmaps; chunks become available as they finish."""

    def __init__(self, seeds, tmp, workers, chunk=64):
        import multiprocessing as mp
        self.n = len(seeds)
        self.ipath, self.bpath = os.path.join(tmp, "seg_img.u8"), os.path.join(tmp, "seg_bits.u8")
        del_ = np.memmap(self.ipath, np.uint8, "w+", shape=(self.n, IN_H, IN_W, 3)), \
            np.memmap(self.bpath, np.uint8, "w+", shape=(self.n, IN_H, IN_W))
        del del_
        jobs = [(self.ipath, self.bpath, self.n, i, list(seeds[i:i + chunk])) for i in range(0, self.n, chunk)]
        self.q = queue.Queue()
        self.pool = mp.get_context("fork").Pool(workers)

        def run():
            for res in self.pool.imap_unordered(_render_chunk, jobs):
                self.q.put(res)
            self.q.put(None)

        threading.Thread(target=run, daemon=True).start()

    def arrays(self):
        return (np.memmap(self.ipath, np.uint8, "r", shape=(self.n, IN_H, IN_W, 3)),
                np.memmap(self.bpath, np.uint8, "r", shape=(self.n, IN_H, IN_W)))


def gpu_augment(img, bits, gen):
    """img uint8 [B,H,W,3] RGB, bits uint8 [B,H,W] on the device -> float [B,3,H,W], target [B,4,H,W]."""
    B, dev = img.shape[0], img.device
    x = img.permute(0, 3, 1, 2).float() / 255.0
    t = unpack_bits(bits).float()
    fh = torch.rand(B, device=dev, generator=gen) < 0.5
    fv = torch.rand(B, device=dev, generator=gen) < 0.5
    x = torch.where(fh[:, None, None, None], x.flip(3), x)
    t = torch.where(fh[:, None, None, None], t.flip(3), t)
    x = torch.where(fv[:, None, None, None], x.flip(2), x)
    t = torch.where(fv[:, None, None, None], t.flip(2), t)

    def U(lo, hi, shape=(B, 1, 1, 1)):
        return lo + (hi - lo) * torch.rand(shape, device=dev, generator=gen)

    gray = x.mean(1, keepdim=True)
    x = gray + (x - gray) * U(0.7, 1.3)                          # saturation
    x = x * U(0.92, 1.08, (B, 3, 1, 1))                          # colour balance
    m = x.mean((1, 2, 3), keepdim=True)
    x = (x - m) * U(0.75, 1.25) + m * U(0.75, 1.25)              # contrast, brightness
    x = x.clamp(0, 1) ** U(0.8, 1.25)                            # gamma
    ns = U(0, 0.02) * (torch.rand((B, 1, 1, 1), device=dev, generator=gen) < 0.4)
    x = x + torch.randn(x.shape, device=dev, generator=gen) * ns
    return x.clamp(0, 1), t


def seg_loss(logits, t, eps=1.0):
    """BCE (mean over pixels) + soft Dice (per class over the batch, averaged over classes)."""
    logits = logits.float()
    bce = F.binary_cross_entropy_with_logits(logits, t)
    p = torch.sigmoid(logits)
    inter = (p * t).sum((0, 2, 3))
    den = p.sum((0, 2, 3)) + t.sum((0, 2, 3))
    dice = 1 - ((2 * inter + eps) / (den + eps)).mean()
    return bce + dice, bce.detach(), dice.detach()


class EMA:
    def __init__(self, model, decay=0.999, tau=500):
        import copy
        self.m = copy.deepcopy(model).eval()
        for p in self.m.parameters():
            p.requires_grad_(False)
        self.decay, self.tau, self.n = decay, tau, 0

    @torch.no_grad()
    def update(self, model):
        self.n += 1
        d = self.decay * (1 - math.exp(-self.n / self.tau))
        if not hasattr(self, "pairs"):
            msd, esd = model.state_dict(), self.m.state_dict()
            self.pairs = [(esd[k], msd[k]) for k in esd]
            self.fl = [p for p in self.pairs if p[0].dtype.is_floating_point]
            self.other = [p for p in self.pairs if not p[0].dtype.is_floating_point]
        e = [a for a, _ in self.fl]
        torch._foreach_mul_(e, d)
        torch._foreach_add_(e, [b.detach() for _, b in self.fl], alpha=1 - d)
        for a, b in self.other:
            a.copy_(b)


def _heldout_one(seed):
    cv2.setNumThreads(1)
    img, bits, inst = sw.render_sample(seed, with_instances=True)
    return img, bits, [(c, np.packbits(m), a) for c, m, a in inst]


def heldout_set(seeds, workers):
    import multiprocessing as mp
    with mp.get_context("fork").Pool(workers) as pool:
        res = pool.map(_heldout_one, seeds, chunksize=8)
    imgs = np.stack([r[0] for r in res])
    bits = np.stack([r[1] for r in res])
    inst = [[(c, np.unpackbits(m)[:IN_H * IN_W].reshape(IN_H, IN_W).astype(bool), a) for c, m, a in r[2]] for r in res]
    return imgs, bits, inst


def evaluate(predict, imgs, bits, inst, thresholds=(0.3, 0.4, 0.5, 0.6), batch=50):
    """predict: float32 NCHW numpy -> probabilities numpy. Returns {thr: summary}."""
    stats = {t: SegStats(t) for t in thresholds}
    for i in range(0, len(imgs), batch):
        x = np.ascontiguousarray(imgs[i:i + batch].transpose(0, 3, 1, 2)).astype(np.float32) / 255.0
        prob = predict(x)
        true = unpack_bits(bits[i:i + batch])
        for j in range(len(prob)):
            for s in stats.values():
                s.add(prob[j], true[j], inst[i + j])
    return {str(t): s.summary() for t, s in stats.items()}


# ----------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/training/.cache/seg")
    ap.add_argument("--tmp", default=None, help="folder for the rendered-sample memmaps (default: --out)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--budget-seconds", type=float, default=400, help="wall-clock training budget")
    ap.add_argument("--train-samples", type=int, default=120_000)
    ap.add_argument("--heldout", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tmp = args.tmp or args.out
    os.makedirs(tmp, exist_ok=True)
    torch.manual_seed(args.seed)
    dev = torch.device(args.device)
    torch.backends.cudnn.benchmark = True
    t0 = time.time()
    log = open(os.path.join(args.out, "surface-defects.train.txt"), "a")

    def P(*a):
        s = " ".join(str(v) for v in a)
        print(s, flush=True)
        log.write(s + "\n")
        log.flush()

    P("args", json.dumps(vars(args)))
    seeds = list(range(TRAIN_SEEDS[0], TRAIN_SEEDS[0] + args.train_samples))
    assert seeds[-1] < TRAIN_SEEDS[1]
    rend = Renderer(seeds, tmp, args.workers)
    model = SurfaceUNet().to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    macs = count_macs(model)
    P(f"device {dev} {torch.cuda.get_device_name() if dev.type == 'cuda' else ''} torch {torch.__version__} "
      f"params {n_params} MACs {macs / 1e9:.3f} G (FLOPs {2 * macs / 1e9:.2f} G)")
    model = model.to(memory_format=torch.channels_last)
    ema = EMA(model)
    decay, no_decay = [], []
    for mod in model.modules():
        for pn, p in mod.named_parameters(recurse=False):
            (no_decay if pn == "bias" or isinstance(mod, nn.BatchNorm2d) else decay).append(p)
    groups = [{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0}]
    try:
        opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.999), fused=dev.type == "cuda")
    except (TypeError, RuntimeError):   # torch 1.13 has no fused AdamW
        opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.999))
    data = torch.empty((rend.n, IN_H, IN_W, 3), dtype=torch.uint8, device=dev)
    bits = torch.empty((rend.n, IN_H, IN_W), dtype=torch.uint8, device=dev)
    ready = torch.zeros(rend.n, dtype=torch.bool)
    ready_idx = torch.empty(0, dtype=torch.long)
    mi, mb = rend.arrays()
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    ckpt = os.path.join(args.out, "surface-defects.pt")
    done_render, step, t_train, t_ckpt, n_seen = False, 0, None, time.time(), 0
    warm = 200
    use_amp = dev.type == "cuda"
    while True:
        while not done_render:
            try:
                res = rend.q.get(block=ready_idx.numel() < 4 * args.batch, timeout=600)
            except queue.Empty:
                break
            if res is None:
                done_render = True
                P(f"render done: {rend.n} samples at {time.time() - t0:.0f}s")
                break
            s, n = res
            data[s:s + n] = torch.from_numpy(np.ascontiguousarray(mi[s:s + n])).to(dev)
            bits[s:s + n] = torch.from_numpy(np.ascontiguousarray(mb[s:s + n])).to(dev)
            ready[s:s + n] = True
            ready_idx = ready.nonzero().flatten()
        if t_train is None:
            t_train = time.time()
            P(f"training starts at {t_train - t0:.0f}s with {ready_idx.numel()} samples ready")
        frac = (time.time() - t_train) / args.budget_seconds
        if frac >= 1:
            break
        lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        if step < warm:
            lr *= (step + 1) / warm
        for g in opt.param_groups:
            g["lr"] = lr
        bi = ready_idx[torch.randint(ready_idx.numel(), (args.batch,))].to(dev)
        x, t = gpu_augment(data[bi], bits[bi], gen)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=use_amp):
            logits = model.logits(x)
        loss, l_bce, l_dice = seg_loss(logits, t)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        ema.update(model)
        step += 1
        n_seen += args.batch
        if step % 200 == 0:
            el = time.time() - t_train
            P(f"step {step} t {el:.0f}s lr {lr:.5f} loss {loss.item():.4f} bce {l_bce.item():.4f} "
              f"dice {l_dice.item():.4f} ready {ready_idx.numel()} img/s {n_seen / el:.0f}")
        if time.time() - t_ckpt > 60:
            torch.save({k: v.float().cpu().contiguous() for k, v in ema.m.state_dict().items()}, ckpt)
            t_ckpt = time.time()
    train_s = time.time() - t_train
    P(f"trained {step} steps ({n_seen} images, {ready_idx.numel()} distinct samples) in {train_s:.0f}s")
    final = ema.m.float().eval().to(memory_format=torch.contiguous_format)
    torch.save({k: v.cpu().contiguous() for k, v in final.state_dict().items()}, ckpt)
    rend.pool.terminate()
    held = list(range(HELDOUT_SEEDS[0], HELDOUT_SEEDS[0] + args.heldout))
    himgs, hbits, hinst = heldout_set(held, args.workers)

    def predict(x):
        with torch.no_grad():
            return final(torch.from_numpy(x).to(dev)).float().cpu().numpy()

    res = evaluate(predict, himgs, hbits, hinst)
    for thr, r in res.items():
        P(f"held-out ({len(held)} samples, seeds {held[0]}..{held[-1]}) thr {thr}: fg IoU {r['fg_iou']:.4f} "
          f"class IoU {json.dumps({k: round(v, 4) for k, v in r['class_iou'].items()})} "
          f"recall {r.get('recall_all', float('nan')):.4f} {json.dumps({k: round(v, 4) for k, v in r.get('recall', {}).items()})} "
          f"false comps/img {json.dumps(r['false_components_per_image'])}")
    summary = {"params": n_params, "macs": macs, "steps": step, "batch": args.batch, "images_seen": n_seen,
               "distinct_samples": int(ready_idx.numel()), "train_seconds": round(train_s, 1),
               "device": torch.cuda.get_device_name() if dev.type == "cuda" else "cpu", "heldout": res}
    with open(os.path.join(args.out, "surface-defects.summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    P(f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the process-state classifier (models/process-state.pt) by transfer learning, on the CPU.

    /usr/bin/python3 models/training/train_classifier.py [--pretrain-steps 60] [--steps 100]

1. **Pretraining without labels** (self-supervised, RotNet): the backbone learns to tell by how much
   (0/90/180/270 degrees) an unlabelled glass crop was rotated, on renders of seeds
   process_world.PRETRAIN_SEEDS (states drawn at random, never read); 60 steps of 64.
2. **Fine-tuning on few labels**: for n = 4, 16, 64 labelled crops per state (seeds
   0.. of TRAIN_SEEDS, state = seed % 4), the same number of steps from the pretrained backbone and
   from scratch (100 steps of batch min(32, n * 4) each), held-out accuracy of each (seeds
   HELDOUT_SEEDS, 100 per state) in the summary.  The shipped model is the pretrained one fine-tuned
   on n = 64.  The model card's learning curve (16 runs per point, a 600-step RotNet backbone) comes
   from learning_curve_classifier.py; from 8 labels per state on, pretraining made no difference there.

The model (``ProcessNet``, a tiny ResNet): stem 3x3 conv stride 2 (16), a basic block of 16, a basic
block of 32 at stride 2, a basic block of 64; the last block's ReLU output A [B,64,16,16] feeds a
global-average-pooled linear head.  ``forward`` returns ``(logits, cam)`` where
``cam[c] = sum_k w_ck A_k`` (a 1x1 convolution with the head's weights) and ``logits = mean(cam) + b``,
so the exported graph computes the class-activation map of every class beside the logits (for a GAP +
linear head it equals Grad-CAM of the last convolution up to a positive factor).

Input: a 96x96 region crop resized to 64x64 (cv2 INTER_LINEAR), BGR->RGB, /255, ImageNet mean/std,
CHW (``preprocess``).
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
import process_world as pw  # noqa: E402

STATES = pw.STATES
IN = pw.IN
MEAN = np.float32([0.485, 0.456, 0.406])
STD = np.float32([0.229, 0.224, 0.225])
CAM_STRIDE = 4
SIZES = [4, 16, 64]
SHIP_N = 64
HELDOUT_PER_STATE = 100


def conv_bn(c1, c2, stride=1):
    return nn.Sequential(nn.Conv2d(c1, c2, 3, stride, 1, bias=False), nn.BatchNorm2d(c2))


class Block(nn.Module):
    def __init__(self, c1, c2, stride=1):
        super().__init__()
        self.a = conv_bn(c1, c2, stride)
        self.b = conv_bn(c2, c2)
        self.skip = None if c1 == c2 and stride == 1 else nn.Sequential(
            nn.Conv2d(c1, c2, 1, stride, bias=False), nn.BatchNorm2d(c2))

    def forward(self, x):
        y = self.b(F.relu(self.a(x)))
        return F.relu(y + (x if self.skip is None else self.skip(x)))


class ProcessNet(nn.Module):
    def __init__(self, nc=len(STATES)):
        super().__init__()
        self.backbone = nn.Sequential(conv_bn(3, 16, 2), nn.ReLU(), Block(16, 16), Block(16, 32, 2), Block(32, 64))
        self.head = nn.Linear(64, nc)

    def forward(self, x):
        a = self.backbone(x)
        cam = F.conv2d(a, self.head.weight[:, :, None, None])
        return cam.mean((2, 3)) + self.head.bias, cam


def build_model(weights=None):
    m = ProcessNet()
    if weights:
        nn_tools.load_weights(m, weights)
    return m.eval()


def preprocess(crops_bgr):
    """[N,96,96,3] uint8 BGR crops -> [N,3,64,64] float32 model input."""
    x = np.stack([pw.to_model(c)[:, :, ::-1] for c in crops_bgr]).astype(np.float32) / 255.0
    return np.ascontiguousarray(((x - MEAN) / STD).transpose(0, 3, 1, 2), dtype=np.float32)


def _render(args):
    seed, state = args
    c, label, mask = pw.render_crop(seed, state)
    return c, label, pw.box_of(mask)


def render_set(seeds, labelled=True, workers=2):
    args = [(s, STATES[s % len(STATES)] if labelled else None) for s in seeds]
    with Pool(workers) as pool:
        out = pool.map(_render, args, chunksize=32)
    crops = np.stack([o[0] for o in out])
    return torch.from_numpy(preprocess(crops)), torch.tensor([o[1] for o in out]), [o[2] for o in out]


def augment(x, gen):
    """Random horizontal flip, shift by up to 3 model px, brightness and contrast (normalised space)."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    dx, dy = (int(v) for v in torch.randint(-3, 4, (2,), generator=gen))
    x = torch.roll(x, (dy, dx), (2, 3))
    gain = 1 + 0.2 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    bias = 0.2 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    return x * gain + bias


def pretrain(steps, log):
    """RotNet pretext on unlabelled renders; returns the backbone's state_dict."""
    torch.manual_seed(1)
    x, _, _ = render_set(range(pw.PRETRAIN_SEEDS[0], pw.PRETRAIN_SEEDS[0] + 4000), labelled=False)
    net = ProcessNet(nc=4)
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(2)
    t0, step = time.time(), 0
    net.train()
    while step < steps:
        idx = torch.randint(0, len(x), (64,), generator=gen)
        xb = augment(x[idx], gen)
        rot = torch.randint(0, 4, (64,), generator=gen)
        xb = torch.stack([torch.rot90(xb[i], int(rot[i]), (1, 2)) for i in range(64)])
        logits, _ = net(xb)
        loss = F.cross_entropy(logits, rot)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0:
            acc = (logits.argmax(1) == rot).float().mean().item()
            log(f"pretrain step {step} {time.time() - t0:.0f}s loss {loss.item():.4f} rotation acc {acc:.3f}")
    log(f"pretrain done: {step} steps of 64 in {time.time() - t0:.0f}s")
    return net.backbone.state_dict()


def finetune(x, y, steps, backbone, seed):
    torch.manual_seed(seed)
    net = ProcessNet()
    if backbone is not None:
        net.backbone.load_state_dict(backbone)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.15)
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(steps):
        idx = torch.randint(0, len(x), (min(32, len(x)),), generator=gen)
        logits, _ = net(augment(x[idx], gen))
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net.eval()


def evaluate(net, x, y, boxes):
    """Accuracy, per-state recall, confusion matrix (rows true, columns predicted) and the CAM check
    (share of abnormal crops whose decided class's map peak, at its cell centre in crop px, lies in
    the abnormal box widened by half a cell)."""
    with torch.no_grad():
        logits, cam = net(x)
    pred = logits.argmax(1)
    conf = np.zeros((len(STATES), len(STATES)), int)
    for t, p in zip(y.tolist(), pred.tolist()):
        conf[t, p] += 1
    hits = total = 0
    scale = pw.CROP / IN
    half = CAM_STRIDE * scale / 2
    for i in range(len(y)):
        if y[i] == 0 or boxes[i] is None:
            continue
        m = cam[i, pred[i]]
        k = int(m.argmax())
        cy, cx = divmod(k, m.shape[1])
        px, py = (cx + 0.5) * CAM_STRIDE * scale, (cy + 0.5) * CAM_STRIDE * scale
        b = boxes[i]
        total += 1
        hits += b[0] - half <= px <= b[2] + half and b[1] - half <= py <= b[3] + half
    return {"accuracy": float((pred == y).float().mean()),
            "recall": {s: float(conf[k, k] / max(1, conf[k].sum())) for k, s in enumerate(STATES)},
            "confusion": conf.tolist(), "cam_peak_in_region": hits / max(1, total), "cam_frames": total}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pretrain-steps", type=int, default=60)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--out", default="models")
    args = ap.parse_args()
    torch.set_num_threads(2)
    log_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "process-state.train.txt")
    log_file = open(log_path, "w")

    def log(msg):
        print(msg, flush=True)
        log_file.write(msg + "\n")
        log_file.flush()

    t0 = time.time()
    lo = pw.HELDOUT_SEEDS[0]
    hx, hy, hboxes = render_set(range(lo, lo + HELDOUT_PER_STATE * len(STATES)))
    lx, ly, _ = render_set(range(0, SHIP_N * len(STATES)))
    log(f"rendered held-out {len(hy)} and labelled {len(ly)} crops in {time.time() - t0:.0f}s")
    backbone = pretrain(args.pretrain_steps, log)
    cache = os.path.join(os.path.dirname(log_path), ".cache")
    os.makedirs(cache, exist_ok=True)   # learning_curve_classifier.py reuses this backbone
    torch.save(backbone, os.path.join(cache, f"backbone-rotnet-{args.pretrain_steps}.pt"))
    curve = []
    shipped = None
    for n in reversed(SIZES):   # the shipped model first, so that it can be exported while the curve runs
        x, y = lx[: n * len(STATES)], ly[: n * len(STATES)]
        row = {"labelled_per_state": n, "labelled": len(y), "steps": args.steps}
        for name, init in (("pretrained", backbone), ("scratch", None)):
            t = time.time()
            net = finetune(x, y, args.steps, init, seed=100 + n)
            ev = evaluate(net, hx, hy, hboxes)
            row[name] = ev["accuracy"]
            log(f"n={n}/state {name}: held-out accuracy {ev['accuracy']:.4f} recall "
                f"{ {k: round(v, 3) for k, v in ev['recall'].items()} } ({time.time() - t:.0f}s)")
            if n == SHIP_N and name == "pretrained":
                shipped = (net, ev)
                torch.save(net.state_dict(), os.path.join(args.out, "process-state.pt"))
                log(f"saved {args.out}/process-state.pt; held-out {json.dumps(ev)}")
        curve.insert(0, row)
    net, ev = shipped
    summary = {"states": STATES, "input": [3, IN, IN], "cam_stride": CAM_STRIDE, "learning_curve": curve,
               "shipped": {"labelled_per_state": SHIP_N, "init": "pretrained (RotNet)", "held_out": ev},
               "params": sum(p.numel() for p in net.parameters()),
               "macs": nn_tools.count_macs(_Logits(net), torch.zeros(1, 3, IN, IN)),
               "wall_seconds": round(time.time() - t0)}
    with open(os.path.join(os.path.dirname(log_path), "process-state.summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    log(json.dumps(summary))


class _Logits(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)[0]


if __name__ == "__main__":
    main()

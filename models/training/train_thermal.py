#!/usr/bin/env python3
"""Train the thermal hotspot model (temperature regression + hotspot heat map) from scratch.

    python3 models/training/train_thermal.py --device cuda --budget-seconds 300 --out OUTDIR   # GPU machine
    /usr/bin/python3 models/training/train_thermal.py --device cpu --budget-seconds 60 --batch 16 --out /tmp/t

Scenes are rendered on the fly on the training device by thermal_world.render (a pure function
of the seed): training batch n uses seeds (n * batch + i) mod 1_000_000, so the whole training
range [0, 1_000_000) is cycled; random horizontal/vertical flips on top.  Held-out metrics at the
end use seeds [5_000_000, 5_001_000) (see eval_thermal.py for the CPU/ONNX measurement that the
model card quotes).  Not bit-reproducible (wall-clock budget, cuDNN, flips).

Model contract (models/thermal-hotspot.md):
    input   'thermal' [B, 1, 120, 160] float32, n = (T_object_kelvin - 273.15) / 100
    output  'temps'   [B, 3] float32 (max, avg, min) of the noise-free scene, same unit
    output  'heatmap' [B, 1, 60, 80] float32 sigmoid probability of a hotspot centre (stride 2)
Heat-map decode (decode_heatmap): local maxima >= 0.3 in a 3x3 window, refined by the
probability-weighted centroid of the 3x3 window (clipped at the map border),
x_px = 2 * (j_ref + 0.5), y_px = 2 * (i_ref + 0.5).
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_tools  # noqa: E402
import thermal_world as tw  # noqa: E402

IN_H, IN_W = tw.H, tw.W
DECODE_THRESHOLD = 0.3
MATCH_PX = 8.0


# ----------------------------------------------------------------------------- model
class ConvBN(nn.Sequential):
    def __init__(self, c1, c2, k=3, s=1, d=1):
        super().__init__(nn.Conv2d(c1, c2, k, s, d * (k // 2), dilation=d, bias=False),
                         nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03), nn.SiLU())


class Res(nn.Module):
    def __init__(self, c, d=1):
        super().__init__()
        self.a, self.b = ConvBN(c, c, 3, 1, d), ConvBN(c, c, 3, 1, d)

    def forward(self, x):
        return x + self.b(self.a(x))


class ThermalHotspotNet(nn.Module):
    """Fully convolutional trunk (strides 1/2/4/8) with a top-down path back to stride 2 for the
    heat map, and a regression head on global pooling for (max, avg, min).

    The regression head predicts corrections in kelvin to the plain image statistics
    (max, mean, min of the input), from pooled features and a few robust statistics (the
    extremes of a 3x3 box blur, a noise estimate).  Statistics and head run in float32."""

    def __init__(self, w=(16, 32, 48, 80), head=64):
        super().__init__()
        c1, c2, c3, c4 = w
        self.stem = ConvBN(2, c1, 3)                                              # 120x160
        self.down2 = ConvBN(c1, c2, 3, 2)                                          # 60x80
        self.down4 = nn.Sequential(ConvBN(c2, c3, 3, 2), Res(c3))                 # 30x40
        self.down8 = nn.Sequential(ConvBN(c3, c4, 3, 2), Res(c4, 2), Res(c4, 4))  # 15x20
        self.lat4 = ConvBN(c4, c3, 1)
        self.fuse4 = ConvBN(c3, c3, 3)
        self.lat2 = ConvBN(c3, c2, 1)
        self.fuse2 = ConvBN(c2, c2, 3)
        self.hm = nn.Conv2d(c2, 1, 1)
        self.reg = nn.Sequential(nn.Linear(2 * c4 + 5, head), nn.SiLU(), nn.Linear(head, 3))
        nn.init.constant_(self.hm.bias, -4.6)
        nn.init.zeros_(self.reg[-1].weight)
        nn.init.zeros_(self.reg[-1].bias)

    def forward(self, x):
        x = x.float()
        mean = x.mean((2, 3), keepdim=True)
        d = (x - mean) * 100.0                       # kelvin relative to the image mean
        h = d * 0.5                                  # signed log compresses 0.5..150 K to one range
        f1 = self.stem(torch.cat([d * 0.1, torch.sign(h) * torch.log(1.0 + h.abs())], 1))
        f2 = self.down2(f1)
        f4 = self.down4(f2)
        f8 = self.down8(f4)
        u4 = self.fuse4(f4 + F.interpolate(self.lat4(f8), scale_factor=2.0, mode="nearest"))
        u2 = self.fuse2(f2 + F.interpolate(self.lat2(u4), scale_factor=2.0, mode="nearest"))
        heat = torch.sigmoid(self.hm(u2).float())
        # regression: float32 statistics + learned corrections in kelvin
        blur = F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        mx, mn = x.amax((2, 3)), x.amin((2, 3))
        mean1 = mean.flatten(1)
        stats = torch.cat([(mx - mean1) * 10.0, (blur.amax((2, 3)) - mean1) * 10.0, (mn - mean1) * 10.0,
                           (blur.amin((2, 3)) - mean1) * 10.0,          # 1 unit = 10 K
                           (x - blur).abs().mean((2, 3)) * 1000.0], 1)  # noise, 1 unit = 0.1 K
        pooled = torch.cat([f8.mean((2, 3)), f8.amax((2, 3))], 1).float()
        delta_k = self.reg(torch.cat([pooled, stats], 1)).float()
        temps = torch.cat([mx, mean1, mn], 1) + delta_k * 0.01
        return temps, heat


def build_model(weights=None, device="cpu"):
    """Build the model; optionally load a state_dict (.pt). Returns it in eval mode."""
    m = ThermalHotspotNet()
    if weights:
        nn_tools.load_weights(m, weights)
    return m.to(device).eval()


def count_macs(model):
    """Multiply-accumulates of the conv and linear layers for one 160x120 frame (FLOPs = 2 * MACs)."""
    return nn_tools.count_macs(model, torch.full((1, 1, IN_H, IN_W), 0.25))


def export_onnx(model, path, opset=17):
    nn_tools.export_onnx(model, torch.full((1, 1, IN_H, IN_W), 0.25), path, "thermal", ["temps", "heatmap"],
                         opset)


# ----------------------------------------------------------------------------- decode / metrics
def decode_heatmap(hm, thr=DECODE_THRESHOLD):
    """hm: [60, 80] numpy probabilities -> list of (x_px, y_px, score), score descending.

    A cell is a peak when hm >= thr and hm >= each of its (up to 8) neighbours inside the map.
    Its position is the probability-weighted centroid (i_ref, j_ref) of the 3x3 window clipped
    to the map; x_px = 2 * (j_ref + 0.5), y_px = 2 * (i_ref + 0.5)."""
    hm = np.asarray(hm, np.float64)
    h, w = hm.shape
    pad = np.pad(hm, 1, constant_values=-np.inf)
    win = np.max(np.stack([pad[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)]), 0)
    out = []
    for i, j in zip(*np.nonzero((hm >= thr) & (hm >= win))):
        i0, i1, j0, j1 = max(i - 1, 0), min(i + 2, h), max(j - 1, 0), min(j + 2, w)
        p = hm[i0:i1, j0:j1]
        ii, jj = np.mgrid[i0:i1, j0:j1]
        s = p.sum()
        out.append((2.0 * (float((p * jj).sum() / s) + 0.5), 2.0 * (float((p * ii).sum() / s) + 0.5), float(hm[i, j])))
    out.sort(key=lambda t: -t[2])
    return out


def match_points(pred, gt, max_px=MATCH_PX):
    """Greedy one-to-one matching by ascending distance (<= max_px).
    pred: list of (x, y, ...), gt: list of (x, y, ...) -> list of (pred_index, gt_index, dist)."""
    pairs = []
    for a, p in enumerate(pred):
        for b, g in enumerate(gt):
            dd = math.hypot(p[0] - g[0], p[1] - g[1])
            if dd <= max_px:
                pairs.append((dd, a, b))
    pairs.sort()
    used_p, used_g, res = set(), set(), []
    for dd, a, b in pairs:
        if a not in used_p and b not in used_g:
            used_p.add(a)
            used_g.add(b)
            res.append((a, b, dd))
    return res


def peak_from_input(t_c, x, y, r=2):
    """Hotspot temperature read from an image (degC) at a decoded position: the max over the
    (2r+1)x(2r+1) pixels centred on pixel (floor(y), floor(x)), clipped to the frame."""
    i, j = int(math.floor(y)), int(math.floor(x))
    h, w = t_c.shape
    i = min(max(i, 0), h - 1)
    j = min(max(j, 0), w - 1)
    return float(t_c[max(i - r, 0):i + r + 1, max(j - r, 0):j + r + 1].max())


def hotspot_metrics(heatmaps, gts, images_c=None, thresholds=(0.2, 0.3, 0.4, 0.5, 0.6)):
    """heatmaps [N,60,80]; gts: per image list of dicts {x, y, amp, sigma, peak_c}; images_c
    [N,120,160] degC input temperatures (for the peak read-out).  Returns a dict."""
    res = {}
    for thr in thresholds:
        tp = fp = fn = 0
        errs, peak_err, miss_amp, miss_sig, band = [], [], [], [], {}
        for n, (hm, g) in enumerate(zip(heatmaps, gts)):
            pred = decode_heatmap(hm, thr)
            m = match_points(pred, [(h["x"], h["y"]) for h in g])
            tp += len(m)
            fp += len(pred) - len(m)
            fn += len(g) - len(m)
            hit = {b for _, b, _ in m}
            for a, b, dd in m:
                errs.append(dd)
                if images_c is not None:
                    peak_err.append(peak_from_input(images_c[n], pred[a][0], pred[a][1]) - g[b]["peak_c"])
            for b, h in enumerate(g):
                key = "amp_8_12" if h["amp"] < 12 else "amp_12_30" if h["amp"] < 30 else "amp_30_150"
                bb = band.setdefault(key, [0, 0])
                bb[0] += b in hit
                bb[1] += 1
                if b not in hit:
                    miss_amp.append(h["amp"])
                    miss_sig.append(h["sigma"])
        errs = np.array(errs) if errs else np.zeros(1)
        r = {"tp": tp, "fp": fp, "fn": fn, "recall": tp / max(tp + fn, 1), "precision": tp / max(tp + fp, 1),
             "pos_err_mean_px": float(errs.mean()), "pos_err_median_px": float(np.median(errs)),
             "pos_err_p95_px": float(np.percentile(errs, 95)), "pos_err_max_px": float(errs.max()),
             "recall_by_amplitude": {k: v[0] / v[1] for k, v in sorted(band.items())},
             "missed": [[round(a, 1), round(s, 1)] for a, s in zip(miss_amp, miss_sig)][:20]}
        if peak_err:
            pe = np.abs(np.array(peak_err))
            r["peak_readout_mae_k"] = float(pe.mean())
            r["peak_readout_p95_k"] = float(np.percentile(pe, 95))
        res[f"{thr:.1f}"] = r
    return res


def temps_metrics(pred_c, true_c):
    err = np.abs(np.asarray(pred_c, np.float64) - np.asarray(true_c, np.float64))
    return {"mae_max_k": float(err[:, 0].mean()), "mae_avg_k": float(err[:, 1].mean()),
            "mae_min_k": float(err[:, 2].mean()), "p95_max_k": float(np.percentile(err[:, 0], 95)),
            "worst_max_k": float(err[:, 0].max()), "n": int(len(err))}


def heldout_gt(s):
    """Ground-truth lists from a rendered batch (thermal_world.render)."""
    gts = []
    on = s["hot_on"].cpu().numpy()
    cols = [s[k].cpu().numpy() for k in ("hot_x", "hot_y", "hot_amp", "hot_sigma", "hot_peak")]
    for n in range(on.shape[0]):
        gts.append([{"x": float(cols[0][n, k]), "y": float(cols[1][n, k]), "amp": float(cols[2][n, k]),
                     "sigma": float(cols[3][n, k]), "peak_c": float(cols[4][n, k])}
                    for k in range(on.shape[1]) if on[n, k]])
    return gts


def evaluate_heldout(run, seeds, device="cpu", batch=250, log=print):
    """run: callable numpy x [B,1,120,160] -> (temps [B,3], heatmap [B,1,60,80]) numpy.
    Returns (summary dict, per-batch arrays for plots)."""
    pt, tt, hms, gts, imgs = [], [], [], [], []
    for i in range(0, len(seeds), batch):
        s = tw.render(torch.as_tensor(seeds[i:i + batch]), device)
        x = s["x"].cpu().numpy()
        temps, heat = run(x)
        pt.append(np.asarray(temps) * 100.0)
        tt.append(s["temps"].cpu().numpy())
        hms.append(np.asarray(heat)[:, 0])
        gts += heldout_gt(s)
        imgs.append(x[:, 0] * 100.0)
    pt, tt, hms, imgs = np.concatenate(pt), np.concatenate(tt), np.concatenate(hms), np.concatenate(imgs)
    out = {"scenes": len(seeds), "seeds": [int(seeds[0]), int(seeds[-1])], "hotspots": sum(len(g) for g in gts),
           "temps": temps_metrics(pt, tt), "hotspots_by_threshold": hotspot_metrics(hms, gts, imgs)}
    t, h3 = out["temps"], out["hotspots_by_threshold"]["0.3"]
    log(f"held-out {len(seeds)} scenes: MAE max {t['mae_max_k']:.3f} K avg {t['mae_avg_k']:.3f} K "
        f"min {t['mae_min_k']:.3f} K | hotspots @0.3: recall {h3['recall']:.4f} precision {h3['precision']:.4f} "
        f"pos err mean {h3['pos_err_mean_px']:.3f} px p95 {h3['pos_err_p95_px']:.3f} px")
    return out, {"pred_c": pt, "true_c": tt, "heat": hms, "gts": gts, "images_c": imgs}


# ----------------------------------------------------------------------------- training
def flip_batch(s, gen):
    """Random per-sample horizontal / vertical flips of input and heat-map target."""
    x, hm = s["x"], s["heatmap"]
    B = x.shape[0]
    fh = torch.rand(B, 1, 1, 1, device=x.device, generator=gen) < 0.5
    fv = torch.rand(B, 1, 1, 1, device=x.device, generator=gen) < 0.5
    x = torch.where(fh, x.flip(-1), x)
    hm = torch.where(fh, hm.flip(-1), hm)
    x = torch.where(fv, x.flip(-2), x)
    hm = torch.where(fv, hm.flip(-2), hm)
    return x, hm


def losses(model, x, hm_t, temps_t_c):
    temps, heat = model(x)
    p = heat.float().clamp(1e-6, 1 - 1e-6)
    bce = -(hm_t * torch.log(p) + (1 - hm_t) * torch.log(1 - p))
    qfl = (bce * (p - hm_t).abs().pow(2)).sum() / (hm_t.sum() / (2 * math.pi) + x.shape[0] * 0.1)
    err_k = (temps.float() * 100.0 - temps_t_c)
    tl = F.smooth_l1_loss(err_k, torch.zeros_like(err_k), beta=0.25)
    return qfl + 0.5 * tl, qfl, tl, err_k.detach().abs().mean(0)


class Ema:
    def __init__(self, model, decay=0.999):
        self.m = copy.deepcopy(model).eval()
        self.decay, self.n = decay, 0
        for p in self.m.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        self.n += 1
        d = min(self.decay, (1 + self.n) / (10 + self.n))
        msd = model.state_dict()
        for k, v in self.m.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(msd[k].detach(), alpha=1 - d)
            else:
                v.copy_(msd[k])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--budget-seconds", type=float, default=300.0)
    ap.add_argument("--out", default="models/training/.cache/thermal")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--heldout", type=int, default=1000)
    ap.add_argument("--init", default=None, help="start from these weights (fine-tuning)")
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--eval-only", default=None, help="evaluate these weights on the held-out seeds")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device(args.device)
    logf = open(os.path.join(args.out, "train.txt"), "a")

    def P(*a):
        s = " ".join(str(v) for v in a)
        print(s, flush=True)
        logf.write(s + "\n")
        logf.flush()

    t0 = time.time()
    torch.backends.cudnn.benchmark = True
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    held = np.arange(tw.HELDOUT_SEEDS[0], tw.HELDOUT_SEEDS[0] + args.heldout)

    def run_fn(m):
        def run(x):
            with torch.no_grad():
                t, h = m(torch.from_numpy(x).to(dev))
            return t.float().cpu().numpy(), h.float().cpu().numpy()
        return run

    if args.eval_only:
        m = build_model(args.eval_only, dev)
        res, _ = evaluate_heldout(run_fn(m), held, dev, log=P)
        print(json.dumps(res, indent=1))
        return

    model = ThermalHotspotNet()
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu"))
    n_params = sum(p.numel() for p in model.parameters())
    macs = count_macs(model)
    model = model.to(dev).to(memory_format=torch.channels_last)
    P(f"torch {torch.__version__} device {dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else 'cpu'}) "
      f"params {n_params} MACs {macs / 1e6:.1f}M batch {args.batch} lr {args.lr} budget {args.budget_seconds}s")
    decay, no_decay = [], []
    for n_, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.99))
    ema = Ema(model)
    gen = torch.Generator(device=dev)
    gen.manual_seed(12345)
    B = args.batch
    step, t_train = 0, time.time()
    ck = os.path.join(args.out, "thermal-hotspot.pt")
    run_l = run_q = run_t = run_e = 0.0
    while True:
        el = time.time() - t_train
        frac = el / args.budget_seconds
        if frac >= 1:
            break
        lr = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac)))
        if step < args.warmup:
            lr *= (step + 1) / args.warmup
        for g in opt.param_groups:
            g["lr"] = lr
        seeds = (torch.arange(B, device=dev) + step * B) % tw.TRAIN_SEEDS[1]
        with torch.no_grad():
            s = tw.render(seeds, dev)
            x, hm_t = flip_batch(s, gen)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
            loss, lq, lt, e = losses(model, x, hm_t, s["temps"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        ema.update(model)
        step += 1
        run_l, run_q, run_t = run_l + loss.detach(), run_q + lq.detach(), run_t + lt.detach()
        run_e = run_e + e
        every = 500 if dev.type == "cuda" else 10
        if step % every == 0 or step == 50:
            k = every if step % every == 0 else 50
            P(f"step {step} t {time.time() - t_train:.0f}s lr {lr:.5f} loss {float(run_l) / k:.4f} "
              f"heat {float(run_q) / k:.4f} temps {float(run_t) / k:.4f} "
              f"|err| K max/avg/min {' '.join(f'{v / k:.3f}' for v in run_e.tolist())} seen {step * B}")
            run_l = run_q = run_t = 0.0
            run_e = 0.0
        if step % 5000 == 0:
            torch.save({k_: v.float().cpu() for k_, v in ema.m.state_dict().items()}, ck)
    train_s = time.time() - t_train
    P(f"trained {step} steps ({step * B} scenes, {min(step * B, tw.TRAIN_SEEDS[1])} distinct seeds) in {train_s:.0f}s")
    final = ema.m.float().to(memory_format=torch.contiguous_format).eval()
    torch.save({k_: v.cpu().contiguous() for k_, v in final.state_dict().items()}, ck)
    res, _ = evaluate_heldout(run_fn(final), held, dev, log=P)
    summary = {"params": n_params, "macs": macs, "steps": step, "batch": B, "scenes_seen": step * B,
               "distinct_train_seeds": min(step * B, tw.TRAIN_SEEDS[1]), "train_seconds": round(train_s, 1),
               "device": torch.cuda.get_device_name() if dev.type == "cuda" else "cpu", "torch": torch.__version__,
               "heldout": res}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    P(json.dumps(res["hotspots_by_threshold"], indent=None)[:3000])
    P(f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()

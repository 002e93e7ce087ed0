"""Pretexts that pretrain the process-state backbone without the process world's labels, on the CPU.

    from pretext_classifier import PRETEXTS
    backbone_state_dict = PRETEXTS["simclr"](steps, log)

Every pretext trains ``train_classifier.ProcessNet``'s backbone (the head is dropped) and sees only
unlabelled renders of ``process_world.PRETRAIN_SEEDS`` (the state of each render is drawn at random
by the renderer and never read; no renderer parameter is used as a target):

* ``rotnet``: by how much (0/90/180/270 degrees) a crop was rotated (``train_classifier.pretrain``);
* ``simclr``: contrastive (SimCLR, NT-Xent): two random views of one crop (horizontal flip, a random
  crop of 70-100 % of the side resized back, small shift, per-view brightness and contrast, sensor
  noise) must match each other among the other crops of the batch.  No hue jitter and no vertical
  flip or rotation: colour and up/down are what a glass's state shows, so the views keep them;
* ``conveyor``: supervised on another of the repo's worlds, the analogue of ImageNet pretraining:
  which of the 12 kinds of object of ``conveyor_world`` (box, can, bottle top, bottle side, pouch,
  wrench, screwdriver, glove, rag, debris, bolt, cable) lies on a 96x96 patch of steel wall.

Pixels only, 1 torch thread is enough; deterministic for a fixed thread count.
"""
import os
import sys
import time
from multiprocessing import Pool

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conveyor_world as cw  # noqa: E402
import process_world as pw  # noqa: E402
import train_classifier as tc  # noqa: E402

UNLABELLED = 4000


def unlabelled_crops(count=UNLABELLED):
    """Model inputs of `count` unlabelled renders (PRETRAIN_SEEDS; labels discarded)."""
    x, _, _ = tc.render_set(range(pw.PRETRAIN_SEEDS[0], pw.PRETRAIN_SEEDS[0] + count), labelled=False)
    return x


def view(x, gen):
    """One random view per crop of x [B,3,64,64] (normalised space), state-preserving."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    scale = 0.7 + 0.3 * torch.rand(b, generator=gen)
    shift = (torch.rand(b, 2, generator=gen) * 2 - 1) * (1 - scale[:, None] + 0.06)
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = scale
    theta[:, 1, 1] = scale
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    gain = 1 + 0.3 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    bias = 0.3 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    noise = torch.randn(x.shape, generator=gen) * 0.05
    return x * gain + bias + noise


def nt_xent(z, temperature):
    """SimCLR's loss for z [2B, D]: rows i and i+B are the two views of one crop."""
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / temperature
    sim.fill_diagonal_(float("-inf"))
    b = z.shape[0] // 2
    target = torch.cat([torch.arange(b, 2 * b), torch.arange(0, b)])
    return F.cross_entropy(sim, target), (sim.argmax(1) == target).float().mean().item()


class _Projector(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone
        self.mlp = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64))

    def forward(self, x):
        return self.mlp(self.backbone(x).mean((2, 3)))


def pretrain_simclr(steps, log, batch=64, temperature=0.2, lr=3e-3):
    """SimCLR on unlabelled renders, `steps` steps of `batch` crops (2 views each); returns the
    backbone's state_dict."""
    torch.manual_seed(1)
    x = unlabelled_crops()
    net = _Projector(tc.ProcessNet().backbone)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    gen = torch.Generator().manual_seed(2)
    t0 = time.time()
    net.train()
    for step in range(1, steps + 1):
        xb = x[torch.randint(0, len(x), (batch,), generator=gen)]
        loss, acc = nt_xent(net(torch.cat([view(xb, gen), view(xb, gen)])), temperature)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == steps:
            log(f"simclr step {step} {time.time() - t0:.0f}s loss {loss.item():.4f} view match {acc:.3f}")
    log(f"simclr done: {steps} steps of {batch} crops x 2 views in {time.time() - t0:.0f}s")
    return net.backbone.state_dict()


KINDS = [fn for fn, _ in cw.PRODUCTS + cw.FOREIGN]


def _object_patch(seed):
    """(96x96 BGR uint8 patch with one conveyor object, kind index)."""
    rng = np.random.default_rng([seed, 23])
    kind = int(rng.integers(len(KINDS)))
    s = KINDS[kind](rng)
    img = pw.wall(rng, pw.CROP, pw.CROP)
    f = rng.uniform(40, 84) / max(s.w, s.h)
    size = (max(1, round(s.w * f)), max(1, round(s.h * f)))
    sprite = cv2.resize(s.img, size, interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(s.alpha, size, interpolation=cv2.INTER_AREA)[..., None]
    x, y = (int(rng.integers(0, pw.CROP - v + 1)) for v in size)
    region = img[y:y + size[1], x:x + size[0]]
    region[:] = region * (1 - alpha) + sprite * alpha
    return pw.finish(img, rng), kind


def object_patches(count, workers=2):
    with Pool(workers) as pool:
        out = pool.map(_object_patch, range(pw.PRETRAIN_SEEDS[0], pw.PRETRAIN_SEEDS[0] + count), chunksize=32)
    return torch.from_numpy(tc.preprocess(np.stack([o[0] for o in out]))), torch.tensor([o[1] for o in out])


def pretrain_conveyor(steps, log, batch=64, lr=3e-3):
    """Supervised object-kind classification on conveyor-world patches; returns the backbone."""
    torch.manual_seed(1)
    x, y = object_patches(UNLABELLED)
    net = tc.ProcessNet(nc=len(KINDS))
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    gen = torch.Generator().manual_seed(2)
    t0 = time.time()
    net.train()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        logits, _ = net(tc.augment(x[idx], gen))
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 50 == 0 or step == steps:
            acc = (logits.argmax(1) == y[idx]).float().mean().item()
            log(f"conveyor step {step} {time.time() - t0:.0f}s loss {loss.item():.4f} kind acc {acc:.3f}")
    log(f"conveyor done: {steps} steps of {batch} in {time.time() - t0:.0f}s")
    return net.backbone.state_dict()


PRETEXTS = {"rotnet": tc.pretrain, "simclr": pretrain_simclr, "conveyor": pretrain_conveyor}

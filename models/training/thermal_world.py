"""Deterministic synthetic radiometric scenes (160x120, object temperature in degC) with ground truth.

A scene is a pure function of its integer seed.  Random numbers come from a counter-based
integer hash of (seed, stream, index) computed with exact int64 tensor arithmetic, so the
drawn parameters and the sensor noise are the same on any device and for any batch
composition; the rendering itself is float32 torch code (CPU or GPU; the two agree to float
rounding).  A batch of seeds renders in one vectorised pass, fast enough to render every
training batch on the GPU while training runs.

Scene content (all temperatures in degC, the object temperature; emissivity is the clip's
business, see render_thermal_clip.py):

* background: ambient 10-40 degC, a linear gradient (up to +-1.5 K across the frame) and
  vignetting (edges cooler or warmer by up to 2 K, quadratic in the distance to the centre);
* equipment (0-6 pieces, drawn over each other in order): motor housings (rounded rectangles
  with cooling fins), bearings (discs with a warmer or cooler shaft), cable runs (capsules 2-6 px
  thick) and switchgear boxes (large rectangles); each 0.5-8 K above ambient with a linear
  gradient of up to 3 K and soft edges (0.3-1.0 px);
* hotspots (0-3): isotropic Gaussians, amplitude 8-150 K (log-uniform), sigma 2-12 px
  (log-uniform), centres at least 4 px inside the frame, half of them placed on a piece of
  equipment; two hotspots are at least 2*(sigma1 + sigma2) + 4 px apart (otherwise the later
  one is moved to another candidate position or dropped);
* distractor blobs (0-2): Gaussians of -4..+5 K, sigma 3-25 px, which are NOT hotspots;
* sensor noise: white Gaussian, sigma 0.03-0.1 K per scene, then quantised to 0.01 K counts
  (TLinear, kelvin = counts * 0.01).

A "hotspot" is a Gaussian blob whose amplitude is >= 8 K (HOTSPOT_MIN_K).

Coordinates: continuous pixel coordinates, pixel (row i, column j) covers [j, j+1) x [i, i+1),
its centre is (j + 0.5, i + 0.5).  The heat-map cell (i, j) (stride 2, 60x80) has its centre at
(2j + 1, 2i + 1); its target is max over hotspots of exp(-d^2 / (2 * (2 px)^2)) (sigma = 1 cell).
"""
from __future__ import annotations

import math

import torch

W, H = 160, 120
STRIDE = 2
HM_W, HM_H = W // STRIDE, H // STRIDE
HM_SIGMA_CELLS = 1.0
HOTSPOT_MIN_K = 8.0
MAX_EQ, MAX_HOT, MAX_BLOB = 6, 3, 2
N_CAND = 8                      # candidate positions per hotspot (separation rule)
MARGIN_PX = 4.0                 # hotspot centres lie in [4, 156] x [4, 116]
KELVIN = 273.15
COUNTS_PER_K = 100.0            # TLinear: kelvin = counts * 0.01
TRAIN_SEEDS = (0, 1_000_000)
HELDOUT_SEEDS = (5_000_000, 5_001_000)

EQ_MOTOR, EQ_BEARING, EQ_CABLE, EQ_SWITCHGEAR = 0, 1, 2, 3
EQ_NAMES = ["motor", "bearing", "cable", "switchgear"]

_M32 = 0xFFFFFFFF


# ----------------------------------------------------------------------------- counter-based RNG
def _mul32(x, c):
    """(x * c) mod 2^32 for int64 tensors x in [0, 2^32) without int64 overflow."""
    return ((((x * (c >> 16)) & 0xFFFF) << 16) + x * (c & 0xFFFF)) & _M32


def hash32(x):
    """32-bit integer hash (lowbias32) of an int64 tensor; result in [0, 2^32)."""
    x = x & _M32
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    x = x ^ (x >> 16)
    return x


class HashRng:
    """Per-seed random streams: every call draws a new stream, the n-th call of the same
    sequence of calls gives the same numbers for the same seed on every device."""

    def __init__(self, seeds, tag=0):
        self.key = hash32(hash32(seeds.long()) ^ tag)
        self.calls = 0

    def _bits(self, shape):
        self.calls += 1
        skey = hash32(self.key ^ _mul32(torch.full_like(self.key, self.calls), 0x9E3779B9))
        n = 1
        for s in shape:
            n *= s
        idx = torch.arange(n, device=self.key.device, dtype=torch.long).view(tuple(shape))
        k = skey.view(-1, *([1] * len(shape)))
        return hash32(hash32(k + idx))

    def u(self, *shape, lo=0.0, hi=1.0):
        """Uniform float32 in [lo, hi), shape [B, *shape]."""
        v = (self._bits(shape) >> 8).float() * (1.0 / 16777216.0)
        return lo + (hi - lo) * v

    def logu(self, *shape, lo=1.0, hi=2.0):
        return lo * (hi / lo) ** self.u(*shape)

    def normal(self, *shape):
        u1 = ((self._bits(shape) >> 8).float() + 0.5) * (1.0 / 16777216.0)
        u2 = (self._bits(shape) >> 8).float() * (1.0 / 16777216.0)
        return torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)


# ----------------------------------------------------------------------------- scene parameters
def sample_params(seeds, device="cpu"):
    """Random scene parameters for a batch of seeds (LongTensor or list) -> dict of tensors."""
    seeds = torch.as_tensor(seeds, dtype=torch.long, device=device).flatten()
    B = seeds.numel()
    r = HashRng(seeds, tag=0x7E57)
    p = {}
    p["ambient"] = r.u(lo=10.0, hi=40.0)
    p["grad"] = r.u(2, lo=-1.5, hi=1.5)                      # K across the frame in x, y
    p["vignette"] = r.u(lo=-2.0, hi=2.0)                     # K at the corners
    p["noise"] = r.u(lo=0.03, hi=0.1)                        # K

    # equipment ------------------------------------------------------------
    n_eq = torch.floor(r.u() * (MAX_EQ + 1)).long()
    k = torch.arange(MAX_EQ, device=device)
    p["eq_on"] = k[None] < n_eq[:, None]
    typ = torch.floor(r.u(MAX_EQ) * 4).long()
    p["eq_type"] = typ
    cx, cy = r.u(MAX_EQ, lo=10.0, hi=W - 10.0), r.u(MAX_EQ, lo=10.0, hi=H - 10.0)
    a_motor = torch.where(r.u(MAX_EQ) < 0.7, torch.zeros_like(cx), r.u(MAX_EQ, lo=-0.4, hi=0.4))
    a_cable = r.u(MAX_EQ, lo=0.0, hi=math.pi)
    hx_motor, hy_motor = r.u(MAX_EQ, lo=12.0, hi=35.0), r.u(MAX_EQ, lo=8.0, hi=22.0)
    rad_bear = r.u(MAX_EQ, lo=4.0, hi=14.0)
    len_cable, th_cable = r.u(MAX_EQ, lo=20.0, hi=120.0), r.u(MAX_EQ, lo=1.0, hi=3.0)
    hx_sw, hy_sw = r.u(MAX_EQ, lo=15.0, hi=45.0), r.u(MAX_EQ, lo=15.0, hi=40.0)
    corner_motor, corner_sw = r.u(MAX_EQ, lo=1.0, hi=6.0), r.u(MAX_EQ, lo=0.0, hi=2.0)
    is_m, is_b, is_c = typ == EQ_MOTOR, typ == EQ_BEARING, typ == EQ_CABLE
    p["eq_cx"], p["eq_cy"] = cx, cy
    p["eq_angle"] = torch.where(is_m, a_motor, torch.where(is_c, a_cable, torch.zeros_like(cx)))
    hx = torch.where(is_m, hx_motor, torch.where(is_b, rad_bear, torch.where(is_c, len_cable / 2, hx_sw)))
    hy = torch.where(is_m, hy_motor, torch.where(is_b, rad_bear, torch.where(is_c, th_cable, hy_sw)))
    corner = torch.where(is_m, corner_motor, torch.where(is_b | is_c, torch.minimum(hx, hy), corner_sw))
    p["eq_hx"], p["eq_hy"] = hx, hy
    p["eq_corner"] = torch.minimum(corner, torch.minimum(hx, hy))
    p["eq_delta"] = r.u(MAX_EQ, lo=0.5, hi=8.0)
    p["eq_gmag"] = r.u(MAX_EQ, lo=0.0, hi=3.0)
    p["eq_gdir"] = r.u(MAX_EQ, lo=0.0, hi=2 * math.pi)
    p["eq_soft"] = r.u(MAX_EQ, lo=0.3, hi=1.0)
    p["eq_fin_amp"] = torch.where(is_m, r.u(MAX_EQ, lo=0.0, hi=1.0), torch.zeros_like(cx))
    p["eq_fin_period"] = r.u(MAX_EQ, lo=3.0, hi=6.0)
    p["eq_inner_r"] = torch.where(is_b, rad_bear * r.u(MAX_EQ, lo=0.3, hi=0.6), torch.zeros_like(cx))
    p["eq_inner_delta"] = r.u(MAX_EQ, lo=-3.0, hi=3.0)

    # hotspots --------------------------------------------------------------
    uc = r.u()
    n_hot = (uc >= 0.15).long() + (uc >= 0.50).long() + (uc >= 0.80).long()   # P = .15 .35 .30 .20
    amp = r.logu(MAX_HOT, lo=HOTSPOT_MIN_K, hi=150.0)
    sig = r.logu(MAX_HOT, lo=2.0, hi=12.0)
    on_eq = r.u(MAX_HOT, N_CAND) < 0.5
    pick = torch.floor(r.u(MAX_HOT, N_CAND) * n_eq.clamp(min=1)[:, None, None].float()).long().clamp(max=MAX_EQ - 1)
    ju, jv = r.u(MAX_HOT, N_CAND, lo=-0.8, hi=0.8), r.u(MAX_HOT, N_CAND, lo=-0.8, hi=0.8)
    fx = r.u(MAX_HOT, N_CAND, lo=MARGIN_PX, hi=W - MARGIN_PX)
    fy = r.u(MAX_HOT, N_CAND, lo=MARGIN_PX, hi=H - MARGIN_PX)
    g = lambda t: torch.gather(t[:, None, :].expand(B, MAX_HOT, MAX_EQ), 2, pick)  # noqa: E731
    ang = g(p["eq_angle"])
    ex = g(cx) + torch.cos(ang) * ju * g(hx) - torch.sin(ang) * jv * g(hy)
    ey = g(cy) + torch.sin(ang) * ju * g(hx) + torch.cos(ang) * jv * g(hy)
    use_eq = on_eq & (n_eq[:, None, None] > 0)
    candx = torch.where(use_eq, ex, fx).clamp(MARGIN_PX, W - MARGIN_PX)
    candy = torch.where(use_eq, ey, fy).clamp(MARGIN_PX, H - MARGIN_PX)
    hot_x = torch.zeros(B, MAX_HOT, device=device)
    hot_y = torch.zeros(B, MAX_HOT, device=device)
    hot_on = torch.zeros(B, MAX_HOT, dtype=torch.bool, device=device)
    for h in range(MAX_HOT):
        ok = torch.ones(B, N_CAND, dtype=torch.bool, device=device)
        for q in range(h):
            d = torch.hypot(candx[:, h] - hot_x[:, q:q + 1], candy[:, h] - hot_y[:, q:q + 1])
            need = 2.0 * (sig[:, h:h + 1] + sig[:, q:q + 1]) + 4.0
            ok &= (d >= need) | ~hot_on[:, q:q + 1]
        first = torch.argmax(ok.int(), 1, keepdim=True)   # first candidate that fits
        hot_x[:, h] = torch.gather(candx[:, h], 1, first)[:, 0]
        hot_y[:, h] = torch.gather(candy[:, h], 1, first)[:, 0]
        hot_on[:, h] = ok.any(1) & (h < n_hot)
    p["hot_on"], p["hot_x"], p["hot_y"], p["hot_amp"], p["hot_sigma"] = hot_on, hot_x, hot_y, amp, sig

    # distractor blobs (never hotspots: |amplitude| <= 5 K) -------------------
    n_blob = torch.floor(r.u() * (MAX_BLOB + 1)).long()
    p["blob_on"] = torch.arange(MAX_BLOB, device=device)[None] < n_blob[:, None]
    p["blob_x"], p["blob_y"] = r.u(MAX_BLOB, lo=0.0, hi=float(W)), r.u(MAX_BLOB, lo=0.0, hi=float(H))
    p["blob_amp"] = r.u(MAX_BLOB, lo=-4.0, hi=5.0)
    p["blob_sigma"] = r.u(MAX_BLOB, lo=3.0, hi=25.0)
    p["seeds"] = seeds
    return p


# ----------------------------------------------------------------------------- rendering
def _rounded_box_sdf(dx, dy, hx, hy, r):
    qx = dx.abs() - (hx - r)
    qy = dy.abs() - (hy - r)
    outside = torch.hypot(qx.clamp(min=0), qy.clamp(min=0))
    inside = torch.maximum(qx, qy).clamp(max=0)
    return outside + inside - r


def field(p, xs, ys):
    """Noise-free object temperature (degC) at continuous coordinates.

    xs, ys: tensors of shape [B, *S] or [1, *S] (broadcast over the batch).  Every parameter
    in p has leading dim B.  Returns [B, *S] float32."""
    B = p["ambient"].shape[0]
    extra = max(xs.dim(), ys.dim()) - 1

    def e(t):
        return t.reshape(B, *([1] * extra))

    nx = xs / W - 0.5
    ny = ys / H - 0.5
    t = e(p["ambient"]) + e(p["grad"][:, 0]) * nx + e(p["grad"][:, 1]) * ny
    t = t + e(p["vignette"]) * (nx * nx + ny * ny) * 2.0           # = vignette at the corners
    for k in range(MAX_EQ):
        on = e(p["eq_on"][:, k].float())
        ca, sa = torch.cos(p["eq_angle"][:, k]), torch.sin(p["eq_angle"][:, k])
        rx = xs - e(p["eq_cx"][:, k])
        ry = ys - e(p["eq_cy"][:, k])
        dx = rx * e(ca) + ry * e(sa)
        dy = -rx * e(sa) + ry * e(ca)
        hx, hy = e(p["eq_hx"][:, k]), e(p["eq_hy"][:, k])
        sdf = _rounded_box_sdf(dx, dy, hx, hy, e(p["eq_corner"][:, k]))
        alpha = torch.sigmoid(-sdf / e(p["eq_soft"][:, k])) * on
        ext = torch.maximum(hx, hy)
        gd = p["eq_gdir"][:, k]
        lin = (rx * e(torch.cos(gd)) + ry * e(torch.sin(gd))) / ext
        teq = e(p["ambient"] + p["eq_delta"][:, k]) + e(p["eq_gmag"][:, k]) * 0.5 * lin
        teq = teq + e(p["eq_fin_amp"][:, k]) * torch.cos(2 * math.pi * dx / e(p["eq_fin_period"][:, k]))
        r_in = e(p["eq_inner_r"][:, k])
        inner = torch.sigmoid((r_in - torch.hypot(rx, ry)) / e(p["eq_soft"][:, k])) * (r_in > 0).float()
        teq = teq + inner * e(p["eq_inner_delta"][:, k])
        t = t + alpha * (teq - t)
    for k in range(MAX_HOT):
        on = e(p["hot_on"][:, k].float())
        s = e(p["hot_sigma"][:, k])
        d2 = (xs - e(p["hot_x"][:, k])) ** 2 + (ys - e(p["hot_y"][:, k])) ** 2
        t = t + on * e(p["hot_amp"][:, k]) * torch.exp(-d2 / (2 * s * s))
    for k in range(MAX_BLOB):
        on = e(p["blob_on"][:, k].float())
        s = e(p["blob_sigma"][:, k])
        d2 = (xs - e(p["blob_x"][:, k])) ** 2 + (ys - e(p["blob_y"][:, k])) ** 2
        t = t + on * e(p["blob_amp"][:, k]) * torch.exp(-d2 / (2 * s * s))
    return t


def pixel_grid(device="cpu"):
    ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float32, device=device) + 0.5,
                            torch.arange(W, dtype=torch.float32, device=device) + 0.5, indexing="ij")
    return xs[None], ys[None]


def heatmap_target(hot_x, hot_y, hot_on):
    """[B, K] centres (px) -> [B, 1, 60, 80] Gaussian target, sigma 1 cell, peak 1 at the centre."""
    dev = hot_x.device
    cy, cx = torch.meshgrid(torch.arange(HM_H, dtype=torch.float32, device=dev) * STRIDE + STRIDE / 2,
                            torch.arange(HM_W, dtype=torch.float32, device=dev) * STRIDE + STRIDE / 2,
                            indexing="ij")
    s = HM_SIGMA_CELLS * STRIDE
    d2 = (cx[None, None] - hot_x[:, :, None, None]) ** 2 + (cy[None, None] - hot_y[:, :, None, None]) ** 2
    g = torch.exp(-d2 / (2 * s * s)) * hot_on[:, :, None, None].float()
    return g.amax(1, keepdim=True) if g.shape[1] else torch.zeros(hot_x.shape[0], 1, HM_H, HM_W, device=dev)


def sensor(clean_c, noise_k, seeds, tag=0x5E45):
    """Noisy, quantised observation of an object-temperature image: clean + N(0, noise) then
    rounded to 0.01 K counts.  Returns (counts float32 [B,H,W], kelvin = counts * 0.01)."""
    z = HashRng(seeds, tag=tag).normal(*clean_c.shape[1:])
    counts = torch.round((clean_c + KELVIN + noise_k.view(-1, 1, 1) * z) * COUNTS_PER_K)
    return counts


def normalise_c(t_c):
    """Model input unit: n = (T_kelvin - 273.15) / 100 = T_degC / 100."""
    return t_c / 100.0


def apparent_from_object(t_obj_k, emissivity, t_refl_k):
    """Radiometric (apparent) temperature in kelvin of a grey body: T_app^4 = e*T_obj^4 + (1-e)*T_refl^4."""
    return (emissivity * t_obj_k ** 4 + (1.0 - emissivity) * t_refl_k ** 4) ** 0.25


def object_from_apparent(t_app_k, emissivity, t_refl_k):
    """Inverse of apparent_from_object: T_obj = ((T_app^4 - (1-e)*T_refl^4) / e)^(1/4)."""
    return ((t_app_k ** 4 - (1.0 - emissivity) * t_refl_k ** 4) / emissivity) ** 0.25


def render(seeds, device="cpu", params=None):
    """Render a batch.  Returns a dict:
        clean   [B,H,W] degC noise-free object temperature (pixel centres)
        counts  [B,H,W] float32 sensor counts (kelvin * 100, rounded, with noise)
        x       [B,1,H,W] model input: (counts * 0.01 - 273.15) / 100
        temps   [B,3] degC (max, avg, min) of clean
        hot_on/hot_x/hot_y/hot_amp/hot_sigma [B,3], hot_peak [B,3] degC (clean field at the centre)
        heatmap [B,1,60,80] target
    """
    p = sample_params(seeds, device) if params is None else params
    xs, ys = pixel_grid(device)
    clean = field(p, xs, ys)
    counts = sensor(clean, p["noise"], p["seeds"])
    x = ((counts * 0.01 - KELVIN) / 100.0)[:, None]
    temps = torch.stack([clean.amax((1, 2)), clean.mean((1, 2)), clean.amin((1, 2))], 1)
    peak = field(p, p["hot_x"], p["hot_y"])
    return {"clean": clean, "counts": counts, "x": x, "temps": temps, "hot_on": p["hot_on"],
            "hot_x": p["hot_x"], "hot_y": p["hot_y"], "hot_amp": p["hot_amp"], "hot_sigma": p["hot_sigma"],
            "hot_peak": peak, "heatmap": heatmap_target(p["hot_x"], p["hot_y"], p["hot_on"]), "params": p}


if __name__ == "__main__":
    import time
    t0 = time.time()
    s = render(torch.arange(5_000_000, 5_000_256))
    print(f"256 scenes in {time.time() - t0:.2f}s on cpu; hotspots/scene {s['hot_on'].float().sum(1).mean():.2f}")
    print("temps[0]", s["temps"][0].tolist(), "x range", float(s["x"].min()), float(s["x"].max()))

"""Deterministic synthetic conveyor world (640x360 BGR frames) with ground truth.

Two modes:

* ``render_scene(seed)``: one random, independent scene (used for training / held-out
  evaluation).  Everything (belt look, lighting, objects, noise) is drawn from
  ``np.random.default_rng(seed)``.
* ``ConveyorClip(seed, n_frames)``: a temporal clip.  Objects lie still on the belt, the
  belt moves left to right at 5.5-6.5 px/frame, so every object moves consistently frame to
  frame.  Foreign objects appear one at a time (entering at the left or dropped onto the
  belt mid-frame) and leave at the right.

Classes: 0 ``product`` (cardboard boxes, cans and bottles seen from above, lying bottles,
pouches), 1 ``foreign_object`` (wrenches, screwdrivers, gloves, rags, debris, bolts/nuts,
cable pieces).

Ground truth boxes are axis-aligned ``[x1, y1, x2, y2]`` in source pixels (x2/y2 are
exclusive pixel edges), the tight box of the object's opaque pixels (alpha > 0.5),
clipped to the frame.  Every object carries ``visible``: the fraction of its area inside
the frame; ``VISIBLE_MIN`` (0.4) is the rule for whether it counts as ground truth.

Only numpy and OpenCV are needed.  Rendering is a pure function of the seed(s).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

W, H = 640, 360
CLASSES = ["product", "foreign_object"]
VISIBLE_MIN = 0.4


# ----------------------------------------------------------------------------- sprites
@dataclass
class Sprite:
    img: np.ndarray          # h x w x 3 float32 BGR (0..255)
    alpha: np.ndarray        # h x w float32 0..1
    cls: int
    kind: str
    box: tuple = field(default=(0, 0, 0, 0))  # tight box of alpha>0.5 inside the sprite

    def __post_init__(self):
        ys, xs = np.nonzero(self.alpha > 0.5)
        self.box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        self.area = float((self.alpha > 0.5).sum())

    @property
    def w(self):
        return self.img.shape[1]

    @property
    def h(self):
        return self.img.shape[0]


def _canvas(h, w):
    return np.zeros((h, w, 3), np.float32), np.zeros((h, w), np.float32)


def _finish(rng, img, alpha, cls, kind, angle, noise=4.0, shade=0.12):
    """Rotate, add surface noise and directional shading, crop to content."""
    img = img.copy()
    img += rng.standard_normal(img.shape[:2], dtype=np.float32)[..., None] * np.float32(noise)
    h, w = alpha.shape
    if angle != 0.0:
        d = int(math.ceil(math.hypot(h, w))) + 4
        M = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        M[0, 2] += (d - w) / 2
        M[1, 2] += (d - h) / 2
        img = cv2.warpAffine(img, M, (d, d), flags=cv2.INTER_LINEAR, borderValue=0)
        alpha = cv2.warpAffine(alpha, M, (d, d), flags=cv2.INTER_LINEAR, borderValue=0)
    ys, xs = np.nonzero(alpha > 0.02)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    img, alpha = img[y0:y1, x0:x1], alpha[y0:y1, x0:x1]
    # light from the top-left in world coordinates
    hh, ww = alpha.shape
    ramp = (np.arange(ww)[None, :] / max(ww, 1) + np.arange(hh)[:, None] / max(hh, 1)) / 2
    img *= (1 + shade * (0.5 - ramp))[..., None]
    return Sprite(np.clip(img, 0, 255), np.clip(alpha, 0, 1), cls, kind)


def _col(rng, base, jitter=12):
    return tuple(float(np.clip(c + rng.normal(0, jitter), 0, 255)) for c in base)


def _aa_poly(img, alpha, pts, color):
    pts = np.round(np.asarray(pts) * 16).astype(np.int32)
    cv2.fillPoly(img, [pts], color, cv2.LINE_AA, 4)
    cv2.fillPoly(alpha, [pts], 1.0, cv2.LINE_AA, 4)


def _circle(img, alpha, c, r, color, a=1.0):
    c16 = (int(round(c[0] * 16)), int(round(c[1] * 16)))
    cv2.circle(img, c16, int(round(r * 16)), color, -1, cv2.LINE_AA, 4)
    if alpha is not None:
        cv2.circle(alpha, c16, int(round(r * 16)), a, -1, cv2.LINE_AA, 4)


def _ellipse(img, alpha, c, axes, ang, color):
    c16 = (int(round(c[0] * 16)), int(round(c[1] * 16)))
    ax16 = (int(round(axes[0] * 16)), int(round(axes[1] * 16)))
    cv2.ellipse(img, c16, ax16, ang, 0, 360, color, -1, cv2.LINE_AA, 4)
    if alpha is not None:
        cv2.ellipse(alpha, c16, ax16, ang, 0, 360, 1.0, -1, cv2.LINE_AA, 4)


def _small_angle(rng):
    return float(rng.uniform(-14, 14) if rng.random() < 0.8 else rng.uniform(-50, 50))


# --- products (class 0)
def product_box(rng):
    w, h = int(rng.integers(56, 136)), int(rng.integers(46, 112))
    img, alpha = _canvas(h, w)
    tones = [(70, 120, 170), (85, 135, 180), (60, 100, 150), (110, 150, 190), (150, 175, 200),
             (45, 85, 125)]
    base = np.array(_col(rng, tones[rng.integers(len(tones))], 10), np.float32)
    img[:] = base
    alpha[:] = 1.0
    # corrugation / print variation
    img += (rng.normal(0, 1, (h, 1, 1)) * 3).astype(np.float32)
    dark = tuple(float(c) for c in base * 0.7)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), dark, 2)
    horiz = w >= h
    if horiz:
        cv2.line(img, (2, h // 2), (w - 3, h // 2), tuple(float(c) for c in base * 0.6), 1)
    else:
        cv2.line(img, (w // 2, 2), (w // 2, h - 3), tuple(float(c) for c in base * 0.6), 1)
    r = rng.random()
    if r < 0.75:  # tape along the seam
        tw = max(4, int(min(w, h) * rng.uniform(0.12, 0.24)))
        tape_cols = [base * 1.18 + 10, (60, 70, 80), (235, 235, 235), (170, 110, 40), (40, 60, 190)]
        tc = tape_cols[rng.integers(len(tape_cols))]
        tc = tuple(float(np.clip(c, 0, 255)) for c in tc)
        if horiz:
            cv2.rectangle(img, (0, h // 2 - tw // 2), (w - 1, h // 2 + tw // 2), tc, -1)
        else:
            cv2.rectangle(img, (w // 2 - tw // 2, 0), (w // 2 + tw // 2, h - 1), tc, -1)
    if rng.random() < 0.55:  # shipping label with barcode
        lw, lh = int(w * rng.uniform(0.25, 0.4)), int(h * rng.uniform(0.22, 0.35))
        lx = int(rng.integers(3, max(4, w - lw - 3)))
        ly = int(rng.integers(3, max(4, h - lh - 3)))
        cv2.rectangle(img, (lx, ly), (lx + lw, ly + lh), _col(rng, (235, 235, 235), 8), -1)
        x = lx + 2
        while x < lx + lw - 2:
            bw = int(rng.integers(1, 3))
            if rng.random() < 0.6:
                cv2.rectangle(img, (x, ly + lh // 2), (x + bw - 1, ly + lh - 2), (30, 30, 30), -1)
            x += bw + 1
        cv2.line(img, (lx + 2, ly + 3), (lx + lw - 3, ly + 3), (60, 60, 60), 1)
    if rng.random() < 0.35:  # printed logo
        c = _col(rng, (rng.integers(0, 200), rng.integers(0, 200), rng.integers(0, 200)), 0)
        cx, cy = int(w * rng.uniform(0.2, 0.8)), int(h * rng.uniform(0.2, 0.8))
        cv2.circle(img, (cx, cy), int(min(w, h) * 0.12), c, 2, cv2.LINE_AA)
    return _finish(rng, img, alpha, 0, "box", _small_angle(rng), noise=3.0)


def product_can(rng):
    d = int(rng.integers(38, 74))
    s = d + 4
    img, alpha = _canvas(s, s)
    c = (s / 2, s / 2)
    r = d / 2
    brand = [(40, 40, 200), (180, 90, 20), (40, 150, 40), (30, 180, 220), (200, 200, 200),
             (30, 30, 30), (140, 40, 140)]
    _circle(img, alpha, c, r, _col(rng, brand[rng.integers(len(brand))], 10))
    lid = _col(rng, (185, 185, 190), 12)
    _circle(img, None, c, r * 0.86, lid)
    _circle(img, None, c, r * 0.8, tuple(v * 0.8 for v in lid))
    _circle(img, None, c, r * 0.74, lid)
    ang = rng.uniform(0, 2 * math.pi)
    tx, ty = c[0] + math.cos(ang) * r * 0.35, c[1] + math.sin(ang) * r * 0.35
    _ellipse(img, None, (tx, ty), (r * 0.28, r * 0.14), math.degrees(ang), tuple(v * 0.75 for v in lid))
    _circle(img, None, (c[0] - r * 0.3, c[1] - r * 0.3), r * 0.12, (245, 245, 245))
    return _finish(rng, img, alpha, 0, "can", 0.0, noise=3.0, shade=0.2)


def product_bottle_top(rng):
    d = int(rng.integers(44, 78))
    s = d + 4
    img, alpha = _canvas(s, s)
    c = (s / 2, s / 2)
    r = d / 2
    bodies = [(60, 140, 60), (40, 80, 120), (200, 180, 150), (230, 230, 230), (170, 120, 60)]
    body = np.array(_col(rng, bodies[rng.integers(len(bodies))], 10))
    _circle(img, alpha, c, r, tuple(body * 0.85))
    _circle(img, None, c, r * 0.75, tuple(np.clip(body * 1.1, 0, 255)))
    _circle(img, None, c, r * 0.5, tuple(body * 0.9))
    caps = [(240, 240, 240), (40, 40, 200), (180, 80, 20), (30, 170, 30), (20, 20, 20), (0, 200, 230)]
    cap = _col(rng, caps[rng.integers(len(caps))], 8)
    cr = r * rng.uniform(0.32, 0.42)
    _circle(img, None, c, cr, cap)
    for k in range(12):
        a = k * math.pi / 6
        p = (c[0] + math.cos(a) * cr * 0.92, c[1] + math.sin(a) * cr * 0.92)
        _circle(img, None, p, 1.0, tuple(v * 0.7 for v in cap))
    _circle(img, None, (c[0] - r * 0.4, c[1] - r * 0.35), r * 0.1, (250, 250, 250))
    return _finish(rng, img, alpha, 0, "bottle_top", 0.0, noise=3.0, shade=0.2)


def product_bottle_side(rng):
    L = int(rng.integers(80, 130))
    D = int(L * rng.uniform(0.3, 0.4))
    img, alpha = _canvas(D + 4, L + 4)
    y0, y1 = 2, 2 + D
    bodies = [(60, 140, 60), (40, 80, 120), (200, 180, 150), (230, 230, 230), (170, 120, 60)]
    body = np.array(_col(rng, bodies[rng.integers(len(bodies))], 10))
    bl = int(L * 0.68)
    _aa_poly(img, alpha, [(2, y0 + 3), (bl, y0 + 3), (bl + D * 0.45, y0 + D * 0.32),
                          (bl + D * 0.45, y1 - D * 0.32), (bl, y1 - 3), (2, y1 - 3)], tuple(body))
    _aa_poly(img, alpha, [(bl + D * 0.45, y0 + D * 0.33), (L - 2, y0 + D * 0.33),
                          (L - 2, y1 - D * 0.33), (bl + D * 0.45, y1 - D * 0.33)], tuple(body * 0.95))
    caps = [(240, 240, 240), (40, 40, 200), (180, 80, 20), (30, 170, 30), (20, 20, 20)]
    cap = _col(rng, caps[rng.integers(len(caps))], 8)
    cv2.rectangle(img, (int(L - D * 0.3), int(y0 + D * 0.3)), (L - 1, int(y1 - D * 0.3)), cap, -1)
    lab = _col(rng, (rng.integers(0, 255), rng.integers(0, 255), rng.integers(0, 255)), 0)
    cv2.rectangle(img, (int(L * 0.12), y0 + 3), (int(L * 0.5), y1 - 3), lab, -1)
    cv2.line(img, (6, y0 + D // 3), (bl - 4, y0 + D // 3), tuple(np.clip(body * 1.4 + 30, 0, 255)), 2)
    return _finish(rng, img, alpha, 0, "bottle_side", _small_angle(rng), noise=3.0)


def product_pouch(rng):
    w, h = int(rng.integers(60, 120)), int(rng.integers(50, 95))
    img, alpha = _canvas(h, w)
    base = _col(rng, (rng.integers(20, 235), rng.integers(20, 235), rng.integers(20, 235)), 0)
    _aa_poly(img, alpha, [(3, 2), (w - 4, 2), (w - 2, h - 3), (1, h - 3)], base)
    crimp = tuple(v * 0.75 for v in base)
    cv2.rectangle(img, (3, 2), (w - 4, 7), crimp, -1)
    cv2.rectangle(img, (1, h - 8), (w - 2, h - 3), crimp, -1)
    for x in range(4, w - 4, 3):
        cv2.line(img, (x, 2), (x, 7), tuple(v * 0.6 for v in base), 1)
    cv2.ellipse(img, (w // 2, h // 2), (w // 5, h // 6), 0, 0, 360, _col(rng, (240, 240, 240), 10), -1, cv2.LINE_AA)
    return _finish(rng, img, alpha, 0, "pouch", _small_angle(rng), noise=3.0)


PRODUCTS = [(product_box, 0.45), (product_can, 0.17), (product_bottle_top, 0.15),
            (product_bottle_side, 0.13), (product_pouch, 0.10)]


# --- foreign objects (class 1)
def _metal(rng):
    return _col(rng, [(175, 175, 180), (140, 140, 145), (110, 115, 120), (70, 150, 190), (40, 40, 45)]
                [rng.integers(5) if rng.random() < 0.35 else rng.integers(3)], 10)


def foreign_wrench(rng):
    L = int(rng.integers(55, 125))
    t = max(4.0, L * rng.uniform(0.1, 0.14))
    hh = int(L * 0.42) + 4
    img, alpha = _canvas(hh, L + 4)
    cy = hh / 2
    col = _metal(rng)
    _aa_poly(img, alpha, [(L * 0.12, cy - t / 2), (L * 0.86, cy - t / 2), (L * 0.86, cy + t / 2),
                          (L * 0.12, cy + t / 2)], col)
    rr = L * 0.13
    _circle(img, alpha, (2 + rr, cy), rr, col)
    _circle(img, alpha, (2 + rr, cy), rr * 0.55, (0, 0, 0), a=0.0)
    rj = L * 0.17
    jx = L + 2 - rj
    _circle(img, alpha, (jx, cy), rj, col)
    ang = rng.uniform(-0.5, 0.5)
    notch = [(jx, cy - rj * 0.35), (jx + rj * 1.5, cy - rj * 0.35 + ang * rj),
             (jx + rj * 1.5, cy + rj * 0.35 + ang * rj), (jx, cy + rj * 0.35)]
    pts = np.round(np.asarray(notch) * 16).astype(np.int32)
    cv2.fillPoly(img, [pts], (0, 0, 0), cv2.LINE_AA, 4)
    cv2.fillPoly(alpha, [pts], 0.0, cv2.LINE_AA, 4)
    cv2.line(img, (int(L * 0.15), int(cy - t * 0.15)), (int(L * 0.83), int(cy - t * 0.15)),
             tuple(min(255, v * 1.35 + 20) for v in col), 1, cv2.LINE_AA)
    return _finish(rng, img, alpha, 1, "wrench", float(rng.uniform(0, 360)), noise=3.0, shade=0.3)


def foreign_screwdriver(rng):
    L = int(rng.integers(55, 122))
    hw = max(6.0, L * rng.uniform(0.11, 0.16))
    hh = int(hw) + 6
    img, alpha = _canvas(hh, L + 4)
    cy = hh / 2
    handles = [(30, 30, 210), (20, 200, 240), (30, 30, 30), (200, 100, 30), (40, 160, 40), (20, 120, 250)]
    hc = _col(rng, handles[rng.integers(len(handles))], 10)
    hl = L * rng.uniform(0.35, 0.45)
    _aa_poly(img, alpha, [(2, cy - hw / 2 + 1), (hl, cy - hw / 2), (hl + 3, cy - hw / 3),
                          (hl + 3, cy + hw / 3), (hl, cy + hw / 2), (2, cy + hw / 2 - 1)], hc)
    for k in range(3):
        y = cy - hw / 4 + k * hw / 4
        cv2.line(img, (5, int(y)), (int(hl - 3), int(y)), tuple(v * 0.6 for v in hc), 1)
    sw = max(2.0, L * 0.035)
    sc = _col(rng, (185, 185, 190), 10)
    _aa_poly(img, alpha, [(hl + 3, cy - sw / 2), (L + 1, cy - sw / 2 * 0.8), (L + 1, cy + sw / 2 * 0.8),
                          (hl + 3, cy + sw / 2)], sc)
    return _finish(rng, img, alpha, 1, "screwdriver", float(rng.uniform(0, 360)), noise=3.0, shade=0.25)


def foreign_glove(rng):
    L = int(rng.integers(60, 118))
    s = L + 8
    img, alpha = _canvas(s, s)
    cols = [(200, 120, 40), (40, 200, 230), (225, 225, 225), (35, 35, 35), (30, 120, 240), (120, 120, 120),
            (60, 160, 60)]
    col = _col(rng, cols[rng.integers(len(cols))], 10)
    cx, cy = s * 0.5, s * 0.62
    pw, ph = L * 0.2, L * 0.24
    _ellipse(img, alpha, (cx, cy), (pw, ph), 0, col)
    # cuff
    _aa_poly(img, alpha, [(cx - pw * 0.9, cy + ph * 0.6), (cx + pw * 0.9, cy + ph * 0.6),
                          (cx + pw * 0.95, s - 3), (cx - pw * 0.95, s - 3)], tuple(v * 0.9 for v in col))
    fl = L * rng.uniform(0.2, 0.27)
    spread = rng.uniform(0.08, 0.3)
    for k in range(4):
        a = -math.pi / 2 + (k - 1.5) * spread
        fx = cx + (k - 1.5) * pw * 0.5
        fy = cy - ph * 0.75
        ex, ey = fx + math.cos(a) * fl * 0.5, fy + math.sin(a) * fl * 0.5
        _ellipse(img, alpha, (ex, ey), (fl * 0.55, pw * 0.22), math.degrees(a), col)
    ta = math.pi * rng.uniform(0.95, 1.25)
    _ellipse(img, alpha, (cx - pw * 0.9 + math.cos(ta) * fl * 0.2, cy + math.sin(ta) * fl * 0.2),
             (fl * 0.5, pw * 0.24), math.degrees(ta) + 20, col)
    for k in range(int(rng.integers(2, 5))):  # wrinkles
        x0, y0 = cx + rng.uniform(-pw, pw) * 0.6, cy + rng.uniform(-ph, ph) * 0.6
        cv2.line(img, (int(x0), int(y0)), (int(x0 + rng.uniform(-8, 8)), int(y0 + rng.uniform(-8, 8))),
                 tuple(v * 0.7 for v in col), 1, cv2.LINE_AA)
    return _finish(rng, img, alpha, 1, "glove", float(rng.uniform(0, 360)), noise=5.0, shade=0.25)


def _blob(rng, L, n, irregular):
    s = L + 8
    c = s / 2
    angs = np.sort(rng.uniform(0, 2 * math.pi, n))
    rads = L / 2 * (1 - irregular * rng.random(n))
    return s, [(c + math.cos(a) * r, c + math.sin(a) * r) for a, r in zip(angs, rads)]


def foreign_rag(rng):
    L = int(rng.integers(48, 120))
    s, pts = _blob(rng, L, int(rng.integers(9, 18)), 0.45)
    img, alpha = _canvas(s, s)
    base = _col(rng, [(40, 40, 190), (170, 90, 30), (215, 215, 210), (120, 130, 140), (40, 160, 200),
                      (150, 60, 150)][rng.integers(6)], 12)
    _aa_poly(img, alpha, pts, base)
    if rng.random() < 0.5:  # stripes / checks
        step = int(rng.integers(5, 11))
        dark = tuple(v * 0.65 for v in base)
        for x in range(0, s, step):
            cv2.line(img, (x, 0), (x, s), dark, 1)
        if rng.random() < 0.5:
            for y in range(0, s, step):
                cv2.line(img, (0, y), (s, y), dark, 1)
        img *= (alpha > 0)[..., None]
    for k in range(int(rng.integers(2, 6))):  # folds
        p = pts[rng.integers(len(pts))]
        cv2.line(img, (int(p[0]), int(p[1])), (int(s / 2 + rng.uniform(-6, 6)), int(s / 2 + rng.uniform(-6, 6))),
                 tuple(v * 0.7 for v in base), 2, cv2.LINE_AA)
    img *= (alpha > 0)[..., None]
    return _finish(rng, img, alpha, 1, "rag", float(rng.uniform(0, 360)), noise=7.0, shade=0.2)


def foreign_debris(rng):
    L = int(rng.integers(25, 66))
    s, pts = _blob(rng, L, int(rng.integers(4, 8)), 0.6)
    img, alpha = _canvas(s, s)
    kinds = [(150, 150, 150), (60, 110, 160), (40, 200, 240), (200, 60, 40), (30, 30, 170), (90, 90, 90)]
    base = _col(rng, kinds[rng.integers(len(kinds))], 12)
    _aa_poly(img, alpha, pts, base)
    if rng.random() < 0.4:  # wood grain / cracks
        for k in range(int(rng.integers(2, 5))):
            y = rng.uniform(0, s)
            cv2.line(img, (0, int(y)), (s, int(y + rng.uniform(-5, 5))), tuple(v * 0.7 for v in base), 1, cv2.LINE_AA)
        img *= (alpha > 0)[..., None]
    return _finish(rng, img, alpha, 1, "debris", float(rng.uniform(0, 360)), noise=6.0, shade=0.3)


def foreign_bolt(rng):
    col = _metal(rng)
    if rng.random() < 0.55:  # bolt, side view
        L = int(rng.integers(28, 60))
        hd = L * rng.uniform(0.3, 0.45)
        img, alpha = _canvas(int(hd) + 6, L + 4)
        cy = (hd + 6) / 2
        _aa_poly(img, alpha, [(2, cy - hd / 2), (2 + L * 0.22, cy - hd / 2), (2 + L * 0.22, cy + hd / 2),
                              (2, cy + hd / 2)], col)
        sw = hd * 0.55
        _aa_poly(img, alpha, [(2 + L * 0.22, cy - sw / 2), (L + 1, cy - sw / 2), (L + 1, cy + sw / 2),
                              (2 + L * 0.22, cy + sw / 2)], tuple(v * 0.92 for v in col))
        x = 2 + L * 0.3
        while x < L:
            cv2.line(img, (int(x), int(cy - sw / 2)), (int(x + 2), int(cy + sw / 2)), tuple(v * 0.65 for v in col), 1)
            x += 3
        kind = "bolt"
    else:  # nut / washer from above
        L = int(rng.integers(25, 46))
        s = L + 4
        img, alpha = _canvas(s, s)
        c = s / 2
        pts = [(c + math.cos(k * math.pi / 3) * L / 2, c + math.sin(k * math.pi / 3) * L / 2) for k in range(6)]
        if rng.random() < 0.7:
            _aa_poly(img, alpha, pts, col)
        else:
            _circle(img, alpha, (c, c), L / 2, col)
        _circle(img, alpha, (c, c), L * 0.22, (0, 0, 0), a=0.0)
        kind = "nut"
    return _finish(rng, img, alpha, 1, kind, float(rng.uniform(0, 360)), noise=3.0, shade=0.35)


def foreign_cable(rng):
    L = int(rng.integers(50, 120))
    s = L + 10
    img, alpha = _canvas(s, s)
    col = _col(rng, [(30, 30, 30), (40, 40, 200), (200, 100, 30), (40, 180, 230), (230, 230, 230), (40, 150, 40)]
               [rng.integers(6)], 10)
    th = int(rng.integers(3, 7))
    n = 6
    a0 = rng.uniform(0, 2 * math.pi)
    pts = []
    x, y = s / 2 - math.cos(a0) * L / 2, s / 2 - math.sin(a0) * L / 2
    a = a0
    for k in range(n + 1):
        pts.append((x, y))
        a += rng.uniform(-0.6, 0.6)
        x += math.cos(a) * L / n
        y += math.sin(a) * L / n
    p = np.round(np.clip(np.asarray(pts), 2, s - 3) * 16).astype(np.int32)
    cv2.polylines(img, [p], False, col, th, cv2.LINE_AA, 4)
    cv2.polylines(alpha, [p], False, 1.0, th, cv2.LINE_AA, 4)
    return _finish(rng, img, alpha, 1, "cable", 0.0, noise=3.0, shade=0.2)


FOREIGN = [(foreign_wrench, 0.17), (foreign_screwdriver, 0.17), (foreign_glove, 0.16), (foreign_rag, 0.14),
           (foreign_debris, 0.13), (foreign_bolt, 0.13), (foreign_cable, 0.10)]


def _pick(rng, table):
    p = np.array([w for _, w in table], np.float64)
    return table[rng.choice(len(table), p=p / p.sum())][0]


def make_product(rng):
    return _pick(rng, PRODUCTS)(rng)


def make_foreign(rng):
    while True:
        s = _pick(rng, FOREIGN)(rng)
        bw, bh = s.box[2] - s.box[0], s.box[3] - s.box[1]
        if max(bw, bh) >= 22 and min(bw, bh) >= 5:
            return s


# ----------------------------------------------------------------------------- world
@dataclass
class Look:
    belt_top: int
    belt_bot: int
    belt_tex: np.ndarray     # (belt_h, period, 3) float32, periodic in x
    static: np.ndarray       # H x W x 3 float32: background + rails (belt area overwritten)
    gain: float
    tint: np.ndarray         # (3,)
    grad: float              # left-right light gradient
    vignette: float
    noise: float
    blur: int                # horizontal motion blur length (1 = none)


def make_look(rng, clip=False):
    belt_h = int(rng.integers(196, 236)) if not clip else 220
    belt_top = int(rng.integers(60, H - belt_h - 50)) if not clip else 72
    belt_bot = belt_top + belt_h
    period = 1280 if clip else 768
    kind = rng.integers(4) if not clip else 0
    base = [np.array([62, 62, 60]), np.array([55, 85, 55]), np.array([95, 80, 70]), np.array([100, 100, 98])][kind]
    base = base * rng.uniform(0.8, 1.2) + rng.normal(0, 4, 3)
    tex = np.empty((belt_h, period, 3), np.float32)
    tex[:] = base
    # low-frequency, periodic variation
    xs = np.arange(period)[None, :]
    low = np.zeros((belt_h, period), np.float32)
    for k in range(4):
        f = int(rng.integers(1, 12))
        ph = rng.uniform(0, 2 * math.pi)
        low += rng.uniform(1, 4) * np.sin(2 * math.pi * f * xs / period + ph)
    low += cv2.resize(rng.normal(0, 3, (belt_h // 8 + 1, 1)).astype(np.float32), (period, belt_h))
    tex += low[..., None]
    # fine texture
    tex += rng.standard_normal((belt_h, period, 1), dtype=np.float32) * np.float32(rng.uniform(3, 7))
    # longitudinal streaks
    tex += (rng.normal(0, 2.5, (belt_h, 1, 1))).astype(np.float32)
    # seams / lacing
    n_seams = int(rng.integers(2, 5))
    for k in range(n_seams):
        x = int((k + rng.uniform(0.1, 0.9)) * period / n_seams)
        wdt = int(rng.integers(3, 8))
        lighter = rng.random() < 0.4
        col = base * (1.5 if lighter else 0.55)
        if rng.random() < 0.5:
            tex[:, x:x + wdt] = col
        else:  # zig-zag lacing
            for y in range(0, belt_h, 8):
                off = 4 if (y // 8) % 2 else 0
                tex[y:y + 6, x + off:x + off + wdt] = col
    # scuffs and stains (distractors moving with the belt)
    for k in range(int(rng.integers(4, 16))):
        cx, cy = int(rng.integers(0, period)), int(rng.integers(0, belt_h))
        ax = (int(rng.integers(4, 30)), int(rng.integers(2, 12)))
        d = rng.uniform(-14, 14)
        r = max(ax) + 8
        stain = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
        cv2.ellipse(stain, (r, r), ax, float(rng.uniform(0, 180)), 0, 360, 1.0, -1, cv2.LINE_AA)
        stain = cv2.GaussianBlur(stain, (0, 0), 2)
        x0, y0 = cx - r, cy - r
        ys0, ys1 = max(0, y0), min(belt_h, y0 + 2 * r + 1)
        xs0, xs1 = max(0, x0), min(period, x0 + 2 * r + 1)
        tex[ys0:ys1, xs0:xs1] += (stain[ys0 - y0:ys1 - y0, xs0 - x0:xs1 - x0] * d)[..., None]
    # belt edges darker
    edge = np.ones(belt_h, np.float32)
    edge[:6] = np.linspace(0.6, 1, 6)
    edge[-6:] = np.linspace(1, 0.6, 6)
    tex *= edge[:, None, None]

    static = np.empty((H, W, 3), np.float32)
    bg = np.array([rng.uniform(40, 120)] * 3) + rng.normal(0, 6, 3)
    static[:] = bg
    static += cv2.resize(rng.normal(0, 8, (H // 16, W // 16)).astype(np.float32), (W, H))[..., None]
    static += rng.standard_normal((H, W, 1), dtype=np.float32) * np.float32(4)
    if rng.random() < 0.5 or clip:  # hazard stripes on the floor
        yb = int(rng.integers(0, max(1, belt_top - 40))) if not clip else 12
        for x in range(-40, W + 40, 40):
            pts = np.array([[x, yb], [x + 20, yb], [x + 36, yb + 16], [x + 16, yb + 16]], np.int32)
            cv2.fillPoly(static, [pts], (20, 190, 220))
    rail_h = int(rng.integers(14, 26)) if not clip else 20
    rail = _col(rng, (165, 165, 168), 15)
    for (y0, y1) in ((belt_top - rail_h, belt_top), (belt_bot, belt_bot + rail_h)):
        prof = 0.75 + 0.35 * np.sin(np.linspace(0, math.pi, y1 - y0))
        static[y0:y1] = np.array(rail, np.float32)[None, None, :] * prof[:, None, None]
        cv2.line(static, (0, y0), (W, y0), (40, 40, 40), 1)
        cv2.line(static, (0, y1 - 1), (W, y1 - 1), (40, 40, 40), 1)
        step = int(rng.integers(70, 130))
        for x in range(int(rng.integers(10, 60)), W, step):
            cv2.circle(static, (x, (y0 + y1) // 2), 4, (90, 90, 95), -1, cv2.LINE_AA)
            cv2.circle(static, (x - 1, (y0 + y1) // 2 - 1), 1, (220, 220, 220), -1)
    if clip:
        return Look(belt_top, belt_bot, tex, static, 1.0, np.ones(3, np.float32), 0.08, 0.15, 2.5, 3)
    return Look(belt_top, belt_bot, tex, static,
                gain=float(rng.uniform(0.6, 1.35)),
                tint=np.clip(1 + rng.normal(0, 0.05, 3), 0.85, 1.15).astype(np.float32),
                grad=float(rng.uniform(-0.25, 0.25)),
                vignette=float(rng.uniform(0, 0.35)),
                noise=float(rng.uniform(0.5, 7)),
                blur=int(rng.choice([1, 1, 2, 3, 4, 5])))


@dataclass
class Placed:
    sprite: Sprite
    x: int   # sprite top-left in frame coordinates
    y: int
    track: int = -1

    def gt(self):
        s = self.sprite
        x1, y1 = self.x + s.box[0], self.y + s.box[1]
        x2, y2 = self.x + s.box[2], self.y + s.box[3]
        # visible fraction of the opaque area
        m = s.alpha > 0.5
        c0, c1 = max(0, -self.x), min(s.w, W - self.x)
        r0, r1 = max(0, -self.y), min(s.h, H - self.y)
        vis = float(m[r0:r1, c0:c1].sum()) / max(s.area, 1.0) if (c1 > c0 and r1 > r0) else 0.0
        box = [float(np.clip(x1, 0, W)), float(np.clip(y1, 0, H)), float(np.clip(x2, 0, W)), float(np.clip(y2, 0, H))]
        return {"class": s.cls, "track": self.track, "box": box, "visible": vis, "kind": s.kind}


def compose(look: Look, belt_offset: int, placed, rng_noise, t=0.0, clip=False):
    """Render one frame. ``belt_offset``: how far (px) the belt has moved to the right."""
    img = look.static.copy()
    bh = look.belt_bot - look.belt_top
    period = look.belt_tex.shape[1]
    cols = (np.arange(W) - belt_offset) % period
    img[look.belt_top:look.belt_bot] = look.belt_tex[:, cols]
    # shadows
    shadow = np.zeros((H, W), np.float32)
    for p in placed:
        _paste_alpha(shadow, p.sprite.alpha, p.x + 3, p.y + 4)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 2.5)
    img *= (1 - 0.4 * shadow)[..., None]
    for p in placed:
        _paste(img, p.sprite, p.x, p.y)
    # lighting
    gain = look.gain
    if clip:
        gain *= 1 + 0.05 * math.sin(2 * math.pi * t / 230.0) + 0.02 * math.sin(2 * math.pi * t / 37.0)
    xs = (np.arange(W, dtype=np.float32) - W / 2) / (W / 2)
    ys = (np.arange(H, dtype=np.float32) - H / 2) / (H / 2)
    light = gain * (1 + look.grad * xs[None, :]) * (1 - look.vignette * 0.5 * (xs[None, :] ** 2 + ys[:, None] ** 2))
    img *= light[..., None] * look.tint[None, None, :]
    if look.blur > 1:
        k = np.ones((1, look.blur), np.float32) / look.blur
        img = cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REPLICATE)
    img += rng_noise.standard_normal((H, W, 3), dtype=np.float32) * np.float32(look.noise)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def _paste(img, s: Sprite, x, y):
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + s.w), min(H, y + s.h)
    if x1 <= x0 or y1 <= y0:
        return
    a = s.alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - a) + s.img[y0 - y:y1 - y, x0 - x:x1 - x] * a


def _paste_alpha(dst, alpha, x, y):
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + alpha.shape[1]), min(H, y + alpha.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    dst[y0:y1, x0:x1] = np.maximum(dst[y0:y1, x0:x1], alpha[y0 - y:y1 - y, x0 - x:x1 - x])


def _overlaps(b, others, margin):
    for o in others:
        if b[0] < o[2] + margin and o[0] < b[2] + margin and b[1] < o[3] + margin and o[1] < b[3] + margin:
            return True
    return False


def _abs_box(s: Sprite, x, y):
    return (x + s.box[0], y + s.box[1], x + s.box[2], y + s.box[3])


def render_scene(seed: int):
    """One random scene. Returns (frame BGR uint8 HxWx3, list of gt dicts with 'visible')."""
    rng = np.random.default_rng(seed)
    look = make_look(rng)
    pp = np.array([3, 5, 8, 10, 12, 13, 13, 12, 10, 8, 6], np.float64)
    n_prod = int(rng.choice(np.arange(0, 11), p=pp / pp.sum()))
    r = rng.random()
    n_for = 0 if r < 0.3 else (1 if r < 0.75 else (2 if r < 0.92 else 3))
    sprites = [make_foreign(rng) for _ in range(n_for)] + [make_product(rng) for _ in range(n_prod)]
    placed, boxes = [], []
    for s in sprites:
        edge = rng.random() < 0.25   # straddle the left/right frame edge (truncated object)
        for _ in range(30):
            if edge:
                bw = s.box[2] - s.box[0]
                vis = rng.uniform(0.03, 0.97)
                if rng.random() < 0.5:
                    x = int(round(-s.box[0] - bw * (1 - vis)))
                else:
                    x = int(round(W - s.box[0] - bw * vis))
            else:
                x = int(rng.integers(-s.w // 2, W - s.w // 2))
            lo, hi = look.belt_top + 3 - s.box[1], look.belt_bot - 3 - s.box[3]
            if hi <= lo:
                break
            y = int(rng.integers(lo, hi))
            b = _abs_box(s, x, y)
            if not _overlaps(b, boxes, 3):
                placed.append(Placed(s, x, y, len(placed)))
                boxes.append(b)
                break
    frame = compose(look, int(rng.integers(0, 100000)), placed, rng)
    objs = [p.gt() for p in placed]
    return frame, objs


# ----------------------------------------------------------------------------- clip
class ConveyorClip:
    """A temporal clip: objects lie on the belt (belt coordinate u), frame x = u + B(t)."""

    GAP = 78          # frames with no foreign object between appearances (>= 75 required)
    FIRST_CLEAN = 100  # the first 4 s have no foreign object

    def __init__(self, seed: int, n_frames: int = 1000):
        self.seed, self.n = seed, n_frames
        rng = np.random.default_rng(seed)
        self.rng = rng
        self.look = make_look(rng, clip=True)
        ph = rng.uniform(0, 2 * math.pi)
        speed = 6.0 + 0.5 * np.sin(2 * math.pi * np.arange(n_frames) / 360.0 + ph)  # 5.5..6.5 px/frame
        self.B = np.concatenate([[0.0], np.cumsum(speed)[:-1]])                       # belt offset per frame
        top, bot = self.look.belt_top, self.look.belt_bot
        objs = []   # dicts: sprite, u, y, t0 (frame it exists from)
        # --- foreign objects, one at a time
        t = self.FIRST_CLEAN
        modes = ["enter", "drop", "drop", "enter", "drop", "drop", "drop", "drop"]
        self.modes = []
        for i, mode in enumerate(modes):
            if t >= n_frames - 40:
                break
            s = make_foreign(rng)
            lo, hi = top + 8 - s.box[1], bot - 8 - s.box[3]
            y = int(rng.integers(lo, hi))
            if mode == "enter":
                # right edge of the opaque box at x = 0 at frame t (just entering)
                u = -self.B[t] - s.box[2] + 1
                t0 = 0
            else:
                xl = float(rng.uniform(230, 380))
                u = xl - self.B[t] - s.box[0]
                t0 = t
            # last frame with any pixel visible
            gone = np.nonzero(u + self.B + s.box[0] >= W)[0]
            gone = gone[gone >= t]
            if len(gone) == 0 or gone[0] + 1 > n_frames - 20:
                break
            objs.append(dict(sprite=s, u=u, y=y, t0=t0))
            self.modes.append(mode)
            t = int(gone[0]) + self.GAP
        n_foreign = len(objs)
        # --- products fill the belt, never overlapping each other or foreign objects
        u_lo, u_hi = -self.B[-1] - 160, W + 20
        def bbox_u(o):
            s = o["sprite"]
            return (o["u"] + s.box[0], o["y"] + s.box[1], o["u"] + s.box[2], o["y"] + s.box[3])
        boxes = [bbox_u(o) for o in objs]
        n_target = int((u_hi - u_lo) / 95)
        tries = 0
        while sum(1 for o in objs if o["sprite"].cls == 0) < n_target and tries < n_target * 40:
            tries += 1
            s = make_product(rng)
            lo, hi = top + 5 - s.box[1], bot - 5 - s.box[3]
            o = dict(sprite=s, u=float(rng.uniform(u_lo, u_hi)), y=int(rng.integers(lo, hi)), t0=0)
            b = bbox_u(o)
            if not _overlaps(b, boxes, 10):
                objs.append(o)
                boxes.append(b)
        # track ids in order of first appearance
        def first_seen(o):
            xs = o["u"] + self.B + o["sprite"].box[2]
            f = np.nonzero((xs > 0) & (np.arange(n_frames) >= o["t0"]))[0]
            return int(f[0]) if len(f) else n_frames
        order = sorted(range(len(objs)), key=lambda i: (first_seen(objs[i]), -objs[i]["y"]))
        for tid, i in enumerate(order, start=1):
            objs[i]["track"] = tid
        self.objs = objs
        self.n_foreign = n_foreign

    def frame(self, t: int):
        """Returns (BGR frame, gt list with 'visible' and 'track')."""
        off = int(round(self.B[t]))
        placed = []
        for o in self.objs:
            if t < o["t0"]:
                continue
            s = o["sprite"]
            x = int(round(o["u"] + self.B[t]))
            if x >= W or x + s.w <= 0:
                continue
            placed.append(Placed(s, x, o["y"], o["track"]))
        rng_noise = np.random.default_rng([self.seed, t])
        img = compose(self.look, off, placed, rng_noise, t=t, clip=True)
        return img, [p.gt() for p in placed]

"""Deterministic synthetic inspection world: product panels with surface defects on a conveyor.

Frames are 384x288 BGR, the size of the inspection camera.  The segmentation model sees them
scaled by exactly 2/3 to 256x192 (``to_model``: cv2.resize INTER_LINEAR, half-pixel centres,
no padding), so training samples are rendered as whole camera frames and downscaled the same way.

* ``Panel(rng, ...)``: one product panel, a sprite with a surface (brushed metal, painted panel
  or textile) and 0..4 defects (scratch, stain, dent, crack).  Each defect keeps its geometry
  (filled polygons and stroked polylines) so its mask can be rasterised at any scale.
* ``render_sample(seed)``: one random camera frame (belt, rails, 0..3 panels partly or wholly in
  view, lighting, sensor noise, JPEG), downscaled to the model input, with per-class target
  masks at model resolution.  Used for training and the held-out set.
* ``InspectionClip(seed)``: the temporal sample clip: panels pass left to right on the belt.

Masks.  A pixel belongs to a defect when its centre lies inside the defect's polygon (stains,
dents) or on its stroke (scratches, cracks: cv2 LINE_8 polyline of the stroke width, at least
1 px), and inside the panel.  The same geometry is rasterised at source resolution (the clip's
true masks) and at model resolution (training targets; stroke width scaled by 2/3, at least
1 px), so thin defects stay connected in both.  Defects may overlap in training (multi-label).

Only numpy and OpenCV are needed.  Rendering is a pure function of the seed(s).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

W, H = 384, 288            # camera frame (source)
MW, MH = 256, 192          # model input: source * 2/3
SCALE = 2.0 / 3.0
CLASSES = ["scratch", "stain", "dent", "crack"]
SURFACES = ["brushed_metal", "painted", "textile"]
MIN_AREA_SRC = 24          # a defect counts (gt lists, recall) when >= this many source px are visible


# ----------------------------------------------------------------------------- geometry
def _fix(pts, off, scale):
    """Continuous coords (pixel k spans [k, k+1)) -> cv2 fixed point (shift 4, centres at integers)."""
    q = ((np.asarray(pts, np.float64) + off) * scale - 0.5) * 16.0
    return np.round(q).astype(np.int32).reshape(-1, 1, 2)


@dataclass
class Defect:
    cls: int
    polys: list = field(default_factory=list)     # filled polygons, (N, 2) arrays, panel coords
    strokes: list = field(default_factory=list)   # (points (N, 2), width px) open polylines

    def raster(self, shape, off=(0.0, 0.0), scale=1.0):
        """uint8 0/1 mask of the pixels whose centres are inside the defect."""
        m = np.zeros(shape, np.uint8)
        off = np.asarray(off, np.float64)
        for p in self.polys:
            cv2.fillPoly(m, [_fix(p, off, scale)], 1, cv2.LINE_8, 4)
        for pts, w in self.strokes:
            t = max(1, int(round(w * scale)))
            cv2.polylines(m, [_fix(pts, off, scale)], False, 1, t, cv2.LINE_8, 4)
        return m

    def alpha(self, shape):
        """Antialiased coverage (float32 0..1) at source resolution in panel coords, for shading."""
        a = np.zeros(shape, np.uint8)
        for p in self.polys:
            cv2.fillPoly(a, [_fix(p, 0.0, 1.0)], 255, cv2.LINE_AA, 4)
        for pts, w in self.strokes:
            cv2.polylines(a, [_fix(pts, 0.0, 1.0)], False, 255, int(w), cv2.LINE_AA, 4)
        return a.astype(np.float32) / 255.0

    def bounds(self):
        pts = np.concatenate([p for p in self.polys] + [s for s, _ in self.strokes], 0)
        w = max([w for _, w in self.strokes], default=0)
        return pts.min(0) - w, pts.max(0) + w


def _ellipse_pts(cx, cy, a, b, ang, n=64):
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    c, s = math.cos(ang), math.sin(ang)
    x, y = a * np.cos(t), b * np.sin(t)
    return np.stack([cx + x * c - y * s, cy + x * s + y * c], 1)


def _rounded_rect(w, h, r, n=8):
    pts = []
    for cx, cy, a0 in ((w - r, r, -90), (w - r, h - r, 0), (r, h - r, 90), (r, r, 180)):
        for k in range(n + 1):
            a = math.radians(a0 + 90 * k / n)
            pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return np.array(pts)


# ----------------------------------------------------------------------------- surfaces
def _noise(rng, h, w, sx, sy=None, std=1.0):
    n = rng.standard_normal((h, w), dtype=np.float32)
    n = cv2.GaussianBlur(n, (0, 0), sigmaX=sx, sigmaY=sy if sy is not None else sx, borderType=cv2.BORDER_REFLECT)
    return n * np.float32(std / max(float(n.std()), 1e-6))


def _hsv_bgr(h, s, v):
    px = np.uint8([[[int(h * 179) % 180, int(s * 255), int(v * 255)]]])
    return cv2.cvtColor(px, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)


def _gradient(rng, h, w, amp):
    a = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = (xx - w / 2) * math.cos(a) + (yy - h / 2) * math.sin(a)
    return 1 + np.float32(amp) * g / max(w, h)


def brushed_metal(rng, h, w):
    base = rng.uniform(105, 200)
    tint = np.array([1 + rng.uniform(-0.04, 0.06), 1.0, 1 + rng.uniform(-0.06, 0.04)], np.float32)
    vertical = rng.random() < 0.3
    hh, ww = (w, h) if vertical else (h, w)
    streak = _noise(rng, hh, ww, rng.uniform(10, 30), rng.uniform(0.4, 0.8), rng.uniform(5, 12))
    streak += _noise(rng, hh, ww, rng.uniform(2, 5), 0.5, rng.uniform(1.5, 4))
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    sheen = rng.uniform(0.08, 0.3) * np.exp(-((yy - rng.uniform(0, hh)) / (hh * rng.uniform(0.15, 0.5))) ** 2)
    lum = base * (1 + sheen) * _gradient(rng, hh, ww, rng.uniform(0, 0.2)) + streak
    if vertical:
        lum = lum.T
    return np.clip(lum[..., None] * tint, 0, 255).astype(np.float32)


def painted(rng, h, w):
    col = _hsv_bgr(rng.random(), rng.uniform(0.15, 0.85), rng.uniform(0.35, 0.92))
    peel = _noise(rng, h, w, rng.uniform(1.0, 2.2)) - 0.6 * _noise(rng, h, w, 6.0)
    peel *= np.float32(rng.uniform(0.015, 0.045))
    shade = _gradient(rng, h, w, rng.uniform(0.04, 0.25)) + peel
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.5:   # soft reflection of a lamp
        cx, cy, s = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(30, 90)
        shade = shade + np.float32(rng.uniform(0.05, 0.2)) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))
    return np.clip(shade[..., None] * col, 0, 255).astype(np.float32)


def textile(rng, h, w):
    col = _hsv_bgr(rng.random(), rng.uniform(0.1, 0.6), rng.uniform(0.3, 0.85))
    p = rng.uniform(3.2, 7.5)
    ang = rng.uniform(-0.15, 0.15) + (math.pi / 4 if rng.random() < 0.15 else 0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = xx * math.cos(ang) + yy * math.sin(ang)
    v = -xx * math.sin(ang) + yy * math.cos(ang)
    iu, iv = np.floor(u / p), np.floor(v / p)
    fu, fv = u / p - iu, v / p - iv
    twill = rng.random() < 0.35
    over = ((iu + iv) % 3 == 0) if twill else ((iu + iv) % 2 == 0)
    warp = np.sin(math.pi * fu) ** 0.7          # thread profile across the warp thread
    weft = np.sin(math.pi * fv) ** 0.7
    jit_u = rng.normal(0, 0.06, 4096).astype(np.float32)
    jit_v = rng.normal(0, 0.06, 4096).astype(np.float32)
    tj = jit_u[(iu.astype(np.int64) % 4096)] * 1 + jit_v[(iv.astype(np.int64) % 4096)]
    amp = rng.uniform(0.12, 0.3)
    pat = np.where(over, warp, weft) * amp + (1 - amp) + tj
    pat += _noise(rng, h, w, 0.7, std=0.03)
    col2 = col * np.array([rng.uniform(0.85, 1.15) for _ in range(3)], np.float32)
    c = np.where(over[..., None], col, col2)
    return np.clip(pat[..., None] * c * _gradient(rng, h, w, rng.uniform(0, 0.15))[..., None], 0, 255).astype(np.float32)


SURFACE_FN = {"brushed_metal": brushed_metal, "painted": painted, "textile": textile}


# ----------------------------------------------------------------------------- defects
def _polyline(rng, x, y, ang, length, seg, turn):
    pts = [(x, y)]
    n = max(2, int(length / seg))
    for _ in range(n):
        ang += rng.normal(0, turn)
        x += seg * math.cos(ang)
        y += seg * math.sin(ang)
        pts.append((x, y))
    return np.array(pts), ang


def make_scratch(rng, cx, cy, big=1.0):
    length = rng.uniform(25, 150) * big
    ang = rng.uniform(0, 2 * math.pi)
    pts, _ = _polyline(rng, cx - 0.5 * length * math.cos(ang), cy - 0.5 * length * math.sin(ang),
                       ang, length, length / rng.integers(2, 6), rng.uniform(0.0, 0.12))
    w = int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2]))
    return Defect(0, strokes=[(pts, w)])


def make_crack(rng, cx, cy, big=1.0):
    length = rng.uniform(30, 130) * big
    ang = rng.uniform(0, 2 * math.pi)
    seg = rng.uniform(3, 7)
    pts, _ = _polyline(rng, cx - 0.5 * length * math.cos(ang), cy - 0.5 * length * math.sin(ang),
                       ang, length, seg, rng.uniform(0.35, 0.7))
    n = len(pts)
    w = int(rng.choice([2, 3], p=[0.6, 0.4]))
    a, b = n // 4, max(n // 4 + 2, 3 * n // 4)
    strokes = [(pts[:a + 1], w - 1 if w > 1 else 1), (pts[a:b + 1], w), (pts[b:], max(1, w - 1))]
    strokes = [s for s in strokes if len(s[0]) >= 2]
    for _ in range(int(rng.integers(1, 4))):
        k = int(rng.integers(1, n - 1))
        d = pts[min(k + 1, n - 1)] - pts[k - 1]
        base = math.atan2(d[1], d[0]) + rng.choice([-1, 1]) * rng.uniform(0.4, 1.1)
        br, _ = _polyline(rng, pts[k][0], pts[k][1], base, rng.uniform(8, 0.45 * length + 10), seg,
                          rng.uniform(0.3, 0.6))
        strokes.append((br, 1))
    return Defect(3, strokes=strokes)


def make_stain(rng, cx, cy, big=1.0):
    r = rng.uniform(7, 30) * big
    asp = rng.uniform(0.55, 1.0)
    rot = rng.uniform(0, math.pi)
    t = np.linspace(0, 2 * math.pi, 72, endpoint=False)
    rad = np.ones_like(t)
    for k in range(2, 7):
        rad += rng.uniform(0, 0.22 / k ** 0.6) * np.cos(k * t + rng.uniform(0, 2 * math.pi))
    x, y = r * rad * np.cos(t), r * asp * rad * np.sin(t)
    c, s = math.cos(rot), math.sin(rot)
    return Defect(1, polys=[np.stack([cx + x * c - y * s, cy + x * s + y * c], 1)])


def make_dent(rng, cx, cy, big=1.0):
    a = rng.uniform(8, 28) * big
    b = a * rng.uniform(0.5, 1.0)
    ang = rng.uniform(0, math.pi)
    d = Defect(2, polys=[_ellipse_pts(cx, cy, a, b, ang)])
    d.ellipse = (cx, cy, a, b, ang)
    return d


MAKERS = [make_scratch, make_stain, make_dent, make_crack]


def apply_defect(rng, img, d):
    """Shade the defect into the panel image (float32 BGR, in place)."""
    h, w = img.shape[:2]
    (x0, y0), (x1, y1) = d.bounds()
    x0, y0 = max(int(x0) - 3, 0), max(int(y0) - 3, 0)
    x1, y1 = min(int(x1) + 4, w), min(int(y1) + 4, h)
    if x1 <= x0 or y1 <= y0:
        return
    shifted = Defect(d.cls, [p - (x0, y0) for p in d.polys], [(s - (x0, y0), wd) for s, wd in d.strokes])
    a = shifted.alpha((y1 - y0, x1 - x0))[..., None]
    roi = img[y0:y1, x0:x1]
    if d.cls == 0:       # scratch: bright (metal shows through) or dark
        if rng.random() < 0.6:
            k = rng.uniform(0.45, 0.85)
            roi += a * k * (245 - roi)
        else:
            roi *= 1 - a * rng.uniform(0.4, 0.7)
    elif d.cls == 3:     # crack: dark
        roi *= 1 - a * rng.uniform(0.6, 0.88)
    elif d.cls == 1:     # stain: irregular blob, darker and tinted, or a pale residue
        a = cv2.GaussianBlur(a[..., 0], (0, 0), rng.uniform(0.5, 1.1))[..., None]
        var = 1 + _noise(rng, y1 - y0, x1 - x0, rng.uniform(2, 5), std=0.08)[..., None]
        if rng.random() < 0.8:
            tints = [(60, 90, 120), (40, 40, 40), (40, 90, 150), (70, 110, 90), (90, 80, 60)]
            tint = np.array(tints[int(rng.integers(len(tints)))], np.float32)
            tint = tint / tint.mean()
            tgt = roi * np.float32(rng.uniform(0.4, 0.72)) * (0.6 * tint + 0.4) * var
        else:
            tgt = roi + (215 - roi) * np.float32(rng.uniform(0.35, 0.6)) * var
        o = rng.uniform(0.8, 1.0)
        roi += (tgt - roi) * a * o
    else:                # dent: paraboloid depression lit from one side, sharp rim, dark outline
        cx, cy, ea, eb, ang = d.ellipse
        pts = d.polys[0]
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
        c, s = math.cos(ang), math.sin(ang)
        u = ((xx - cx) * c + (yy - cy) * s) / ea
        v = (-(xx - cx) * s + (yy - cy) * c) / eb
        phi = rng.uniform(0, 2 * math.pi)
        k = rng.uniform(0.25, 0.5)
        shade = k * (u * math.cos(phi) + v * math.sin(phi)) - rng.uniform(0.05, 0.14)
        roi *= 1 + a * shade[..., None]
        rim = Defect(2, strokes=[(np.vstack([pts, pts[:1]]) - (x0, y0), 1)]).alpha((y1 - y0, x1 - x0))[..., None]
        roi *= 1 - rim * rng.uniform(0.15, 0.35)
    np.clip(roi, 0, 255, out=roi)


# ----------------------------------------------------------------------------- panels
class Panel:
    """A product panel sprite with its defects (geometry in panel coordinates)."""

    def __init__(self, rng, w, h, surface=None, classes=None, big=1.0, separate=False):
        self.w, self.h = int(w), int(h)
        self.surface = surface or SURFACES[int(rng.integers(3))]
        self.img = SURFACE_FN[self.surface](rng, self.h, self.w)
        self.outline = _rounded_rect(self.w, self.h, rng.uniform(3, 14))
        a = np.zeros((self.h, self.w), np.uint8)
        cv2.fillPoly(a, [_fix(self.outline, 0.0, 1.0)], 255, cv2.LINE_AA, 4)
        self.alpha = a.astype(np.float32) / 255.0
        if classes is None:
            n = int(rng.choice([0, 1, 2, 3, 4], p=[0.2, 0.35, 0.25, 0.12, 0.08]))
            classes = [int(rng.integers(4)) for _ in range(n)]
        self.defects = []
        taken = np.zeros((self.h, self.w), np.uint8)
        for c in classes:
            for _try in range(60 if separate else 1):
                m = 16 if separate else 6
                d = MAKERS[c](rng, rng.uniform(m, self.w - m), rng.uniform(m, self.h - m), big)
                if not separate:
                    break
                (bx0, by0), (bx1, by1) = d.bounds()
                if bx0 < 8 or by0 < 8 or bx1 > self.w - 8 or by1 > self.h - 8:
                    continue
                r = cv2.dilate(d.raster((self.h, self.w)), np.ones((9, 9), np.uint8))
                if not (r & taken).any():
                    taken |= r
                    break
            else:
                raise RuntimeError("could not place a separate defect")
            self.defects.append(d)
            apply_defect(rng, self.img, d)
        self.img += rng.standard_normal(self.img.shape[:2], dtype=np.float32)[..., None] * np.float32(1.5)

    def region(self, shape, off, scale):
        m = np.zeros(shape, np.uint8)
        cv2.fillPoly(m, [_fix(self.outline, np.asarray(off, np.float64), scale)], 1, cv2.LINE_8, 4)
        return m


# ----------------------------------------------------------------------------- belt and frames
class Belt:
    """Dark conveyor belt (with seams) between two side rails; texture covers [0, length) in x."""

    def __init__(self, rng, length=W):
        self.rail_top = int(rng.integers(12, 26))
        self.rail_bot = int(rng.integers(12, 26))
        g = rng.uniform(18, 48)
        col = np.array([g * rng.uniform(0.9, 1.1), g, g * rng.uniform(0.9, 1.1)], np.float32)
        tex = 1 + _noise(rng, H, length, 0.8, std=rng.uniform(0.04, 0.12)) + _noise(rng, H, length, 6, std=0.05)
        belt = tex[..., None] * col
        x = rng.uniform(20, 300)
        pitch = rng.uniform(160, 320)
        while x < length:
            xi = int(x)
            belt[:, xi:xi + 2] *= 0.55
            belt[:, xi + 2:xi + 3] *= 1.35
            x += pitch
        rail = brushed_metal(rng, H, length) * np.float32(rng.uniform(0.55, 0.85))
        belt[:self.rail_top] = rail[:self.rail_top]
        belt[H - self.rail_bot:] = rail[H - self.rail_bot:]
        belt[self.rail_top:self.rail_top + 3] *= 0.5
        belt[H - self.rail_bot - 3:H - self.rail_bot] *= 0.5
        self.tex = belt
        self.length = length

    def view(self, shift):
        """The 384-wide view when the belt has moved right by ``shift`` px (texture starts at -shift)."""
        x = self.length - W - int(shift)
        return self.tex[:, x:x + W].copy()


@dataclass
class Light:
    gain: float
    col: np.ndarray
    grad: np.ndarray
    noise: float

    @staticmethod
    def random(rng):
        g = _gradient(rng, H, W, rng.uniform(0, 0.25))
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        vig = 1 - np.float32(rng.uniform(0, 0.18)) * (((xx - W / 2) / (W / 2)) ** 2 + ((yy - H / 2) / (H / 2)) ** 2) / 2
        col = np.array([rng.uniform(0.92, 1.08), 1.0, rng.uniform(0.92, 1.08)], np.float32)
        return Light(float(rng.uniform(0.72, 1.25)), col, (g * vig)[..., None], float(rng.uniform(0.8, 3.5)))


def compose(bg, panels, light, noise_rng):
    """bg HxWx3 float32 (modified); panels [(Panel, x, y)] integer positions. Returns uint8 BGR."""
    img = bg
    for p, x, y in panels:
        # soft shadow cast down-right
        sx, sy = x + 4, y + 5
        xa, xb, ya, yb = max(sx, 0), min(sx + p.w, W), max(sy, 0), min(sy + p.h, H)
        if xb > xa and yb > ya:
            sh = cv2.GaussianBlur(p.alpha, (0, 0), 3)[ya - sy:yb - sy, xa - sx:xb - sx]
            img[ya:yb, xa:xb] *= (1 - 0.55 * sh)[..., None]
    for p, x, y in panels:
        xa, xb, ya, yb = max(x, 0), min(x + p.w, W), max(y, 0), min(y + p.h, H)
        if xb <= xa or yb <= ya:
            continue
        a = p.alpha[ya - y:yb - y, xa - x:xb - x, None]
        img[ya:yb, xa:xb] = img[ya:yb, xa:xb] * (1 - a) + p.img[ya - y:yb - y, xa - x:xb - x] * a
    img = img * (light.grad * light.gain * light.col)
    img += noise_rng.standard_normal(img.shape, dtype=np.float32) * np.float32(light.noise)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def instance_masks(panels, shape, scale):
    """[(cls, uint8 mask, panel index)] for every defect, clipped to its panel, at ``scale``."""
    out = []
    for k, (p, x, y) in enumerate(panels):
        if not p.defects:
            continue
        reg = p.region(shape, (x, y), scale)
        for d in p.defects:
            out.append((d.cls, d.raster(shape, (x, y), scale) & reg, k))
    return out


def to_model(bgr):
    """384x288 BGR frame -> 256x192 (cv2.resize INTER_LINEAR, the contract's letterbox without padding)."""
    return cv2.resize(bgr, (MW, MH), interpolation=cv2.INTER_LINEAR)


def random_layout(rng):
    """Panels in view for one random frame: [(Panel, x, y)]."""
    panels = []
    x = int(rng.integers(-330, 220))
    while x < W:
        pw, ph = int(rng.integers(170, 310)), int(rng.integers(140, 225))
        if x + pw > 0:
            p = Panel(rng, pw, ph)
            y = int(rng.integers(30, max(31, H - 30 - ph)))
            panels.append((p, x, y))
        x += pw + int(rng.integers(25, 170))
    return panels


def render_sample(seed, with_instances=False, degrade=True):
    """One training / held-out sample.

    Returns (rgb uint8 [192, 256, 3] model input, bits uint8 [192, 256] with bit c set for class c,
    instances) where instances (only when asked) are [(cls, model-res bool mask, source area px)].
    """
    rng = np.random.default_rng(seed)
    belt = Belt(rng)
    light = Light.random(rng)
    panels = random_layout(rng)
    img = compose(belt.view(0), panels, light, rng)
    if degrade:
        if rng.random() < 0.15:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.8))
        if rng.random() < 0.75:
            q = int(rng.integers(55, 97))
            img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_COLOR)
    small = to_model(img)[:, :, ::-1]
    inst = instance_masks(panels, (MH, MW), SCALE)
    bits = np.zeros((MH, MW), np.uint8)
    for c, m, _ in inst:
        bits |= (m << c).astype(np.uint8)
    out_inst = None
    if with_instances:
        src = instance_masks(panels, (H, W), 1.0)
        out_inst = [(c, m.astype(bool), int(s.sum())) for (c, m, _), (_, s, _) in zip(inst, src)]
    return np.ascontiguousarray(small), bits, out_inst


# ----------------------------------------------------------------------------- the sample clip
CLIP_PLAN = [[], ["scratch"], ["stain"], [], ["dent", "scratch"], ["crack"], [],
             ["stain", "dent"], ["crack", "scratch"], [], ["dent"], ["crack", "stain"]]


class InspectionClip:
    """Panels pass the camera left to right on the belt, ``speed`` px per frame.

    Item k (0-based, in order of appearance) carries the defects of CLIP_PLAN[k] (placed apart
    from each other and from the panel edge); surfaces cycle through the three kinds.
    """

    def __init__(self, seed, n_frames=300, speed=13):
        rng = np.random.default_rng(seed)
        self.seed, self.n, self.speed = seed, n_frames, speed
        self.belt = Belt(rng, W + speed * n_frames + 8)
        self.light = Light.random(rng)
        self.light.gain = float(np.clip(self.light.gain, 0.9, 1.15))
        self.light.noise = 1.2
        order = [SURFACES[i] for i in rng.permutation(3)]
        self.items = []   # (Panel, x at frame 0, y)
        x = -int(rng.integers(5, 40))
        for k, names in enumerate(CLIP_PLAN):
            pw, ph = int(rng.integers(190, 270)), int(rng.integers(150, 215))
            p = Panel(rng, pw, ph, order[k % 3], [CLASSES.index(c) for c in names], big=1.0, separate=True)
            x -= pw
            self.items.append((p, x, int(rng.integers(34, H - 34 - ph))))
            x -= int(rng.integers(40, 100))

    def layout(self, t):
        return [(p, x + self.speed * t, y) for p, x, y in self.items
                if x + self.speed * t < W and x + self.speed * t + p.w > 0]

    def frame(self, t):
        """(BGR uint8 384x288, class-index mask uint8 (0 bg, 1 + class), gt dict)."""
        vis = [(k, (p, x + self.speed * t, y)) for k, (p, x, y) in enumerate(self.items)
               if x + self.speed * t < W and x + self.speed * t + p.w > 0]
        panels = [v for _, v in vis]
        img = compose(self.belt.view(self.speed * t), panels, self.light, np.random.default_rng([self.seed, t]))
        cmap = np.zeros((H, W), np.uint8)
        defects = []
        inst = instance_masks(panels, (H, W), 1.0)
        for prio in (1, 2, 0, 3):      # stains and dents under thin defects (clip defects never overlap)
            for c, m, k in inst:
                if c == prio:
                    cmap[m > 0] = c + 1
        for c, m, k in inst:
            n = int(m.sum())
            if n >= MIN_AREA_SRC:
                ys, xs = np.nonzero(m)
                defects.append({"class": CLASSES[c], "box": [int(xs.min()), int(ys.min()), int(xs.max()) + 1,
                                int(ys.max()) + 1], "area_px": n, "item": vis[k][0]})
        item = None
        if vis:
            areas = [min(x + p.w, W) - max(x, 0) for _, (p, x, y) in vis]
            item = vis[int(np.argmax(areas))][0]
        return img, cmap, {"frame": t, "item": item, "defects": defects}

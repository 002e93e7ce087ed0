"""Deterministic synthetic process camera: round sight glasses in a steel vessel wall.

Behind each glass a liquid with a surface, maybe a foam layer, bubbles and a colour; the state of
the process is one of ``STATES``:

* ``normal``: amber liquid, surface at 30-62 % of the glass height from its top, at most a thin
  foam rim (0-3 % of the diameter), a few bubbles;
* ``foaming``: a normal liquid with a foam layer of 17-34 % of the diameter above the surface and
  more bubbles;
* ``low_level``: surface at 80-93 % (little liquid left);
* ``discoloured``: surface as normal, the liquid green, blue-grey or near-black brown.

Distractors in every state: a specular highlight on the glass, condensation drops in the head
space, the glass rim and bolts, lighting gain 0.8-1.2, a colour cast, sensor noise and a slight
blur.  Colours are drawn in HSV; the normal amber and the discoloured hues do not overlap.

A classifier sees one glass as a fixed **region** of the camera: a 96x96 crop around the glass,
resized to 64x64 (``to_model``: cv2.resize INTER_LINEAR, half-pixel centres), RGB, ImageNet mean
and std.  ``render_crop(seed)`` renders one random glass as such a crop (the glass placed within
+-4 px of the crop's centre, radius 38-42 px) for training and the held-out set;
``ProcessClip`` renders the 320x240 camera frame with two glasses at fixed places.

**Abnormal region** (the CAM check): the pixels that show the state, as a boolean mask in crop
pixels: foaming: the foam layer; low_level: the empty glass between the highest normal surface
(30 %) and the actual surface, widened by 3 px (the glass that holds liquid in some normal state
and none now; a first definition from the lowest normal surface, 62 %, down missed the band where
the maps peak, see the model card); discoloured: the liquid.  Its bounding box (x2/y2
exclusive) goes to the ground truth.

Only numpy and OpenCV are needed.  Rendering is a pure function of the seed.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

STATES = ["normal", "foaming", "low_level", "discoloured"]
CROP = 96                     # region size in source px
IN = 64                       # model input size
FRAME_W, FRAME_H = 320, 240   # the clip's camera frame
REGIONS = {"glass_a": (52, 72, CROP, CROP), "glass_b": (172, 72, CROP, CROP)}   # x, y, w, h
NORMAL_LEVEL = (0.30, 0.62)
LOW_LEVEL = (0.80, 0.93)
FOAM_NORMAL = (0.0, 0.03)
FOAM_ABNORMAL = (0.17, 0.34)
TRAIN_SEEDS = (0, 1_000_000)          # labelled training and unlabelled pretraining
PRETRAIN_SEEDS = (2_000_000, 3_000_000)
HELDOUT_SEEDS = (5_000_000, 5_001_000)
CLIP_SEED = 9_200_001


def to_model(crop_bgr):
    """The 96x96 BGR crop as the model sees it before normalisation: 64x64 BGR uint8."""
    return cv2.resize(crop_bgr, (IN, IN), interpolation=cv2.INTER_LINEAR)


def _hsv_bgr(h, s, v):
    px = np.uint8([[[int(h) % 180, int(s), int(v)]]])
    return cv2.cvtColor(px, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)


def draw_params(rng, state):
    """Random glass contents for one state."""
    p = {"state": state}
    p["level"] = rng.uniform(*(LOW_LEVEL if state == "low_level" else NORMAL_LEVEL))
    p["foam"] = rng.uniform(*(FOAM_ABNORMAL if state == "foaming" else FOAM_NORMAL))
    if state == "discoloured":
        kind = rng.integers(3)
        if kind == 0:    # green
            p["liquid"] = _hsv_bgr(rng.uniform(45, 80), rng.uniform(120, 230), rng.uniform(90, 200))
        elif kind == 1:  # blue-grey
            p["liquid"] = _hsv_bgr(rng.uniform(95, 125), rng.uniform(40, 150), rng.uniform(80, 180))
        else:            # near-black brown
            p["liquid"] = _hsv_bgr(rng.uniform(5, 20), rng.uniform(120, 220), rng.uniform(25, 55))
    else:                # amber
        p["liquid"] = _hsv_bgr(rng.uniform(11, 22), rng.uniform(150, 235), rng.uniform(150, 235))
    p["bubbles"] = int(rng.integers(12, 40) if state == "foaming" else rng.integers(0, 10))
    p["wobble"] = rng.uniform(0.0, 1.5), rng.uniform(0.05, 0.2), rng.uniform(0, 2 * math.pi)
    p["highlight"] = rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 0.9)
    p["drops"] = int(rng.integers(0, 8))
    p["head"] = rng.uniform(25, 70)
    return p


def render_glass(img, cx, cy, r, p, rng):
    """Draws one glass with contents p into the float32 BGR image img; returns the abnormal-region
    mask (bool, img's shape) of p's state (all False for normal)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
    top = cy - r
    amp, freq, phase = p["wobble"]
    surface = top + p["level"] * 2 * r + amp * np.sin(xx * freq + phase)
    foam_top = surface - p["foam"] * 2 * r
    liquid = inside & (yy >= surface)
    foam = inside & (yy >= foam_top) & (yy < surface)
    head = inside & (yy < foam_top)
    shade = 1.0 - 0.25 * (yy - top) / (2 * r)          # darker towards the bottom
    img[head] = (p["head"] * (0.8 + 0.4 * (yy[head] - top) / (2 * r)))[:, None] * np.float32([1.0, 1.0, 1.05])
    img[liquid] = p["liquid"][None, :] * shade[liquid][:, None]
    if foam.any():
        tex = rng.normal(0, 18, size=(h, w)).astype(np.float32)
        tex = cv2.GaussianBlur(tex, (0, 0), 0.8)
        img[foam] = (np.float32([205, 215, 222]) + tex[foam][:, None]) * 0.95
    for _ in range(p["bubbles"]):
        bx = cx + rng.uniform(-0.8, 0.8) * r
        s0 = top + p["level"] * 2 * r
        by = rng.uniform(min(s0 + 3, cy + r - 5), cy + r - 3)
        br = rng.uniform(0.8, 2.4)
        cv2.circle(img, (int(bx * 16), int(by * 16)), int(br * 16), (230, 235, 240), -1, cv2.LINE_AA, 4)
    for _ in range(p["drops"]):
        dx, dy = cx + rng.uniform(-0.7, 0.7) * r, top + rng.uniform(0.08, 0.3) * 2 * r
        cv2.circle(img, (int(dx * 16), int(dy * 16)), int(rng.uniform(1, 2.2) * 16), (150, 150, 155), -1,
                   cv2.LINE_AA, 4)
    ang, strength = p["highlight"]
    hl = np.zeros((h, w), np.float32)
    a0 = math.degrees(ang)
    cv2.ellipse(hl, (int(cx * 16), int(cy * 16)), (int(r * 0.72 * 16), int(r * 0.72 * 16)), a0, 0, 35, 1.0, 3,
                cv2.LINE_AA, 4)
    hl = cv2.GaussianBlur(hl, (0, 0), 1.0) * strength
    img[:] = img * (1 - hl[..., None]) + 250 * hl[..., None]
    cv2.circle(img, (int(cx * 16), int(cy * 16)), int((r + 3) * 16), (60, 62, 66), 6, cv2.LINE_AA, 4)
    for k in range(8):
        t = k * math.pi / 4 + math.pi / 8
        bx, by = cx + (r + 10) * math.cos(t), cy + (r + 10) * math.sin(t)
        cv2.circle(img, (int(bx * 16), int(by * 16)), 3 * 16, (95, 98, 104), -1, cv2.LINE_AA, 4)
    state = p["state"]
    if state == "foaming":
        return foam
    if state == "discoloured":
        return liquid
    if state == "low_level":
        band = (yy >= top + NORMAL_LEVEL[0] * 2 * r - 3) & (yy <= surface + 3)
        return inside & band
    return np.zeros((h, w), bool)


def wall(rng, h, w):
    """Brushed grey steel with a gradient."""
    base = rng.uniform(120, 175)
    img = np.full((h, w, 3), base, np.float32)
    streak = cv2.GaussianBlur(rng.normal(0, 10, size=(h, w)).astype(np.float32), (0, 0), sigmaX=6, sigmaY=0.6)
    gx = np.linspace(-1, 1, w, dtype=np.float32)[None, :] * rng.uniform(-20, 20)
    img += (streak + gx)[..., None]
    return img


def finish(img, rng):
    """Lighting, colour cast, blur and noise; returns uint8 BGR."""
    img = img * rng.uniform(0.8, 1.2) * rng.uniform(0.94, 1.06, size=3).astype(np.float32)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.9))
    img = img + rng.normal(0, rng.uniform(1.0, 4.0), size=img.shape).astype(np.float32)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def box_of(mask):
    """[x1, y1, x2, y2] of a mask's pixels (x2/y2 exclusive), or None."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def render_crop(seed, state=None):
    """One random glass as a 96x96 BGR crop: (crop uint8, state index, abnormal mask)."""
    rng = np.random.default_rng([seed, 17])
    s = STATES[int(rng.integers(len(STATES)))] if state is None else state
    img = wall(rng, CROP, CROP)
    c = CROP / 2 + rng.uniform(-4, 4, size=2)
    mask = render_glass(img, c[0], c[1], rng.uniform(38, 42), draw_params(rng, s), rng)
    return finish(img, rng), STATES.index(s), mask


class ProcessClip:
    """The sample clip: a 320x240 frame, two glasses (``REGIONS``), 10 fps; each glass follows its
    timeline of (start second, state); contents are redrawn at each change and drift slowly."""
    FPS = 10
    SECONDS = 45
    TIMELINES = {
        "glass_a": [(0, "normal"), (8, "foaming"), (16, "normal"), (24, "discoloured"), (33, "normal")],
        "glass_b": [(0, "normal"), (12, "low_level"), (22, "normal"), (30, "foaming"), (38, "normal")],
    }

    def __init__(self, seed=CLIP_SEED):
        self.seed = seed
        self.frames = self.FPS * self.SECONDS
        rng = np.random.default_rng([seed, 0])
        self.wall = wall(rng, FRAME_H, FRAME_W)
        self.params = {}
        for name, timeline in self.TIMELINES.items():
            for k, (start, state) in enumerate(timeline):
                self.params[name, k] = draw_params(np.random.default_rng([seed, 1, k, len(name) + ord(name[-1])]), state)

    def state(self, name, frame):
        t = frame / self.FPS
        k = max(i for i, (start, _) in enumerate(self.TIMELINES[name]) if start <= t)
        return k, self.TIMELINES[name][k][1]

    def render(self, frame):
        """(uint8 BGR frame, {region: (state, abnormal box in frame px or None)})."""
        rng = np.random.default_rng([self.seed, 2, frame])
        img = self.wall.copy()
        truth = {}
        for name, (x, y, w, h) in REGIONS.items():
            k, state = self.state(name, frame)
            p = dict(self.params[name, k])
            t = frame / self.FPS
            p["wobble"] = (p["wobble"][0], p["wobble"][1], p["wobble"][2] + 1.3 * t)
            p["level"] = p["level"] + 0.01 * math.sin(0.7 * t)
            p["highlight"] = (p["highlight"][0] + 0.05 * math.sin(0.3 * t), p["highlight"][1])
            sub = img[y:y + h, x:x + w]
            mask = render_glass(sub, w / 2, h / 2, 40.0, p, rng)
            b = box_of(mask)
            truth[name] = (state, None if b is None else [b[0] + x, b[1] + y, b[2] + x, b[3] + y])
        return finish(img, rng), truth

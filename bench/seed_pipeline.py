#!/usr/bin/env python3
"""Python baseline for the linewatch throughput benchmark ("seed-python").

A camera pipeline in the style of section 3.8 of the seed document ("リアルタイム画像処理パイプライン",
RealTimeInferencePipeline): Python threads and a bounded queue.Queue, OpenCV decode and
preprocessing, PyTorch inference in batches with a model traced by torch.jit.trace, and the results
put on a result queue. It runs the same trained detector as the Java pipeline, from the training
script's PyTorch weights (models/conveyor-det.pt, built by build_model() in
models/training/train_detector.py), and does the same work per frame, so the two can be compared:

  capture thread per camera   cv2.VideoCapture decodes as fast as it can (no pacing); each frame is
                              letterboxed with train_detector.letterbox() (384x224, pad 114),
                              BGR->RGB, HWC->CHW, /255 -> float32 tensor; a blocking put on the shared
                              frame queue, so no frame is dropped.
  one inference thread        gathers up to --batch queued frames, runs the model under
                              torch.no_grad(), decodes each frame like the Java side (max class score,
                              argmax class, score >= 0.25, cx,cy,w,h -> x1,y1,x2,y2, class-aware
                              torchvision batched_nms IoU 0.45, at most 100, mapped back to source
                              pixels and clipped) and puts a result dict on the result queue.
  consumer (main thread)      drains the result queue, counting frames and detections.

Run from the repository root with Debian's Python (torch 1.13 CPU, torchvision 0.14, OpenCV 4.6):

    /usr/bin/python3 bench/seed_pipeline.py                       # samples/conveyor.mp4, 1 camera
    /usr/bin/python3 bench/seed_pipeline.py --batch 4 --threads 2 --cameras 2
    /usr/bin/python3 bench/seed_pipeline.py --clip a.mp4 --clip b.mp4

Progress goes to stderr; one JSON line goes to stdout at the end. "seconds" runs from the first
frame decoded to the last result consumed; model load, tracing and warm-up are not counted.
"""
import argparse
import json
import os
import queue
import sys
import threading
import time

import cv2
import numpy as np
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models", "training"))
from train_detector import IN_H, IN_W, build_model, letterbox  # noqa: E402

CONF, IOU, MAX_DET = 0.25, 0.45, 100
QUEUE_SIZE = 100   # the seed's buffer_size


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def process_frame(frame):
    """BGR uint8 frame -> (float32 tensor [3, 224, 384] RGB in [0, 1], scale, (pad_left, pad_top))."""
    img, r, pad = letterbox(frame)
    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))).float().div_(255.0)
    return x, r, pad


def decode(out, r, pad, w, h):
    """out [6, N] (cx, cy, w, h in input px, 2 class scores) -> [K, 6] x1, y1, x2, y2, score, cls in source px."""
    scores, cls = out[4:].max(0)
    keep = scores >= CONF
    b, s, c = out[:4, keep].T, scores[keep], cls[keep]
    xyxy = torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)
    k = torchvision.ops.batched_nms(xyxy, s, c, IOU)[:MAX_DET]
    xyxy = xyxy[k]
    xyxy[:, [0, 2]] = ((xyxy[:, [0, 2]] - pad[0]) / r).clamp(0, w)
    xyxy[:, [1, 3]] = ((xyxy[:, [1, 3]] - pad[1]) / r).clamp(0, h)
    return torch.cat([xyxy, s[k, None], c[k, None].float()], 1)


class SeedPipeline:
    def __init__(self, model, clips, batch_size, max_frames=0):
        self.model, self.clips, self.batch_size = model, clips, batch_size
        self.max_frames = max_frames
        self.frame_queue = queue.Queue(maxsize=QUEUE_SIZE)
        self.result_queue = queue.Queue()
        self.t_first = None
        self.lock = threading.Lock()

    def capture_worker(self, cam, clip):
        cap = cv2.VideoCapture(clip)
        frame_id = 0
        try:
            if not cap.isOpened():
                raise RuntimeError(f"cannot open {clip}")
            while not self.max_frames or frame_id < self.max_frames:
                ok, frame = cap.read()
                if not ok:
                    break
                if self.t_first is None:
                    with self.lock:
                        if self.t_first is None:
                            self.t_first = time.perf_counter()
                x, r, pad = process_frame(frame)
                h, w = frame.shape[:2]
                self.frame_queue.put((cam, frame_id, x, r, pad, w, h))   # blocking: no frame dropped
                frame_id += 1
        except BaseException as e:   # report to the consumer instead of hanging it
            self.result_queue.put(e)
            raise
        finally:
            cap.release()
            self.frame_queue.put(None)   # this camera is done

    def inference_worker(self):
        try:
            live = len(self.clips)
            while live:
                items = []
                item = self.frame_queue.get()            # wait for the first frame of a batch
                while True:
                    if item is None:
                        live -= 1
                    else:
                        items.append(item)
                    if len(items) >= self.batch_size or self.frame_queue.empty():
                        break
                    item = self.frame_queue.get_nowait()  # then take what is queued, up to the batch size
                if not items:
                    continue
                t = time.perf_counter()
                with torch.no_grad():
                    out = self.model(torch.stack([it[2] for it in items]))
                    for o, (cam, frame_id, _, r, pad, w, h) in zip(out, items):
                        det = decode(o, r, pad, w, h)
                        self.result_queue.put({"camera": cam, "frame_id": frame_id, "detections": det,
                                               "inference_time": (time.perf_counter() - t) / len(items)})
            self.result_queue.put(None)
        except BaseException as e:   # never leave the consumer waiting
            self.result_queue.put(e)
            raise

    def run(self):
        threads = [threading.Thread(target=self.inference_worker, daemon=True)]
        threads += [threading.Thread(target=self.capture_worker, args=(i, c), daemon=True)
                    for i, c in enumerate(self.clips)]
        for t in threads:
            t.start()
        frames = detections = 0
        t_last = None
        while True:
            res = self.result_queue.get()
            if res is None:
                break
            if isinstance(res, BaseException):
                raise SystemExit(f"pipeline failed: {res!r}")
            frames += 1
            detections += len(res["detections"])
            t_last = time.perf_counter()
            if frames % 500 == 0:
                log(f"{frames} frames, {frames / (t_last - self.t_first):.1f} fps")
        for t in threads:
            t.join()
        return frames, detections, (t_last - self.t_first) if frames else 0.0


def optimize_model(model, batch, freeze=False):
    """torch.jit.trace as in the seed (and, with freeze, torch.jit.freeze and
    optimize_for_inference); eager model if tracing fails."""
    try:
        with torch.no_grad():
            traced = torch.jit.trace(model, torch.rand(batch, 3, IN_H, IN_W))
            if freeze:
                traced = torch.jit.optimize_for_inference(torch.jit.freeze(traced))
        log("model traced with torch.jit.trace" + (", frozen and optimised for inference" if freeze else ""))
        return traced
    except Exception as e:
        log(f"tracing failed ({e!r}); running the eager model")
        return model


def warm_up(model, clip, n, batch):
    """Runs the first n frames of clip through the model, in batches."""
    cap = cv2.VideoCapture(clip)
    xs = []
    while len(xs) < n:
        ok, frame = cap.read()
        if not ok:
            break
        xs.append(process_frame(frame)[0])
    cap.release()
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            model(torch.stack(xs[i:i + batch]))
    log(f"warm-up: {len(xs)} frames")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clip", action="append", help="video file, one camera each (repeatable); "
                    "default samples/conveyor.mp4")
    ap.add_argument("--cameras", type=int, default=1, help="replicate the clip list N times")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--weights", default=os.path.join(ROOT, "models", "conveyor-det.pt"))
    ap.add_argument("--warmup", type=int, default=8, help="frames run through the model before timing")
    ap.add_argument("--frames", type=int, default=0, help="stop each camera after this many frames (0: all)")
    ap.add_argument("--freeze", action="store_true",
                    help="also torch.jit.freeze + optimize_for_inference (beyond the seed: a stronger baseline)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    cv2.setNumThreads(1)
    clips = (args.clip or [os.path.join(ROOT, "samples", "conveyor.mp4")]) * args.cameras

    model = build_model(args.weights)      # eval mode; forward() returns output0 [B, 6, 1764]
    model = optimize_model(model, args.batch, args.freeze)
    warm_up(model, clips[0], args.warmup, args.batch)

    frames, detections, seconds = SeedPipeline(model, clips, args.batch, args.frames).run()
    print(json.dumps({"pipeline": "seed-python", "cameras": len(clips), "frames": frames,
                      "seconds": round(seconds, 3), "fps": round(frames / seconds, 2) if seconds else 0.0,
                      "detections": detections, "batch": args.batch, "threads": args.threads,
                      "freeze": args.freeze, "torch": torch.__version__, "opencv": cv2.__version__}))


if __name__ == "__main__":
    main()

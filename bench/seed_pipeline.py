#!/usr/bin/env python3
"""Python baseline for the linewatch throughput benchmark ("seed-python").

A camera pipeline in the style of section 3.8 of the seed document ("リアルタイム画像処理パイプライン",
RealTimeInferencePipeline): Python threads and a bounded queue.Queue, OpenCV decode and
preprocessing, PyTorch inference in batches with a model traced by torch.jit.trace, and the results
put on a result queue. It runs the same trained model as the Java pipeline, from the training
script's PyTorch weights, and does the same work per frame, so the two can be compared. Two tasks:

--task detection (default): the conveyor detector (models/conveyor-det.pt, built by build_model() in
models/training/train_detector.py) on samples/conveyor.mp4:

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

--task classification: the process-state classifier (models/process-state.pt, built by build_model()
in models/training/train_classifier.py) on samples/process.mp4, as the seed's own pipeline
classifies (section 3.8), once per fixed region of the frame (deploy/examples/process.yaml's two
sight glasses unless --region X,Y,W,H or --whole-frame is given):

  capture thread per camera   each region cropped, BGR->RGB (cv2.cvtColor), cv2.resize to 64x64
                              (INTER_LINEAR), torch.FloatTensor(...).permute(2, 0, 1) / 255,
                              torchvision transforms.Normalize with the ImageNet mean and std, as the
                              seed's preprocess_frame; the frame's regions are one [R, 3, 64, 64] item
                              on the frame queue (blocking put).
  one inference thread        gathers up to --batch queued frames (--batch x R images in one call),
                              runs the model (logits and class-activation maps, computed in its
                              forward), then softmax and argmax over the batch as the seed does, and
                              per region the peak cell of the predicted state's map (the work the Java
                              classify stage does); puts one result dict per frame.
  consumer (main thread)      drains the result queue, counting frames and region states per state.

Run from the repository root with Debian's Python (torch 1.13 CPU, torchvision 0.14, OpenCV 4.6):

    /usr/bin/python3 bench/seed_pipeline.py                       # samples/conveyor.mp4, 1 camera
    /usr/bin/python3 bench/seed_pipeline.py --batch 4 --threads 2 --cameras 2
    /usr/bin/python3 bench/seed_pipeline.py --clip a.mp4 --clip b.mp4
    /usr/bin/python3 bench/seed_pipeline.py --task classification --batch 4   # samples/process.mp4

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
from torchvision import transforms

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


class Detection:
    """The conveyor detector: one letterboxed image a frame, YOLO decode and NMS."""
    weights = os.path.join(ROOT, "models", "conveyor-det.pt")
    clip = os.path.join(ROOT, "samples", "conveyor.mp4")
    images_per_frame = 1

    @staticmethod
    def build(weights):
        return build_model(weights)      # eval mode; forward() returns output0 [B, 6, 1764]

    @staticmethod
    def example(images):
        return torch.rand(images, 3, IN_H, IN_W)

    @staticmethod
    def preprocess(frame):
        """-> ([1, 3, 224, 384] tensor, what decode needs)."""
        x, r, pad = process_frame(frame)
        h, w = frame.shape[:2]
        return x[None], (r, pad, w, h)

    @staticmethod
    def decode(out, first, count, meta):
        return decode(out[first], *meta)

    @staticmethod
    def count(result):
        return len(result)


class Classification:
    """The process-state classifier over fixed regions: the seed's preprocess, softmax and argmax."""
    weights = os.path.join(ROOT, "models", "process-state.pt")
    clip = os.path.join(ROOT, "samples", "process.mp4")
    normalize = transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])

    def __init__(self, regions):
        from train_classifier import IN as CLS_IN, STATES  # noqa: E402
        self.regions, self.size, self.states = regions, CLS_IN, STATES
        self.images_per_frame = max(1, len(regions))
        self.per_state = {state: 0 for state in STATES}   # region-frames by predicted state

    @staticmethod
    def build(weights):
        from train_classifier import build_model as build_classifier  # noqa: E402
        return build_classifier(weights)   # eval mode; forward() returns (logits [B, 4], cam [B, 4, 16, 16])

    def example(self, images):
        return torch.rand(images, 3, self.size, self.size)

    def preprocess(self, frame):
        """-> ([R, 3, 64, 64] tensor, the regions): the seed's preprocess_frame on each region."""
        regions = self.regions or [(0, 0, frame.shape[1], frame.shape[0])]
        xs = []
        for x, y, w, h in regions:
            rgb = cv2.cvtColor(frame[y:y + h, x:x + w], cv2.COLOR_BGR2RGB)
            resized = cv2.resize(rgb, (self.size, self.size))
            xs.append(self.normalize(torch.FloatTensor(resized).permute(2, 0, 1) / 255.0))
        return torch.stack(xs), regions

    def decode(self, out, first, count, regions):
        """Per region: predicted state, its softmax probability, and the peak of its map in source px."""
        logits, cam = out
        logits, cam = logits[first:first + count], cam[first:first + count]
        confidences = torch.softmax(logits, dim=1)
        predictions = torch.argmax(logits, dim=1)
        results = []
        for i, (x, y, w, h) in enumerate(regions):
            m = cam[i, predictions[i]]
            peak = int(torch.argmax(m))
            my, mx = divmod(peak, m.shape[1])
            results.append((int(predictions[i]), float(confidences[i, predictions[i]]),
                            x + (mx + 0.5) * w / m.shape[1], y + (my + 0.5) * h / m.shape[0]))
        return results

    def count(self, result):
        for state, *_ in result:
            self.per_state[self.states[state]] += 1
        return len(result)


class SeedPipeline:
    def __init__(self, model, task, clips, batch_size, max_frames=0):
        self.model, self.task, self.clips, self.batch_size = model, task, clips, batch_size
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
                x, meta = self.task.preprocess(frame)
                self.frame_queue.put((cam, frame_id, x, meta))   # blocking: no frame dropped
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
                    out = self.model(torch.cat([it[2] for it in items]))
                    first = 0
                    for cam, frame_id, x, meta in items:
                        result = self.task.decode(out, first, len(x), meta)
                        first += len(x)
                        self.result_queue.put({"camera": cam, "frame_id": frame_id, "result": result,
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
        frames = found = 0
        t_last = None
        while True:
            res = self.result_queue.get()
            if res is None:
                break
            if isinstance(res, BaseException):
                raise SystemExit(f"pipeline failed: {res!r}")
            frames += 1
            found += self.task.count(res["result"])
            t_last = time.perf_counter()
            if frames % 500 == 0:
                log(f"{frames} frames, {frames / (t_last - self.t_first):.1f} fps")
        for t in threads:
            t.join()
        return frames, found, (t_last - self.t_first) if frames else 0.0


def optimize_model(model, example, freeze=False):
    """torch.jit.trace as in the seed (and, with freeze, torch.jit.freeze and
    optimize_for_inference); eager model if tracing fails."""
    try:
        with torch.no_grad():
            traced = torch.jit.trace(model, example)
            if freeze:
                traced = torch.jit.optimize_for_inference(torch.jit.freeze(traced))
        log("model traced with torch.jit.trace" + (", frozen and optimised for inference" if freeze else ""))
        return traced
    except Exception as e:
        log(f"tracing failed ({e!r}); running the eager model")
        return model


def warm_up(model, task, clip, n, batch):
    """Runs the first n frames of clip through the model, in batches of frames."""
    cap = cv2.VideoCapture(clip)
    xs = []
    while len(xs) < n:
        ok, frame = cap.read()
        if not ok:
            break
        xs.append(task.preprocess(frame)[0])
    cap.release()
    with torch.no_grad():
        for i in range(0, len(xs), batch):
            model(torch.cat(xs[i:i + batch]))
    log(f"warm-up: {len(xs)} frames")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--task", choices=["detection", "classification"], default="detection")
    ap.add_argument("--clip", action="append", help="video file, one camera each (repeatable); "
                    "default samples/conveyor.mp4 (detection) or samples/process.mp4 (classification)")
    ap.add_argument("--region", action="append", metavar="X,Y,W,H",
                    help="classification: a fixed region in source px (repeatable); default the two sight glasses"
                    " of deploy/examples/process.yaml")
    ap.add_argument("--whole-frame", action="store_true", help="classification: the whole frame, no regions")
    ap.add_argument("--cameras", type=int, default=1, help="replicate the clip list N times")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--weights", help="default models/conveyor-det.pt or models/process-state.pt")
    ap.add_argument("--warmup", type=int, default=8, help="frames run through the model before timing")
    ap.add_argument("--frames", type=int, default=0, help="stop each camera after this many frames (0: all)")
    ap.add_argument("--freeze", action="store_true",
                    help="also torch.jit.freeze + optimize_for_inference (beyond the seed: a stronger baseline)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    cv2.setNumThreads(1)
    if args.task == "classification":
        regions = [] if args.whole_frame else [tuple(int(v) for v in r.split(","))
                                               for r in args.region or ["52,72,96,96", "172,72,96,96"]]
        if any(len(r) != 4 for r in regions):
            ap.error("--region wants X,Y,W,H")
        task = Classification(regions)
    else:
        task = Detection()
    clips = (args.clip or [task.clip]) * args.cameras

    model = task.build(args.weights or task.weights)
    model = optimize_model(model, task.example(args.batch * task.images_per_frame), args.freeze)
    warm_up(model, task, clips[0], args.warmup, args.batch)

    frames, found, seconds = SeedPipeline(model, task, clips, args.batch, args.frames).run()
    print(json.dumps({"pipeline": "seed-python", "task": args.task, "cameras": len(clips), "frames": frames,
                      "seconds": round(seconds, 3), "fps": round(frames / seconds, 2) if seconds else 0.0,
                      ("detections" if args.task == "detection" else "region_results"): found,
                      "batch": args.batch, "threads": args.threads,
                      **({"states": task.per_state} if args.task == "classification" else {}),
                      "freeze": args.freeze, "torch": torch.__version__, "opencv": cv2.__version__}))


if __name__ == "__main__":
    main()

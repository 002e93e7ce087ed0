package io.linewatch.enginebuild;

import io.linewatch.capture.CaptureException;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.ModelSignature;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.postprocess.ClassifyHandler;
import io.linewatch.postprocess.Nms;
import io.linewatch.postprocess.YoloDecoder;
import io.linewatch.postprocess.YoloDecoders;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.preprocess.RegionResampler;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Replays clips through a candidate engine and the reference engine, frame by frame, with the
 * model's own preprocess and (for detection) its own decoder and NMS, and feeds an {@link
 * AccuracyGate}. Knows engines only by their interface, so any two engines with the same tensors
 * can be compared. Detection, segmentation and classification models are replayed (a classifier on
 * each of its cameras' regions, cropped and stretched as the pipeline does, one image a call);
 * thermal models need the thermal preprocess and are refused here.
 */
public final class AccuracyReplay {

    private final ModelConfig model;
    private final ModelSignature signature;
    private final InferenceEngine reference;
    private final InferenceEngine candidate;
    private final FloatBuffer input;
    private final FloatBuffer[] referenceOut;
    private final FloatBuffer[] candidateOut;
    private final List<RegionConfig> regions;

    /**
     * @param reference the FP32 reference (ONNX Runtime)
     * @param candidate the engine being judged; must have the reference's tensors
     */
    public AccuracyReplay(ModelConfig model, InferenceEngine reference, InferenceEngine candidate)
            throws EngineException {
        this(model, reference, candidate, List.of());
    }

    /**
     * @param regions a classification model's regions of the frame, each compared on its own (its
     *                cameras'); empty: the whole frame. Not read for other tasks.
     */
    public AccuracyReplay(ModelConfig model, InferenceEngine reference, InferenceEngine candidate,
                          List<RegionConfig> regions) throws EngineException {
        this.model = model;
        this.regions = List.copyOf(regions);
        this.signature = reference.signature();
        this.reference = reference;
        this.candidate = candidate;
        if (signature.channels() != 3 || model.task() == ModelConfig.Task.THERMAL) {
            throw new EngineException("model " + model.path() + ": validation replays RGB frames through the letterbox "
                    + "preprocess; " + model.task().name().toLowerCase(java.util.Locale.ROOT)
                    + " models with " + signature.channels() + "-channel input are not supported yet");
        }
        this.input = FrameEventFactory.directFloats(signature.inputFloats());
        this.referenceOut = outputs(signature);
        this.candidateOut = outputs(signature);
    }

    /** Compares the engines on at most {@code maxFrames} frames of {@code clips}. */
    public AccuracyGate run(List<Path> clips, int maxFrames) throws EngineException {
        AccuracyGate gate = new AccuracyGate();
        Comparison comparison = model.task() == ModelConfig.Task.CLASSIFICATION ? scores() : letterboxed();
        BgrFrame frame = new BgrFrame();
        try (FrameFiles frames = new FrameFiles(FrameFiles.expand(clips), maxFrames, 1)) {
            while (frames.next(frame)) {
                comparison.add(frame, gate);
                gate.frame();
            }
        } catch (IOException | CaptureException e) {
            throw new EngineException("validation clips: " + e.getMessage(), e);
        }
        return gate;
    }

    /** Runs one frame through both engines and feeds their outputs to the gate. */
    private interface Comparison {
        void add(BgrFrame frame, AccuracyGate gate) throws EngineException;
    }

    /** The letterboxed frame through both engines, their outputs compared as the task's stage reads them. */
    private Comparison letterboxed() throws EngineException {
        LetterboxResampler resampler = LetterboxResampler.of(signature.width(), signature.height(), model.preprocess());
        OutputComparison outputs = switch (model.task()) {
            case DETECTION -> detections();
            case SEGMENTATION -> masks();
            case THERMAL, CLASSIFICATION -> throw new IllegalStateException("not letterboxed");
        };
        return (frame, gate) -> {
            resampler.apply(frame.pixels, frame.width, frame.height, input, 0);
            reference.run(input, referenceOut, 1);
            candidate.run(input, candidateOut, 1);
            outputs.add(gate);
        };
    }

    /** Feeds one frame's two outputs to the gate. */
    private interface OutputComparison {
        void add(AccuracyGate gate);
    }

    /**
     * Each region (or the whole frame) cropped and stretched as the classify preprocess does, through
     * both engines; the scores output ({@code [B, states]}) compared.
     */
    private Comparison scores() throws EngineException {
        int states = model.classes().size();
        int scores = ClassifyHandler.scoresOutput(signature.outputs().stream().map(ModelSignature.Output::dims).toList(),
                states);
        if (scores < 0) {
            throw new EngineException("model " + model.path() + ": a classification model needs an output [B, " + states
                    + "] (one score per state of " + model.classes() + "); its outputs are " + signature.outputs());
        }
        RegionResampler resampler = RegionResampler.of(signature.width(), signature.height(), model.preprocess());
        return (frame, gate) -> {
            for (int r = 0; r < Math.max(1, regions.size()); r++) {
                RegionConfig region = regions.isEmpty()
                        ? new RegionConfig("frame", 0, 0, frame.width, frame.height) : regions.get(r);
                if (region.x() + region.width() > frame.width || region.y() + region.height() > frame.height) {
                    throw new EngineException("validation clips: region " + region.name() + " (x " + region.x() + ", y "
                            + region.y() + ", " + region.width() + "x" + region.height() + ") is past the edge of a "
                            + frame.width + "x" + frame.height + " frame");
                }
                resampler.apply(frame.pixels, frame.width, region.x(), region.y(), region.width(), region.height(),
                        input, 0);
                reference.run(input, referenceOut, 1);
                candidate.run(input, candidateOut, 1);
                gate.addScores(referenceOut[scores], candidateOut[scores], 0, states);
            }
        };
    }

    private OutputComparison detections() throws EngineException {
        YoloDecoder decoder;
        YoloDecoders.Plan plan;
        try {
            plan = YoloDecoders.plan(model.layout(), model.classes().size(),
                    signature.outputs().stream().map(ModelSignature.Output::dims).toList(),
                    reference.metadata().end2end());
            decoder = YoloDecoders.decoder(plan, model.classes().size(), signature.outputs().get(plan.output()).dims());
        } catch (IllegalArgumentException e) {
            throw new EngineException("model " + model.path() + ": " + e.getMessage(), e);
        }
        // As the detect stage: an end-to-end head's boxes are not suppressed, only ordered and capped.
        float iou = plan.needsNms() ? model.nms().iouThreshold().floatValue() : 1f;
        Nms nms = new Nms(iou, model.nms().classAgnostic(), model.nms().maxDetections(), decoder.anchors());
        float[] thresholds = new float[model.classes().size()];
        for (int c = 0; c < thresholds.length; c++) {
            thresholds[c] = (float) model.nms().confidenceFor(model.classes().get(c));
        }
        Detections candidates = new Detections(decoder.anchors());
        Detections referenceKept = new Detections(model.nms().maxDetections());
        Detections candidateKept = new Detections(model.nms().maxDetections());
        return gate -> {
            decodeInto(decoder, nms, thresholds, referenceOut[0], candidates, referenceKept);
            decodeInto(decoder, nms, thresholds, candidateOut[0], candidates, candidateKept);
            gate.addDetections(referenceKept, candidateKept);
        };
    }

    private static void decodeInto(YoloDecoder decoder, Nms nms, float[] thresholds, FloatBuffer output,
                                   Detections candidates, Detections kept) {
        candidates.clear();
        kept.clear();
        decoder.decode(output, thresholds, candidates);
        nms.apply(candidates, kept);
    }

    private OutputComparison masks() throws EngineException {
        int index = signature.outputIndex("mask") >= 0 ? signature.outputIndex("mask") : 0;
        long[] dims = signature.outputs().get(index).dims();
        if (dims.length != 3) {
            throw new EngineException("model " + model.path() + ": mask output '" + signature.outputs().get(index).name()
                    + "' should be [B, classes, height, width]");
        }
        int classes = (int) dims[0];
        int plane = (int) (dims[1] * dims[2]);
        float threshold = model.segmentation().threshold().floatValue();
        return gate -> gate.addMasks(referenceOut[index], candidateOut[index], classes, plane, threshold);
    }

    private static FloatBuffer[] outputs(ModelSignature signature) {
        int[] floats = signature.outputFloatsEach();
        FloatBuffer[] out = new FloatBuffer[floats.length];
        for (int i = 0; i < floats.length; i++) {
            out[i] = FrameEventFactory.directFloats(floats[i]);
        }
        return out;
    }
}

package io.linewatch.bench;

import io.linewatch.config.ModelConfig;
import io.linewatch.pipeline.Detections;
import io.linewatch.postprocess.Nms;
import io.linewatch.postprocess.YoloDecoder;
import io.linewatch.postprocess.YoloDecoders;
import io.linewatch.testing.ReferenceTensors;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * YOLO decoding and NMS of one frame of the shipped model's real output (1764 anchors), in both
 * layouts, at the default confidence (0.25: a few dozen candidates) and a low one (0.01: hundreds).
 * Run from the repository root (it reads src/test/resources/tensors).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeNmsBenchmark {

    @Param({"YOLOV8", "YOLOV5"})
    ModelConfig.Layout layout;

    @Param({"0.25", "0.01"})
    float confidence;

    private YoloDecoder decoder;
    private FloatBuffer output;
    private float[] thresholds;
    private Detections candidates;
    private Detections kept;
    private Nms nms;

    @Setup
    public void setUp() throws IOException {
        int anchors = ReferenceTensors.expected().get("anchors").asInt();
        long[] dims = layout == ModelConfig.Layout.YOLOV8 ? new long[] {6, anchors} : new long[] {anchors, 7};
        decoder = YoloDecoders.create(layout, 2, dims);
        FloatBuffer all = ReferenceTensors.floats(layout == ModelConfig.Layout.YOLOV8 ? "yolov8_b3.bin" : "yolov5_b3.bin");
        output = all.slice(0, 6 * anchors + (layout == ModelConfig.Layout.YOLOV5 ? anchors : 0));
        thresholds = new float[] {confidence, confidence};
        candidates = new Detections(anchors);
        kept = new Detections(100);
        nms = new Nms(0.45f, false, 100, anchors);
    }

    @Benchmark
    public int decode() {
        candidates.clear();
        decoder.decode(output, thresholds, candidates);
        return candidates.count();
    }

    @Benchmark
    public int decodeAndNms() {
        candidates.clear();
        decoder.decode(output, thresholds, candidates);
        nms.apply(candidates, kept);
        return kept.count();
    }
}

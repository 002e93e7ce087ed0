package io.linewatch.config;

import java.util.List;

/**
 * One model and how its frames are prepared and its output decoded.
 *
 * @param path           the ONNX file, relative to the config file's folder
 * @param task           what the model does
 * @param layout         how the output is laid out ({@code auto}: decided from the model at the start)
 * @param classes        class names, in the model's class order
 * @param engine         which engine runs it
 * @param batchSize      most frames per inference call
 * @param intraOpThreads threads the engine may use inside one call (0: the engine chooses)
 * @param input          input size, needed only when the model's own input size is dynamic and its
 *                       metadata does not say
 * @param preprocess     letterbox pad and normalisation
 * @param nms            detection: confidence and overlap thresholds
 * @param thermal        thermal: input normalisation and hotspot decoding
 * @param segmentation   segmentation: mask threshold and region filter
 * @param tensorrt       TensorRT engine: precision, batch profile, engine cache, build and fallback
 * @param tracker        detection: the multi-object tracker of the model's cameras
 * @param classification classification: how scores become each region's decided state
 * @param intraOpSpinning ONNX Runtime's idle intra-op threads spin for work inside a run instead of
 *                       sleeping ({@code session.intra_op.allow_spinning}), and sleep as soon as the
 *                       run ends ({@code session.force_spinning_stop}); off by default, since the
 *                       other stages share the cores
 * @param instances      engine instances of the lane, each with its own session and
 *                       {@code intraOpThreads} threads, taking alternate batches of the ring
 * @param preprocessThreads threads preparing the lane's frames, each for its share: a camera with
 *                       {@code infer_fps} or {@code motion_gate} whole on one thread, the other
 *                       cameras' frames alternating
 */
public record ModelConfig(
        String path,
        Task task,
        Layout layout,
        List<String> classes,
        Engine engine,
        Integer batchSize,
        Integer intraOpThreads,
        InputSize input,
        PreprocessConfig preprocess,
        NmsConfig nms,
        ThermalModelConfig thermal,
        SegmentationConfig segmentation,
        TensorRtConfig tensorrt,
        TrackerConfig tracker,
        ClassificationConfig classification,
        Boolean intraOpSpinning,
        Integer instances,
        Integer preprocessThreads) {

    /** Most engine instances one lane may have. */
    public static final int MAX_INSTANCES = 16;

    /** Most preprocess threads one lane may have. */
    public static final int MAX_PREPROCESS_THREADS = 16;

    /** Model tasks. */
    public enum Task {
        /** Boxes of classes (YOLO-style), cleaned by NMS. */
        DETECTION,
        /** Temperatures and hotspots regressed from radiometric infrared frames. */
        THERMAL,
        /** A per-pixel defect mask, turned into defect regions. */
        SEGMENTATION,
        /**
         * Scores per state of the whole frame or of fixed regions ({@code [B, states]} logits, with
         * an optional class-activation map {@code [B, states, h, w]}).
         */
        CLASSIFICATION
    }

    /** Output layouts. */
    public enum Layout {
        /** Decided at the start from the output shapes and the file's metadata (the default). */
        AUTO,
        /** Ultralytics YOLOv8/11: {@code [B, 4+nc, N]}, no objectness. */
        YOLOV8,
        /** YOLOv5: {@code [B, N, 5+nc]}, objectness then class scores. */
        YOLOV5,
        /** NMS-free end-to-end heads (YOLOv10, YOLO26): {@code [B, N, 6]} of x1, y1, x2, y2, score, class. */
        END2END,
        /** Ultralytics instance segmentation: {@code [B, 4+nc+32, N]} and prototypes {@code [B, 32, H/4, W/4]}. */
        YOLOV8_SEG,
        /** Classification: {@code [B, nc]} class scores. */
        CLASSIFY
    }

    /** Inference engines. */
    public enum Engine {
        /** ONNX Runtime on the CPU: runs everywhere. */
        ONNXRUNTIME,
        /** A TensorRT engine built from the ONNX file for this GPU (see the {@code tensorrt} section). */
        TENSORRT
    }

    /** Input size in pixels. */
    public record InputSize(Integer width, Integer height) {
        public InputSize {
            if (width == null || height == null || width < 1 || height < 1) {
                throw new IllegalArgumentException("needs width and height >= 1");
            }
        }
    }

    public ModelConfig {
        task = task == null ? Task.DETECTION : task;
        layout = layout == null ? Layout.AUTO : layout;
        classes = classes == null ? List.of() : List.copyOf(classes);
        engine = engine == null ? Engine.ONNXRUNTIME : engine;
        batchSize = batchSize == null ? 4 : batchSize;
        intraOpThreads = intraOpThreads == null ? 1 : intraOpThreads;
        preprocess = preprocess == null ? PreprocessConfig.defaults() : preprocess;
        nms = nms == null ? NmsConfig.defaults() : nms;
        thermal = thermal == null ? ThermalModelConfig.defaults() : thermal;
        segmentation = segmentation == null ? SegmentationConfig.defaults() : segmentation;
        tensorrt = tensorrt == null ? TensorRtConfig.defaults() : tensorrt;
        tracker = tracker == null ? TrackerConfig.defaults() : tracker;
        classification = classification == null ? ClassificationConfig.defaults() : classification;
        intraOpSpinning = intraOpSpinning != null && intraOpSpinning;
        instances = instances == null ? 1 : instances;
        preprocessThreads = preprocessThreads == null ? 1 : preprocessThreads;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
    }

    /** A model with the default engine threading: one instance, idle threads sleep. */
    public ModelConfig(String path, Task task, Layout layout, List<String> classes, Engine engine, Integer batchSize,
                       Integer intraOpThreads, InputSize input, PreprocessConfig preprocess, NmsConfig nms,
                       ThermalModelConfig thermal, SegmentationConfig segmentation, TensorRtConfig tensorrt,
                       TrackerConfig tracker, ClassificationConfig classification) {
        this(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms, thermal,
                segmentation, tensorrt, tracker, classification, null, null, null);
    }

    /** A model with the default classification section. */
    public ModelConfig(String path, Task task, Layout layout, List<String> classes, Engine engine, Integer batchSize,
                       Integer intraOpThreads, InputSize input, PreprocessConfig preprocess, NmsConfig nms,
                       ThermalModelConfig thermal, SegmentationConfig segmentation, TensorRtConfig tensorrt,
                       TrackerConfig tracker) {
        this(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms, thermal,
                segmentation, tensorrt, tracker, null);
    }

    /** A model with the default tracker. */
    public ModelConfig(String path, Task task, Layout layout, List<String> classes, Engine engine, Integer batchSize,
                       Integer intraOpThreads, InputSize input, PreprocessConfig preprocess, NmsConfig nms,
                       ThermalModelConfig thermal, SegmentationConfig segmentation, TensorRtConfig tensorrt) {
        this(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms, thermal,
                segmentation, tensorrt, null);
    }

    /** A detection model. */
    public ModelConfig(String path, Task task, Layout layout, List<String> classes, Engine engine, Integer batchSize,
                       Integer intraOpThreads, InputSize input, PreprocessConfig preprocess, NmsConfig nms) {
        this(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms, null, null, null, null);
    }

    /** A copy reading another file. */
    public ModelConfig withPath(String newPath) {
        return new ModelConfig(newPath, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, instances, preprocessThreads);
    }

    /** A copy with another number of intra-op threads. */
    public ModelConfig withIntraOpThreads(int threads) {
        return new ModelConfig(path, task, layout, classes, engine, batchSize, threads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, instances, preprocessThreads);
    }

    /** A copy whose idle intra-op threads spin ({@code true}) or sleep. */
    public ModelConfig withIntraOpSpinning(boolean spinning) {
        return new ModelConfig(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, spinning, instances, preprocessThreads);
    }

    /** A copy with {@code n} engine instances. */
    public ModelConfig withInstances(int n) {
        return new ModelConfig(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, n, preprocessThreads);
    }

    /** A copy with {@code n} preprocess threads. */
    public ModelConfig withPreprocessThreads(int n) {
        return new ModelConfig(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, instances, n);
    }

    /** A copy running batches of up to {@code size} frames. */
    public ModelConfig withBatchSize(int size) {
        return new ModelConfig(path, task, layout, classes, engine, size, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, instances, preprocessThreads);
    }

    /** A copy with the classes and input size its file's metadata filled in. */
    public ModelConfig withClassesAndInput(List<String> newClasses, InputSize newInput) {
        return new ModelConfig(path, task, layout, newClasses, engine, batchSize, intraOpThreads, newInput, preprocess,
                nms, thermal, segmentation, tensorrt, tracker, classification, intraOpSpinning, instances, preprocessThreads);
    }

    /** A copy with another TensorRT section. */
    public ModelConfig withTensorRt(TensorRtConfig newTensorRt) {
        return new ModelConfig(path, task, layout, classes, engine, batchSize, intraOpThreads, input, preprocess, nms,
                thermal, segmentation, newTensorRt, tracker, classification, intraOpSpinning, instances, preprocessThreads);
    }
}

package io.linewatch.cli;

import io.linewatch.config.ModelConfig.Layout;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelMetadata;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.postprocess.YoloDecoders;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code linewatch inspect-model FILE.onnx}: the model's tensors (as ONNX Runtime runs them), its
 * metadata, the output layout {@code auto} would use, and a config snippet that runs it.
 */
@Command(name = "inspect-model", mixinStandardHelpOptions = true,
        description = "Shows an ONNX model's inputs, outputs and metadata, the output layout linewatch would use,"
                + " and a config snippet that runs it.")
final class InspectModelCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE.onnx", description = "The ONNX model.")
    Path file;

    @Override
    public Integer call() {
        ModelMetadata meta;
        ModelSignature sig;
        try {
            meta = ModelMetadata.read(file);
            int w = meta.width() == null ? 0 : meta.width();
            int h = meta.height() == null ? 0 : meta.height();
            try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(file, 1, w, h)) {
                sig = engine.signature();
            }
        } catch (EngineException e) {
            throw new CliException(Main.EXIT_STARTUP, e.getMessage());
        }
        System.out.println("model:    " + file);
        System.out.println("input:    " + sig.inputName() + " [" + (sig.fixedBatch() > 0 ? sig.fixedBatch() : "B") + ", "
                + sig.channels() + ", " + sig.height() + ", " + sig.width() + "] float32"
                + (sig.fixedBatch() > 0 ? " (batch fixed at " + sig.fixedBatch() + ")" : " (dynamic batch)"));
        for (ModelSignature.Output o : sig.outputs()) {
            System.out.println("output:   " + o);
        }
        System.out.println("metadata: " + meta);
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(meta.raw()).entrySet()) {
            System.out.println("  " + e.getKey() + ": " + cut(e.getValue()));
        }
        String layout = layout(meta, sig);
        System.out.println("layout:   " + layout);
        System.out.print(snippet(meta, sig, layout));
        return 0;
    }

    /** The layout {@code auto} decides, or why none fits. */
    private static String layout(ModelMetadata meta, ModelSignature sig) {
        if (meta.names().isEmpty()) {
            return "not decided: the file names no classes (give classes in the config; the layout follows from them)";
        }
        try {
            YoloDecoders.Plan plan = YoloDecoders.plan(Layout.AUTO, meta.names().size(),
                    sig.outputs().stream().map(ModelSignature.Output::dims).toList(), meta.end2end());
            return YoloDecoders.name(plan.layout());
        } catch (IllegalArgumentException e) {
            return "none: " + e.getMessage();
        }
    }

    private String snippet(ModelMetadata meta, ModelSignature sig, String layout) {
        StringBuilder s = new StringBuilder("config:\n  models:\n    " + stem() + ":\n      path: " + file + "\n");
        switch (layout) {
            case "classify" -> s.append("      # a classification model: run it with the classification task\n");
            case "yolov8_seg" -> s.append("      # instance segmentation: each instance a defect region of its inspection"
                    + " cameras (task: detection runs its boxes only)\n");
            default -> { }
        }
        if (layout.equals("yolov8_seg")) {
            s.append("      task: segmentation\n");
        } else if (!layout.equals("classify")) {
            s.append("      task: detection\n");
        }
        if (meta.names().isEmpty()) {
            s.append("      classes: [").append("class0, class1]   # the model's class names, in class-id order\n");
        }
        if (layout.startsWith("none") || layout.startsWith("not")) {
            s.append("      layout: yolov8   # yolov8, yolov5, end2end, yolov8_seg or classify\n");
        }
        s.append("      batch_size: ").append(sig.fixedBatch() > 0 ? sig.fixedBatch() : 4)
                .append(sig.fixedBatch() == 1 ? "   # a static batch-1 export: frames run one at a time\n" : "\n");
        return s.toString();
    }

    private String stem() {
        String name = file.getFileName().toString();
        return (name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name).replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private static String cut(String value) {
        String one = value.lines().findFirst().orElse("");
        return one.length() > 100 ? one.substring(0, 100) + "..." : one;
    }
}

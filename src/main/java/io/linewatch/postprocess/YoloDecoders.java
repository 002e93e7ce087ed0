package io.linewatch.postprocess;

import io.linewatch.config.ModelConfig.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Decides a model's output layout ({@code auto}: from the output shapes and the file's metadata)
 * and picks the decoder for it, checking that the outputs fit the layout and class count.
 */
public final class YoloDecoders {

    private YoloDecoders() {
    }

    /**
     * A layout decided for a model.
     *
     * @param layout     never {@link Layout#AUTO}
     * @param output     index of the output a decoder reads (boxes, or class scores)
     * @param prototypes index of the mask prototypes {@code [32, H/4, W/4]} ({@link Layout#YOLOV8_SEG}), else -1
     */
    public record Plan(Layout layout, int output, int prototypes) {

        /** Whether the layout carries boxes (every layout but classification). */
        public boolean boxes() {
            return layout != Layout.CLASSIFY;
        }

        /** Whether the boxes need NMS (an end-to-end head already kept one box per object). */
        public boolean needsNms() {
            return layout != Layout.END2END;
        }
    }

    /**
     * Decides the layout of a model's outputs.
     *
     * @param configured the config's layout; {@link Layout#AUTO} decides from the shapes
     * @param classes    the model's class count
     * @param outputs    each output's per-frame shape (batch left out), in the model's order
     * @param end2end    whether the file's metadata says its head is NMS-free ({@code end2end: True})
     * @throws IllegalArgumentException one line: the shapes, and what they would need or which
     *                                  layouts they could be
     */
    public static Plan plan(Layout configured, int classes, List<long[]> outputs, boolean end2end) {
        if (configured != Layout.AUTO) {
            Plan p = fit(configured, classes, outputs);
            if (p == null) {
                throw new IllegalArgumentException(shapes(outputs) + " does not fit layout " + name(configured)
                        + " with " + classes + " classes, which needs " + needs(configured, classes));
            }
            return p;
        }
        List<Plan> fits = new ArrayList<>();
        for (Layout l : Layout.values()) {
            Plan p = l == Layout.AUTO ? null : fit(l, classes, outputs);
            if (p != null) {
                fits.add(p);
            }
        }
        if (end2end && fits.stream().anyMatch(p -> p.layout() == Layout.END2END)) {
            return fits.stream().filter(p -> p.layout() == Layout.END2END).findFirst().orElseThrow();
        }
        if (fits.size() == 1) {
            return fits.get(0);
        }
        if (fits.isEmpty()) {
            throw new IllegalArgumentException(shapes(outputs) + " fits no known layout with " + classes
                    + " classes: yolov8 needs " + needs(Layout.YOLOV8, classes) + ", end2end " + needs(Layout.END2END,
                    classes) + ", yolov8_seg " + needs(Layout.YOLOV8_SEG, classes) + ", classify "
                    + needs(Layout.CLASSIFY, classes) + ", yolov5 " + needs(Layout.YOLOV5, classes));
        }
        throw new IllegalArgumentException(shapes(outputs) + " with " + classes + " classes could be layout "
                + fits.stream().map(p -> name(p.layout())).collect(Collectors.joining(" or "))
                + "; set the model's layout in the config");
    }

    /** The box decoder of a plan; the output it reads has the per-frame shape {@code dims}. */
    public static YoloDecoder decoder(Plan plan, int classes, long[] dims) {
        return switch (plan.layout()) {
            case YOLOV8, YOLOV8_SEG -> new YoloV8Decoder(classes, Math.toIntExact(dims[1]));
            case YOLOV5 -> new YoloV5Decoder(classes, Math.toIntExact(dims[0]));
            case END2END -> new EndToEndDecoder(classes, Math.toIntExact(dims[0]));
            case CLASSIFY, AUTO -> throw new IllegalArgumentException("layout " + name(plan.layout())
                    + " has no boxes to decode");
        };
    }

    /**
     * The decoder for a one-output model in an explicit box layout.
     *
     * @param outputDims one frame's output shape, batch left out
     * @throws IllegalArgumentException when the output does not fit the layout and class count
     */
    public static YoloDecoder create(Layout layout, int classes, long[] outputDims) {
        List<long[]> outputs = List.<long[]>of(outputDims);
        if (layout != Layout.AUTO && fit(layout, classes, outputs) == null) {
            throw new IllegalArgumentException("output shape " + shape(outputDims) + " does not fit layout "
                    + name(layout) + " with " + classes + " classes, which needs " + needs(layout, classes));
        }
        return decoder(plan(layout, classes, outputs, false), classes, outputDims);
    }

    /** The plan when {@code outputs} fit {@code layout}, else null. */
    private static Plan fit(Layout layout, int classes, List<long[]> outputs) {
        long[] first = outputs.get(0);
        boolean one = outputs.size() == 1;
        return switch (layout) {
            case YOLOV8 -> first.length == 2 && first[0] == 4 + classes ? new Plan(layout, 0, -1) : null;
            case YOLOV5 -> one && first.length == 2 && first[1] == 5 + classes ? new Plan(layout, 0, -1) : null;
            case END2END -> one && first.length == 2 && first[1] == 6 ? new Plan(layout, 0, -1) : null;
            case CLASSIFY -> one && first.length == 1 && first[0] == classes ? new Plan(layout, 0, -1) : null;
            case YOLOV8_SEG -> segmentation(classes, outputs);
            case AUTO -> null;
        };
    }

    /** Two outputs: {@code [4 + nc + 32, N]} first and prototypes {@code [32, h, w]}. */
    private static Plan segmentation(int classes, List<long[]> outputs) {
        if (outputs.size() != 2) {
            return null;
        }
        long[] det = outputs.get(0);
        long[] protos = outputs.get(1);
        boolean fits = det.length == 2 && det[0] == 4 + classes + InstanceMasks.COEFFICIENTS
                && protos.length == 3 && protos[0] == InstanceMasks.COEFFICIENTS;
        return fits ? new Plan(Layout.YOLOV8_SEG, 0, 1) : null;
    }

    private static String needs(Layout layout, int classes) {
        return switch (layout) {
            case YOLOV8 -> "[B, " + (4 + classes) + ", N]";
            case YOLOV5 -> "[B, N, " + (5 + classes) + "]";
            case END2END -> "[B, N, 6]";
            case CLASSIFY -> "[B, " + classes + "]";
            case YOLOV8_SEG -> "[B, " + (4 + classes + InstanceMasks.COEFFICIENTS) + ", N] then [B, 32, H/4, W/4]";
            case AUTO -> "a known layout";
        };
    }

    /** A layout as the config writes it. */
    public static String name(Layout layout) {
        return layout.name().toLowerCase(Locale.ROOT);
    }

    private static String shapes(List<long[]> outputs) {
        return (outputs.size() == 1 ? "output shape " : "output shapes ")
                + outputs.stream().map(YoloDecoders::shape).collect(Collectors.joining(", "));
    }

    private static String shape(long[] dims) {
        return "[B, " + Arrays.toString(dims).replaceAll("[\\[\\]]", "") + "]";
    }
}

package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.config.ModelConfig.Layout;
import io.linewatch.inference.ModelMetadata;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.pipeline.Detections;
import io.linewatch.testing.LayoutModels;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layouts of Ultralytics-style exports (made by models/training/make_layout_models.py with
 * torch): each tiny model run by ONNX Runtime, its layout decided from its outputs and metadata
 * ({@code auto}), its output decoded by linewatch, and the boxes, masks and classes compared with
 * the PyTorch reference decode recorded with the model.
 */
class LayoutDecodeTest {

    private static final float[] THRESHOLDS = {0.25f, 0.25f, 0.25f};

    @Test
    void autoDecidesEachLayoutFromTheOutputsAndMetadata() throws Exception {
        assertThat(plan("det_v8").layout()).isEqualTo(Layout.YOLOV8);
        assertThat(plan("det_v8_b1").layout()).isEqualTo(Layout.YOLOV8);
        assertThat(plan("det_e2e").layout()).isEqualTo(Layout.END2END);
        YoloDecoders.Plan seg = plan("seg_v8");
        assertThat(seg.layout()).isEqualTo(Layout.YOLOV8_SEG);
        assertThat(seg.prototypes()).isEqualTo(1);
        assertThat(plan("cls").layout()).isEqualTo(Layout.CLASSIFY);
    }

    @Test
    void yolov8BoxesEqualTheReference() throws Exception {
        JsonNode expected = LayoutModels.expected().get("det_v8");
        FloatBuffer out = LayoutModels.run("det_v8")[0];
        int anchors = expected.get("shape").get(2).asInt();
        for (int f = 0; f < LayoutModels.FRAMES; f++) {
            Detections kept = decode(new YoloV8Decoder(3, anchors), 0.45f,
                    out.slice(f * 7 * anchors, 7 * anchors));
            assertDetections(kept, expected.get("frames").get(f), "frame " + f);
        }
    }

    @Test
    void endToEndBoxesEqualTheReferenceWithoutNms() throws Exception {
        JsonNode expected = LayoutModels.expected().get("det_e2e");
        FloatBuffer out = LayoutModels.run("det_e2e")[0];
        int rows = expected.get("shape").get(1).asInt();
        for (int f = 0; f < LayoutModels.FRAMES; f++) {
            Detections kept = decode(new EndToEndDecoder(3, rows), 1f, out.slice(f * 6 * rows, 6 * rows));
            assertDetections(kept, expected.get("frames").get(f), "frame " + f);
        }
    }

    @Test
    void segmentationBoxesAndInstanceMasksEqualTheReference() throws Exception {
        JsonNode expected = LayoutModels.expected().get("seg_v8");
        FloatBuffer[] out = LayoutModels.run("seg_v8");
        int rows = expected.get("shape").get(1).asInt();
        int anchors = expected.get("shape").get(2).asInt();
        int mh = expected.get("protos").get(2).asInt();
        int mw = expected.get("protos").get(3).asInt();
        InstanceMasks masks = new InstanceMasks(3, anchors, mh, mw, 64, 64, 0.5f);
        byte[] mask = new byte[mh * mw];
        int pixelsOn = 0;
        for (int f = 0; f < LayoutModels.FRAMES; f++) {
            FloatBuffer det = out[0].slice(f * rows * anchors, rows * anchors);
            FloatBuffer protos = out[1].slice(f * 32 * mh * mw, 32 * mh * mw);
            Detections kept = decode(new YoloV8Decoder(3, anchors), 0.45f, det);
            JsonNode want = expected.get("frames").get(f);
            assertDetections(kept, want, "frame " + f);
            for (int k = 0; k < kept.count(); k++) {
                assertThat(kept.anchor[k]).isEqualTo(want.get(k).get("anchor").asInt());
                int area = masks.mask(det, protos, kept.anchor[k], kept.x1[k], kept.y1[k], kept.x2[k], kept.y2[k], mask);
                int wantArea = 0;
                int differ = 0;
                for (int r = 0; r < mh; r++) {
                    String row = want.get(k).get("mask").get(r).asText();
                    for (int c = 0; c < mw; c++) {
                        wantArea += row.charAt(c) == '1' ? 1 : 0;
                        differ += (row.charAt(c) == '1') != (mask[r * mw + c] == 1) ? 1 : 0;
                    }
                }
                assertThat(differ).as("frame %d instance %d: mask pixels unlike the reference", f, k).isZero();
                assertThat(area).isEqualTo(wantArea);
                pixelsOn += area;
            }
        }
        assertThat(pixelsOn).as("the reference has masks to compare").isGreaterThan(50);
    }

    @Test
    void classificationTopClassesEqualTheReference() throws Exception {
        JsonNode expected = LayoutModels.expected().get("cls");
        FloatBuffer out = LayoutModels.run("cls")[0];
        int[] ids = new int[5];
        float[] scores = new float[5];
        for (int f = 0; f < LayoutModels.FRAMES; f++) {
            assertThat(TopClasses.top(out.slice(f * 5, 5), 5, ids, scores)).isEqualTo(5);
            JsonNode want = expected.get("frames").get(f);
            for (int k = 0; k < 5; k++) {
                assertThat(ids[k]).as("frame %d rank %d", f, k).isEqualTo(want.get(k).get("class").asInt());
                assertThat(scores[k]).isCloseTo((float) want.get(k).get("score").asDouble(), within(1e-5f));
            }
        }
    }

    @Test
    void anAmbiguousShapeIsRefusedUnlessTheMetadataSaysEndToEnd() {
        List<long[]> oneClassRows = List.of(new long[] {300, 6});
        assertThatThrownBy(() -> YoloDecoders.plan(Layout.AUTO, 1, oneClassRows, false))
                .hasMessage("output shape [B, 300, 6] with 1 classes could be layout yolov5 or end2end; set the"
                        + " model's layout in the config");
        assertThat(YoloDecoders.plan(Layout.AUTO, 1, oneClassRows, true).layout()).isEqualTo(Layout.END2END);
        assertThat(YoloDecoders.plan(Layout.YOLOV5, 1, oneClassRows, true).layout()).isEqualTo(Layout.YOLOV5);
    }

    @Test
    void anExplicitLayoutThatDoesNotFitNamesWhatItNeeds() {
        assertThatThrownBy(() -> YoloDecoders.plan(Layout.END2END, 80, List.of(new long[] {84, 8400}), false))
                .hasMessage("output shape [B, 84, 8400] does not fit layout end2end with 80 classes, which needs"
                        + " [B, N, 6]");
        assertThatThrownBy(() -> YoloDecoders.plan(Layout.AUTO, 3, List.of(new long[] {84, 8400}), false))
                .hasMessageStartingWith("output shape [B, 84, 8400] fits no known layout with 3 classes: yolov8 needs"
                        + " [B, 7, N]");
    }

    private static YoloDecoders.Plan plan(String name) throws Exception {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(LayoutModels.model(name), 1, 0, 0)) {
            ModelMetadata m = engine.metadata();
            return YoloDecoders.plan(Layout.AUTO, m.names().size(),
                    engine.signature().outputs().stream().map(o -> o.dims()).toList(), m.end2end());
        }
    }

    private static Detections decode(YoloDecoder decoder, float iou, FloatBuffer out) {
        Detections candidates = new Detections(decoder.anchors());
        Detections kept = new Detections(100);
        decoder.decode(out, THRESHOLDS, candidates);
        new Nms(iou, false, 100, decoder.anchors()).apply(candidates, kept);
        return kept;
    }

    private static void assertDetections(Detections kept, JsonNode want, String what) {
        assertThat(want.size()).as("%s: the reference has boxes to compare", what).isGreaterThan(3);
        assertThat(kept.count()).as(what).isEqualTo(want.size());
        for (int k = 0; k < kept.count(); k++) {
            JsonNode d = want.get(k);
            assertThat(kept.classId[k]).as("%s box %d class", what, k).isEqualTo(d.get("class").asInt());
            assertThat(kept.score[k]).as("%s box %d score", what, k).isCloseTo((float) d.get("score").asDouble(),
                    within(1e-4f));
            JsonNode box = d.get("box");
            assertThat(new float[] {kept.x1[k], kept.y1[k], kept.x2[k], kept.y2[k]}).as("%s box %d", what, k)
                    .containsExactly(new float[] {(float) box.get(0).asDouble(), (float) box.get(1).asDouble(),
                            (float) box.get(2).asDouble(), (float) box.get(3).asDouble()}, within(2e-3f));
        }
    }
}

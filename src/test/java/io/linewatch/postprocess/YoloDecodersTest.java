package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.config.ModelConfig;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.testing.ReferenceTensors;
import java.nio.FloatBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Both decoders and NMS on raw tensors recorded from the shipped model, against the reference
 * decoding (torchvision batched NMS) made when the tensors were recorded.
 */
class YoloDecodersTest {

    @ParameterizedTest
    @EnumSource(value = ModelConfig.Layout.class, names = {"YOLOV8", "YOLOV5"})
    void decodeAndNmsMatchTheReference(ModelConfig.Layout layout) throws Exception {
        JsonNode expected = ReferenceTensors.expected();
        int anchors = expected.get("anchors").asInt();
        int classes = expected.get("classes").size();
        long[] dims = layout == ModelConfig.Layout.YOLOV8 ? new long[] {4 + classes, anchors}
                : new long[] {anchors, 5 + classes};
        YoloDecoder decoder = YoloDecoders.create(layout, classes, dims);
        FloatBuffer raw = ReferenceTensors.floats(layout == ModelConfig.Layout.YOLOV8 ? "yolov8_b3.bin" : "yolov5_b3.bin");
        int perFrame = (int) (dims[0] * dims[1]);
        Nms nms = new Nms(0.45f, false, 100, anchors);
        float[] thresholds = {0.25f, 0.25f};
        int i = 0;
        for (JsonNode frame : expected.get("frames")) {
            Detections candidates = new Detections(anchors);
            Detections kept = new Detections(100);
            decoder.decode(raw.slice(i * perFrame, perFrame), thresholds, candidates);
            nms.apply(candidates, kept);
            JsonNode want = frame.get("detections");
            assertThat(kept.count()).as("frame %s", frame.get("frame")).isEqualTo(want.size());
            for (int k = 0; k < kept.count(); k++) {
                JsonNode d = want.get(k);
                assertThat(kept.classId[k]).isEqualTo(d.get("class").asInt());
                assertThat(kept.score[k]).isCloseTo((float) d.get("score").asDouble(), within(1e-4f));
                assertBox(kept, k, d.get("box_input"));
            }
            assertSourceBoxes(frame, kept);
            i++;
        }
    }

    private static void assertSourceBoxes(JsonNode frame, Detections kept) {
        FrameEvent e = new FrameEventFactory(1, 3, 1, 1, 1).newInstance();
        e.width = frame.get("source").get("width").asInt();
        e.height = frame.get("source").get("height").asInt();
        e.letterboxScale = (float) frame.get("letterbox").get("scale").asDouble();
        e.padLeft = frame.get("letterbox").get("pad_left").asInt();
        e.padTop = frame.get("letterbox").get("pad_top").asInt();
        DetectHandler.toSource(e, kept);
        for (int k = 0; k < kept.count(); k++) {
            assertBox(kept, k, frame.get("detections").get(k).get("box_source"));
        }
    }

    private static void assertBox(Detections d, int k, JsonNode box) {
        assertThat(d.x1[k]).isCloseTo((float) box.get(0).asDouble(), within(0.01f));
        assertThat(d.y1[k]).isCloseTo((float) box.get(1).asDouble(), within(0.01f));
        assertThat(d.x2[k]).isCloseTo((float) box.get(2).asDouble(), within(0.01f));
        assertThat(d.y2[k]).isCloseTo((float) box.get(3).asDouble(), within(0.01f));
    }

    @Test
    void anOutputThatDoesNotFitTheLayoutIsRefused() {
        assertThatThrownBy(() -> YoloDecoders.create(ModelConfig.Layout.YOLOV8, 2, new long[] {84, 8400}))
                .hasMessage("output shape [B, 84, 8400] does not fit layout yolov8 with 2 classes, which needs [B, 6, N]");
        assertThatThrownBy(() -> YoloDecoders.create(ModelConfig.Layout.YOLOV5, 80, new long[] {84, 8400}))
                .hasMessage("output shape [B, 84, 8400] does not fit layout yolov5 with 80 classes, which needs [B, N, 85]");
    }
}

package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.testing.LayoutModels;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An instance segmentation export's instances as defect regions of an inspection camera: the seg
 * model run by ONNX Runtime, each frame through the stage, and the regions compared with the
 * PyTorch reference decode (each instance's mask area at prototype resolution times 16 model
 * pixels, its class, score and box), largest first, in source pixels through the letterbox.
 */
class InstanceSegmentHandlerTest {

    private static final int SIZE = 64;
    private static final int MIN_AREA_PX = 32; // two prototype pixels

    @Test
    void instancesBecomeRegionsAsTheReferenceMasksSay() throws Exception {
        JsonNode expected = LayoutModels.expected().get("seg_v8");
        FloatBuffer[] out = LayoutModels.run("seg_v8");
        int rows = expected.get("shape").get(1).asInt();
        int anchors = expected.get("shape").get(2).asInt();
        int protoFloats = 32 * 16 * 16;
        CameraStats stats = new CameraStats("cam");
        InstanceSegmentHandler handler = new InstanceSegmentHandler(new YoloV8Decoder(3, anchors),
                new Nms(0.45f, false, 100, anchors), new float[] {0.25f, 0.25f, 0.25f},
                new InstanceMasks(3, anchors, 16, 16, SIZE, SIZE, 0.5f), 1, SIZE, SIZE, MIN_AREA_PX, 100,
                new float[] {0.5f}, List.of(stats));
        FrameEvent e = new FrameEventFactory(1, 3 * 128 * 128, 3 * SIZE * SIZE, new int[] {rows * anchors, protoFloats},
                100).withDefectRegions(100).newInstance();
        int compared = 0;
        for (int f = 0; f < LayoutModels.FRAMES; f++) {
            e.outputs[0].put(0, out[0], f * rows * anchors, rows * anchors);
            e.outputs[1].put(0, out[1], f * protoFloats, protoFloats);
            e.width = 2 * SIZE; // a 128x128 frame letterboxed at half scale, no padding
            e.height = 2 * SIZE;
            e.letterboxScale = 0.5f;
            e.padLeft = 0;
            e.padTop = 0;
            handler.onEvent(e, f, true);
            List<JsonNode> want = new ArrayList<>();
            for (JsonNode d : expected.get("frames").get(f)) {
                if (16 * area(d) >= MIN_AREA_PX) {
                    want.add(d);
                }
            }
            want.sort(Comparator.comparingInt(d -> -area(d)));
            DefectRegions r = e.defects;
            assertThat(r.count()).as("frame %d regions", f).isEqualTo(want.size());
            for (int k = 0; k < r.count(); k++) {
                JsonNode d = want.get(k);
                assertThat(r.areaPx[k]).as("frame %d region %d: source pixels (x4 at half scale)", f, k)
                        .isEqualTo(4f * 16 * area(d));
                assertThat(r.areaMm2[k]).isCloseTo(r.areaPx[k] * 0.25f, within(1e-3f));
                if (k + 1 < r.count() && r.areaPx[k] == r.areaPx[k + 1]) {
                    continue; // equal areas: their order is NMS order, the reference's may differ
                }
                assertThat(r.classId[k]).isEqualTo(d.get("class").asInt());
                assertThat(r.meanProbability[k]).isCloseTo((float) d.get("score").asDouble(), within(1e-4f));
                assertThat(r.x1[k]).isCloseTo(Math.max(0f, 2f * (float) d.get("box").get(0).asDouble()), within(5e-3f));
                assertThat(r.y2[k]).isCloseTo(Math.min(2f * SIZE, 2f * (float) d.get("box").get(3).asDouble()),
                        within(5e-3f));
                compared++;
            }
        }
        assertThat(compared).as("regions compared").isGreaterThan(10);
        assertThat(stats.detections.get()).isPositive();
    }

    private static int area(JsonNode detection) {
        int on = 0;
        for (JsonNode row : detection.get("mask")) {
            on += (int) row.asText().chars().filter(c -> c == '1').count();
        }
        return on;
    }
}

package io.linewatch.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.testing.ReferenceTensors;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Our letterbox against the training script's (cv2.resize INTER_LINEAR, pad 114) on real frames. */
class LetterboxReferenceTest {

    @Test
    void matchesTheTrainingLetterboxWithinOpenCvsFixedPointRounding() throws Exception {
        JsonNode expected = ReferenceTensors.expected();
        FloatBuffer reference = ReferenceTensors.floats("input_b3.bin");
        int w = expected.get("input").get("width").asInt();
        int h = expected.get("input").get("height").asInt();
        int perFrame = 3 * w * h;
        FloatBuffer ours = LetterboxTest.floats(reference.capacity());
        LetterboxResampler resampler = new LetterboxResampler(w, h, 1 / 255.0, new double[3],
                new double[] {1, 1, 1}, 114);
        int i = 0;
        for (JsonNode frame : expected.get("frames")) {
            int sw = frame.get("source").get("width").asInt();
            int sh = frame.get("source").get("height").asInt();
            LetterboxGeometry g = resampler.apply(ReferenceTensors.bgr(frame.get("frame").asInt()), sw, sh, ours, i * perFrame);
            assertThat(g.scale()).isEqualTo((float) frame.get("letterbox").get("scale").asDouble());
            assertThat(g.padLeft()).isEqualTo(frame.get("letterbox").get("pad_left").asInt());
            assertThat(g.padTop()).isEqualTo(frame.get("letterbox").get("pad_top").asInt());
            i++;
        }
        double maxDiff = 0;
        double sumDiff = 0;
        for (int k = 0; k < reference.capacity(); k++) {
            double d = Math.abs(reference.get(k) - ours.get(k));
            maxDiff = Math.max(maxDiff, d);
            sumDiff += d;
        }
        // OpenCV blends 8-bit pixels in 11-bit fixed point and rounds to 8 bits: at most one level apart.
        assertThat(maxDiff * 255).isLessThanOrEqualTo(1.01);
        assertThat(sumDiff / reference.capacity() * 255).isLessThan(0.5);
    }
}

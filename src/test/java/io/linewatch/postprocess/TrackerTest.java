package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.Tracks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tracker, fed synthetic boxes one frame at a time: ids come after {@code min_hits}, survive an
 * occlusion shorter than the buffer and a dip in score (ByteTrack's second round), end after the
 * buffer, and never jump across classes or between two objects passing close by.
 */
class TrackerTest {

    private static final int PRODUCT = 0;
    private static final int FOREIGN = 1;

    private final Detections d = new Detections(16);
    private final Tracks out = new Tracks(16, 64);
    private final Tracker tracker = new Tracker(TrackerConfig.defaults(), 16, Tracker.assignmentFor(
            TrackerConfig.defaults(), 16));

    /** One frame with a 40x40 box at each centre x (y 100); returns the ids given, in order. */
    private int[] frame(float score, int cls, float... centresX) {
        d.clear();
        for (float x : centresX) {
            d.add(x - 20, 80, x + 20, 120, score, cls);
        }
        tracker.update(d, out);
        int[] ids = new int[centresX.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = out.id[i];
        }
        return ids;
    }

    private List<Integer> ended() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < out.endedCount(); i++) {
            ids.add(out.ended(i));
        }
        return ids;
    }

    @Test
    void aTrackIsConfirmedAfterMinHitsAndKeepsItsIdWhileMoving() {
        assertThat(frame(0.9f, FOREIGN, 100)).containsExactly(0);
        assertThat(frame(0.9f, FOREIGN, 106)).containsExactly(0);
        assertThat(frame(0.9f, FOREIGN, 112)).containsExactly(1);
        for (int f = 3; f < 60; f++) {
            assertThat(frame(0.9f, FOREIGN, 100 + 6 * f)).as("frame %d", f).containsExactly(1);
        }
    }

    @Test
    void anOcclusionShorterThanTheBufferKeepsTheIdAndALongerOneEndsIt() {
        int x = 50;
        for (int f = 0; f < 20; f++, x += 5) {
            frame(0.9f, FOREIGN, x);
        }
        for (int f = 0; f < 20; f++, x += 5) { // hidden for 20 frames, moving on
            frame(0.9f, FOREIGN);
            assertThat(ended()).isEmpty();
        }
        assertThat(frame(0.9f, FOREIGN, x)).as("found again where it went").containsExactly(1);
        List<Integer> endedAt = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            frame(0.9f, FOREIGN);
            if (!ended().isEmpty()) {
                assertThat(ended()).containsExactly(1);
                endedAt.add(f);
            }
        }
        assertThat(endedAt).as("ends once, after track_buffer (30) frames unmatched").containsExactly(30);
        frame(0.9f, FOREIGN, 300);
        frame(0.9f, FOREIGN, 300);
        assertThat(frame(0.9f, FOREIGN, 300)).as("a new object, a new id").containsExactly(2);
        assertThat(tracker.trackCount()).isEqualTo(1);
    }

    @Test
    void aLowScoreDetectionKeepsItsTrackButStartsNone() {
        for (int f = 0; f < 5; f++) {
            frame(0.9f, PRODUCT, 100 + 4 * f);
        }
        for (int f = 5; f < 10; f++) {
            assertThat(frame(0.3f, PRODUCT, 100 + 4 * f)).as("score dipped below high_score").containsExactly(1);
        }
        for (int f = 0; f < 10; f++) {
            assertThat(frame(0.3f, PRODUCT, 100, 400)[1]).as("low scores start no track").isZero();
        }
    }

    @Test
    void twoClassesAtOnePlaceAreTwoTracks() {
        int[] ids = null;
        for (int f = 0; f < 5; f++) {
            d.clear();
            d.add(100, 100, 140, 140, 0.9f, PRODUCT);
            d.add(102, 101, 141, 140, 0.8f, FOREIGN);
            tracker.update(d, out);
            ids = new int[] {out.id[0], out.id[1]};
        }
        assertThat(ids[0]).isPositive();
        assertThat(ids[1]).isPositive().isNotEqualTo(ids[0]);
    }

    @Test
    void objectsPassingCloseByKeepTheirOwnIds() {
        // Two boxes 30 px apart on parallel rows, one moving right and one left, overlapping as they pass.
        int[] first = null;
        for (int f = 0; f < 40; f++) {
            d.clear();
            float a = 100 + 8 * f;
            float b = 420 - 8 * f;
            d.add(a - 20, 80, a + 20, 120, 0.9f, PRODUCT);
            d.add(b - 20, 95, b + 20, 135, 0.9f, PRODUCT);
            tracker.update(d, out);
            if (f == 5) {
                first = new int[] {out.id[0], out.id[1]};
            }
            if (f > 5) {
                assertThat(new int[] {out.id[0], out.id[1]}).as("frame %d", f).containsExactly(first);
            }
        }
        assertThat(first).doesNotContain(0);
    }
}

package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.CounterConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Counting lines fed track ids directly (one frame at a time): a track counts once however often it
 * wobbles across, only in the line's direction, only for its classes, and not when it passes beside
 * the segment's end.
 */
class CountHandlerTest {

    private static final List<String> CLASSES = List.of("product", "foreign_object");
    private final List<CameraStats> stats = List.of(new CameraStats("belt"));
    private final List<String> published = new ArrayList<>();
    private final FrameEvent slot = new FrameEventFactory(1, 3, 1, 1, 8).tracks(64).newInstance();
    private CountHandler counter;
    private long frame;

    /** A vertical line at x 320 from y 0 to 200, walked downwards: its left is +x. */
    private void line(CounterConfig.Direction direction, List<String> classes) {
        CounterConfig c = new CounterConfig("belt-end", List.of(List.of(320.0, 0.0), List.of(320.0, 200.0)), classes,
                direction);
        CameraConfig camera = new CameraConfig("belt", "x.mp4", "det", null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, List.of(c));
        counter = new CountHandler(List.of(camera), List.of(0), CLASSES, stats, 64,
                (cam, name, time, counts, perMinute) -> published.add(name + " " + counts + " " + perMinute));
    }

    /** One frame: track {@code id} of class {@code cls} with its centre at (x, y). */
    private void at(int id, int cls, float x, float y) {
        slot.cameraIndex = 0;
        slot.cameraId = "belt";
        slot.mediaMicros = frame++ * 40_000;
        slot.detections.clear();
        slot.detections.add(x - 10, y - 10, x + 10, y + 10, 0.9f, cls);
        slot.tracks.clear(1);
        slot.tracks.id[0] = id;
        counter.onEvent(slot, frame, true);
    }

    private long count(String cls) {
        return stats.get(0).lineCrossings.get(new CameraStats.LineClass("belt-end", cls)).get();
    }

    @Test
    void aTrackWobblingAcrossCountsOnceAndOnlyInItsDirection() {
        line(CounterConfig.Direction.LEFT, List.of());
        for (float x : new float[] {300, 310, 318, 322, 317, 323, 330, 319, 340}) {
            at(1, 0, x, 100);
        }
        for (float x : new float[] {400, 330, 310, 290}) { // another object, moving the other way
            at(2, 0, x, 120);
        }
        assertThat(count("product")).isEqualTo(1);
        assertThat(published).containsExactly("belt-end {product=1, foreign_object=0} {product=1.0, foreign_object=0.0}");
    }

    @Test
    void anyDirectionCountsBothWaysAndClassesFilter() {
        line(CounterConfig.Direction.ANY, List.of("product"));
        at(1, 0, 300, 50);
        at(1, 0, 340, 50);
        at(2, 0, 340, 60);
        at(2, 0, 300, 60);
        at(3, 1, 300, 70); // a foreign object: not counted here
        at(3, 1, 340, 70);
        at(4, 0, 300, 260); // passes below the segment's end
        at(4, 0, 340, 260);
        assertThat(count("product")).isEqualTo(2);
        assertThat(published).hasSize(2).last().asString().startsWith("belt-end {product=2}");
    }
}

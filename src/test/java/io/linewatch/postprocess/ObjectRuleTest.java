package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.Identity;
import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-object rules behind the real tracker and alarm stage, fed synthetic boxes one frame at a time
 * (25 fps): one alarm per object however long it stays or hides, cleared when its track ends or it
 * leaves the zone or the file ends; a per-frame rule on the same frames raises again after the occlusion.
 */
class ObjectRuleTest {

    private static final int FOREIGN = 1;
    private static final long FRAME_MICROS = 40_000;
    private static final List<List<Double>> LEFT_HALF = List.of(List.of(0.0, 0.0), List.of(320.0, 0.0),
            List.of(320.0, 360.0), List.of(0.0, 360.0));

    private final TrackHandler tracker = new TrackHandler(TrackerConfig.defaults(), 8, 1, List.of(0));
    private final FrameEvent slot = new FrameEventFactory(1, 3, 1, 1, 8).tracks(256).newInstance();
    private AlarmHandler alarms;
    private long frame;

    private static AlarmRuleConfig config(AlarmRuleConfig.Per per, List<List<Double>> zone, double minSeconds) {
        return new AlarmRuleConfig("fo", "foreign_object", 0.5, zone, null, 3, 5, 5, 0.0, per, 3, minSeconds);
    }

    private void rules(AlarmRule... rules) {
        alarms = new AlarmHandler(new Identity("plant1", "box1"), new AlarmRule[][] {rules}, new long[1], List.of(new CameraStats("belt")));
    }

    /** Feeds one frame with a 30x30 box at each centre x (y 150); returns its events as "TYPE rule #track @frame". */
    private List<String> feed(float... centresX) {
        slot.cameraIndex = 0;
        slot.cameraId = "belt";
        slot.frameNumber = frame;
        slot.mediaMicros = frame * FRAME_MICROS;
        slot.detections.clear();
        for (float x : centresX) {
            slot.detections.add(x - 15, 135, x + 15, 165, 0.9f, FOREIGN);
        }
        tracker.onEvent(slot, frame, true);
        alarms.onEvent(slot, frame, true);
        List<String> out = new ArrayList<>();
        for (AlarmEvent a : slot.alarms) {
            out.add(a.type() + " " + a.rule() + " #" + ((AlarmEvent.DetectionDetail) a.detail()).trackId() + " @" + frame);
        }
        frame++;
        return out;
    }

    /** Feeds {@code frames} frames of the same boxes; returns all their events. */
    private List<String> repeat(int frames, float... centresX) {
        List<String> out = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            out.addAll(feed(centresX));
        }
        return out;
    }

    @Test
    void aStationaryObjectHiddenForAFewFramesRaisesOnceAndClearsWhenItsTrackEnds() {
        rules(new ObjectRule(config(AlarmRuleConfig.Per.OBJECT, null, 0), FOREIGN, 256));
        List<String> events = new ArrayList<>(repeat(100, 200));
        events.addAll(repeat(8)); // occluded: a person walks past
        events.addAll(repeat(100, 200));
        events.addAll(repeat(40)); // taken away
        assertThat(events).as("last seen at 207, ended after 31 frames unmatched (track_buffer 30)")
                .containsExactly("RAISED fo #1 @4", "CLEARED fo #1 @238");
    }

    @Test
    void anObjectStillInViewWhenTheFileEndsClearsAtTheEnd() {
        rules(new ObjectRule(config(AlarmRuleConfig.Per.OBJECT, null, 0), FOREIGN, 256));
        List<String> events = new ArrayList<>(repeat(50, 200));
        slot.sourceEnded = true; // capture's end-of-source marker; detections still the last frame's
        events.addAll(feed(200));
        slot.sourceEnded = false;
        assertThat(events).containsExactly("RAISED fo #1 @4", "CLEARED fo #1 @50");
    }

    @Test
    void aPerFrameRuleOnTheSameFramesRaisesAgainAfterTheOcclusion() {
        rules(new DetectionRule(config(AlarmRuleConfig.Per.FRAME, null, 0), FOREIGN));
        List<String> events = new ArrayList<>(repeat(100, 200));
        events.addAll(repeat(8));
        events.addAll(repeat(100, 200));
        assertThat(events.stream().filter(e -> e.startsWith("RAISED"))).hasSize(2);
    }

    @Test
    void eachObjectRaisesOnItsOwnAndLeavingTheZoneClearsForGood() {
        rules(new ObjectRule(config(AlarmRuleConfig.Per.OBJECT, LEFT_HALF, 0), FOREIGN, 256));
        List<String> events = new ArrayList<>();
        for (int f = 0; f < 60; f++) { // one object walks right out of the zone, one stands still in it
            events.addAll(feed(250 + 3 * f, 100));
        }
        for (int f = 59; f >= 0; f--) { // and walks back in
            events.addAll(feed(250 + 3 * f, 100));
        }
        assertThat(events).containsExactly("RAISED fo #1 @4", "RAISED fo #2 @4", "CLEARED fo #1 @24");
    }

    @Test
    void minSecondsHoldsTheRaiseUntilTheObjectHasStayedThatLong() {
        rules(new ObjectRule(config(AlarmRuleConfig.Per.OBJECT, null, 2.0), FOREIGN, 256));
        assertThat(repeat(100, 200)).containsExactly("RAISED fo #1 @52");
    }
}

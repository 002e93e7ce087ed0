package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.postprocess.TrackHandler;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic stationary object hidden for a few frames is one object, not two: its boxes go
 * through the real track stage and object-event sink into a real Mosquitto broker; the objects
 * topic carries one {@code new} and one {@code end}, both of the same object and track, the end
 * only after the object is taken away for good. A second object appearing after the first ended is
 * a second object with the next track id.
 */
@Tag("broker")
class OccludedObjectEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FOREIGN = 1;

    @TempDir
    Path dir;

    @Test
    void aStationaryObjectOccludedForAFewFramesIsOneEventNotTwo() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector objects = new MqttCollector(broker.url(), "linewatch/site/box/belt/objects")) {
            MqttConfig c = MqttConfig.defaults().withUrl(broker.url())
                    .withOutbox(new OutboxConfig(dir.resolve("outbox").toString(), null));
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                TrackHandler track = new TrackHandler(TrackerConfig.defaults(), 8, 1, List.of(0));
                ObjectEventHandler sink = new ObjectEventHandler(new Identity("site", "box"),
                        List.of("product", "foreign_object"), new boolean[] {true, true}, 1.0, 256, 1, List.of(0),
                        publisher, dir.resolve("snapshots"));
                FrameEvent slot = new FrameEventFactory(1, 640 * 360 * 3, 1, 1, 8).tracks(256).newInstance();
                int frame = 0;
                frame = feed(track, sink, slot, frame, 100, true);  // stands on the belt
                frame = feed(track, sink, slot, frame, 8, false);   // a person walks past it
                frame = feed(track, sink, slot, frame, 100, true);  // seen again where it was
                frame = feed(track, sink, slot, frame, 40, false);  // taken away: the track ends
                frame = feed(track, sink, slot, frame, 20, true);   // another one put down
                feed(track, sink, slot, frame, 40, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> objects.payloads().stream().distinct()
                        .filter(p -> p.contains("\"end\"")).count() == 2);
                publisher.close();
            }
            List<JsonNode> messages = new ArrayList<>();
            for (String p : objects.payloads().stream().distinct().toList()) {
                messages.add(JSON.readTree(p));
            }
            List<String> lifecycle = messages.stream().filter(m -> !m.get("type").asText().equals("update"))
                    .map(m -> m.get("type").asText() + " #" + m.get("track").asInt() + " @" + m.get("frame").asInt())
                    .toList();
            assertThat(lifecycle).as("new at confirmation (min_hits 3), end 31 frames after the last sight")
                    .containsExactly("new #1 @2", "end #1 @238", "new #2 @250", "end #2 @298");
            assertThat(messages.stream().filter(m -> m.get("track").asInt() == 1).map(m -> m.get("id").asText())
                    .distinct()).as("one object id for the first object").hasSize(1);
        }
    }

    /** {@code frames} frames with (or without) the 30x30 object at (200, 150); returns the next frame number. */
    private static int feed(TrackHandler track, ObjectEventHandler sink, FrameEvent slot, int frame, int frames,
                            boolean visible) {
        for (int f = 0; f < frames; f++, frame++) {
            slot.cameraIndex = 0;
            slot.cameraId = "belt";
            slot.frameNumber = frame;
            slot.mediaMicros = frame * 40_000L;
            slot.captureEpochMillis = 1_700_000_000_000L + frame * 40L;
            slot.width = 640;
            slot.height = 360;
            slot.detections.clear();
            if (visible) {
                slot.detections.add(185, 135, 215, 165, 0.9f, FOREIGN);
            }
            track.onEvent(slot, frame, true);
            sink.onEvent(slot, frame, true);
        }
        return frame;
    }
}

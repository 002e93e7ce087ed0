package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one acknowledgement path of the console and OPC UA, on its own: each raised alarm is
 * acknowledged once (one line in a real event log, each subscriber told once, whichever side asked);
 * a second try, an unknown id or, from the console, an alarm that has cleared is refused with a
 * line naming it and writes nothing; OPC UA may still acknowledge a cleared alarm (its condition
 * stays retained until then); a per-object rule's clear closes only its own track's raise.
 */
class AcknowledgementsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void eachAlarmIsAcknowledgedOnceFromEitherSide() throws Exception {
        try (EventLog log = new EventLog(dir.resolve("events.jsonl"))) {
            Acknowledgements acks = new Acknowledgements(new Identity("plant1", "box1"), null, log);
            List<Acknowledgements.Acknowledged> told = new CopyOnWriteArrayList<>();
            acks.subscribe(told::add);
            acks.follow(event("a-0001", AlarmEvent.Type.RAISED, 1, 12));

            Acknowledgements.Acknowledged ack = acks.acknowledge("a-0001", "otto", "removed it",
                    Acknowledgements.Via.CONSOLE);
            JsonNode line = JSON.readTree(Files.readAllLines(log.file()).get(0));
            assertThat(line.path("type").asText()).isEqualTo("acknowledged");
            assertThat(line.path("alarm_id").asText()).isEqualTo("a-0001");
            assertThat(line.path("alarm_seq").asLong()).isEqualTo(1);
            assertThat(line.path("user").asText()).isEqualTo("otto");
            assertThat(line.path("via").asText()).isEqualTo("console");
            assertThat(line.path("comment").asText()).isEqualTo("removed it");
            assertThat(line.path("camera").asText()).isEqualTo("conveyor");
            assertThat(told).containsExactly(ack);
            assertThat(acks.acknowledgementOf("a-0001")).isEqualTo(ack);

            assertThatThrownBy(() -> acks.acknowledge("a-0001", "olga", "", Acknowledgements.Via.OPCUA))
                    .isInstanceOf(Acknowledgements.Refused.class)
                    .hasMessage("alarm a-0001 was already acknowledged by otto (console) at " + ack.time())
                    .extracting(e -> ((Acknowledgements.Refused) e).reason())
                    .isEqualTo(Acknowledgements.Reason.ALREADY_ACKNOWLEDGED);
            assertThatThrownBy(() -> acks.acknowledge("b-0404", "otto", "", Acknowledgements.Via.CONSOLE))
                    .hasMessage("no such alarm among the recent ones: b-0404")
                    .extracting(e -> ((Acknowledgements.Refused) e).reason()).isEqualTo(Acknowledgements.Reason.UNKNOWN);
            assertThat(Files.readAllLines(log.file())).as("refusals write nothing").hasSize(1);
            assertThat(told).hasSize(1);
        }
    }

    @Test
    void aClearedAlarmIsRefusedByTheConsoleButNotByOpcUa() throws Exception {
        try (EventLog log = new EventLog(dir.resolve("events.jsonl"))) {
            Acknowledgements acks = new Acknowledgements(new Identity("plant1", "box1"), null, log);
            acks.follow(event("a-0001", AlarmEvent.Type.RAISED, 1, 12));
            acks.follow(event("a-0002", AlarmEvent.Type.RAISED, 2, 27));
            acks.follow(event("a-0003", AlarmEvent.Type.CLEARED, 3, 12));

            assertThatThrownBy(() -> acks.acknowledge("a-0001", "otto", "", Acknowledgements.Via.CONSOLE))
                    .hasMessage("alarm a-0001 (foreign-object-on-belt on conveyor) has cleared: nothing left to acknowledge")
                    .extracting(e -> ((Acknowledgements.Refused) e).reason()).isEqualTo(Acknowledgements.Reason.CLEARED);
            assertThat(Files.readAllLines(log.file())).isEmpty();
            assertThat(acks.acknowledge("a-0002", "otto", "", Acknowledgements.Via.CONSOLE).alarmSeq())
                    .as("track 27's raise is still open: track 12's clear is not its").isEqualTo(2);
            assertThat(acks.acknowledge("a-0001", "olga", "seen on the SCADA", Acknowledgements.Via.OPCUA).via())
                    .isEqualTo("opcua");
            assertThat(acks.acknowledged()).extracting(Acknowledgements.Acknowledged::alarmId)
                    .containsExactly("a-0001", "a-0002");
            assertThat(Files.readAllLines(log.file())).hasSize(2);
        }
    }

    /**
     * After a restart: the end of the event log gives back the alarm events, their clip messages and
     * the acknowledgements; an alarm acknowledged before is refused again, one cleared before stays
     * cleared, an open one may be acknowledged; a half-written last line and a line cut by the
     * read's start are skipped.
     */
    @Test
    void whatTheLogSaidIsReadBackAtStart() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (EventLog log = new EventLog(file)) {
            log.append("{\"schema\":\"linewatch.verdict.v1\",\"type\":\"verdict\",\"filler\":\"" + "x".repeat(300) + "\"}");
            Acknowledgements before = new Acknowledgements(new Identity("plant1", "box1"), null, log);
            for (AlarmEvent e : List.of(event("a-0001", AlarmEvent.Type.RAISED, 1, 12),
                    event("a-0002", AlarmEvent.Type.CLEARED, 2, 12), event("a-0003", AlarmEvent.Type.RAISED, 3, 27),
                    event("a-0004", AlarmEvent.Type.RAISED, 4, 33))) {
                log.append(AlarmJson.toJson(e, null));
                before.follow(e);
            }
            log.append("{\"schema\":\"linewatch.alarm.v1\",\"type\":\"clip\",\"event_id\":\"a-0001\",\"clip\":null}");
            log.append("{\"schema\":\"linewatch.alarm.v1\",\"type\":\"clip\",\"event_id\":\"o-0001\",\"clip\":null}");
            before.acknowledge("a-0003", "otto", "done", Acknowledgements.Via.CONSOLE);
        }
        Files.writeString(file, "{\"schema\":\"linewatch.alarm.v1\",\"type\":\"rai", java.nio.file.StandardOpenOption.APPEND);

        EventLogTail tail = EventLogTail.read(file, (int) Files.size(file) - 100, 200);
        assertThat(tail.alarms()).hasSize(4).allMatch(a -> a.contains("\"schema\":\"linewatch.alarm.v1\""));
        assertThat(tail.clips()).as("the clips of those alarms only").hasSize(1).allMatch(c -> c.contains("a-0001"));
        assertThat(tail.acknowledged()).hasSize(1);
        assertThat(EventLogTail.read(dir.resolve("absent.jsonl"), 1 << 20, 200).alarms()).isEmpty();

        try (EventLog log = new EventLog(file)) {
            Acknowledgements after = new Acknowledgements(new Identity("plant1", "box1"), null, log);
            after.readBack(tail);
            assertThat(after.acknowledgementOf("a-0003").user()).isEqualTo("otto");
            assertThat(after.acknowledged()).extracting(Acknowledgements.Acknowledged::alarmId).containsExactly("a-0003");
            assertThatThrownBy(() -> after.acknowledge("a-0003", "olga", "", Acknowledgements.Via.CONSOLE))
                    .hasMessageContaining("already acknowledged by otto (console)");
            assertThatThrownBy(() -> after.acknowledge("a-0001", "olga", "", Acknowledgements.Via.CONSOLE))
                    .hasMessageContaining("has cleared");
            assertThat(after.acknowledge("a-0004", "olga", "", Acknowledgements.Via.CONSOLE).alarmSeq()).isEqualTo(4);
        }
    }

    private static AlarmEvent event(String id, AlarmEvent.Type type, long seq, int track) {
        return new AlarmEvent(id, type, "plant1", "box1", "conveyor", seq, Instant.parse("2026-12-05T12:00:00Z"),
                seq * 10, "foreign-object-on-belt", 640, 360,
                new AlarmEvent.DetectionDetail("foreign_object", 0.9f, new float[] {1, 2, 3, 4}, track));
    }
}

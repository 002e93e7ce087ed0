package io.linewatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.sinks.Acknowledgements;
import io.linewatch.sinks.AlarmJson;
import io.linewatch.sinks.EventLog;
import io.linewatch.sinks.EventLogTail;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What reading the event log back costs a start: writes a 16 MiB log like a busy belt's (20 object
 * events between each alarm's raise and clear, every other alarm acknowledged), then reads its last
 * {@code MIB} MiB back as the pipeline does ({@link EventLogTail} and {@link Acknowledgements#readBack}),
 * 15 times, and prints the CPU time of the first read (cold code, after Jackson's first use, as in a
 * daemon that has loaded its config) and the median of reads 6-15. Run from the repository root:
 * {@code mvn -B -ntp -q test-compile && java -cp target/classes:target/test-classes:$(cat
 * target/runtime.classpath) io.linewatch.bench.ReadBackCost MIB}.
 */
public final class ReadBackCost {

    private ReadBackCost() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path file = Files.createTempDirectory("linewatch-readback").resolve("events.jsonl");
        write(file, 16L << 20);
        new ObjectMapper().readTree("{\"schema\":\"linewatch.alarm.v1\"}");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Double> millis = new ArrayList<>();
        EventLogTail tail = null;
        Acknowledgements acks = null;
        for (int run = 0; run < 15; run++) {
            long cpu = mx.getCurrentThreadCpuTime();
            tail = EventLogTail.read(file, mib << 20, 200);
            acks = new Acknowledgements(new Identity("plant1", "box1"), null, null);
            acks.readBack(tail);
            millis.add((mx.getCurrentThreadCpuTime() - cpu) / 1e6);
        }
        List<Double> warm = new ArrayList<>(millis.subList(5, millis.size()));
        Collections.sort(warm);
        System.out.printf(Locale.ROOT, "read back %d MiB of a %.1f MiB log: first %.1f ms CPU, median of reads 6-15"
                        + " %.1f ms CPU; %d alarm events, %d acknowledged%n", mib, Files.size(file) / 1048576.0,
                millis.get(0), warm.get(warm.size() / 2), tail.alarms().size(), acks.acknowledged().size());
    }

    private static void write(Path file, long bytes) throws Exception {
        Identity identity = new Identity("plant1", "box1");
        try (EventLog log = new EventLog(file)) {
            for (long seq = 1; Files.size(file) < bytes; seq += 2) {
                for (int i = 0; i < 20; i++) {
                    log.append("{\"schema\":\"linewatch.object.v1\",\"type\":\"object\",\"id\":\"" + UUID.randomUUID()
                            + "\",\"camera\":\"conveyor\",\"class\":\"product\",\"track\":" + i
                            + ",\"box\":[1.0,2.0,3.0,4.0],\"time\":\"2026-12-05T12:00:00Z\"}");
                }
                AlarmEvent raised = event(AlarmEvent.Type.RAISED, seq);
                log.append(AlarmJson.toJson(raised, "snapshots/conveyor/000001-abcdef12.jpg"));
                if (seq % 4 == 1) {
                    log.append(AlarmJson.acknowledged(identity, "conveyor", raised.rule(), raised.id(), seq, "otto", "ok",
                            "console", Instant.now()));
                }
                log.append(AlarmJson.toJson(event(AlarmEvent.Type.CLEARED, seq + 1), null));
            }
        }
    }

    private static AlarmEvent event(AlarmEvent.Type type, long seq) {
        return new AlarmEvent(UUID.randomUUID().toString(), type, "plant1", "box1", "conveyor", seq, Instant.now(), seq,
                "foreign-object-on-belt", 640, 360, new AlarmEvent.DetectionDetail("foreign_object", 0.9f,
                new float[] {1, 2, 3, 4}, (int) (type == AlarmEvent.Type.RAISED ? seq : seq - 1)));
    }
}

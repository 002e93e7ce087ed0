package io.linewatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

/** The alarms of an event log (not its {@code refused} lines), checked against what a consumer received. */
final class EventLogCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events;

    private EventLogCheck(List<JsonNode> events) {
        this.events = events;
    }

    static EventLogCheck read(Path log) throws IOException {
        if (!Files.exists(log)) {
            return new EventLogCheck(List.of());
        }
        return new EventLogCheck(Files.readAllLines(log).stream().filter(l -> !l.isBlank()).map(EventLogCheck::parse)
                .filter(e -> !e.path("type").asText().equals("refused")).toList());
    }

    int size() {
        return events.size();
    }

    long countFor(String camera) {
        return events.stream().filter(e -> e.path("camera").asText().equals(camera)).count();
    }

    long countFor(String camera, String type) {
        return events.stream().filter(e -> e.path("camera").asText().equals(camera) && e.path("type").asText().equals(type))
                .count();
    }

    /** Ids of logged alarms that no received payload carries. */
    Set<String> missingFrom(List<String> payloads) {
        Set<String> received = new HashSet<>();
        for (String p : payloads) {
            received.add(parse(p).path("id").asText());
        }
        Set<String> missing = new LinkedHashSet<>();
        for (JsonNode e : events) {
            if (!received.contains(e.path("id").asText())) {
                missing.add(e.path("id").asText());
            }
        }
        return missing;
    }

    /** The distinct sequence numbers received for a camera, sorted. */
    static List<Long> seqsOf(List<String> payloads, String camera) {
        return payloads.stream().map(EventLogCheck::parse)
                .filter(n -> n.path("camera").asText().equals(camera) && n.has("seq"))
                .map(n -> n.path("seq").asLong()).distinct().sorted().toList();
    }

    static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

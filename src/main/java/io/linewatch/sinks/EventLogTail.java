package io.linewatch.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the end of an event log says of the recent alarms, read once at start so that a console
 * opened after a restart shows them and what was acknowledged: the last alarm events ({@code
 * raised}, {@code cleared}) as logged, the {@code clip} messages of those events and the {@code
 * acknowledged} messages. Reads only the file's last {@code maxBytes} (a line cut there, or one a
 * crash left half written, is skipped), so the cost does not grow with the log.
 *
 * @param alarms       alarm events' JSON, oldest first, at most {@code keep}
 * @param clips        the clip messages of those events, oldest first
 * @param acknowledged the acknowledged messages, oldest first
 */
public record EventLogTail(List<String> alarms, List<String> clips, List<JsonNode> acknowledged) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE = "\"type\":\"";
    private static final Set<String> WANTED = Set.of("raised", "cleared", "clip", "acknowledged");

    /** Nothing read back (no log, or a new one). */
    public static EventLogTail empty() {
        return new EventLogTail(List.of(), List.of(), List.of());
    }

    /**
     * Reads the last {@code maxBytes} of {@code file}; an absent file is empty.
     *
     * @throws IOException when the file exists but cannot be read
     */
    public static EventLogTail read(Path file, int maxBytes, int keep) throws IOException {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        ArrayDeque<String> alarms = new ArrayDeque<>();
        ArrayDeque<String> alarmIds = new ArrayDeque<>();
        List<String> clips = new ArrayList<>();
        List<String> clipEvents = new ArrayList<>();
        List<JsonNode> acks = new ArrayList<>();
        for (String line : lines(file, maxBytes)) {
            String type = typeOf(line); // most lines (objects, verdicts, states) are not parsed at all
            JsonNode m = WANTED.contains(type) ? parse(line) : null;
            if (m == null || !type.equals(m.path("type").asText())) {
                continue;
            }
            if ((type.equals("raised") || type.equals("cleared")) && AlarmJson.SCHEMA.equals(m.path("schema").asText())) {
                if (alarms.size() == keep) {
                    alarms.removeFirst();
                    alarmIds.removeFirst();
                }
                alarms.addLast(line);
                alarmIds.addLast(m.path("id").asText());
            } else if (type.equals("clip")) {
                clips.add(line);
                clipEvents.add(m.path("event_id").asText());
            } else if (type.equals("acknowledged")) {
                acks.add(m);
            }
        }
        Set<String> ids = new HashSet<>(alarmIds);
        List<String> alarmClips = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            if (ids.contains(clipEvents.get(i))) {
                alarmClips.add(clips.get(i));
            }
        }
        return new EventLogTail(List.copyOf(alarms), List.copyOf(alarmClips), List.copyOf(acks));
    }

    /** The value of a line's first {@code "type"} field as written by the sinks, without parsing it; "" when none. */
    private static String typeOf(String line) {
        int at = line.indexOf(TYPE);
        int end = at < 0 ? -1 : line.indexOf('"', at + TYPE.length());
        return end < 0 ? "" : line.substring(at + TYPE.length(), end);
    }

    /** The whole lines within the last {@code maxBytes} of the file. */
    private static List<String> lines(Path file, int maxBytes) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - maxBytes);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (start > 0) {
                int cut = text.indexOf('\n');
                text = cut < 0 ? "" : text.substring(cut + 1);
            }
            return text.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** A line of the log as JSON; null when it is not a JSON object. */
    static JsonNode parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}

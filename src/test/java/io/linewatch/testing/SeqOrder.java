package io.linewatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order promise of the alarm stream: each camera's events arrive in {@code seq} order, as
 * received (not sorted first). For runs where no redelivery is expected (no broker restart).
 */
public final class SeqOrder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SeqOrder() {
    }

    /** Each camera's {@code seq}s, in the order of {@code payloads}, are strictly increasing. */
    public static void assertEachCameraInSeqOrder(List<String> payloads) {
        Map<String, List<Long>> byCamera = new LinkedHashMap<>();
        for (String payload : payloads) {
            JsonNode event = parse(payload);
            if (event.has("seq")) {
                byCamera.computeIfAbsent(event.path("camera").asText(), c -> new ArrayList<>()).add(event.get("seq").asLong());
            }
        }
        assertThat(byCamera).as("cameras with events").isNotEmpty();
        byCamera.forEach((camera, seqs) -> assertThat(seqs).as("seq of camera %s, as received", camera)
                .isSortedAccordingTo(Long::compare).doesNotHaveDuplicates());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

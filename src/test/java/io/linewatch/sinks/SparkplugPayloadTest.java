package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.sinks.SparkplugPayload.DataType;
import io.linewatch.sinks.SparkplugPayload.Metric;
import io.linewatch.testing.SparkplugDecoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linewatch's Sparkplug B payloads as Eclipse Tahu's JavaScript decoder (npm sparkplug-payload)
 * reads them: every data type the edge node uses, {@code seq} (0 included), {@code is_historical};
 * and a command that decoder's encoder wrote, as the edge node reads it.
 */
class SparkplugPayloadTest {

    @TempDir
    Path dir;

    private static final List<Metric> METRICS = List.of(
            new Metric("Frames/In", DataType.INT64, 1_700_000_000_123L, 9_007_199_254L),
            new Metric("bdSeq", DataType.UINT64, 1_700_000_000_124L, 255L),
            new Metric("FPS", DataType.DOUBLE, 1_700_000_000_125L, 24.9),
            new Metric("Rules/intrusion/Active", DataType.BOOLEAN, 1_700_000_000_126L, true),
            new Metric("State", DataType.STRING, 1_700_000_000_127L, "streaming"),
            new Metric("Heartbeat", DataType.DATETIME, 1_700_000_000_128L, 1_700_000_000_128L));

    @Test
    void tahusDecoderReadsEveryTypeTheSeqAndHistoricalFlags() throws Exception {
        byte[] live = SparkplugPayload.encode(1_700_000_000_200L, METRICS);
        List<JsonNode> decoded = SparkplugDecoder.decode(List.of("spBv1.0/g/DDATA/n/c", "spBv1.0/g/DDATA/n/c", "x"),
                List.of(SparkplugPayload.withSeq(live, 0), SparkplugPayload.withSeq(live, 255),
                        SparkplugPayload.withSeq(SparkplugPayload.historical(live), 17)), dir);

        assertThat(decoded).hasSize(3);
        assertThat(decoded.get(0).get("seq").asLong()).as("seq 0 is on the wire").isZero();
        assertThat(decoded.get(1).get("seq").asLong()).isEqualTo(255);
        assertThat(decoded.get(2).get("seq").asLong()).isEqualTo(17);
        for (JsonNode message : decoded) {
            assertThat(message.get("timestamp").asLong()).isEqualTo(1_700_000_000_200L);
            JsonNode metrics = message.get("metrics");
            assertThat(metrics).hasSize(METRICS.size());
            for (int i = 0; i < METRICS.size(); i++) {
                Metric m = METRICS.get(i);
                JsonNode d = metrics.get(i);
                assertThat(d.get("name").asText()).isEqualTo(m.name());
                assertThat(d.get("timestamp").asLong()).isEqualTo(m.timestampMillis());
                assertThat(d.get("historical").asBoolean()).isEqualTo(message == decoded.get(2));
            }
            assertThat(metrics.findValuesAsText("type"))
                    .containsExactly("Int64", "UInt64", "Double", "Boolean", "String", "DateTime");
            assertThat(metrics.get(0).get("value").asLong()).isEqualTo(9_007_199_254L);
            assertThat(metrics.get(1).get("value").asLong()).isEqualTo(255);
            assertThat(metrics.get(2).get("value").asDouble()).isEqualTo(24.9);
            assertThat(metrics.get(3).get("value").asBoolean()).isTrue();
            assertThat(metrics.get(4).get("value").asText()).isEqualTo("streaming");
            assertThat(metrics.get(5).get("value").asLong()).isEqualTo(1_700_000_000_128L);
        }
    }

    @Test
    void aRebirthCommandTahusEncoderWroteIsRead() throws Exception {
        SparkplugPayload.Decoded command = SparkplugPayload.decode(SparkplugDecoder.rebirthCommand(dir));

        assertThat(command.metrics()).extracting(Metric::name, Metric::type, Metric::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Node Control/Rebirth", DataType.BOOLEAN, true));
    }
}

package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.pipeline.AlarmEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefectAlarmJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDefectAlarmCarriesItsDecidingRegions() throws Exception {
        AlarmEvent.DefectDetail detail = new AlarmEvent.DefectDetail("scratch", List.of(
                new AlarmEvent.DefectDetail.Region("scratch", 240.04f, 15.0025f, new float[] {60.04f, 99.96f, 100, 106},
                        0.91234f),
                new AlarmEvent.DefectDetail.Region("scratch", 30f, 1.875f, new float[] {200, 10, 215, 12}, 0.6f)));
        AlarmEvent e = new AlarmEvent("id-1", AlarmEvent.Type.RAISED, "plant1", "box1", "surface", 7,
                Instant.parse("2026-11-22T13:52:08.120Z"), 412, "scratched", 384, 288, detail);

        JsonNode j = JSON.readTree(AlarmJson.toJson(e, "snapshots/surface/000007-id-1.jpg"));

        assertThat(j.get("schema").asText()).isEqualTo("linewatch.alarm.v1");
        assertThat(j.get("type").asText()).isEqualTo("raised");
        assertThat(j.get("task").asText()).isEqualTo("segmentation");
        assertThat(j.get("class").asText()).isEqualTo("scratch");
        assertThat(j.get("count").asInt()).isEqualTo(2);
        JsonNode first = j.get("regions").get(0);
        assertThat(first.get("class").asText()).isEqualTo("scratch");
        assertThat(first.get("area_px").asDouble()).isEqualTo(240.0);
        assertThat(first.get("area_mm2").asDouble()).isEqualTo(15.0);
        assertThat(first.get("box").toString()).isEqualTo("[60.0,100.0,100.0,106.0]");
        assertThat(first.get("mean_probability").asDouble()).isEqualTo(0.9123);
        assertThat(j.get("frame_size").toString()).isEqualTo("[384,288]");
        assertThat(j.get("snapshot").asText()).isEqualTo("snapshots/surface/000007-id-1.jpg");
        assertThat(j.has("score")).isFalse();
    }

    @Test
    void aRuleForAnyClassHasANullClass() throws Exception {
        AlarmEvent e = new AlarmEvent("id-2", AlarmEvent.Type.CLEARED, "plant1", "box1", "surface", 8, Instant.EPOCH, 420,
                "any", 384, 288, new AlarmEvent.DefectDetail(null, List.of()));
        JsonNode j = JSON.readTree(AlarmJson.toJson(e, null));
        assertThat(j.get("class").isNull()).isTrue();
        assertThat(j.get("count").asInt()).isZero();
        assertThat(j.get("regions")).isEmpty();
        assertThat(j.get("snapshot").isNull()).isTrue();
    }
}

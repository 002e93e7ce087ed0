package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.ThermalCalibration;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a temperature alarm looks like outside: its JSON (temperatures in the camera's unit, the
 * zone, the hotspot in source pixels, the rate, the calibration used) and its false-colour snapshot.
 */
class ThermalAlarmOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThermalCameraConfig CAMERA = new ThermalCameraConfig(0.01, 0.0, 0.95, 20.0, null);
    private static final List<List<Double>> ZONE = List.of(List.of(116.0, 50.0), List.of(141.0, 50.0),
            List.of(141.0, 75.0), List.of(116.0, 75.0));

    private static AlarmEvent alarm(AlarmEvent.ThermalDetail detail) {
        return new AlarmEvent("3c0e6a43-5b0f-4a8e-9b7c-2f3d5e6a7b8c", AlarmEvent.Type.RAISED, "plant1", "box1", "motor", 4,
                Instant.parse("2026-11-22T13:52:08.120Z"), 141, "motor-overheat", 160, 120, detail);
    }

    @Test
    void theJsonCarriesTemperaturesZoneHotspotRateAndCalibration() throws Exception {
        JsonNode j = JSON.readTree(AlarmJson.toJson(alarm(new AlarmEvent.ThermalDetail("bearing", ZONE, "max",
                82.3456, 82.3456, 41.2, 24.9, 128.46f, 62.53f, 123.4567, CAMERA, "celsius")), "snap.jpg"));
        assertThat(j.get("task").asText()).isEqualTo("thermal");
        assertThat(j.get("rule").asText()).isEqualTo("motor-overheat");
        assertThat(j.get("zone").asText()).isEqualTo("bearing");
        assertThat(j.get("zone_polygon").toString()).isEqualTo("[[116.0,50.0],[141.0,50.0],[141.0,75.0],[116.0,75.0]]");
        assertThat(j.get("measure").asText()).isEqualTo("max");
        assertThat(j.get("value").asDouble()).isEqualTo(82.35);
        assertThat(j.get("max").asDouble()).isEqualTo(82.35);
        assertThat(j.get("avg").asDouble()).isEqualTo(41.2);
        assertThat(j.get("min").asDouble()).isEqualTo(24.9);
        assertThat(j.get("unit").asText()).isEqualTo("celsius");
        assertThat(j.get("hotspot").toString()).isEqualTo("[128.5,62.5]");
        assertThat(j.get("rate_k_per_min").asDouble()).isEqualTo(123.457);
        assertThat(j.get("calibration").toString()).isEqualTo(
                "{\"scale_k_per_count\":0.01,\"offset_k\":0.0,\"emissivity\":0.95,\"reflected_c\":20.0}");
        assertThat(j.get("frame_size").toString()).isEqualTo("[160,120]");
        assertThat(j.get("snapshot").asText()).isEqualTo("snap.jpg");
        assertThat(j.has("class")).isFalse();
    }

    @Test
    void theWholeFrameHasNoPolygonAndUnknownsAreNull() throws Exception {
        JsonNode j = JSON.readTree(AlarmJson.toJson(alarm(new AlarmEvent.ThermalDetail("frame", List.of(), "avg",
                300.0, 320.0, 300.0, 290.0, Float.NaN, Float.NaN, Double.NaN, CAMERA, "kelvin")), null));
        assertThat(j.get("zone").asText()).isEqualTo("frame");
        assertThat(j.has("zone_polygon")).isFalse();
        assertThat(j.get("unit").asText()).isEqualTo("kelvin");
        assertThat(j.get("hotspot").isNull()).isTrue();
        assertThat(j.get("rate_k_per_min").isNull()).isTrue();
    }

    /**
     * A 160x120 frame at 20 degC with a 5x5 patch at 90 degC around pixel (128, 62), whose model
     * hotspot is there too. The snapshot is 4 times larger plus the scale bar's panel; the patch
     * shows in the palette's hottest colour, the cold background in its coldest, the zone's outline
     * and the hotspot's mark in theirs.
     */
    @Test
    void theSnapshotIsFalseColourScaledUpWithTheHotspotZoneAndScaleBar() {
        ThermalCalibration cal = calibration();
        FrameEvent e = hotPatchFrame();
        BufferedImage image = new ThermalSnapshot(new ThermalCalibration[] {cal}).render(alarm(
                new AlarmEvent.ThermalDetail("bearing", ZONE, "max", 90, 90, 21, 20, 128.5f, 62.5f, 1, CAMERA,
                        "celsius")), e);

        assertThat(ThermalSnapshot.scaleFor(160)).isEqualTo(4);
        assertThat(image.getWidth()).isGreaterThan(640).isLessThan(800);
        assertThat(image.getHeight()).isEqualTo(480);
        int hottest = ThermalSnapshot.PALETTE[ThermalSnapshot.PALETTE.length - 1];
        int coldest = ThermalSnapshot.PALETTE[0];
        assertThat(image.getRGB(128 * 4 + 2, 62 * 4 + 2) & 0xffffff).isEqualTo(hottest); // the patch's centre
        assertThat(image.getRGB(40, 400) & 0xffffff).isEqualTo(coldest);                 // background
        assertThat(green(image.getRGB(116 * 4, 70 * 4))).isGreaterThan(200);                // the zone's left edge
        assertThat(image.getRGB(128 * 4 + 2 + 20, 62 * 4 + 2) & 0xffffff).isNotEqualTo(coldest); // the hotspot's cross
        int barX = 160 * 4 + 12 + 9;
        int top = image.getRGB(barX, 44);
        int bottom = image.getRGB(barX, 448);
        assertThat(top >> 16 & 0xff).as("the scale bar is hot at the top").isGreaterThan(250);
        assertThat(green(top)).isGreaterThan(230);
        assertThat((bottom >> 16 & 0xff) + green(bottom) + (bottom & 0xff)).as("and cold at the bottom").isLessThan(30);
    }

    /**
     * A live picture (no alarm) outlines each zone the camera's temperature rules watch, with the
     * zone's name; a camera without zoned rules gets no outline.
     */
    @Test
    void theLivePictureOutlinesTheCamerasZones() {
        FrameEvent e = hotPatchFrame();
        ThermalCalibration[] cal = {calibration()};
        BufferedImage zoned = new ThermalSnapshot(cal, List.of(List.of(new ThermalSnapshot.Zone("bearing", ZONE))))
                .render(null, e);
        assertThat(green(zoned.getRGB(116 * 4, 70 * 4))).as("the zone's left edge").isGreaterThan(200);
        BufferedImage plain = new ThermalSnapshot(cal).render(null, e);
        assertThat(plain.getRGB(116 * 4, 70 * 4) & 0xffffff).as("no zone: the frame's own colour there")
                .isEqualTo(ThermalSnapshot.PALETTE[0]);
    }

    private static ThermalCalibration calibration() {
        return new ThermalCalibration(new ThermalCameraConfig(0.01, 0.0, 1.0, 20.0, null));
    }

    /** 160x120 at 20 degC with a 5x5 patch at 90 degC around pixel (128, 62), its model hotspot there too. */
    private static FrameEvent hotPatchFrame() {
        FrameEvent e = new FrameEventFactory(1, 160 * 120 * 2, 1, new int[] {3, 1}, 1).thermal(4).newInstance();
        e.cameraIndex = 0;
        e.width = 160;
        e.height = 120;
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                int counts = Math.abs(x - 128) <= 2 && Math.abs(y - 62) <= 2 ? 36315 : 29315;
                e.pixels[2 * (y * 160 + x)] = (byte) counts;
                e.pixels[2 * (y * 160 + x) + 1] = (byte) (counts >> 8);
            }
        }
        e.thermal.offerHotspot(128.5f, 62.5f, 0.9f);
        return e;
    }

    private static int green(int rgb) {
        return rgb >> 8 & 0xff;
    }
}

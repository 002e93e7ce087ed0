package io.linewatch.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.pipeline.ThermalTrend;
import java.util.List;

/**
 * {@code GET /api/trends}: the last hour. {@code thermal}: each thermal camera's hottest pixel (one
 * value a second); {@code zones}: each temperature rule's own measure of its zone (or of the whole
 * frame) on each camera it watches, with its raise and clear levels (none for a rate-of-rise rule);
 * then the {@link Trends} samples: counts per minute per counting line, drops per minute, latency,
 * parts ok and nok per hour.
 */
final class TrendJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrendJson() {
    }

    static String render(LinewatchConfig config, ThermalTrend trend, Trends trends) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cameras = root.putArray("thermal");
        ArrayNode zones = root.putArray("zones");
        List<CameraConfig> all = config.cameras();
        for (int i = 0; trend != null && i < all.size(); i++) {
            ThermalTrend.Series series = trend.series(i);
            if (series != null) {
                series(cameras.addObject().put("camera", all.get(i).id()), series);
            }
        }
        for (ThermalTrend.Named line : trend == null ? List.<ThermalTrend.Named>of() : trend.lines()) {
            TemperatureAlarmConfig rule = config.temperatureAlarms().stream()
                    .filter(r -> r.name().equals(line.rule())).findFirst().orElse(null);
            if (rule == null || line.cameraIndex() >= all.size()) {
                continue; // a rule a reload removed
            }
            ObjectNode z = zones.addObject().put("camera", all.get(line.cameraIndex()).id()).put("rule", rule.name())
                    .put("zone", rule.zoned() ? String.valueOf(rule.zoneName()) : "frame")
                    .put("measure", String.valueOf(rule.measure()).toLowerCase(java.util.Locale.ROOT));
            if (rule.raiseAtC() != null) {
                z.put("raiseC", rule.raiseAtC()).put("clearC", rule.clearAtC() == null ? rule.raiseAtC() : rule.clearAtC());
            }
            series(z, line.series());
        }
        if (trends != null) {
            trends.render(root, config);
        }
        return root.toString();
    }

    private static void series(ObjectNode node, ThermalTrend.Series series) {
        ArrayNode seconds = node.putArray("epochSeconds");
        ArrayNode celsius = node.putArray("celsius");
        for (int k = 0; k < series.epochSeconds().length; k++) {
            seconds.add(series.epochSeconds()[k]);
            celsius.add(Math.round(series.celsius()[k] * 100) / 100.0);
        }
    }
}

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
 * {@code GET /api/trends}: each thermal camera's hottest pixel over the last hour (one value a
 * second), with the raise and clear levels of the temperature rules that watch it. The trend is the
 * whole frame's hottest pixel, so it matches a rule on the whole frame's max; a rule on a zone is
 * drawn at its levels all the same, named with its zone.
 */
final class TrendJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrendJson() {
    }

    static String render(LinewatchConfig config, ThermalTrend trend) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cameras = root.putArray("thermal");
        List<CameraConfig> all = config.cameras();
        for (int i = 0; trend != null && i < all.size(); i++) {
            ThermalTrend.Series series = trend.series(i);
            if (series == null) {
                continue;
            }
            ObjectNode c = cameras.addObject();
            c.put("camera", all.get(i).id());
            ArrayNode seconds = c.putArray("epochSeconds");
            ArrayNode celsius = c.putArray("celsius");
            for (int k = 0; k < series.epochSeconds().length; k++) {
                seconds.add(series.epochSeconds()[k]);
                celsius.add(Math.round(series.celsius()[k] * 100) / 100.0);
            }
            ArrayNode lines = c.putArray("rules");
            for (TemperatureAlarmConfig rule : config.temperatureAlarms()) {
                boolean watches = rule.cameras().isEmpty() || rule.cameras().contains(all.get(i).id());
                if (watches && rule.raiseAtC() != null) {
                    ObjectNode line = lines.addObject().put("rule", rule.name()).put("raiseC", rule.raiseAtC());
                    line.put("clearC", rule.clearAtC() == null ? rule.raiseAtC() : rule.clearAtC());
                    line.put("zone", rule.zone() == null || rule.zone().isEmpty() ? "" : String.valueOf(rule.zoneName()));
                }
            }
        }
        return root.toString();
    }
}

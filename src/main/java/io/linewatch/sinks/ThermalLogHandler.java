package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalResult;
import java.io.IOException;
import java.util.Locale;

/**
 * Optional stage beside the alarm sinks of a thermal lane: writes every frame's temperatures and
 * hotspots as one JSON line, kelvin and source pixels,
 * {@code {"camera":..,"frame":..,"max_k":..,"avg_k":..,"min_k":..,"hotspots":[{"x":..,"y":..,"score":..,"peak_k":..}]}}
 * (the model's max/avg/min). A replay tool ({@code replay --detections}), not a hot-path sink.
 * Reads the slot's camera, frame number and thermal results; shares the detections log's
 * {@link DetectionLogHandler.Output}.
 */
public final class ThermalLogHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "thermal-log";

    private final FrameLines output;
    private final StringBuilder line = new StringBuilder(1024);

    public ThermalLogHandler(FrameLines output) {
        this.output = output;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws IOException {
        if (event.skipped()) {
            return;
        }
        ThermalResult r = event.thermal;
        line.setLength(0);
        line.append("{\"camera\":\"").append(event.cameraId).append("\",\"frame\":").append(event.frameNumber)
                .append(",\"max_k\":").append(kelvin(r.maxK)).append(",\"avg_k\":").append(kelvin(r.avgK))
                .append(",\"min_k\":").append(kelvin(r.minK)).append(",\"hotspots\":[");
        for (int i = 0; i < r.hotspotCount(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append("{\"x\":").append(r.hotspotX[i]).append(",\"y\":").append(r.hotspotY[i])
                    .append(",\"score\":").append(String.format(Locale.ROOT, "%.4f", r.hotspotScore[i]))
                    .append(",\"peak_k\":").append(kelvin(r.hotspotPeakK[i])).append('}');
        }
        line.append("]}\n");
        output.write(event, line);
    }

    private static String kelvin(float k) {
        return Float.isFinite(k) ? String.format(Locale.ROOT, "%.3f", k) : "null";
    }
}

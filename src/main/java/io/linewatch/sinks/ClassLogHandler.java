package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.pipeline.ClassResult;
import io.linewatch.pipeline.FrameEvent;
import java.io.IOException;
import java.util.List;

/**
 * Optional stage beside the alarm sinks of a classification lane: writes every frame's regions as
 * one JSON line, {@code {"camera":..,"frame":..,"regions":[{"region":..,"state":..,"decided":..,
 * "probabilities":{..},"box":[x1,y1,x2,y2],"cam_peak":[x,y]|null}]}} (source pixels). A replay tool ({@code replay
 * --detections}), not a hot-path sink; sends its lines where the other results stages do ({@link FrameLines}).
 */
public final class ClassLogHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "class-log";

    private final FrameLines output;
    private final ClassificationCameraConfig[] cameras;
    private final List<String> states;
    private final StringBuilder line = new StringBuilder(1024);

    public ClassLogHandler(FrameLines output, ClassificationCameraConfig[] cameras,
                           List<String> states) {
        this.output = output;
        this.cameras = cameras.clone();
        this.states = List.copyOf(states);
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws IOException {
        if (event.skipped() || !event.inferred) {
            return;
        }
        ClassResult c = event.classes;
        line.setLength(0);
        line.append("{\"camera\":\"").append(event.cameraId).append("\",\"frame\":").append(event.frameNumber)
                .append(",\"regions\":[");
        for (int r = 0; r < c.regions(); r++) {
            if (r > 0) {
                line.append(',');
            }
            line.append("{\"region\":\"").append(cameras[event.cameraIndex].regionName(r)).append("\",\"state\":\"")
                    .append(states.get(c.best[r])).append("\",\"decided\":\"").append(states.get(c.decided[r]))
                    .append("\",\"probabilities\":{");
            for (int s = 0; s < states.size(); s++) {
                line.append(s > 0 ? ",\"" : "\"").append(states.get(s)).append("\":")
                        .append(Math.round(c.probability(r, s) * 1e5) / 1e5);
            }
            line.append("},\"box\":[").append(c.boxX[r]).append(',').append(c.boxY[r]).append(',')
                    .append(c.boxX[r] + c.boxWidth[r]).append(',').append(c.boxY[r] + c.boxHeight[r])
                    .append("],\"cam_peak\":");
            if (Float.isNaN(c.peakX[r])) {
                line.append("null");
            } else {
                line.append('[').append(c.peakX[r]).append(',').append(c.peakY[r]).append(']');
            }
            line.append('}');
        }
        line.append("]}\n");
        output.write(event, line);
    }
}

package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Optional stage beside the alarm sinks: writes every frame's detections as one JSON line
 * ({@code {"camera":..,"frame":..,"detections":[{"class":..,"score":..,"box":[x1,y1,x2,y2],"track":..}]}}),
 * source pixels; {@code track} is the detection's track id, left out while it has none. A replay tool,
 * not a hot-path sink. Reads the slot's camera, frame number, detections and track ids.
 * One handler per lane; the lanes share one {@link Output}, whose writes are synchronised.
 */
public final class DetectionLogHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "detections-log";

    private final FrameLines output;
    private final String[] quotedClassNames;
    private final StringBuilder line = new StringBuilder(4096);

    /** The file several lanes' handlers write into. */
    public static final class Output implements FrameLines, AutoCloseable {
        private final BufferedWriter out;

        public Output(Path file) throws IOException {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(FrameEvent event, CharSequence text) throws IOException {
            out.append(text);
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }

    public DetectionLogHandler(FrameLines output, List<String> classNames) {
        this.output = output;
        this.quotedClassNames = classNames.stream().map(n -> "\"" + n.replace("\"", "\\\"") + "\"").toArray(String[]::new);
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws IOException {
        if (event.skipped()) {
            return;
        }
        Detections d = event.detections;
        line.setLength(0);
        line.append("{\"camera\":\"").append(event.cameraId).append("\",\"frame\":").append(event.frameNumber)
                .append(",\"detections\":[");
        for (int i = 0; i < d.count(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append("{\"class\":").append(quotedClassNames[d.classId[i]])
                    .append(",\"score\":");
            Decimals.append(line, d.score[i], 4)
                    .append(",\"box\":[").append(d.x1[i]).append(',').append(d.y1[i]).append(',')
                    .append(d.x2[i]).append(',').append(d.y2[i]).append(']');
            int track = i < event.tracks.id.length ? event.tracks.id[i] : 0;
            if (track > 0) {
                line.append(",\"track\":").append(track);
            }
            line.append('}');
        }
        line.append("]}\n");
        output.write(event, line);
    }
}

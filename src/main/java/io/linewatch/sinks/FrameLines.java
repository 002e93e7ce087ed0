package io.linewatch.sinks;

import io.linewatch.pipeline.FrameEvent;
import java.io.IOException;

/**
 * Where a results stage ({@link DetectionLogHandler}, {@link ThermalLogHandler},
 * {@link RegionLogHandler}) sends each frame's results line: the {@code replay --detections} file,
 * the clip writer's recent frames ({@link ClipFrames}, for the sidecars), or both. Called on the
 * stage's thread with the slot it read the results from; the line ends with a newline and is only
 * valid during the call. Implementations shared by several lanes synchronise themselves.
 */
@FunctionalInterface
public interface FrameLines {

    void write(FrameEvent event, CharSequence line) throws IOException;

    /** Both, {@code first} then {@code second}; either may be null (then the other alone, or null). */
    static FrameLines both(FrameLines first, FrameLines second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return (event, line) -> {
            first.write(event, line);
            second.write(event, line);
        };
    }
}

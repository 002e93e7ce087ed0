package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import java.awt.image.BufferedImage;

/**
 * Draws the picture of an alarm from the frame that raised it: one renderer per task (detection
 * boxes, false-colour temperatures, defect masks). Called on the sink thread of one lane; may reuse
 * its image from call to call, since {@link SnapshotWriter} encodes it before the next call.
 */
public interface SnapshotRenderer {

    /**
     * The annotated picture of {@code alarm}, drawn from the slot {@code frame} (read only); with a
     * null {@code alarm}, the frame's live picture: its results drawn, no alarm, a header naming the
     * camera and frame.
     */
    BufferedImage render(AlarmEvent alarm, FrameEvent frame);
}

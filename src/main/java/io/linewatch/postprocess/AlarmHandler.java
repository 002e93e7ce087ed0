package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The alarm stage of one lane, on its own thread: feeds each decoded frame to the rules of its
 * camera (detection, temperature or defect rules, whatever the lane's task) and turns their
 * transitions into {@link AlarmEvent}s with a unique id and a per-camera sequence number. Reads the
 * slot's camera and times (the rules read their task's results); writes the slot's alarm list.
 */
public final class AlarmHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "alarms";

    private final String site;
    /** Rules per camera index; cameras of other lanes have none. */
    private final AlarmRule[][] rulesByCamera;
    private final long[] lastSeqByCamera;
    private final List<CameraStats> stats;

    /**
     * @param rulesByCamera the rules watching each camera, by camera index
     * @param lastSeqByCamera the last sequence number each camera used (0 for none); advanced here
     */
    public AlarmHandler(String site, AlarmRule[][] rulesByCamera, long[] lastSeqByCamera, List<CameraStats> stats) {
        this.site = site;
        this.rulesByCamera = rulesByCamera;
        this.lastSeqByCamera = lastSeqByCamera;
        this.stats = stats;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        event.alarms.clear();
        if (event.skipped()) {
            return;
        }
        for (AlarmRule rule : rulesByCamera[event.cameraIndex]) {
            AlarmRule.Transition t = rule.onFrame(event);
            if (t != AlarmRule.Transition.NONE) {
                event.alarms.add(toEvent(event, rule, t));
            }
        }
    }

    private AlarmEvent toEvent(FrameEvent e, AlarmRule rule, AlarmRule.Transition t) {
        CameraStats s = stats.get(e.cameraIndex);
        AlarmEvent.Type type;
        if (t == AlarmRule.Transition.RAISED) {
            type = AlarmEvent.Type.RAISED;
            s.alarmsRaised.incrementAndGet();
        } else {
            type = AlarmEvent.Type.CLEARED;
            s.alarmsCleared.incrementAndGet();
        }
        long seq = ++lastSeqByCamera[e.cameraIndex];
        return new AlarmEvent(UUID.randomUUID().toString(), type, site, e.cameraId, seq,
                Instant.ofEpochMilli(e.captureEpochMillis), e.frameNumber, rule.name(), e.width, e.height, rule.detail());
    }
}

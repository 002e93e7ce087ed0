package io.linewatch.daemon;

import io.linewatch.capture.Camera;
import io.linewatch.capture.CaptureException;
import io.linewatch.capture.Playback;
import io.linewatch.capture.SourceWatchdog;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.PacketRing;
import io.linewatch.postprocess.AlarmRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running pipeline's reload, as a {@link ReloadPlan} decides it: each lane's alarm stage gets its
 * cameras' rules rebuilt (a rule whose settings did not change stays, with its state), and a camera
 * whose source changed gets a new capture on its lane while the others stream on; its rules start
 * afresh. Owns the running config. Called under the {@link Pipeline}'s lock.
 */
final class PipelineReload {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineReload.class);

    private final Playback playback;
    private final List<ModelLane> lanes;
    private final Map<Integer, Camera> cameras;
    private final ModelFiles modelFiles;
    private final List<CameraStats> stats;
    private final CameraStates cameraStates;
    private final SourceWatchdog watchdog;
    private final Function<CameraConfig, PacketRing> packetRings;
    private LinewatchConfig config;

    /**
     * @param config      the config the pipeline started with
     * @param cameras     the running cameras by index, replaced here when a camera restarts
     * @param packetRings the ring a camera keeps its packets in for clips (null when none), as at the start
     */
    PipelineReload(LinewatchConfig config, Playback playback, List<ModelLane> lanes, Map<Integer, Camera> cameras,
                   ModelFiles modelFiles, List<CameraStats> stats, CameraStates cameraStates, SourceWatchdog watchdog,
                   Function<CameraConfig, PacketRing> packetRings) {
        this.packetRings = packetRings;
        this.config = config;
        this.playback = playback;
        this.lanes = lanes;
        this.cameras = cameras;
        this.modelFiles = modelFiles;
        this.stats = stats;
        this.cameraStates = cameraStates;
        this.watchdog = watchdog;
    }

    /**
     * Takes {@code next} in place, or says why the daemon must restart (and changes nothing).
     *
     * @throws StartupException a new file that cannot open; the running config stays, unchanged
     */
    Pipeline.Reload apply(LinewatchConfig next) throws StartupException {
        ReloadPlan plan = ReloadPlan.between(config, next, Pipeline.maxFrameAgeNanos(config, playback),
                Pipeline.maxFrameAgeNanos(next, playback), modelFiles.changed(config));
        if (plan.needsRestart()) {
            return new Pipeline.Reload(true, String.join("; ", plan.restartReasons()));
        }
        Map<Integer, Camera> restarted = new LinkedHashMap<>();
        Map<ModelLane, AlarmRule[][]> rules = new LinkedHashMap<>();
        String restart;
        try {
            restart = prepareCameras(next, plan.camerasToRestart(), restarted);
            for (ModelLane lane : lanes) {
                rules.put(lane, ReloadPlan.keepUnchanged(lane.installedRules(),
                        TaskStages.laneRules(next, next.models().get(lane.model()), lane.cameras(), lane.trend()), lane.cameras(),
                        restarted.keySet()));
            }
        } catch (StartupException | RuntimeException e) {
            restarted.values().forEach(Camera::discard);
            throw e instanceof StartupException s ? s : new StartupException(e.getMessage(), e);
        }
        if (restart != null) {
            restarted.values().forEach(Camera::discard);
            return new Pipeline.Reload(true, restart);
        }
        restarted.keySet().forEach(this::stopCamera);
        rules.forEach((lane, laneRules) -> lane.replaceRules(laneRules,
                lane.cameras().stream().anyMatch(restarted::containsKey)));
        restarted.forEach((i, camera) -> {
            cameras.put(i, camera);
            camera.start(laneOf(i).ring(), playback, next.pipeline().otherThreadsPriority());
        });
        config = next;
        return new Pipeline.Reload(false, plan.summary(next));
    }

    /**
     * Opens the new sources of the cameras a reload restarts: files now, so that one that cannot
     * open refuses the reload; live cameras connect on their capture thread, as at the start.
     *
     * @return why the daemon must restart instead (a camera without a running lane, frames larger
     *         than its lane's slots), or null
     */
    private String prepareCameras(LinewatchConfig next, List<Integer> indexes, Map<Integer, Camera> out)
            throws StartupException {
        for (int i : indexes) {
            CameraConfig camera = next.cameras().get(i);
            ModelLane lane = laneOf(i);
            if (lane == null) {
                return "camera " + camera.id() + ": its model's lane is not running";
            }
            Camera prepared;
            try {
                prepared = Camera.prepare(i, camera, TaskStages.pixelFormat(next.models().get(camera.model())),
                        stats.get(i), cameraStates, watchdog, packetRings.apply(camera));
            } catch (CaptureException e) {
                throw new StartupException(e.getMessage(), e);
            }
            out.put(i, prepared);
            int slotBytes = lane.ring().get(0).pixels.length;
            if (prepared.slotPixelBytes() > slotBytes) {
                return "camera " + camera.id() + ": the new source's frames need " + prepared.slotPixelBytes()
                        + " bytes, more than its lane's slots hold (" + slotBytes + ")";
            }
        }
        return null;
    }

    /** The lane camera {@code index} feeds, or null when none runs. */
    private ModelLane laneOf(int index) {
        return lanes.stream().filter(l -> l.cameras().contains(index)).findFirst().orElse(null);
    }

    /** Stops a camera's capture and waits for its thread; its frames already in the ring go on. */
    private void stopCamera(int index) {
        Camera running = cameras.remove(index);
        if (running == null) {
            return;
        }
        running.requestStop();
        try {
            if (!running.awaitStopped(Pipeline.CAPTURE_STOP_MILLIS)) {
                LOG.warn("lw-capture-{}: the old capture did not stop within {} ms; a new one starts beside it",
                        running.config().id(), Pipeline.CAPTURE_STOP_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

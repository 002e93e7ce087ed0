package io.linewatch.capture;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.config.CameraConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.PacketRing;
import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera, whole: opens its source by kind, owns its state and its watchdog registration, and
 * starts, stops and closes its capture thread ({@code lw-capture-ID}). A recorded camera (a file)
 * opens at once, so a missing file is an error now; a live camera (RTSP, V4L2) connects on its
 * capture thread, reconnects by itself and is watched by the shared {@link SourceWatchdog}, so a
 * camera that is down at the start neither fails nor delays it. Nothing outside this package
 * branches on file versus live.
 *
 * <p>Driven by the assembly's thread (start, reload, close); the state changes it makes reach the
 * listener in the order a camera lives them: CONNECTING when its capture starts, STOPPED last.
 */
public final class Camera {

    private static final Logger LOG = LoggerFactory.getLogger(Camera.class);

    private final int index;
    private final CameraConfig config;
    private final FrameSource source;
    private final CameraStats stats;
    private final SourceStateListener states;
    private final SourceWatchdog watchdog;
    private Thread thread;
    private Runnable stopCapture;
    private LiveCapture live;

    private Camera(int index, CameraConfig config, FrameSource source, CameraStats stats, SourceStateListener states,
                   SourceWatchdog watchdog) {
        this.index = index;
        this.config = config;
        this.source = source;
        this.stats = stats;
        this.states = states;
        this.watchdog = watchdog;
    }

    /**
     * Opens a camera at the daemon's start: a file now, a live camera later on its capture thread.
     * A file that cannot open leaves the camera STOPPED with the reason.
     *
     * @param index  the camera's index in the config (its slots' camera field)
     * @param format BGR24, I420 (a detection camera's decoder planes), or GRAY16 for a radiometric camera
     * @throws CaptureException the file cannot open: one line naming the camera and the file
     */
    public static Camera open(int index, CameraConfig config, FrameEvent.PixelFormat format, CameraStats stats,
                              SourceStateListener states, SourceWatchdog watchdog) throws CaptureException {
        return open(index, config, format, stats, states, watchdog, null);
    }

    /** {@link #open}, keeping a file's packets in {@code packets} for clips (null: none kept). */
    public static Camera open(int index, CameraConfig config, FrameEvent.PixelFormat format, CameraStats stats,
                              SourceStateListener states, SourceWatchdog watchdog, PacketRing packets)
            throws CaptureException {
        try {
            return prepare(index, config, format, stats, states, watchdog, packets);
        } catch (CaptureException e) {
            stoppedBeforeStart(config, states, e.getMessage());
            throw e;
        }
    }

    /**
     * Opens a camera that replaces a running one (a reload) without a word to the listener until it
     * {@link #start}s: the running camera's state stays what it is if the reload is refused.
     *
     * @throws CaptureException the file cannot open
     */
    public static Camera prepare(int index, CameraConfig config, FrameEvent.PixelFormat format, CameraStats stats,
                                 SourceStateListener states, SourceWatchdog watchdog) throws CaptureException {
        return prepare(index, config, format, stats, states, watchdog, null);
    }

    /**
     * {@link #prepare}, keeping the new source's packets in {@code packets} for clips (null: none
     * kept). The source takes the ring over when its capture reads its first frame, so the camera it
     * replaces keeps filling it until then, and goes on doing so if this one is discarded.
     */
    public static Camera prepare(int index, CameraConfig config, FrameEvent.PixelFormat format, CameraStats stats,
                                  SourceStateListener states, SourceWatchdog watchdog, PacketRing packets)
            throws CaptureException {
        if (config.kind().live()) {
            LiveFrameSource live = new LiveFrameSource(config, format);
            live.keepPackets(packets);
            live.handOverPlanes(); // its frames go into slots only, copied once by the SlotWriter
            return new Camera(index, config, live, stats, states, watchdog);
        }
        FileFrameSource file = new FileFrameSource(config.id(), Path.of(config.source()), config.loop(), format,
                config.frameRate());
        file.keepPackets(packets);
        file.handOverPlanes(); // its frames go into slots only, copied once by the SlotWriter
        file.open();
        return new Camera(index, config, file, stats, states, watchdog);
    }

    public int index() {
        return index;
    }

    public CameraConfig config() {
        return config;
    }

    /** Bytes the camera's frames need in a slot: a file's own size, a live camera's configured one. */
    public int slotPixelBytes() {
        return config.kind().live() ? source.pixelFormat().frameBytes(config.slotWidth(), config.slotHeight())
                : source.pixelFormat().frameBytes(source.width(), source.height());
    }

    /**
     * Starts the capture thread, which writes the camera's frames into {@code ring}, at Java priority
     * {@code priority}. Once.
     */
    public void start(RingBuffer<FrameEvent> ring, Playback playback, int priority) {
        Runnable capture;
        if (source instanceof LiveFrameSource liveSource) {
            live = new LiveCapture(index, config, liveSource, ring, stats, states);
            watchdog.watch(live);
            capture = live;
            stopCapture = live::stop;
            LOG.info("camera {}: {} live, slots for {}x{}, stalled after {} ms without a frame", config.id(),
                    liveSource.where(), config.slotWidth(), config.slotHeight(), config.stallTimeoutMs());
        } else {
            CaptureLoop loop = fileCapture(ring, playback);
            capture = loop;
            stopCapture = loop::stop;
        }
        thread = new Thread(capture, "lw-capture-" + config.id());
        thread.setDaemon(true);
        thread.setPriority(priority);
        thread.start();
    }

    private CaptureLoop fileCapture(RingBuffer<FrameEvent> ring, Playback playback) {
        SourceStateMachine state = new SourceStateMachine(config.id(), states);
        state.moveTo(SourceState.CONNECTING, "opening " + config.source());
        boolean realtime = playback.paced(config);
        double paceFps = realtime ? source.frameRate() * playback.speed() : 0;
        LOG.info("camera {}: {} {}x{} at {} fps, {}", config.id(), config.source(), source.width(), source.height(),
                String.format(Locale.ROOT, "%.2f", source.frameRate()), realtime ? "realtime" : "as fast as possible");
        return new CaptureLoop(index, config.id(), source, paceFps, playback.framesPerCamera(), ring, stats, state);
    }

    /** Asks the capture to stop after the frame in hand; {@link #awaitStopped} waits for it. */
    public void requestStop() {
        if (stopCapture != null) {
            stopCapture.run();
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for the capture thread to end (its frames already in the ring
     * go on), then leaves the watchdog.
     *
     * @return false when the thread is still running
     */
    public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
        if (thread != null) {
            thread.join(timeoutMillis);
        }
        if (live != null) {
            watchdog.unwatch(live);
        }
        return thread == null || !thread.isAlive();
    }

    /** Waits until the capture ends by itself (forever for a looped or live camera). */
    public void awaitEnd() throws InterruptedException {
        if (thread != null) {
            thread.join();
        }
    }

    /** A camera that will not run (its model cannot start): the source is closed and its state says why. */
    public void leaveOut(String reason) {
        discard();
        if (config.kind().live()) {
            states.onStateChange(config.id(), SourceState.STOPPED, reason);
        } else {
            stoppedBeforeStart(config, states, reason);
        }
    }

    /** A file camera that never ran: its state goes CONNECTING, then STOPPED with the reason. */
    private static void stoppedBeforeStart(CameraConfig config, SourceStateListener states, String reason) {
        SourceStateMachine state = new SourceStateMachine(config.id(), states);
        state.moveTo(SourceState.CONNECTING, "opening " + config.source());
        state.moveTo(SourceState.STOPPED, reason);
    }

    /** Closes the source of a camera that was never started (a reload that is not applied). */
    public void discard() {
        source.close();
        if (source instanceof LiveFrameSource liveSource) {
            liveSource.dispose();
        }
    }

    /** Closes the source if the camera never started (a start that failed part-way); else nothing. */
    public void discardIfUnstarted() {
        if (thread == null) {
            discard();
        }
    }
}

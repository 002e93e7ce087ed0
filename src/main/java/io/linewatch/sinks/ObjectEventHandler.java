package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Tracks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sink stage of a detection lane beside the alarm sinks: the lifecycle of each confirmed track of a
 * published class on MQTT, like Frigate's events. {@code new} when the track is confirmed (with the
 * snapshot of that frame), {@code update} when its best frame got better (score × box area up by
 * 10 %, the snapshot replaced by that frame's) or its best score rose by 0.05, at most once per
 * {@code update_seconds} of media time, {@code end} when the track ends. Mere motion sends nothing: a
 * belt of moving products would otherwise send an update per product per second, all queued in the
 * outbox ahead of the alarms. With clips on, a {@code new} asks the clip writer for the object's
 * evidence clip (or extends the camera's open one) and names it. Reads the slot's camera, times,
 * media time, pixels, detections and track ids. State per
 * object lives in tables sized for the tracker's most tracks; a frame that publishes nothing
 * allocates nothing. Used from its own thread.
 */
public final class ObjectEventHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "objects";
    private static final Logger LOG = LoggerFactory.getLogger(ObjectEventHandler.class);
    private static final float SCORE_STEP = 0.05f;
    private static final double BETTER_SNAPSHOT = 1.1;

    private final Identity identity;
    private final List<String> classNames;
    private final boolean[] published;
    private final MqttPublisher mqtt;
    private final SnapshotWriter writer;
    private final DetectionSnapshot renderer;
    private final Path snapshotsDir;
    private final long updateMicros;
    private final Table[] tables;
    private final ClipWriter clips;

    /** The objects of one camera, dense in [0, count). */
    private static final class Table {
        int count;
        final Entry[] entries;

        Table(int capacity) {
            entries = new Entry[capacity];
            for (int i = 0; i < capacity; i++) {
                entries[i] = new Entry();
            }
        }
    }

    /** One object: what it was, is, and what was last sent. */
    private static final class Entry {
        String id;
        int track;
        int cls;
        long firstMillis;
        long lastMillis;
        long firstFrame;
        long lastFrame;
        int frames;
        float score;
        final float[] box = new float[4];
        float bestScore;
        final float[] bestBox = new float[4];
        long bestMillis;
        double bestQuality;
        String snapshot;
        double snapshotQuality;
        long sentMicros;
        float sentBestScore;
    }

    /**
     * @param published   by class id: whether objects of that class are published
     * @param maxTracks   the most tracks the cameras' tracker keeps
     * @param cameraCount cameras in the config; {@code cameras} are this lane's
     */
    public ObjectEventHandler(Identity identity, List<String> classNames, boolean[] published, double updateSeconds,
                              int maxTracks, int cameraCount, List<Integer> cameras, MqttPublisher mqtt,
                              Path snapshotsDir) {
        this(identity, classNames, published, updateSeconds, maxTracks, cameraCount, cameras, mqtt, snapshotsDir, null);
    }

    /** @param clips writes each new object's clip, named in its {@code new}; null for none */
    public ObjectEventHandler(Identity identity, List<String> classNames, boolean[] published, double updateSeconds,
                              int maxTracks, int cameraCount, List<Integer> cameras, MqttPublisher mqtt,
                              Path snapshotsDir, ClipWriter clips) {
        this.clips = clips;
        this.identity = identity;
        this.classNames = classNames;
        this.published = published.clone();
        this.mqtt = mqtt;
        this.snapshotsDir = snapshotsDir;
        this.renderer = new DetectionSnapshot(classNames);
        this.writer = new SnapshotWriter(snapshotsDir, null);
        this.updateMicros = Math.round(updateSeconds * 1e6);
        this.tables = new Table[cameraCount];
        for (int i : cameras) {
            tables[i] = new Table(maxTracks);
        }
    }

    /** Frees the snapshot encoder's native memory, on the thread that used it. */
    @Override
    public void onShutdown() {
        writer.close();
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        if (e.skipped() && !e.sourceEnded) {
            return;
        }
        Table table = tables[e.cameraIndex];
        Detections d = e.detections;
        Tracks t = e.tracks;
        for (int i = 0; !e.sourceEnded && i < d.count(); i++) {
            int track = i < t.id.length ? t.id[i] : 0;
            if (track > 0 && published[d.classId[i]]) {
                see(table, e, i, track);
            }
        }
        for (int k = 0; k < t.endedCount(); k++) {
            int o = find(table, t.ended(k));
            if (o >= 0) {
                send(table.entries[o], "end", e);
                remove(table, o);
            }
        }
    }

    private void see(Table table, FrameEvent e, int i, int track) {
        Detections d = e.detections;
        int o = find(table, track);
        boolean fresh = o < 0;
        if (fresh) {
            if (table.count == table.entries.length) {
                return;
            }
            o = table.count++;
            start(table.entries[o], e, i, track);
        }
        Entry x = table.entries[o];
        x.lastMillis = e.captureEpochMillis;
        x.lastFrame = e.frameNumber;
        x.frames++;
        x.score = d.score[i];
        copyBox(d, i, x.box);
        double quality = d.score[i] * (double) (d.x2[i] - d.x1[i]) * (d.y2[i] - d.y1[i]);
        boolean best = quality > x.bestQuality;
        if (best) {
            x.bestQuality = quality;
            x.bestScore = d.score[i];
            x.bestMillis = e.captureEpochMillis;
            copyBox(d, i, x.bestBox);
        }
        if (fresh) {
            snapshot(x, e);
            send(x, "new", e);
            return;
        }
        boolean betterFrame = best && quality > x.snapshotQuality * BETTER_SNAPSHOT;
        boolean changed = betterFrame || x.bestScore - x.sentBestScore >= SCORE_STEP;
        if (changed && e.mediaMicros - x.sentMicros >= updateMicros) {
            if (betterFrame) {
                snapshot(x, e);
            }
            send(x, "update", e);
        }
    }

    private static void start(Entry x, FrameEvent e, int i, int track) {
        x.id = UUID.randomUUID().toString();
        x.track = track;
        x.cls = e.detections.classId[i];
        x.firstMillis = e.captureEpochMillis;
        x.firstFrame = e.frameNumber;
        x.frames = 0;
        x.bestQuality = -1;
        x.snapshot = null;
        x.snapshotQuality = 0;
    }

    /** Writes the object's snapshot from this frame (its best so far), replacing the one before. */
    private void snapshot(Entry x, FrameEvent e) {
        Path file = snapshotsDir.resolve(e.cameraId).resolve("objects").resolve(x.id.substring(0, 8) + "-" + x.track
                + ".jpg");
        try {
            writer.write(renderer.renderObject(e, classNames.get(x.cls), x.track, x.bestScore, x.bestBox,
                    Snapshots.TIME.format(Instant.ofEpochMilli(e.captureEpochMillis))), file);
            x.snapshot = file.toString();
            x.snapshotQuality = x.bestQuality;
        } catch (IOException | RuntimeException ex) {
            LOG.warn("camera {}: object {} snapshot not written: {}", e.cameraId, x.track, ex.toString());
        }
    }

    private void send(Entry x, String type, FrameEvent e) {
        x.sentMicros = e.mediaMicros;
        x.sentBestScore = x.bestScore;
        boolean withClip = clips != null && type.equals("new");
        ClipWriter.Planned clip = withClip ? clips.request(ClipWriter.Served.object(x.id, identity.site(),
                identity.node(), e.cameraId, Instant.ofEpochMilli(e.captureEpochMillis), x.track,
                classNames.get(x.cls)), e.mediaMicros) : null;
        mqtt.acceptObject(e.cameraId, ObjectJson.object(new ObjectJson.ObjectMessage(x.id, type, identity.site(), identity.node(), e.cameraId,
                x.track, classNames.get(x.cls), e.captureEpochMillis, e.frameNumber, x.firstMillis, x.lastMillis,
                x.firstFrame, x.lastFrame, x.frames, x.score, x.box, x.bestScore, x.bestBox, x.bestMillis, x.snapshot,
                e.width, e.height), withClip, clip));
    }

    private static int find(Table table, int track) {
        for (int o = 0; o < table.count; o++) {
            if (table.entries[o].track == track) {
                return o;
            }
        }
        return -1;
    }

    /** Removes entry {@code o}, moving the last one into its place (entries are reused, never freed). */
    private static void remove(Table table, int o) {
        int last = --table.count;
        Entry gone = table.entries[o];
        table.entries[o] = table.entries[last];
        table.entries[last] = gone;
    }

    private static void copyBox(Detections d, int i, float[] to) {
        to[0] = d.x1[i];
        to[1] = d.y1[i];
        to[2] = d.x2[i];
        to[3] = d.y2[i];
    }
}

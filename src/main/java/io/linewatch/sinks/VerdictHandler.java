package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.Identity;
import io.linewatch.config.PartsConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Parts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sink stage of an inspection lane beside the alarm sinks: one verdict per part. While a part is in
 * view it keeps the part's defects (by defect track: area per class, largest area in mm^2, box in
 * the part's best frame) and the part's best frame (its largest box, snapshot with the mask
 * written then and replaced in place when a frame is 10 % larger); when the part ends (left the
 * view, crossed the camera's line: ended while seen, or the source ended) it decides {@code ok} or {@code nok} by the camera's nok rules and
 * hands the verdict to {@code publish} (MQTT's retained verdicts topic and the event log). A defect
 * counts once its track is confirmed; its class is the one with most area over its frames. Reads
 * the slot's camera, times, pixels, defect regions, mask and {@link Parts}. State per part lives in
 * tables sized at the start; a frame that writes no snapshot and ends no part allocates nothing.
 * Used from its own thread.
 */
public final class VerdictHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "verdicts";
    private static final Logger LOG = LoggerFactory.getLogger(VerdictHandler.class);
    private static final double BETTER_SNAPSHOT = 1.1;
    private static final int MAX_DEFECTS_PER_PART = 32;

    private final Identity identity;
    private final List<CameraStats> stats;
    private final List<String> classNames;
    private final PartsConfig[] configs;
    private final Table[] tables;
    private final DefectSnapshot renderer;
    private final SnapshotWriter writer;
    private final Path snapshotsDir;
    private final BiConsumer<VerdictJson.Verdict, String> publish;

    private static final class Table {
        int count;
        final Part[] parts;

        Table(int capacity, int classes) {
            parts = new Part[capacity];
            for (int i = 0; i < capacity; i++) {
                parts[i] = new Part(classes);
            }
        }
    }

    private static final class Part {
        String id;
        int track;
        long firstMillis;
        long lastMillis;
        long firstFrame;
        long lastFrame;
        int frames;
        float bestArea;
        final float[] bestBox = new float[4];
        boolean bestNow;
        String snapshot;
        int defectCount;
        final Defect[] defects = new Defect[MAX_DEFECTS_PER_PART];

        Part(int classes) {
            for (int i = 0; i < defects.length; i++) {
                defects[i] = new Defect(classes);
            }
        }
    }

    private static final class Defect {
        int track;
        final float[] areaByClass;
        float largestMm2;
        final float[] box = new float[4];
        boolean inSnapshot;
        int frames;

        Defect(int classes) {
            areaByClass = new float[classes];
        }
    }

    /**
     * @param partsByCamera each camera's parts config by camera index (null: no parts)
     * @param publish       takes each verdict and its JSON (the outbox, the event log, the servers' last verdict)
     */
    public VerdictHandler(Identity identity, List<String> classNames, PartsConfig[] partsByCamera,
                          DefectSnapshot renderer, Path snapshotsDir, BiConsumer<VerdictJson.Verdict, String> publish) {
        this(identity, classNames, partsByCamera, renderer, snapshotsDir, publish, null);
    }

    /** As above, counting each camera's ok and nok parts in {@code stats} (by camera index; null: not counted). */
    public VerdictHandler(Identity identity, List<String> classNames, PartsConfig[] partsByCamera,
                          DefectSnapshot renderer, Path snapshotsDir, BiConsumer<VerdictJson.Verdict, String> publish,
                          List<CameraStats> stats) {
        this.stats = stats;
        this.identity = identity;
        this.classNames = List.copyOf(classNames);
        this.configs = partsByCamera.clone();
        this.renderer = renderer;
        this.writer = new SnapshotWriter(snapshotsDir, null);
        this.snapshotsDir = snapshotsDir;
        this.publish = publish;
        this.tables = new Table[configs.length];
        for (int i = 0; i < configs.length; i++) {
            if (configs[i] != null) {
                tables[i] = new Table(2 * configs[i].maxParts(), classNames.size());
            }
        }
    }

    /** Frees the snapshot encoder's native memory, on the thread that used it. */
    @Override
    public void onShutdown() {
        writer.close();
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        Table table = tables[e.cameraIndex];
        if (table == null || (e.skipped() && !e.sourceEnded)) {
            return;
        }
        Parts parts = e.parts;
        if (!e.sourceEnded) {
            seeParts(table, e, parts.boxes);
            seeDefects(table, e, e.defects);
            writeSnapshots(table, e);
        }
        for (int k = 0; k < parts.tracks.endedCount(); k++) {
            int o = find(table, parts.tracks.ended(k));
            if (o >= 0) {
                Part x = table.parts[o];
                judge(x, e, e.sourceEnded ? "source_ended" : x.lastFrame == e.frameNumber ? "crossed_line" : "left_view");
                remove(table, o);
            }
        }
    }

    private void seeParts(Table table, FrameEvent e, Detections b) {
        for (int p = 0; p < b.count(); p++) {
            int track = e.parts.tracks.id[p];
            if (track == 0) {
                continue;
            }
            int o = find(table, track);
            if (o < 0) {
                if (table.count == table.parts.length) {
                    continue;
                }
                o = table.count++;
                start(table.parts[o], e, track);
            }
            Part x = table.parts[o];
            x.lastMillis = e.captureEpochMillis;
            x.lastFrame = e.frameNumber;
            x.frames++;
            float area = (b.x2[p] - b.x1[p]) * (b.y2[p] - b.y1[p]);
            x.bestNow = area > x.bestArea * BETTER_SNAPSHOT;
            if (x.bestNow) {
                x.bestArea = area;
                x.bestBox[0] = b.x1[p];
                x.bestBox[1] = b.y1[p];
                x.bestBox[2] = b.x2[p];
                x.bestBox[3] = b.y2[p];
                for (int d = 0; d < x.defectCount; d++) {
                    x.defects[d].inSnapshot = false;
                }
            }
        }
    }

    private static void start(Part x, FrameEvent e, int track) {
        x.id = UUID.randomUUID().toString();
        x.track = track;
        x.firstMillis = e.captureEpochMillis;
        x.firstFrame = e.frameNumber;
        x.frames = 0;
        x.bestArea = 0;
        x.snapshot = null;
        x.defectCount = 0;
    }

    private void seeDefects(Table table, FrameEvent e, DefectRegions r) {
        Parts parts = e.parts;
        for (int i = 0; i < r.count() && i < parts.defectTrack.length; i++) {
            int o = parts.defectTrack[i] == 0 ? -1 : find(table, parts.defectPart[i]);
            if (o < 0) {
                continue;
            }
            Part x = table.parts[o];
            Defect d = defect(x, parts.defectTrack[i]);
            if (d == null) {
                continue;
            }
            d.frames++;
            d.areaByClass[r.classId[i]] += r.areaPx[i];
            boolean largest = r.areaMm2[i] > d.largestMm2;
            if (largest) {
                d.largestMm2 = r.areaMm2[i];
            }
            if (x.bestNow || (largest && !d.inSnapshot)) {
                d.box[0] = r.x1[i];
                d.box[1] = r.y1[i];
                d.box[2] = r.x2[i];
                d.box[3] = r.y2[i];
                d.inSnapshot = x.bestNow;
            }
        }
    }

    /** The part's defect of this track, added when new; null when the part holds its most already. */
    private static Defect defect(Part x, int track) {
        for (int d = 0; d < x.defectCount; d++) {
            if (x.defects[d].track == track) {
                return x.defects[d];
            }
        }
        if (x.defectCount == x.defects.length) {
            return null;
        }
        Defect d = x.defects[x.defectCount++];
        d.track = track;
        java.util.Arrays.fill(d.areaByClass, 0f);
        d.largestMm2 = 0;
        d.inSnapshot = false;
        d.frames = 0;
        return d;
    }

    private void writeSnapshots(Table table, FrameEvent e) {
        for (int o = 0; o < table.count; o++) {
            Part x = table.parts[o];
            if (!x.bestNow || x.lastFrame != e.frameNumber) {
                continue;
            }
            x.bestNow = false;
            Path file = snapshotsDir.resolve(e.cameraId).resolve("parts").resolve(x.id.substring(0, 8) + "-" + x.track
                    + ".jpg");
            try {
                writer.write(renderer.renderPart(e, x.track, x.bestBox,
                        Snapshots.TIME.format(Instant.ofEpochMilli(e.captureEpochMillis))), file);
                x.snapshot = file.toString();
            } catch (IOException | RuntimeException ex) {
                LOG.warn("camera {}: part {} snapshot not written: {}", e.cameraId, x.track, ex.toString());
            }
        }
    }

    private void judge(Part x, FrameEvent e, String ended) {
        List<VerdictJson.Defect> defects = new ArrayList<>();
        for (int k = 0; k < x.defectCount; k++) {
            Defect d = x.defects[k];
            defects.add(new VerdictJson.Defect(d.track, classNames.get(mostArea(d)), d.largestMm2, d.box.clone(),
                    d.inSnapshot, d.frames));
        }
        boolean nok = nok(configs[e.cameraIndex].nok(), defects);
        if (stats != null) {
            (nok ? stats.get(e.cameraIndex).partsNok : stats.get(e.cameraIndex).partsOk).incrementAndGet();
        }
        VerdictJson.Verdict verdict = new VerdictJson.Verdict(x.id, identity.site(), identity.node(), e.cameraId,
                x.track, nok, ended, e.captureEpochMillis, x.firstMillis, x.lastMillis, x.firstFrame, x.lastFrame,
                x.frames, x.bestBox.clone(), x.snapshot, e.width, e.height, defects);
        publish.accept(verdict, VerdictJson.verdict(verdict));
    }

    /** True when any rule holds (any defect, without rules). */
    static boolean nok(List<PartsConfig.Rule> rules, List<VerdictJson.Defect> defects) {
        if (rules.isEmpty()) {
            return !defects.isEmpty();
        }
        for (PartsConfig.Rule rule : rules) {
            long n = defects.stream().filter(d -> (rule.className() == null || rule.className().equals(d.className()))
                    && d.largestAreaMm2() >= rule.minAreaMm2()).count();
            if (n >= rule.minCount()) {
                return true;
            }
        }
        return false;
    }

    private static int mostArea(Defect d) {
        int best = 0;
        for (int c = 1; c < d.areaByClass.length; c++) {
            if (d.areaByClass[c] > d.areaByClass[best]) {
                best = c;
            }
        }
        return best;
    }

    private static int find(Table table, int track) {
        for (int o = 0; o < table.count; o++) {
            if (table.parts[o].track == track) {
                return o;
            }
        }
        return -1;
    }

    private static void remove(Table table, int o) {
        int last = --table.count;
        Part gone = table.parts[o];
        table.parts[o] = table.parts[last];
        table.parts[last] = gone;
    }
}

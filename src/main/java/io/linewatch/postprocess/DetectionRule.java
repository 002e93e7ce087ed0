package io.linewatch.postprocess;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;

/**
 * A detection alarm rule on one camera, fed one frame at a time: raised when {@code raiseHits} of
 * the last {@code windowFrames} frames are hits (and the cooldown is over), cleared after
 * {@code clearFrames} frames in a row without a hit (see {@link Debounce}).
 *
 * A hit is a detection of the rule's class, at or above its confidence, with its box centre in the
 * rule's zone. Time is the frame's media time, so a replay gives the same result at any speed. Not
 * thread-safe: driven by the alarm stage's thread.
 */
public final class DetectionRule implements AlarmRule {

    private static final int[] NO_TRACKS = new int[0];

    private final Settings settings;
    private final String name;
    private final String className;
    private final int classId;
    private final float minConfidence;
    private final PolygonZone zone;
    private final int raiseHits;
    private final long windowMask;
    private final Debounce debounce;

    private long window;
    private float lastScore;
    private int lastCount;
    private int lastTrack;
    private final float[] lastBox = new float[4];

    /** A rule's config without its camera list, and the class id it watches. */
    private record Settings(AlarmRuleConfig config, int classId) {
    }

    /** The rule for a model whose class {@code className} has id {@code classId}. */
    public DetectionRule(AlarmRuleConfig config, int classId) {
        this.settings = new Settings(config.withoutCameras(), classId);
        this.name = config.name();
        this.className = config.className();
        this.classId = classId;
        this.minConfidence = config.minConfidence().floatValue();
        this.zone = new PolygonZone(config.zone());
        this.raiseHits = config.raiseHits();
        this.windowMask = config.windowFrames() == 64 ? -1L : (1L << config.windowFrames()) - 1;
        this.debounce = new Debounce(config.clearFrames(), config.cooldownSeconds());
    }

    @Override
    public Transition onFrame(FrameEvent frame) {
        return onFrame(frame.detections, frame.tracks.id, frame.mediaMicros);
    }

    @Override
    public RuleReadings.Kind readingKind() {
        return RuleReadings.Kind.OBJECTS;
    }

    /** The objects of the latest frame that count for the rule (class, confidence, zone). */
    @Override
    public void read(RuleReadings.Reading out) {
        out.write(lastCount);
    }

    /** The class, score and box of the latest hit (the one that raised, or the last before a clear). */
    @Override
    public AlarmEvent.Detail detail() {
        return new AlarmEvent.DetectionDetail(className, lastScore, lastBox.clone(), lastTrack);
    }

    /** Feeds one frame's detections (source pixels) taken at {@code mediaMicros}. */
    public Transition onFrame(Detections d, long mediaMicros) {
        return onFrame(d, NO_TRACKS, mediaMicros);
    }

    /** Feeds one frame's detections and their track ids ({@code trackIds[i]}, 0 for none). */
    public Transition onFrame(Detections d, int[] trackIds, long mediaMicros) {
        int hit = bestHit(d);
        window = ((window << 1) | (hit >= 0 ? 1 : 0)) & windowMask;
        if (hit >= 0) {
            remember(d, hit);
            lastTrack = hit < trackIds.length ? trackIds[hit] : 0;
        }
        Transition t = debounce.onFrame(hit >= 0, Long.bitCount(window) >= raiseHits, mediaMicros);
        if (t == Transition.CLEARED) {
            window = 0;
        }
        return t;
    }

    private int bestHit(Detections d) {
        int best = -1;
        lastCount = 0;
        for (int i = 0; i < d.count(); i++) {
            if (d.classId[i] == classId && d.score[i] >= minConfidence
                    && zone.contains((d.x1[i] + d.x2[i]) * 0.5f, (d.y1[i] + d.y2[i]) * 0.5f)) {
                lastCount++;
                if (best < 0 || d.score[i] > d.score[best]) {
                    best = i;
                }
            }
        }
        return best;
    }

    private void remember(Detections d, int i) {
        lastScore = d.score[i];
        lastBox[0] = d.x1[i];
        lastBox[1] = d.y1[i];
        lastBox[2] = d.x2[i];
        lastBox[3] = d.y2[i];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object settings() {
        return settings;
    }

    public String className() {
        return className;
    }

    public boolean raised() {
        return debounce.raised();
    }
}

package io.linewatch.postprocess;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.pipeline.Tracks;

/**
 * A per-object detection rule on one camera: one alarm per tracked object. A track of the rule's
 * class is in the zone at a frame when its box centre is inside at or above the rule's confidence;
 * it raises once it has been in the zone for {@code min_hits} such frames and {@code min_seconds}
 * (counted afresh when it leaves before raising). Its alarm clears when the track ends (lost for
 * longer than the tracker's buffer) or is seen with its centre outside the zone. A track raises
 * once in its life: an object that stops, is hidden for a while and is found again under the same
 * track, or leaves the zone and comes back, raises no second alarm.
 *
 * <p>Per-object state lives in arrays sized for the tracker's most tracks; nothing is allocated per
 * frame but the details of transitions. Not thread-safe: driven by the alarm stage's thread.
 */
public final class ObjectRule implements AlarmRule {

    private final Object settings;
    private final String name;
    private final String className;
    private final int classId;
    private final float minConfidence;
    private final PolygonZone zone;
    private final int minHits;
    private final long minMicros;

    // Objects the rule follows, dense in [0, count): track id, frames in the zone, since when, raised, done.
    private int count;
    private final int[] track;
    private final int[] hits;
    private final long[] sinceMicros;
    private final boolean[] raised;
    private final boolean[] done;
    private final float[] lastScore;
    private final float[] lastBox;

    /** A rule's config without its camera list, and the class id it watches. */
    private record Settings(AlarmRuleConfig config, int classId) {
    }

    /**
     * @param classId   the id of the rule's class in the model
     * @param maxTracks the most tracks the camera's tracker keeps (the most objects to follow)
     */
    public ObjectRule(AlarmRuleConfig config, int classId, int maxTracks) {
        this.settings = new Settings(config.withoutCameras(), classId);
        this.name = config.name();
        this.className = config.className();
        this.classId = classId;
        this.minConfidence = config.minConfidence().floatValue();
        this.zone = new PolygonZone(config.zone());
        this.minHits = config.minHits();
        this.minMicros = Math.round(config.minSeconds() * 1e6);
        track = new int[maxTracks];
        hits = new int[maxTracks];
        sinceMicros = new long[maxTracks];
        raised = new boolean[maxTracks];
        done = new boolean[maxTracks];
        lastScore = new float[maxTracks];
        lastBox = new float[4 * maxTracks];
    }

    @Override
    public RuleReadings.Kind readingKind() {
        return RuleReadings.Kind.OBJECTS;
    }

    /** The objects the rule follows now: seen in its zone, their tracks not ended (raised or not yet). */
    @Override
    public void read(RuleReadings.Reading out) {
        out.write(count);
    }

    @Override
    public void onFrame(FrameEvent frame, Transitions out) {
        Detections d = frame.detections;
        Tracks t = frame.tracks;
        for (int i = 0; i < d.count(); i++) {
            int id = i < t.id.length ? t.id[i] : 0;
            if (id > 0 && d.classId[i] == classId) {
                see(d, i, id, frame.mediaMicros, out);
            }
        }
        endTracks(t, out);
    }

    /** The objects of the tracks that ended at the camera's end clear. */
    @Override
    public void onSourceEnded(FrameEvent marker, Transitions out) {
        endTracks(marker.tracks, out);
    }

    private void endTracks(Tracks t, Transitions out) {
        for (int k = 0; k < t.endedCount(); k++) {
            int o = find(t.ended(k));
            if (o >= 0) {
                if (raised[o]) {
                    out.accept(this, Transition.CLEARED, detail(o));
                }
                remove(o);
            }
        }
    }

    /** Track {@code id} is detection {@code i} of this frame. */
    private void see(Detections d, int i, int id, long mediaMicros, Transitions out) {
        boolean inside = zone.contains((d.x1[i] + d.x2[i]) * 0.5f, (d.y1[i] + d.y2[i]) * 0.5f);
        int o = find(id);
        if (!inside) {
            if (o >= 0 && raised[o]) {
                raised[o] = false;
                out.accept(this, Transition.CLEARED, detail(o));
            } else if (o >= 0) {
                hits[o] = 0;
            }
            return;
        }
        if (d.score[i] < minConfidence) {
            return;
        }
        if (o < 0) {
            if (count == track.length) {
                return;
            }
            o = count++;
            track[o] = id;
            hits[o] = 0;
            raised[o] = false;
            done[o] = false;
        }
        if (hits[o]++ == 0) {
            sinceMicros[o] = mediaMicros;
        }
        lastScore[o] = d.score[i];
        lastBox[4 * o] = d.x1[i];
        lastBox[4 * o + 1] = d.y1[i];
        lastBox[4 * o + 2] = d.x2[i];
        lastBox[4 * o + 3] = d.y2[i];
        if (!done[o] && hits[o] >= minHits && mediaMicros - sinceMicros[o] >= minMicros) {
            raised[o] = true;
            done[o] = true;
            out.accept(this, Transition.RAISED, detail(o));
        }
    }

    private int find(int id) {
        for (int o = 0; o < count; o++) {
            if (track[o] == id) {
                return o;
            }
        }
        return -1;
    }

    private void remove(int o) {
        int last = --count;
        track[o] = track[last];
        hits[o] = hits[last];
        sinceMicros[o] = sinceMicros[last];
        raised[o] = raised[last];
        done[o] = done[last];
        lastScore[o] = lastScore[last];
        System.arraycopy(lastBox, 4 * last, lastBox, 4 * o, 4);
    }

    private AlarmEvent.Detail detail(int o) {
        return new AlarmEvent.DetectionDetail(className, lastScore[o],
                new float[] {lastBox[4 * o], lastBox[4 * o + 1], lastBox[4 * o + 2], lastBox[4 * o + 3]}, track[o]);
    }

    @Override
    public void clearAll(Transitions out) {
        for (int o = 0; o < count; o++) {
            if (raised[o]) {
                raised[o] = false;
                out.accept(this, Transition.CLEARED, detail(o));
            }
        }
    }

    /** Not used: a per-object rule may make several transitions a frame; see {@link #onFrame(FrameEvent, Transitions)}. */
    @Override
    public Transition onFrame(FrameEvent frame) {
        throw new UnsupportedOperationException("a per-object rule is fed by onFrame(frame, transitions)");
    }

    /** Not used: each transition carries its object's detail. */
    @Override
    public AlarmEvent.Detail detail() {
        throw new UnsupportedOperationException("a per-object rule's transitions carry their detail");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object settings() {
        return settings;
    }

    /** Objects raised and not yet cleared. */
    public int raisedCount() {
        int n = 0;
        for (int o = 0; o < count; o++) {
            n += raised[o] ? 1 : 0;
        }
        return n;
    }
}

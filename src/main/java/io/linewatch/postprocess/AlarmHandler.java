package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The alarm stage of one lane, on its own thread: feeds each decoded frame to the rules of its
 * camera (detection, temperature or defect rules, whatever the lane's task) and turns their
 * transitions into {@link AlarmEvent}s with a unique id and a per-camera sequence number. Reads the
 * slot's camera and times (the rules read their task's results); writes the slot's alarm list, and
 * each rule's latest measure into its {@link RuleReadings} (no lock, no allocation).
 *
 * <p>A reload hands it new rules from another thread ({@link #replaceRules}); this thread takes
 * them at a frame of its own, so no rule is ever used by two threads. A rule instance in both the
 * old and the new rules keeps its state; one that is gone and had raised its alarm is cleared: a
 * CLEARED event (with the rule's last detail; for a per-object rule one per object it holds raised)
 * at its camera's next frame, so a consumer never keeps an alarm that nothing will clear.
 */
public final class AlarmHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "alarms";
    private static final AlarmRule[] NONE = new AlarmRule[0];

    private final Identity identity;
    /** Rules per camera index; cameras of other lanes have none. Only this stage's thread uses them. */
    private AlarmRule[][] rulesByCamera;
    private final long[] lastSeqByCamera;
    private final List<CameraStats> stats;
    private final RuleReadings readings;
    /** Each rule's reading, as {@link #rulesByCamera} (null: the rule measures nothing). */
    private RuleReadings.Reading[][] readingsByCamera;
    /** Alarms raised and not cleared, by rule (identity); a per-object rule may hold several. */
    private final Map<AlarmRule, Integer> raised = new IdentityHashMap<>();
    /** Turns the transitions of the frame being fed into events in its slot. */
    private final Collector collector = new Collector();
    /** Raised rules a reload took away, to be cleared at their camera's next frame, by camera index. */
    private final List<List<AlarmRule>> toClear;
    private final AtomicReference<Replacement> pending = new AtomicReference<>();

    /** Rules waiting to be taken, from the first frame after ring sequence {@code afterSequence}. */
    private record Replacement(AlarmRule[][] rulesByCamera, long afterSequence) {
    }

    /**
     * @param rulesByCamera the rules watching each camera, by camera index (null: none)
     * @param lastSeqByCamera the last sequence number each camera used (0 for none); advanced here
     */
    public AlarmHandler(Identity identity, AlarmRule[][] rulesByCamera, long[] lastSeqByCamera, List<CameraStats> stats) {
        this(identity, rulesByCamera, lastSeqByCamera, stats, new RuleReadings());
    }

    /** As above, each rule's latest measure written into {@code readings}. */
    public AlarmHandler(Identity identity, AlarmRule[][] rulesByCamera, long[] lastSeqByCamera, List<CameraStats> stats,
                        RuleReadings readings) {
        this.identity = identity;
        this.rulesByCamera = rulesByCamera;
        this.lastSeqByCamera = lastSeqByCamera;
        this.stats = stats;
        this.readings = readings;
        this.readingsByCamera = readingsOf(rulesByCamera);
        this.toClear = new ArrayList<>(rulesByCamera.length);
        for (int i = 0; i < rulesByCamera.length; i++) {
            toClear.add(new ArrayList<>(0));
        }
    }

    /**
     * Hands over new rules (by camera index, as the constructor's); any thread. This stage takes them
     * at its first frame after ring sequence {@code afterSequence} (-1: its next frame), so frames a
     * restarted camera published before its restart still meet the old rules. Replaces new rules
     * not yet taken, keeping the later of the two sequences.
     */
    public void replaceRules(AlarmRule[][] newRules, long afterSequence) {
        pending.getAndUpdate(p -> new Replacement(newRules, p == null ? afterSequence
                : Math.max(p.afterSequence(), afterSequence)));
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        event.alarms.clear();
        Replacement replacement = pending.get();
        if (replacement != null && sequence > replacement.afterSequence() && pending.compareAndSet(replacement, null)) {
            take(replacement.rulesByCamera());
        }
        if (event.sourceEnded) {
            collector.frame = event;
            for (AlarmRule rule : rulesOf(event.cameraIndex)) {
                rule.onSourceEnded(event, collector);
            }
            collector.frame = null;
            return;
        }
        if (event.skipped()) {
            return;
        }
        collector.frame = event;
        List<AlarmRule> clears = toClear.get(event.cameraIndex);
        if (!clears.isEmpty()) {
            for (AlarmRule rule : clears) {
                rule.clearAll(collector);
            }
            clears.clear();
        }
        AlarmRule[] rules = rulesOf(event.cameraIndex);
        RuleReadings.Reading[] measures = readingsByCamera[event.cameraIndex];
        for (int i = 0; i < rules.length; i++) {
            rules[i].onFrame(event, collector);
            if (measures[i] != null) {
                rules[i].read(measures[i]);
            }
        }
        collector.frame = null;
    }

    /** The reading of each rule that measures something, by camera index as the rules. */
    private RuleReadings.Reading[][] readingsOf(AlarmRule[][] rules) {
        RuleReadings.Reading[][] byCamera = new RuleReadings.Reading[rules.length][];
        for (int camera = 0; camera < rules.length; camera++) {
            AlarmRule[] r = rules[camera] == null ? NONE : rules[camera];
            byCamera[camera] = new RuleReadings.Reading[r.length];
            for (int i = 0; i < r.length; i++) {
                RuleReadings.Kind kind = r[i].readingKind();
                byCamera[camera][i] = kind == null ? null : readings.of(stats.get(camera).cameraId, r[i].name(), kind);
            }
        }
        return byCamera;
    }

    /** Adds each transition of a rule to the frame's alarms. */
    private final class Collector implements AlarmRule.Transitions {
        FrameEvent frame;

        @Override
        public void accept(AlarmRule rule, AlarmRule.Transition transition, AlarmEvent.Detail detail) {
            frame.alarms.add(toEvent(frame, rule, transition, detail));
        }
    }

    /** Takes new rules; raised rules that are not among them wait to be cleared. */
    private void take(AlarmRule[][] newRules) {
        Set<AlarmRule> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (AlarmRule[] rules : newRules) {
            if (rules != null) {
                Collections.addAll(kept, rules);
            }
        }
        for (int camera = 0; camera < rulesByCamera.length; camera++) {
            for (AlarmRule rule : rulesOf(camera)) {
                if (!kept.contains(rule) && raised.containsKey(rule)) {
                    toClear.get(camera).add(rule);
                }
            }
        }
        rulesByCamera = newRules;
        readingsByCamera = readingsOf(newRules);
    }

    private AlarmRule[] rulesOf(int camera) {
        AlarmRule[] rules = rulesByCamera[camera];
        return rules == null ? NONE : rules;
    }

    private AlarmEvent toEvent(FrameEvent e, AlarmRule rule, AlarmRule.Transition t, AlarmEvent.Detail detail) {
        CameraStats s = stats.get(e.cameraIndex);
        AlarmEvent.Type type;
        if (t == AlarmRule.Transition.RAISED) {
            type = AlarmEvent.Type.RAISED;
            s.alarmsRaised.incrementAndGet();
            raised.merge(rule, 1, Integer::sum);
        } else {
            type = AlarmEvent.Type.CLEARED;
            s.alarmsCleared.incrementAndGet();
            raised.computeIfPresent(rule, (r, n) -> n > 1 ? n - 1 : null);
        }
        long seq = ++lastSeqByCamera[e.cameraIndex];
        return new AlarmEvent(UUID.randomUUID().toString(), type, identity.site(), identity.node(), e.cameraId, seq,
                Instant.ofEpochMilli(e.captureEpochMillis), e.frameNumber, rule.name(), e.width, e.height, detail);
    }
}

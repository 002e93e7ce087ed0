package io.linewatch.postprocess;

import io.linewatch.config.StateAlarmConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.ClassResult;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * A state alarm rule on one region of one classification camera, fed one frame at a time, with
 * hysteresis and delays in media time:
 *
 * <pre>
 *   idle   --(p &gt;= raiseAt for onDelaySeconds, cooldown over)--&gt; raised
 *   raised --(p &lt; clearAt for offDelaySeconds)--&gt; idle (cooldown starts)
 * </pre>
 *
 * where {@code p} is the summed probability of the rule's states in the region. Reads the slot's
 * {@link ClassResult}; the probability, most probable state and map peak of the deciding frame are
 * kept for the event. Not thread-safe: driven by the alarm stage's thread.
 */
public final class StateRule implements AlarmRule {

    private static final long UNSET = Long.MIN_VALUE;

    private final Settings settings;
    private final String name;
    private final int region;
    private final String regionName;
    private final int[] stateIds;
    private final List<String> stateNames;
    private final List<String> allStates;
    private final float raiseAt;
    private final float clearAt;
    private final long onDelayMicros;
    private final long offDelayMicros;
    private final long cooldownMicros;

    private boolean raised;
    private long aboveSince = UNSET;
    private long belowSince = UNSET;
    private long clearedAt = UNSET;
    private float lastProbability;
    private int lastState;
    private float lastStateProbability;
    private float lastPeakX = Float.NaN;
    private float lastPeakY = Float.NaN;
    private final int[] lastBox = new int[4];

    /** A rule's config without its camera and region lists, the region it watches and the model's states. */
    private record Settings(StateAlarmConfig config, int region, String regionName, List<String> states) {
    }

    /**
     * @param region     the region's index on its camera
     * @param regionName its name
     * @param states     the model's states, in its order
     */
    public StateRule(StateAlarmConfig config, int region, String regionName, List<String> states) {
        this.settings = new Settings(new StateAlarmConfig(config.name(), config.states(), null, null, config.raiseAt(),
                config.onDelaySeconds(), config.clearAt(), config.offDelaySeconds(), config.cooldownSeconds()), region,
                regionName, List.copyOf(states));
        this.name = config.name();
        this.region = region;
        this.regionName = regionName;
        this.stateNames = List.copyOf(config.states());
        this.allStates = List.copyOf(states);
        this.stateIds = config.states().stream().mapToInt(states::indexOf).toArray();
        this.raiseAt = config.raiseAt().floatValue();
        this.clearAt = config.clearAt().floatValue();
        this.onDelayMicros = Math.round(config.onDelaySeconds() * 1e6);
        this.offDelayMicros = Math.round(config.offDelaySeconds() * 1e6);
        this.cooldownMicros = Math.round(config.cooldownSeconds() * 1e6);
    }

    @Override
    public Transition onFrame(FrameEvent frame) {
        ClassResult c = frame.classes;
        if (region >= c.regions()) {
            return Transition.NONE;
        }
        float p = 0;
        for (int s : stateIds) {
            p += c.probability(region, s);
        }
        long t = frame.mediaMicros;
        Transition result = raised ? whileRaised(p, t) : whileIdle(p, t);
        if (result != Transition.NONE) {
            remember(c, p);
        }
        return result;
    }

    private Transition whileIdle(float p, long t) {
        if (p < raiseAt) {
            aboveSince = UNSET;
            return Transition.NONE;
        }
        if (aboveSince == UNSET) {
            aboveSince = t;
        }
        boolean cooled = clearedAt == UNSET || t - clearedAt >= cooldownMicros;
        if (t - aboveSince >= onDelayMicros && cooled) {
            raised = true;
            belowSince = UNSET;
            return Transition.RAISED;
        }
        return Transition.NONE;
    }

    private Transition whileRaised(float p, long t) {
        if (p >= clearAt) {
            belowSince = UNSET;
            return Transition.NONE;
        }
        if (belowSince == UNSET) {
            belowSince = t;
        }
        if (t - belowSince >= offDelayMicros) {
            raised = false;
            aboveSince = UNSET;
            clearedAt = t;
            return Transition.CLEARED;
        }
        return Transition.NONE;
    }

    private void remember(ClassResult c, float p) {
        lastProbability = p;
        lastState = c.best[region];
        lastStateProbability = c.probability(region, lastState);
        lastPeakX = c.peakX[region];
        lastPeakY = c.peakY[region];
        lastBox[0] = c.boxX[region];
        lastBox[1] = c.boxY[region];
        lastBox[2] = c.boxX[region] + c.boxWidth[region];
        lastBox[3] = c.boxY[region] + c.boxHeight[region];
    }

    @Override
    public AlarmEvent.Detail detail() {
        return new AlarmEvent.StateDetail(regionName, lastBox.clone(), stateNames, lastProbability,
                allStates.get(lastState), lastStateProbability, lastPeakX, lastPeakY);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object settings() {
        return settings;
    }

    public boolean raised() {
        return raised;
    }
}

package io.linewatch.postprocess;

import io.linewatch.config.DefectAlarmConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;
import java.util.ArrayList;
import java.util.List;

/**
 * A defect alarm rule on one inspection camera, fed one frame at a time: raised after
 * {@code raiseFrames} hits in a row (and the cooldown is over), cleared after {@code clearFrames}
 * frames in a row without a hit (see {@link Debounce}).
 *
 * A frame is a hit when it has at least {@code minCount} regions of the rule's class (any class
 * when the rule names none) of at least {@code minAreaMm2} each. Time is the frame's media time, so
 * a replay gives the same result at any speed. The regions of the latest hit are kept (copied into
 * preallocated arrays) for the event. Not thread-safe: driven by the alarm stage's thread.
 */
public final class DefectRule implements AlarmRule {

    /** Class id of a rule that counts every class. */
    public static final int ANY_CLASS = -1;

    private final Settings settings;
    private final String name;
    private final String className;
    private final int classId;
    private final List<String> classNames;
    private final float minAreaMm2;
    private final int minCount;
    private final int raiseFrames;
    private final Debounce debounce;
    private final DefectRegions lastHit;

    private int hitsInRow;
    private int lastCount;

    /** A rule's config without its camera list, the class id it watches and the model's classes. */
    private record Settings(DefectAlarmConfig config, int classId, List<String> classNames, int maxRegions) {
    }

    /**
     * @param classId    the rule's class in the model's order, or {@link #ANY_CLASS}
     * @param classNames the model's classes
     * @param maxRegions most regions a frame carries (the model's {@code max_regions})
     */
    public DefectRule(DefectAlarmConfig config, int classId, List<String> classNames, int maxRegions) {
        this.settings = new Settings(new DefectAlarmConfig(config.name(), config.className(), null, config.minAreaMm2(),
                config.minCount(), config.raiseFrames(), config.clearFrames(), config.cooldownSeconds()), classId,
                List.copyOf(classNames), maxRegions);
        this.name = config.name();
        this.className = config.className();
        this.classId = classId;
        this.classNames = List.copyOf(classNames);
        this.minAreaMm2 = config.minAreaMm2().floatValue();
        this.minCount = config.minCount();
        this.raiseFrames = config.raiseFrames();
        this.debounce = new Debounce(config.clearFrames(), config.cooldownSeconds());
        this.lastHit = new DefectRegions(maxRegions);
    }

    @Override
    public Transition onFrame(FrameEvent frame) {
        return onFrame(frame.defects, frame.mediaMicros);
    }

    /** Feeds one frame's regions (source pixels, mm^2) taken at {@code mediaMicros}. */
    public Transition onFrame(DefectRegions d, long mediaMicros) {
        lastCount = countHits(d);
        boolean hit = lastCount >= minCount;
        if (hit) {
            remember(d);
        }
        hitsInRow = hit ? hitsInRow + 1 : 0;
        Transition t = debounce.onFrame(hit, hitsInRow >= raiseFrames, mediaMicros);
        if (t == Transition.CLEARED) {
            hitsInRow = 0;
        }
        return t;
    }

    private boolean counts(DefectRegions d, int i) {
        return (classId == ANY_CLASS || d.classId[i] == classId) && d.areaMm2[i] >= minAreaMm2;
    }

    private int countHits(DefectRegions d) {
        int n = 0;
        for (int i = 0; i < d.count(); i++) {
            if (counts(d, i)) {
                n++;
            }
        }
        return n;
    }

    private void remember(DefectRegions d) {
        lastHit.clear();
        for (int i = 0; i < d.count(); i++) {
            if (counts(d, i)) {
                lastHit.addFrom(d, i);
            }
        }
    }

    @Override
    public RuleReadings.Kind readingKind() {
        return RuleReadings.Kind.DEFECTS;
    }

    /** The defects of the latest frame that count for the rule (class, area). */
    @Override
    public void read(RuleReadings.Reading out) {
        out.write(lastCount);
    }

    /** The regions of the latest hit (the frame that raised, or the last hit before a clear). */
    @Override
    public AlarmEvent.Detail detail() {
        List<AlarmEvent.DefectDetail.Region> regions = new ArrayList<>(lastHit.count());
        for (int i = 0; i < lastHit.count(); i++) {
            regions.add(new AlarmEvent.DefectDetail.Region(classNames.get(lastHit.classId[i]), lastHit.areaPx[i],
                    lastHit.areaMm2[i], new float[] {lastHit.x1[i], lastHit.y1[i], lastHit.x2[i], lastHit.y2[i]},
                    lastHit.meanProbability[i]));
        }
        return new AlarmEvent.DefectDetail(className, regions);
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
        return debounce.raised();
    }
}

package io.linewatch.postprocess;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;

/**
 * One alarm rule on one camera: a state machine fed that camera's frames one at a time, by the
 * alarm stage's thread (not thread-safe). Each task has its own rules (detections, temperatures,
 * defects); they read the slot fields their task's decode stage wrote and time themselves by the
 * frame's media time, so a replay raises the same alarms at any speed.
 */
public interface AlarmRule {

    /** What a frame did to a rule. */
    enum Transition { NONE, RAISED, CLEARED }

    /** The rule's name, carried by its events. */
    String name();

    /** Feeds one frame that was inferred and decoded. */
    Transition onFrame(FrameEvent frame);

    /** Takes the transitions of a rule, with the task's part of each event. */
    interface Transitions {
        void accept(AlarmRule rule, Transition transition, AlarmEvent.Detail detail);
    }

    /**
     * Feeds one frame and hands each transition it makes to {@code out}: what the alarm stage calls.
     * A rule with one alarm makes at most one ({@link #onFrame(FrameEvent)} and {@link #detail()}, the
     * default); a per-object rule may raise and clear several objects in one frame.
     */
    default void onFrame(FrameEvent frame, Transitions out) {
        Transition t = onFrame(frame);
        if (t != Transition.NONE) {
            out.accept(this, t, detail());
        }
    }

    /**
     * Hands {@code out} a CLEARED for everything the rule holds raised; called once when a reload
     * takes the rule away. Default: one CLEARED with the rule's last detail.
     */
    default void clearAll(Transitions out) {
        out.accept(this, Transition.CLEARED, detail());
    }

    /**
     * The camera's file ended ({@code marker} is its end-of-source slot, whose tracks say which
     * tracks ended): a rule that follows tracks clears what those held raised. Default: nothing
     * (an episode rule keeps its state).
     */
    default void onSourceEnded(FrameEvent marker, Transitions out) {
    }

    /** The task's part of the event for the transition {@link #onFrame} just returned. */
    AlarmEvent.Detail detail();

    /** What the rule measures on each frame ({@link #read} writes it); null: nothing (the default). */
    default RuleReadings.Kind readingKind() {
        return null;
    }

    /**
     * Writes what the last frame fed measured into {@code out} (of {@link #readingKind}): called by
     * the alarm stage right after {@link #onFrame(FrameEvent, Transitions)}; allocates nothing.
     */
    default void read(RuleReadings.Reading out) {
    }

    /**
     * What decides the rule's behaviour on its camera, as a value with {@code equals} (a record of
     * its config; leave out what does not change that, such as the list of cameras the config
     * applies to): a reload keeps this instance, and its state, when the new config builds a rule
     * with equal settings for the same camera; otherwise the new rule starts afresh.
     */
    Object settings();
}

package io.linewatch.postprocess;

/**
 * The raise-and-clear half of a rule fed one frame at a time, shared by the detection and defect
 * rules (each decides what a hit is, and when its hits are enough to raise):
 *
 * <pre>
 *   idle --(a hit, the rule's hits enough, cooldown over)--&gt; raised
 *   raised --(clearFrames frames in a row without a hit)--&gt; idle (cooldown starts)
 * </pre>
 *
 * Time is the frame's media time, so a replay gives the same result at any speed. Not thread-safe:
 * driven by the alarm stage's thread.
 */
final class Debounce {

    private final int clearFrames;
    private final long cooldownMicros;
    private boolean raised;
    private int framesWithoutHit;
    private long clearedAtMicros = Long.MIN_VALUE;

    Debounce(int clearFrames, double cooldownSeconds) {
        this.clearFrames = clearFrames;
        this.cooldownMicros = Math.round(cooldownSeconds * 1e6);
    }

    /**
     * Feeds one frame.
     *
     * @param hit         the frame is a hit
     * @param enough      the rule's hits so far are enough to raise (read only while idle)
     * @param mediaMicros the frame's media time
     */
    AlarmRule.Transition onFrame(boolean hit, boolean enough, long mediaMicros) {
        if (!raised) {
            boolean cooled = clearedAtMicros == Long.MIN_VALUE || mediaMicros - clearedAtMicros >= cooldownMicros;
            if (hit && enough && cooled) {
                raised = true;
                framesWithoutHit = 0;
                return AlarmRule.Transition.RAISED;
            }
            return AlarmRule.Transition.NONE;
        }
        framesWithoutHit = hit ? 0 : framesWithoutHit + 1;
        if (framesWithoutHit >= clearFrames) {
            raised = false;
            clearedAtMicros = mediaMicros;
            return AlarmRule.Transition.CLEARED;
        }
        return AlarmRule.Transition.NONE;
    }

    boolean raised() {
        return raised;
    }
}

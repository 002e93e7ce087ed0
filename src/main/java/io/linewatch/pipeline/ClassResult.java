package io.linewatch.pipeline;

/**
 * What the classify stage wrote into a slot (classification lanes): for each region of the frame's
 * camera, its box in source pixels, the probability of every state, the most probable state, the
 * decided state (the most probable one once it has held long enough) and the peak of the most
 * probable state's class-activation map in source pixels. Arrays are sized once for the lane's most
 * regions; {@link #regions()} says how many this frame uses. Capacity 0 in lanes of other tasks.
 */
public final class ClassResult {

    public final int states;
    /** Region boxes in source pixels: left, top, width, height. */
    public final int[] boxX;
    public final int[] boxY;
    public final int[] boxWidth;
    public final int[] boxHeight;
    /** {@code probabilities[region * states + state]}. */
    public final float[] probabilities;
    /** The most probable state of each region in this frame. */
    public final int[] best;
    /** The decided state of each region after this frame. */
    public final int[] decided;
    /** True where the decided state changed at this frame (also at a region's first frame). */
    public final boolean[] changed;
    /** The peak of the most probable state's map, source pixels; NaN when the model has no map. */
    public final float[] peakX;
    public final float[] peakY;
    private int regions;

    public ClassResult(int maxRegions, int states) {
        this.states = states;
        boxX = new int[maxRegions];
        boxY = new int[maxRegions];
        boxWidth = new int[maxRegions];
        boxHeight = new int[maxRegions];
        probabilities = new float[maxRegions * states];
        best = new int[maxRegions];
        decided = new int[maxRegions];
        changed = new boolean[maxRegions];
        peakX = new float[maxRegions];
        peakY = new float[maxRegions];
    }

    /** Regions this frame carries. */
    public int regions() {
        return regions;
    }

    /** Sets how many regions this frame carries (the classify stage, per frame). */
    public void setRegions(int count) {
        if (count > best.length) {
            throw new IllegalArgumentException(count + " regions, room for " + best.length);
        }
        regions = count;
    }

    /** The probability of {@code state} in region {@code region}. */
    public float probability(int region, int state) {
        return probabilities[region * states + state];
    }
}

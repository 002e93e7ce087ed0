package io.linewatch.pipeline;

/**
 * What the thermal decode stage found in one frame, preallocated per slot. Temperatures are object
 * temperatures in kelvin; positions are source pixels in continuous coordinates (the centre of
 * pixel {@code k} is {@code k + 0.5}). Not thread-safe: written by the decode stage, read by later
 * stages.
 */
public final class ThermalResult {

    /** The model's max, average and min of the frame: a denoised estimate of the scene. */
    public float maxK;
    public float avgK;
    public float minK;

    /** Hotspots from the model's heat map, by descending score. */
    public final float[] hotspotX;
    public final float[] hotspotY;
    public final float[] hotspotScore;
    /** The hottest calibrated pixel within 2 pixels of each hotspot's position. */
    public final float[] hotspotPeakK;
    private int hotspotCount;

    /** The hottest and coldest calibrated pixel of the frame, and where the hottest is. */
    public float pixelMaxK;
    public float pixelMinK;
    public float pixelMaxX;
    public float pixelMaxY;

    public ThermalResult(int maxHotspots) {
        hotspotX = new float[maxHotspots];
        hotspotY = new float[maxHotspots];
        hotspotScore = new float[maxHotspots];
        hotspotPeakK = new float[maxHotspots];
    }

    public int hotspotCount() {
        return hotspotCount;
    }

    public int hotspotCapacity() {
        return hotspotX.length;
    }

    /** Forgets the previous frame's hotspots. */
    public void clearHotspots() {
        hotspotCount = 0;
    }

    /**
     * Keeps a hotspot if it is among the {@link #hotspotCapacity()} best scores so far, in score
     * order; returns its index, or -1 when it is not kept.
     */
    public int offerHotspot(float x, float y, float score) {
        int at = hotspotCount;
        while (at > 0 && hotspotScore[at - 1] < score) {
            at--;
        }
        if (at >= hotspotX.length) {
            return -1;
        }
        int last = Math.min(hotspotCount, hotspotX.length - 1);
        for (int i = last; i > at; i--) {
            hotspotX[i] = hotspotX[i - 1];
            hotspotY[i] = hotspotY[i - 1];
            hotspotScore[i] = hotspotScore[i - 1];
            hotspotPeakK[i] = hotspotPeakK[i - 1];
        }
        hotspotX[at] = x;
        hotspotY[at] = y;
        hotspotScore[at] = score;
        hotspotPeakK[at] = Float.NaN;
        hotspotCount = Math.min(hotspotCount + 1, hotspotX.length);
        return at;
    }

    /** The index of the hotspot with the highest peak temperature, or -1 when there is none. */
    public int hottestHotspot() {
        int best = -1;
        for (int i = 0; i < hotspotCount; i++) {
            if (best < 0 || hotspotPeakK[i] > hotspotPeakK[best]) {
                best = i;
            }
        }
        return best;
    }
}

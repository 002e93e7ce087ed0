package io.linewatch.pipeline;

/**
 * A preallocated list of defect regions, struct-of-arrays, largest first: one connected component
 * of a segmentation mask each, so that the segment stage allocates nothing per frame. Boxes are
 * {@code x1, y1, x2, y2} corners in source pixels (continuous coordinates, {@code x2}/{@code y2}
 * exclusive). Not thread-safe; owned by the slot or stage that holds it.
 */
public final class DefectRegions {

    /** Class index in the model's class order: the class of highest mean probability over the region. */
    public final int[] classId;
    /** Area in source pixels (model pixels / letterbox scale squared). */
    public final float[] areaPx;
    /** Area on the product surface, mm^2 (the camera's {@code mm_per_pixel} squared times {@link #areaPx}). */
    public final float[] areaMm2;
    public final float[] x1;
    public final float[] y1;
    public final float[] x2;
    public final float[] y2;
    /** Mean probability of the region's class over its pixels. */
    public final float[] meanProbability;
    private int count;

    public DefectRegions(int capacity) {
        classId = new int[capacity];
        areaPx = new float[capacity];
        areaMm2 = new float[capacity];
        x1 = new float[capacity];
        y1 = new float[capacity];
        x2 = new float[capacity];
        y2 = new float[capacity];
        meanProbability = new float[capacity];
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return classId.length;
    }

    public void clear() {
        count = 0;
    }

    /** Appends a region; returns false (and keeps nothing) when full. */
    public boolean add(int cls, float area, float areaSquareMm, float bx1, float by1, float bx2, float by2,
                       float probability) {
        if (count == classId.length) {
            return false;
        }
        set(count++, cls, area, areaSquareMm, bx1, by1, bx2, by2, probability);
        return true;
    }

    /** Copies region {@code i} of {@code from} to the end of this list; false when full. */
    public boolean addFrom(DefectRegions from, int i) {
        return add(from.classId[i], from.areaPx[i], from.areaMm2[i], from.x1[i], from.y1[i], from.x2[i], from.y2[i],
                from.meanProbability[i]);
    }

    private void set(int i, int cls, float area, float areaSquareMm, float bx1, float by1, float bx2, float by2,
                     float probability) {
        classId[i] = cls;
        areaPx[i] = area;
        areaMm2[i] = areaSquareMm;
        x1[i] = bx1;
        y1[i] = by1;
        x2[i] = bx2;
        y2[i] = by2;
        meanProbability[i] = probability;
    }
}

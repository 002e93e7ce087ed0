package io.linewatch.pipeline;

/**
 * A preallocated list of boxes, struct-of-arrays, so that decoding and NMS allocate nothing per
 * frame. Boxes are {@code x1, y1, x2, y2} corners. Not thread-safe; owned by the slot or stage that
 * holds it.
 */
public final class Detections {

    public final float[] x1;
    public final float[] y1;
    public final float[] x2;
    public final float[] y2;
    public final float[] score;
    public final int[] classId;
    /** The output anchor (column or row) each box was decoded from, or -1: where its mask coefficients are. */
    public final int[] anchor;
    private int count;

    public Detections(int capacity) {
        x1 = new float[capacity];
        y1 = new float[capacity];
        x2 = new float[capacity];
        y2 = new float[capacity];
        score = new float[capacity];
        classId = new int[capacity];
        anchor = new int[capacity];
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return score.length;
    }

    public void clear() {
        count = 0;
    }

    /** Appends a box; returns false (and keeps nothing) when full. */
    public boolean add(float bx1, float by1, float bx2, float by2, float s, int cls) {
        return add(bx1, by1, bx2, by2, s, cls, -1);
    }

    /** Appends a box decoded from output anchor {@code anchorIndex}; returns false (and keeps nothing) when full. */
    public boolean add(float bx1, float by1, float bx2, float by2, float s, int cls, int anchorIndex) {
        if (count == score.length) {
            return false;
        }
        x1[count] = bx1;
        y1[count] = by1;
        x2[count] = bx2;
        y2[count] = by2;
        score[count] = s;
        classId[count] = cls;
        anchor[count] = anchorIndex;
        count++;
        return true;
    }

    /** Copies box {@code i} of {@code from} to the end of this list. */
    public boolean addFrom(Detections from, int i) {
        return add(from.x1[i], from.y1[i], from.x2[i], from.y2[i], from.score[i], from.classId[i], from.anchor[i]);
    }
}

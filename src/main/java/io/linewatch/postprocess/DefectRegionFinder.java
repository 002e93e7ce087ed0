package io.linewatch.postprocess;

import io.linewatch.pipeline.DefectRegions;
import java.nio.FloatBuffer;

/**
 * Turns a per-class probability mask {@code [C, H, W]} into defect regions: a pixel is foreground
 * when any class reaches the threshold (the union over classes); 8-connected foreground pixels form
 * one region (two-pass labelling with union-find); each region gets its pixel count, bounding box,
 * the class of highest mean probability over its pixels and that mean. Regions under
 * {@code minAreaPx} are dropped and the {@code maxRegions} largest kept, largest first. All working
 * memory is allocated here, once; a frame allocates nothing. Not thread-safe: one per segment stage.
 */
public final class DefectRegionFinder {

    private final int classes;
    private final int height;
    private final int width;
    private final float threshold;
    private final int minAreaPx;
    private final int maxRegions;
    /** Provisional label of each pixel (0: background), row-major. */
    private final int[] labels;
    /** Union-find forest over provisional labels; a root is its own parent. */
    private final int[] parent;
    /** Compact region id of each root label, -1 until seen in the second pass. */
    private final int[] regionOf;
    private final int[] area;
    private final int[] minX;
    private final int[] minY;
    private final int[] maxX;
    private final int[] maxY;
    /** Per region and class, the sum of that class's probability: {@code [region * classes + c]}. */
    private final float[] probabilitySum;
    /** The kept regions' ids, largest first. */
    private final int[] kept;
    private int nextLabel;
    private int regions;

    /**
     * @param classes    mask channels, one per class
     * @param threshold  lowest probability that marks a pixel
     * @param minAreaPx  smallest region kept, in mask pixels
     * @param maxRegions most regions kept
     */
    public DefectRegionFinder(int classes, int height, int width, float threshold, int minAreaPx, int maxRegions) {
        this.classes = classes;
        this.height = height;
        this.width = width;
        this.threshold = threshold;
        this.minAreaPx = minAreaPx;
        this.maxRegions = maxRegions;
        int pixels = height * width;
        // Every new label needs a background pixel before it in its row, so there are fewer than
        // pixels / 2 + 2 of them; one per pixel keeps the bound obvious.
        labels = new int[pixels];
        parent = new int[pixels + 1];
        regionOf = new int[pixels + 1];
        area = new int[pixels + 1];
        minX = new int[pixels + 1];
        minY = new int[pixels + 1];
        maxX = new int[pixels + 1];
        maxY = new int[pixels + 1];
        probabilitySum = new float[(pixels + 1) * classes];
        kept = new int[maxRegions];
    }

    /**
     * Finds the regions of {@code mask} (read from its position 0, {@code [C, H, W]} row-major)
     * inside the rectangle {@code [left, right) x [top, bottom)} of mask pixels (the letterboxed
     * frame; the border is ignored) and writes them to {@code out} in mask pixels: area = pixel
     * count, box corners on pixel edges. Clears {@code out} first.
     */
    public void find(FloatBuffer mask, int left, int top, int right, int bottom, DefectRegions out) {
        out.clear();
        int l = Math.max(0, left);
        int t = Math.max(0, top);
        int r = Math.min(width, right);
        int b = Math.min(height, bottom);
        if (l >= r || t >= b) {
            return;
        }
        label(mask, l, t, r, b);
        measure(mask, l, t, r, b);
        select();
        for (int k = 0; k < out.capacity() && k < kept.length && kept[k] >= 0; k++) {
            addRegion(kept[k], out);
        }
    }

    /** First pass: provisional labels, equivalences merged in the forest. */
    private void label(FloatBuffer mask, int l, int t, int r, int b) {
        nextLabel = 1;
        for (int y = t; y < b; y++) {
            int row = y * width;
            for (int x = l; x < r; x++) {
                int i = row + x;
                if (!foreground(mask, i)) {
                    labels[i] = 0;
                    continue;
                }
                int label = 0;
                if (x > l) {
                    label = join(label, labels[i - 1]);
                }
                if (y > t) {
                    int above = i - width;
                    label = join(label, labels[above]);
                    if (x > l) {
                        label = join(label, labels[above - 1]);
                    }
                    if (x + 1 < r) {
                        label = join(label, labels[above + 1]);
                    }
                }
                if (label == 0) {
                    label = nextLabel++;
                    parent[label] = label;
                    regionOf[label] = -1;
                }
                labels[i] = label;
            }
        }
    }

    private boolean foreground(FloatBuffer mask, int i) {
        int plane = height * width;
        for (int c = 0; c < classes; c++) {
            if (mask.get(c * plane + i) >= threshold) {
                return true;
            }
        }
        return false;
    }

    /** The label a pixel takes given one more neighbour's: the two sets merged when both are set. */
    private int join(int label, int neighbour) {
        if (neighbour == 0) {
            return label;
        }
        if (label == 0) {
            return neighbour;
        }
        int a = root(label);
        int c = root(neighbour);
        if (a != c) {
            parent[Math.max(a, c)] = Math.min(a, c);
        }
        return label;
    }

    private int root(int label) {
        int x = label;
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /** Second pass: each root becomes a region; area, box and class sums accumulated. */
    private void measure(FloatBuffer mask, int l, int t, int r, int b) {
        regions = 0;
        int plane = height * width;
        for (int y = t; y < b; y++) {
            int row = y * width;
            for (int x = l; x < r; x++) {
                int i = row + x;
                if (labels[i] == 0) {
                    continue;
                }
                int root = root(labels[i]);
                int id = regionOf[root];
                if (id < 0) {
                    id = newRegion(root, x, y);
                }
                area[id]++;
                minX[id] = Math.min(minX[id], x);
                maxX[id] = Math.max(maxX[id], x);
                maxY[id] = y;
                int sums = id * classes;
                for (int c = 0; c < classes; c++) {
                    probabilitySum[sums + c] += mask.get(c * plane + i);
                }
            }
        }
    }

    private int newRegion(int root, int x, int y) {
        int id = regions++;
        regionOf[root] = id;
        area[id] = 0;
        minX[id] = x;
        maxX[id] = x;
        minY[id] = y;
        maxY[id] = y;
        java.util.Arrays.fill(probabilitySum, id * classes, (id + 1) * classes, 0f);
        return id;
    }

    /** The largest regions of at least {@code minAreaPx}, largest first (ties: first found first). */
    private void select() {
        java.util.Arrays.fill(kept, -1);
        int n = 0;
        for (int id = 0; id < regions; id++) {
            if (area[id] < minAreaPx || (n == maxRegions && area[id] <= area[kept[n - 1]])) {
                continue;
            }
            int at = Math.min(n, maxRegions - 1);
            while (at > 0 && area[kept[at - 1]] < area[id]) {
                kept[at] = kept[at - 1];
                at--;
            }
            kept[at] = id;
            n = Math.min(n + 1, maxRegions);
        }
    }

    private void addRegion(int id, DefectRegions out) {
        int sums = id * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (probabilitySum[sums + c] > probabilitySum[sums + best]) {
                best = c;
            }
        }
        out.add(best, area[id], 0f, minX[id], minY[id], maxX[id] + 1, maxY[id] + 1,
                probabilitySum[sums + best] / area[id]);
    }
}

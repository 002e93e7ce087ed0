package io.linewatch.pipeline;

import java.util.Arrays;

/**
 * An optimal assignment (minimum total cost) of the rows of a cost matrix to its columns: the
 * Hungarian method in its shortest-augmenting-path form with row and column potentials (Jonker and
 * Volgenant's, as written compactly in e-maxx), O(n² m) for n rows and m columns, on arrays
 * allocated once for the largest problem. A matrix with more rows than columns is solved
 * transposed. In the ground because both the tracker and the track evaluation use it. Not
 * thread-safe; one per stage.
 */
public final class Assignment {

    private final float[] cost;
    private final float[] u;
    private final float[] v;
    private final float[] minv;
    private final int[] p;
    private final int[] way;
    private final boolean[] used;
    private int rows;
    private int cols;

    public Assignment(int maxRows, int maxCols) {
        int n = Math.max(maxRows, maxCols) + 1;
        this.cost = new float[maxRows * maxCols];
        this.u = new float[n];
        this.v = new float[n];
        this.minv = new float[n];
        this.p = new int[n];
        this.way = new int[n];
        this.used = new boolean[n];
    }

    /** Starts a problem of {@code rows} by {@code cols}; set every cost before {@link #solve}. */
    public void reset(int rows, int cols) {
        if ((long) rows * cols > cost.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " is larger than this solver's " + cost.length);
        }
        this.rows = rows;
        this.cols = cols;
    }

    /** Sets the cost of giving column {@code c} to row {@code r}. */
    public void set(int r, int c, float value) {
        cost[r * cols + c] = value;
    }

    /**
     * Solves the problem set since {@link #reset}: {@code rowToCol[r]} becomes the column given to
     * row {@code r}, or -1 when there are fewer columns than rows and row {@code r} gets none.
     */
    public void solve(int[] rowToCol) {
        Arrays.fill(rowToCol, 0, rows, -1);
        if (rows == 0 || cols == 0) {
            return;
        }
        boolean transposed = rows > cols;
        int n = transposed ? cols : rows;
        int m = transposed ? rows : cols;
        Arrays.fill(u, 0, n + 1, 0f);
        Arrays.fill(v, 0, m + 1, 0f);
        Arrays.fill(p, 0, m + 1, 0);
        for (int i = 1; i <= n; i++) {
            augment(i, m, transposed);
        }
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                if (transposed) {
                    rowToCol[j - 1] = p[j] - 1;
                } else {
                    rowToCol[p[j] - 1] = j - 1;
                }
            }
        }
    }

    /** Adds row {@code i} to the assignment along a shortest augmenting path, keeping the potentials. */
    private void augment(int i, int m, boolean transposed) {
        p[0] = i;
        int j0 = 0;
        Arrays.fill(minv, 0, m + 1, Float.POSITIVE_INFINITY);
        Arrays.fill(used, 0, m + 1, false);
        do {
            used[j0] = true;
            int i0 = p[j0];
            float delta = Float.POSITIVE_INFINITY;
            int j1 = 0;
            for (int j = 1; j <= m; j++) {
                if (!used[j]) {
                    float c = (transposed ? cost[(j - 1) * cols + i0 - 1] : cost[(i0 - 1) * cols + j - 1]) - u[i0] - v[j];
                    if (c < minv[j]) {
                        minv[j] = c;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for (int j = 0; j <= m; j++) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            int j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0 != 0);
    }
}

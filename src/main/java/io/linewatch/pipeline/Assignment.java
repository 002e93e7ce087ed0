package io.linewatch.pipeline;

import java.util.Arrays;

/**
 * An optimal assignment (minimum total cost) of the rows of a cost matrix to its columns, where
 * costs at or above a bound are forbidden: the pairs a row may take form a bipartite graph, each
 * connected part of it is solved on its own by the Hungarian method in its shortest-augmenting-path
 * form with row and column potentials (Jonker and Volgenant's, as written compactly in e-maxx),
 * O(k³) for a part of k rows and columns. Tracking gives many small parts (each object near its
 * own boxes), so a frame of 200 objects costs about as much as 200 tiny problems, not one of 200².
 * All arrays are allocated once for the largest problem. In the ground because both the tracker
 * and the track evaluation use it. Not thread-safe; one per stage.
 */
public final class Assignment {

    private final float[] cost;
    private final float[] sub;
    private final int[] parent;
    private final int[] start;
    private final int[] members;
    private final int[] partRows;
    private final int[] partCols;
    private final int[] partRowToCol;
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
        this.sub = new float[maxRows * maxCols];
        this.parent = new int[maxRows + maxCols];
        this.start = new int[maxRows + maxCols + 1];
        this.members = new int[maxRows + maxCols];
        this.partRows = new int[maxRows];
        this.partCols = new int[maxCols];
        this.partRowToCol = new int[n];
        this.u = new float[n];
        this.v = new float[n];
        this.minv = new float[n];
        this.p = new int[n];
        this.way = new int[n];
        this.used = new boolean[n];
    }

    /** Starts a problem of {@code rows} by {@code cols}; set every cost before {@link #solve}. */
    public void reset(int rows, int cols) {
        if ((long) rows * cols > cost.length || rows > partRows.length || cols > partCols.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " is larger than this solver's "
                    + partRows.length + "x" + partCols.length);
        }
        this.rows = rows;
        this.cols = cols;
    }

    /** Sets the cost of giving column {@code c} to row {@code r}. */
    public void set(int r, int c, float value) {
        cost[r * cols + c] = value;
    }

    /**
     * Solves the problem set since {@link #reset}: {@code rowToCol[r]} becomes the column given to row
     * {@code r}, or -1 when it gets none. Pairs costing {@code forbidden} or more are never given;
     * among the others the total cost of the pairs given is the least possible for the most pairs
     * each connected part allows.
     */
    public void solve(int[] rowToCol, float forbidden) {
        Arrays.fill(rowToCol, 0, rows, -1);
        int nodes = rows + cols;
        for (int i = 0; i < nodes; i++) {
            parent[i] = i;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (cost[r * cols + c] < forbidden) {
                    union(r, rows + c);
                }
            }
        }
        groupByPart(nodes);
        for (int root = 0; root < nodes; root++) {
            solvePart(root, rowToCol, forbidden);
        }
    }

    /** Sorts the nodes by the root of their part (counting sort): part {@code x} is {@code members[start[x]..start[x+1])}. */
    private void groupByPart(int nodes) {
        Arrays.fill(start, 0, nodes + 1, 0);
        for (int i = 0; i < nodes; i++) {
            parent[i] = find(i);
            start[parent[i] + 1]++;
        }
        for (int i = 0; i < nodes; i++) {
            start[i + 1] += start[i];
        }
        for (int i = 0; i < nodes; i++) {
            members[start[parent[i]]++] = i; // parent[i] is its root after find
        }
        for (int i = nodes; i > 0; i--) {
            start[i] = start[i - 1];
        }
        start[0] = 0;
    }

    private void solvePart(int root, int[] rowToCol, float forbidden) {
        int nr = 0;
        int nc = 0;
        for (int k = start[root]; k < start[root + 1]; k++) {
            int node = members[k];
            if (node < rows) {
                partRows[nr++] = node;
            } else {
                partCols[nc++] = node - rows;
            }
        }
        if (nr == 0 || nc == 0) {
            return;
        }
        if (nr == 1 && nc == 1) {
            rowToCol[partRows[0]] = partCols[0];
            return;
        }
        for (int a = 0; a < nr; a++) {
            for (int b = 0; b < nc; b++) {
                sub[a * nc + b] = Math.min(cost[partRows[a] * cols + partCols[b]], forbidden);
            }
        }
        hungarian(sub, nr, nc, partRowToCol);
        for (int a = 0; a < nr; a++) {
            int b = partRowToCol[a];
            if (b >= 0 && sub[a * nc + b] < forbidden) {
                rowToCol[partRows[a]] = partCols[b];
            }
        }
    }

    private int find(int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    /** The Hungarian method on {@code a} ({@code nr} by {@code nc}, row-major); a matrix with more rows is solved transposed. */
    private void hungarian(float[] a, int nr, int nc, int[] out) {
        Arrays.fill(out, 0, nr, -1);
        boolean transposed = nr > nc;
        int n = transposed ? nc : nr;
        int m = transposed ? nr : nc;
        Arrays.fill(u, 0, n + 1, 0f);
        Arrays.fill(v, 0, m + 1, 0f);
        Arrays.fill(p, 0, m + 1, 0);
        for (int i = 1; i <= n; i++) {
            augment(a, nc, i, m, transposed);
        }
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                if (transposed) {
                    out[j - 1] = p[j] - 1;
                } else {
                    out[p[j] - 1] = j - 1;
                }
            }
        }
    }

    /** Adds row {@code i} to the assignment along a shortest augmenting path, keeping the potentials. */
    private void augment(float[] a, int stride, int i, int m, boolean transposed) {
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
                    float c = (transposed ? a[(j - 1) * stride + i0 - 1] : a[(i0 - 1) * stride + j - 1]) - u[i0] - v[j];
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

package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The assignment is optimal (checked against every partial matching), square or not, with forbidden
 * pairs, where greedy is not; and a sparse 300-object frame splits into parts.
 */
class AssignmentTest {

    @Test
    void beatsGreedyWhereTheCheapestPairIsATrap() {
        Assignment a = new Assignment(2, 2);
        a.reset(2, 2);
        a.set(0, 0, 0.1f);
        a.set(0, 1, 0.2f);
        a.set(1, 0, 0.15f);
        a.set(1, 1, 0.9f);
        int[] rowToCol = new int[2];
        a.solve(rowToCol, 1f);
        assertThat(rowToCol).containsExactly(1, 0);
    }

    @Test
    void equalsTheBestMatchingOnRandomMatricesOfEveryShape() {
        Random random = new Random(13);
        Assignment a = new Assignment(6, 6);
        int[] rowToCol = new int[6];
        for (int trial = 0; trial < 500; trial++) {
            int rows = 1 + random.nextInt(6);
            int cols = 1 + random.nextInt(6);
            float[][] c = new float[rows][cols];
            a.reset(rows, cols);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    c[r][k] = random.nextInt(2) == 0 ? 1f + random.nextInt(3) : random.nextFloat() * 0.99f;
                    a.set(r, k, c[r][k]);
                }
            }
            a.solve(rowToCol, 1f);
            float gain = 0;
            boolean[] taken = new boolean[cols];
            for (int r = 0; r < rows; r++) {
                if (rowToCol[r] >= 0) {
                    assertThat(taken[rowToCol[r]]).as("column given twice").isFalse();
                    assertThat(c[r][rowToCol[r]]).as("a forbidden pair given").isLessThan(1f);
                    taken[rowToCol[r]] = true;
                    gain += c[r][rowToCol[r]] - 1f;
                }
            }
            assertThat(gain).as("trial %d, %dx%d", trial, rows, cols).isCloseTo(best(c, 0, new boolean[cols]),
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void aSparseFrameOfThreeHundredObjectsIsSolvedPartByPart() {
        int n = 300;
        Assignment a = new Assignment(n, n);
        a.reset(n, n);
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < n; k++) {
                a.set(r, k, r == k ? 0.1f : (r / 2 == k / 2 ? 0.5f : 1f)); // pairs of neighbours
            }
        }
        int[] rowToCol = new int[n];
        a.solve(rowToCol, 1f);
        for (int r = 0; r < n; r++) {
            assertThat(rowToCol[r]).isEqualTo(r);
        }
    }

    /** The least sum of (cost - 1) over the allowed pairs (cost < 1) of any matching from {@code row} on. */
    private static float best(float[][] c, int row, boolean[] taken) {
        if (row == c.length) {
            return 0;
        }
        float best = best(c, row + 1, taken); // this row gets nothing
        for (int k = 0; k < c[0].length; k++) {
            if (!taken[k] && c[row][k] < 1f) {
                taken[k] = true;
                best = Math.min(best, c[row][k] - 1f + best(c, row + 1, taken));
                taken[k] = false;
            }
        }
        return best;
    }
}

package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The assignment is optimal (checked against every permutation), square or not, where greedy is not. */
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
        a.solve(rowToCol);
        assertThat(rowToCol).containsExactly(1, 0);
    }

    @Test
    void equalsTheBestPermutationOnRandomMatricesOfEveryShape() {
        Random random = new Random(13);
        Assignment a = new Assignment(6, 6);
        int[] rowToCol = new int[6];
        for (int trial = 0; trial < 300; trial++) {
            int rows = 1 + random.nextInt(6);
            int cols = 1 + random.nextInt(6);
            float[][] c = new float[rows][cols];
            a.reset(rows, cols);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    c[r][k] = random.nextInt(4) == 0 ? 1f : random.nextFloat();
                    a.set(r, k, c[r][k]);
                }
            }
            a.solve(rowToCol);
            float total = 0;
            boolean[] taken = new boolean[cols];
            int assigned = 0;
            for (int r = 0; r < rows; r++) {
                if (rowToCol[r] >= 0) {
                    assertThat(taken[rowToCol[r]]).as("column given twice").isFalse();
                    taken[rowToCol[r]] = true;
                    total += c[r][rowToCol[r]];
                    assigned++;
                }
            }
            assertThat(assigned).isEqualTo(Math.min(rows, cols));
            assertThat(total).as("trial %d, %dx%d", trial, rows, cols).isCloseTo(best(c, 0, new boolean[cols]),
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    /** The least total over all ways to give each row (or each column, when fewer) its own partner. */
    private static float best(float[][] c, int row, boolean[] taken) {
        int rows = c.length;
        int cols = c[0].length;
        if (row == rows) {
            return 0;
        }
        float best = Float.POSITIVE_INFINITY;
        int free = 0;
        for (boolean t : taken) {
            free += t ? 0 : 1;
        }
        if (rows - row > free) { // more rows left than columns: this row may go without
            best = best(c, row + 1, taken);
        }
        for (int k = 0; k < cols; k++) {
            if (!taken[k]) {
                taken[k] = true;
                best = Math.min(best, c[row][k] + best(c, row + 1, taken));
                taken[k] = false;
            }
        }
        return best;
    }
}

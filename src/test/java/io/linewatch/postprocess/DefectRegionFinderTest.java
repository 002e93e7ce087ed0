package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEventFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connected components on hand-drawn masks: one character a pixel. */
class DefectRegionFinderTest {

    private static final int CLASSES = 4;
    private static final float ON = 0.9f;
    private static final float OFF = 0.1f;

    /**
     * A {@code [4, H, W]} mask from rows of text: '.' is background (every class at 0.1), '0'..'3'
     * a pixel of that class at 0.9 (the others at 0.1).
     */
    private static FloatBuffer mask(String... rows) {
        int h = rows.length;
        int w = rows[0].length();
        FloatBuffer m = FrameEventFactory.directFloats((long) CLASSES * h * w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                char ch = rows[y].charAt(x);
                for (int c = 0; c < CLASSES; c++) {
                    m.put(c * h * w + y * w + x, ch == (char) ('0' + c) ? ON : OFF);
                }
            }
        }
        return m;
    }

    private static DefectRegions find(int minArea, int maxRegions, String... rows) {
        DefectRegions out = new DefectRegions(maxRegions);
        new DefectRegionFinder(CLASSES, rows.length, rows[0].length(), 0.5f, minArea, maxRegions)
                .find(mask(rows), 0, 0, rows[0].length(), rows.length, out);
        return out;
    }

    /** "class area [x1,y1,x2,y2]" per region, in the order found. */
    private static List<String> describe(DefectRegions d) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.count(); i++) {
            out.add(String.format("%d %d [%d,%d,%d,%d]", d.classId[i], (int) d.areaPx[i], (int) d.x1[i], (int) d.y1[i],
                    (int) d.x2[i], (int) d.y2[i]));
        }
        return out;
    }

    @Test
    void diagonalNeighboursAreOneRegionAndBoxesEndOnPixelEdges() {
        DefectRegions d = find(1, 8,
                "........",
                ".0......",
                "..0.....",
                "...0..1.",
                "......1.");
        assertThat(describe(d)).containsExactly("0 3 [1,1,4,4]", "1 2 [6,3,7,5]");
    }

    @Test
    void armsThatMeetLowerDownMergeIntoOneRegion() {
        // The two arms of the U and the arms of the W start as separate labels; the rows below join them.
        DefectRegions d = find(1, 8,
                "0..0..2.2.2",
                "0..0..2.2.2",
                "0000...2.2.",
                "........2..");
        assertThat(describe(d)).containsExactly("2 9 [6,0,11,4]", "0 8 [0,0,4,3]");
    }

    @Test
    void aRegionIsTheUnionOverClassesAndTakesTheClassOfHighestMeanProbability() {
        DefectRegions d = find(1, 8,
                "......",
                ".1133.",
                ".1113.",
                "......");
        assertThat(d.count()).isEqualTo(1);
        assertThat(d.classId[0]).isEqualTo(1);
        assertThat(d.areaPx[0]).isEqualTo(8f);
        // class 1: 5 pixels at 0.9 and 3 at 0.1 -> mean (4.5 + 0.3) / 8 = 0.6
        assertThat(d.meanProbability[0]).isCloseTo(0.6f, within(1e-6f));
    }

    @Test
    void smallRegionsAreDroppedAndOnlyTheLargestKeptLargestFirst() {
        String[] rows = {
            "0.11.222.3333",
            "..11.222.3333",
            ".....222.....",
        };
        assertThat(describe(find(1, 8, rows))).containsExactly("2 9 [5,0,8,3]", "3 8 [9,0,13,2]", "1 4 [2,0,4,2]",
                "0 1 [0,0,1,1]");
        assertThat(describe(find(4, 8, rows))).containsExactly("2 9 [5,0,8,3]", "3 8 [9,0,13,2]", "1 4 [2,0,4,2]");
        assertThat(describe(find(1, 2, rows))).containsExactly("2 9 [5,0,8,3]", "3 8 [9,0,13,2]");
    }

    @Test
    void pixelsOutsideTheLetterboxedFrameAreIgnored() {
        String[] rows = {
            "00000000",
            "........",
            "...11...",
            "........",
            "33333333",
        };
        DefectRegions out = new DefectRegions(8);
        new DefectRegionFinder(CLASSES, 5, 8, 0.5f, 1, 8).find(mask(rows), 0, 1, 8, 4, out);
        assertThat(describe(out)).containsExactly("1 2 [3,2,5,3]");
    }

    @Test
    void aNoisyFullMaskIsOneRegionAndAnEmptyOneNone() {
        assertThat(describe(find(1, 4, "0101", "2323", "0000"))).containsExactly("0 12 [0,0,4,3]");
        assertThat(find(1, 4, "....", "....").count()).isZero();
    }

    @Test
    void theSameFinderGivesTheSameAnswerFrameAfterFrame() {
        DefectRegionFinder finder = new DefectRegionFinder(CLASSES, 3, 6, 0.5f, 1, 8);
        FloatBuffer first = mask("00..11", "00..11", "......");
        FloatBuffer second = mask("......", ".2222.", "......");
        DefectRegions out = new DefectRegions(8);
        for (int round = 0; round < 3; round++) {
            finder.find(first, 0, 0, 6, 3, out);
            assertThat(describe(out)).containsExactly("0 4 [0,0,2,2]", "1 4 [4,0,6,2]");
            finder.find(second, 0, 0, 6, 3, out);
            assertThat(describe(out)).containsExactly("2 4 [1,1,5,2]");
        }
    }
}

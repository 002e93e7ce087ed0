package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.pipeline.Detections;
import org.junit.jupiter.api.Test;

class NmsTest {

    private final Detections candidates = new Detections(16);
    private final Detections kept = new Detections(16);

    @Test
    void suppressesTheWeakerOfTwoOverlappingBoxesOfOneClass() {
        candidates.add(0, 0, 10, 10, 0.8f, 0);
        candidates.add(1, 0, 11, 10, 0.9f, 0);   // IoU with the first: 90/110 = 0.82
        candidates.add(20, 20, 30, 30, 0.5f, 0); // apart
        new Nms(0.45f, false, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(2);
        assertThat(kept.score[0]).isEqualTo(0.9f);
        assertThat(kept.x1[0]).isEqualTo(1f);
        assertThat(kept.score[1]).isEqualTo(0.5f);
    }

    @Test
    void keepsBoxesBelowTheIouThreshold() {
        candidates.add(0, 0, 10, 10, 0.9f, 0);
        candidates.add(5, 0, 15, 10, 0.8f, 0); // IoU 50/150 = 0.33
        new Nms(0.45f, false, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(2);
        new Nms(0.3f, false, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(1);
    }

    @Test
    void classAwareKeepsOverlapsOfOtherClassesClassAgnosticDoesNot() {
        candidates.add(0, 0, 10, 10, 0.9f, 0);
        candidates.add(0, 0, 10, 10, 0.7f, 1);
        new Nms(0.45f, false, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(2);
        new Nms(0.45f, true, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(1);
        assertThat(kept.classId[0]).isZero();
    }

    @Test
    void capsAtMaxDetectionsKeepingTheBest() {
        for (int i = 0; i < 10; i++) {
            candidates.add(i * 20, 0, i * 20 + 10, 10, 0.1f * i, 0);
        }
        new Nms(0.45f, false, 3, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(3);
        assertThat(kept.score[0]).isEqualTo(0.1f * 9);
        assertThat(kept.score[2]).isEqualTo(0.1f * 7);
    }

    @Test
    void chainedOverlapsSuppressOnlyWhatAKeptBoxCovers() {
        // A (best) overlaps B; B overlaps C; A and C are apart: B goes, C stays.
        candidates.add(0, 0, 10, 10, 0.9f, 0);
        candidates.add(2, 0, 12, 10, 0.8f, 0);
        candidates.add(9, 0, 19, 10, 0.7f, 0);
        new Nms(0.45f, false, 100, 16).apply(candidates, kept);
        assertThat(kept.count()).isEqualTo(2);
        assertThat(kept.score).startsWith(0.9f, 0.7f);
    }
}

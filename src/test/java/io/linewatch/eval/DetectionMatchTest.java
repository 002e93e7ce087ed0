package io.linewatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection evaluator on hand-made frames whose counts are worked out by hand. */
class DetectionMatchTest {

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    @Test
    void iouOfTwoBoxes() {
        assertThat(DetectionMatch.iou(new double[] {0, 0, 10, 10}, new double[] {0, 0, 10, 10})).isEqualTo(1.0);
        assertThat(DetectionMatch.iou(new double[] {0, 0, 10, 10}, new double[] {5, 0, 15, 10})).isCloseTo(50.0 / 150, within(1e-12));
        assertThat(DetectionMatch.iou(new double[] {0, 0, 10, 10}, new double[] {10, 0, 20, 10})).isZero();
    }

    /**
     * Frame 0: one exact hit, a duplicate of it, a box on the foreign object with the wrong class.
     * Frame 1: a box overlapping its object by IoU 1/3 only. Frame 3: no truth, one detection.
     * Frame 4: two detections of one object; the higher score takes it, though the lower fits better.
     * Another camera's perfect detections do not count. tp 2, fp 5, fn 2.
     */
    @Test
    void countsHitsDuplicatesWrongClassesPoorOverlapsAndFramesWithoutTruth() throws Exception {
        Path truth = file("truth.jsonl",
                "{\"frame\": 0, \"objects\": [{\"class\": \"product\", \"box\": [0, 0, 10, 10]},"
                        + " {\"class\": \"foreign_object\", \"box\": [20, 20, 30, 30]}]}",
                "{\"frame\": 1, \"objects\": [{\"class\": \"product\", \"box\": [0, 0, 10, 10]}]}",
                "",
                "{\"frame\": 4, \"objects\": [{\"class\": \"product\", \"box\": [0, 0, 10, 10]}]}");
        Path found = file("found.jsonl",
                "{\"camera\": \"a\", \"frame\": 0, \"detections\": [{\"class\": \"product\", \"score\": 0.9, \"box\": [0, 0, 10, 10]},"
                        + " {\"class\": \"product\", \"score\": 0.8, \"box\": [1, 0, 11, 10]},"
                        + " {\"class\": \"product\", \"score\": 0.7, \"box\": [20, 20, 30, 30]}]}",
                "{\"camera\": \"a\", \"frame\": 1, \"detections\": [{\"class\": \"product\", \"score\": 0.9, \"box\": [5, 0, 15, 10]}]}",
                "{\"camera\": \"b\", \"frame\": 1, \"detections\": [{\"class\": \"product\", \"score\": 0.9, \"box\": [0, 0, 10, 10]}]}",
                "{\"camera\": \"a\", \"frame\": 3, \"detections\": [{\"class\": \"product\", \"score\": 0.9, \"box\": [0, 0, 10, 10]}]}",
                "{\"camera\": \"a\", \"frame\": 4, \"detections\": [{\"class\": \"product\", \"score\": 0.3, \"box\": [0, 0, 10, 10]},"
                        + " {\"class\": \"product\", \"score\": 0.9, \"box\": [0, 0, 10, 12]}]}");
        DetectionMatch.Result r = DetectionMatch.evaluate(truth, found, "a", 0.5);
        assertThat(r).isEqualTo(new DetectionMatch.Result(2, 5, 2));
        assertThat(r.precision()).isCloseTo(2.0 / 7, within(1e-12));
        assertThat(r.recall()).isCloseTo(0.5, within(1e-12));
        assertThat(r.summaryLine()).isEqualTo("  ground truth (IoU 0.5): precision 0.286, recall 0.500 (tp 2, fp 5, fn 2)");

        assertThat(DetectionMatch.evaluate(truth, found, "b", 0.5)).as("camera b: one hit in frame 1")
                .isEqualTo(new DetectionMatch.Result(1, 0, 3));
        assertThat(DetectionMatch.evaluate(truth, found, "a", 0.3)).as("at IoU 0.3 the poor overlap is a hit")
                .isEqualTo(new DetectionMatch.Result(3, 4, 1));
    }

    @Test
    void nothingToFindAndNothingFoundIsPerfect() throws Exception {
        DetectionMatch.Result r = DetectionMatch.evaluate(file("t.jsonl", "{\"frame\": 0, \"objects\": []}"),
                file("d.jsonl", "{\"camera\": \"a\", \"frame\": 0, \"detections\": []}"), "a", 0.5);
        assertThat(r).isEqualTo(new DetectionMatch.Result(0, 0, 0));
        assertThat(r.precision()).isEqualTo(1.0);
        assertThat(r.recall()).isEqualTo(1.0);
    }

    @Test
    void aLineWithoutItsListIsRefusedWithItsNumber() throws Exception {
        Path truth = file("t.jsonl", "{\"frame\": 0, \"objects\": []}", "{\"frame\": 1}");
        Path found = file("d.jsonl", "{\"frame\": 0, \"detections\": []}");
        assertThatThrownBy(() -> DetectionMatch.evaluate(truth, found, null, 0.5)).isInstanceOf(IOException.class)
                .hasMessage(truth + ": line 2: needs 'frame' and 'objects'");
    }
}

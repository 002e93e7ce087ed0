package io.linewatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thermal evaluator on hand-made frames (truth in degC, the log in K) worked out by hand. */
class ThermalAccuracyTest {

    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    /**
     * Frame 0: max off by 0.5 K, min by 1 K; one hotspot found 5 px away with its peak 1 K low, the
     * other 9 px away (beyond 8 px: not a match). Frame 1: max off by 1.5 K, a false hotspot. Frame
     * 2 is in the truth only; another camera's line is left out.
     */
    @Test
    void temperatureErrorsInKelvinAndHotspotsMatchedWithin8Px() throws Exception {
        Path truth = file("truth.jsonl",
                "{\"frame\": 0, \"max_c\": 80, \"avg_c\": 30, \"min_c\": 20,"
                        + " \"hotspots\": [{\"x\": 10, \"y\": 10, \"peak_c\": 80}, {\"x\": 50, \"y\": 50, \"peak_c\": 60}]}",
                "{\"frame\": 1, \"max_c\": 70, \"avg_c\": 30, \"min_c\": 20, \"hotspots\": []}",
                "{\"frame\": 2, \"max_c\": 99, \"avg_c\": 99, \"min_c\": 99, \"hotspots\": []}");
        Path log = file("log.jsonl",
                "{\"camera\": \"m\", \"frame\": 0, \"max_k\": 353.65, \"avg_k\": 303.15, \"min_k\": 292.15,"
                        + " \"hotspots\": [{\"x\": 13, \"y\": 14, \"score\": 0.9, \"peak_k\": 352.15},"
                        + " {\"x\": 50, \"y\": 59, \"score\": 0.9, \"peak_k\": 333.15}]}",
                "{\"camera\": \"m\", \"frame\": 1, \"max_k\": 344.65, \"avg_k\": 303.15, \"min_k\": 293.15,"
                        + " \"hotspots\": [{\"x\": 0, \"y\": 0, \"score\": 0.5, \"peak_k\": 300}]}",
                "{\"camera\": \"other\", \"frame\": 2, \"max_k\": 0, \"avg_k\": 0, \"min_k\": 0, \"hotspots\": []}");
        ThermalAccuracy.Result r = ThermalAccuracy.evaluate(truth, log, "m");
        assertThat(r.frames()).isEqualTo(2);
        assertThat(r.maxMaeK()).isCloseTo(1.0, within(EPS));
        assertThat(r.avgMaeK()).isCloseTo(0.0, within(EPS));
        assertThat(r.minMaeK()).isCloseTo(0.5, within(EPS));
        assertThat(r.trueHotspots()).isEqualTo(2);
        assertThat(r.foundHotspots()).isEqualTo(3);
        assertThat(r.matched()).isEqualTo(1);
        assertThat(r.meanErrorPx()).isCloseTo(5.0, within(EPS));
        assertThat(r.maxErrorPx()).isCloseTo(5.0, within(EPS));
        assertThat(r.peakMaeK()).isCloseTo(1.0, within(EPS));
        assertThat(r.recall()).isCloseTo(0.5, within(EPS));
        assertThat(r.precision()).isCloseTo(1.0 / 3, within(EPS));
    }

    /**
     * Found A (0,0) and B (5,0); true X (4,0) and Y (12,0). Greedy by ascending distance pairs B-X
     * (1 px) first; A-X is then taken and A-Y is 12 px: one pair, where the best assignment has two.
     */
    @Test
    void hotspotsArePairedGreedilyByAscendingDistanceOneToOne() throws Exception {
        Path truth = file("truth.jsonl", "{\"frame\": 7, \"max_c\": 0, \"avg_c\": 0, \"min_c\": 0,"
                + " \"hotspots\": [{\"x\": 4, \"y\": 0, \"peak_c\": 0}, {\"x\": 12, \"y\": 0, \"peak_c\": 0}]}");
        Path log = file("log.jsonl", "{\"frame\": 7, \"max_k\": 273.15, \"avg_k\": 273.15, \"min_k\": 273.15,"
                + " \"hotspots\": [{\"x\": 0, \"y\": 0, \"peak_k\": 273.15}, {\"x\": 5, \"y\": 0, \"peak_k\": 273.15}]}");
        ThermalAccuracy.Result r = ThermalAccuracy.evaluate(truth, log, null);
        assertThat(r.matched()).isEqualTo(1);
        assertThat(r.meanErrorPx()).isCloseTo(1.0, within(EPS));
        assertThat(r.maxMaeK()).isCloseTo(0.0, within(EPS));
    }
}

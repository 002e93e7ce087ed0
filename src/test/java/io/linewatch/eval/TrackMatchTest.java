package io.linewatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MOTA, IDF1 and identity switches on two objects over ten frames, worked out by hand. */
class TrackMatchTest {

    @TempDir
    Path dir;

    /** Ground truth: objects 1 and 2, ten frames, moving right 5 px a frame. */
    private Path truth() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            lines.add("{\"frame\":" + f + ",\"objects\":[" + box("track", 1, 10 + 5 * f, 10) + ","
                    + box("track", 2, 10 + 5 * f, 100) + "]}");
        }
        return Files.write(dir.resolve("gt.jsonl"), lines);
    }

    /** Detections with the given ids of object 1 and 2 per frame (0: no box; -1: a box without id). */
    private Path found(IntUnaryOperator first, IntUnaryOperator second, String extra) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            List<String> boxes = new ArrayList<>();
            if (first.applyAsInt(f) != 0) {
                boxes.add(box(first.applyAsInt(f) < 0 ? "untracked" : "track", first.applyAsInt(f), 11 + 5 * f, 10));
            }
            if (second.applyAsInt(f) != 0) {
                boxes.add(box("track", second.applyAsInt(f), 10 + 5 * f, 101));
            }
            if (f == 3 && extra != null) {
                boxes.add(extra);
            }
            lines.add("{\"camera\":\"c\",\"frame\":" + f + ",\"detections\":[" + String.join(",", boxes) + "]}");
        }
        return Files.write(dir.resolve("found.jsonl"), lines);
    }

    private static String box(String key, int track, int x, int y) {
        return "{\"class\":\"product\",\"score\":0.9,\"box\":[" + x + "," + y + "," + (x + 40) + "," + (y + 40) + "],\""
                + key + "\":" + track + "}";
    }

    @Test
    void perfectTracksScoreOne() throws Exception {
        TrackMatch.Result r = TrackMatch.evaluate(truth(), found(f -> 7, f -> 9, null), "c", 0.5);
        assertThat(r.mota()).isEqualTo(1.0);
        assertThat(r.idf1()).isEqualTo(1.0);
        assertThat(r.idSwitches()).isZero();
        assertThat(r.trueTracks()).isEqualTo(2);
        assertThat(r.foundTracks()).isEqualTo(2);
    }

    @Test
    void anObjectThatChangesIdHalfWayIsOneSwitchAndHalfItsIdentity() throws Exception {
        TrackMatch.Result r = TrackMatch.evaluate(truth(), found(f -> f < 5 ? 10 : 11, f -> 20, null), "c", 0.5);
        assertThat(r.idSwitches()).isEqualTo(1);
        assertThat(r.mota()).isCloseTo(1 - 1 / 20.0, within(1e-9));
        assertThat(r.idf1()).as("IDTP 5 + 10 of 20 true and 20 found boxes").isCloseTo(30 / 40.0, within(1e-9));
        assertThat(r.summaryLine()).contains("MOTA 0.950, IDF1 0.750, identity switches 1");
    }

    @Test
    void missesFalsePositivesAndBoxesWithoutIdCount() throws Exception {
        String stray = "{\"class\":\"product\",\"score\":0.9,\"box\":[500,300,540,340],\"track\":33}";
        TrackMatch.Result r = TrackMatch.evaluate(truth(), found(f -> f < 2 ? -1 : 7, f -> 9, stray), "c", 0.5);
        assertThat(r.misses()).as("object 1 without an id in frames 0 and 1").isEqualTo(2);
        assertThat(r.falsePositives()).isEqualTo(1);
        assertThat(r.mota()).isCloseTo(1 - 3 / 20.0, within(1e-9));
        assertThat(r.idf1()).isCloseTo(2 * 18 / (20.0 + 19), within(1e-9));
    }
}

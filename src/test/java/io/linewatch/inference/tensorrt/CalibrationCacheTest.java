package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibration TensorRT hands over stays in memory until the build succeeded (issue 18, review
 * item 3): a calibration that fails half-way leaves no cache for later builds to reuse.
 */
class CalibrationCacheTest {

    @TempDir
    Path dir;

    @Test
    void aComputedCacheReachesTheFileOnlyWhenCommitted() throws Exception {
        Path file = dir.resolve("m.calib");
        CalibrationCache failedBuild = new CalibrationCache(file);
        failedBuild.write(new byte[] {1, 2, 3});
        assertThat(failedBuild.pending()).isTrue();
        assertThat(file).doesNotExist();
        assertThat(new CalibrationCache(file).read()).as("a later build finds nothing to reuse").isNull();

        CalibrationCache goodBuild = new CalibrationCache(file);
        byte[] computed = {4, 5, 6};
        goodBuild.write(computed);
        computed[0] = 9; // TensorRT's buffer is reused after the callback: the cache holds a copy
        goodBuild.commit();
        assertThat(Files.readAllBytes(file)).containsExactly(4, 5, 6);
        assertThat(goodBuild.pending()).isFalse();
        assertThat(new CalibrationCache(file).read()).containsExactly(4, 5, 6);
    }

    @Test
    void withoutAFileNothingIsWritten() {
        CalibrationCache none = new CalibrationCache(null);
        none.write(new byte[] {1});
        none.commit();
        assertThat(none.read()).isNull();
    }
}

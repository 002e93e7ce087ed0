package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default build carries the TensorRT and CUDA Java APIs (small, no natives): the JNI natives
 * come only with {@code -Pgpu}, so a CPU host's installation does not grow by them.
 */
class GpuPackagingTest {

    @Test
    void theDaemonsClassPathHasTheApiJarsButNoGpuNatives() throws Exception {
        Path classpath = Path.of("target/runtime.classpath");
        List<String> jars = Arrays.stream(Files.readString(classpath).trim().split(java.io.File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString()).toList();
        assertThat(jars).anyMatch(j -> j.matches("tensorrt-10\\.[\\d.]+-1\\.5\\.\\d+\\.jar"))
                .anyMatch(j -> j.matches("cuda-[\\d.]+-[\\d.]+-1\\.5\\.\\d+\\.jar"));
        if (!Boolean.getBoolean("linewatch.gpu")) {
            assertThat(jars).noneMatch(j -> j.matches("(tensorrt|cuda)-.*-linux-.*\\.jar"));
        }
    }
}

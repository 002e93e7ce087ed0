package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine and cache files are replaced whole or not at all, and nothing half-written is left behind. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("sub/x.engine");
        AtomicFiles.write(target, "first".getBytes());
        AtomicFiles.write(target, "second".getBytes());
        assertThat(Files.readString(target)).isEqualTo("second");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAsItWas() throws Exception {
        Path target = dir.resolve("x.engine");
        AtomicFiles.write(target, "complete old engine".getBytes());
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of a new eng".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(Files.readString(target)).isEqualTo("complete old engine");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void theNewContentIsWrittenBesideTheTargetNotInPlace() throws Exception {
        Path target = dir.resolve("x.engine");
        AtomicFiles.write(target, "old".getBytes());
        AtomicFiles.write(target, out -> {
            out.write("new".getBytes());
            assertThat(Files.readString(target)).as("the target while the new content is written").isEqualTo("old");
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .anyMatch(n -> n.startsWith(".x.engine.") && n.endsWith(".tmp"));
            }
        });
        assertThat(Files.readString(target)).isEqualTo("new");
    }
}

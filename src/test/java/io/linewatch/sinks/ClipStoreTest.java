package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clips folder on its own: what a crash leaves (temporary files, a sidecar renamed just before
 * its clip) goes at start, and the budget deletes a clip together with its sidecar, oldest first,
 * never the clip just finished.
 */
class ClipStoreTest {

    @TempDir
    Path dir;

    @Test
    void startRemovesTemporaryFilesAndSidecarsWithoutAClip() throws IOException {
        Path cam = Files.createDirectories(dir.resolve("cam"));
        write(cam.resolve("000001-aaaaaaaa.mp4"), 10, 1);
        write(cam.resolve("000001-aaaaaaaa.frames.json"), 10, 1);
        write(cam.resolve("000002-bbbbbbbb.frames.json"), 10, 2);
        write(cam.resolve("000003-cccccccc.mp4.part"), 10, 3);
        write(cam.resolve("000003-cccccccc.frames.json.part"), 10, 3);
        ClipStore store = new ClipStore(dir, 1_000, 0);
        store.open();
        assertThat(names(cam)).containsExactlyInAnyOrder("000001-aaaaaaaa.mp4", "000001-aaaaaaaa.frames.json");
        assertThat(store.usedBytes.get()).isEqualTo(20);
    }

    @Test
    void theBudgetDeletesTheOldestClipsWithTheirSidecarsButNotTheOneJustFinished() throws IOException {
        Path cam = Files.createDirectories(dir.resolve("cam"));
        for (int i = 1; i <= 4; i++) {
            write(cam.resolve("00000" + i + "-x.mp4"), 100, i);
            write(cam.resolve("00000" + i + "-x.frames.json"), 50, i);
        }
        ClipStore store = new ClipStore(dir, 300, 0);
        store.enforce(cam.resolve("000001-x.mp4"));
        assertThat(names(cam)).containsExactlyInAnyOrder("000001-x.mp4", "000001-x.frames.json", "000004-x.mp4",
                "000004-x.frames.json");
        assertThat(store.deleted.get()).isEqualTo(2);
        assertThat(store.deletedBytes.get()).isEqualTo(300);
        assertThat(store.usedBytes.get()).isEqualTo(300);
    }

    private static void write(Path file, int bytes, int minutesOld) throws IOException {
        Files.write(file, new byte[bytes]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - (100 - minutesOld) * 60_000L));
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}

package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.config.ClipsConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clips folder on its own: what a crash leaves (temporary files, a sidecar renamed just before
 * its clip) goes at start, and the budget deletes a clip together with its sidecar, oldest first,
 * never the clip just finished; the age limit ({@code max_age_hours}) deletes the clips older than it,
 * also while no alarm comes.
 */
class ClipStoreTest {

    @TempDir
    Path dir;

    @Test
    void startRemovesTemporaryFilesAndSidecarsWithoutAClip() throws IOException {
        Path cam = Files.createDirectories(dir.resolve("cam"));
        write(cam.resolve("000001-aaaaaaaa.mp4"), 10, 99);
        write(cam.resolve("000001-aaaaaaaa.frames.json"), 10, 99);
        write(cam.resolve("000002-bbbbbbbb.frames.json"), 10, 98);
        write(cam.resolve("000003-cccccccc.mp4.part"), 10, 97);
        write(cam.resolve("000003-cccccccc.frames.json.part"), 10, 97);
        ClipStore store = new ClipStore(dir, 1_000, 0);
        store.open();
        assertThat(names(cam)).containsExactlyInAnyOrder("000001-aaaaaaaa.mp4", "000001-aaaaaaaa.frames.json");
        assertThat(store.usedBytes.get()).isEqualTo(20);
    }

    @Test
    void theBudgetDeletesTheOldestClipsWithTheirSidecarsButNotTheOneJustFinished() throws IOException {
        Path cam = Files.createDirectories(dir.resolve("cam"));
        for (int i = 1; i <= 4; i++) {
            write(cam.resolve("00000" + i + "-cccccccc.mp4"), 100, 100 - i);
            write(cam.resolve("00000" + i + "-cccccccc.frames.json"), 50, 100 - i);
        }
        ClipStore store = new ClipStore(dir, 300, 0);
        store.enforce(cam.resolve("000001-cccccccc.mp4"));
        assertThat(names(cam)).containsExactlyInAnyOrder("000001-cccccccc.mp4", "000001-cccccccc.frames.json",
                "000004-cccccccc.mp4",
                "000004-cccccccc.frames.json");
        assertThat(store.deleted.get()).isEqualTo(2);
        assertThat(store.deletedBytes.get()).isEqualTo(300);
        assertThat(store.usedBytes.get()).isEqualTo(300);
    }

    @Test
    void filesTheWriterDidNotNameAreNeitherCountedNorDeleted() throws IOException {
        Path cam = Files.createDirectories(dir.resolve("cam"));
        write(cam.resolve("000001-aaaaaaaa.mp4"), 100, 90);
        write(cam.resolve("obj7-bbbbbbbb.mkv"), 100, 80);
        write(cam.resolve("000001-aaaaaaaa-shared.mp4"), 500, 99);   // an export-clip copy kept beside it
        write(cam.resolve("notes.txt"), 500, 99);
        ClipStore store = new ClipStore(dir, 150, 0);
        store.enforce();
        assertThat(names(cam)).containsExactlyInAnyOrder("obj7-bbbbbbbb.mkv", "000001-aaaaaaaa-shared.mp4", "notes.txt");
        assertThat(store.usedBytes.get()).as("the clips alone").isEqualTo(100);
        assertThat(store.deleted.get()).isEqualTo(1);
    }

    @Test
    void theAgeLimitDeletesClipsOlderThanItAndKeepsTheNewerOnes() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        write(a.resolve("000001-0000000a.mp4"), 100, 3 * 60);
        write(a.resolve("000001-0000000a.frames.json"), 50, 3 * 60);
        write(b.resolve("000002-0000000a.mkv"), 200, 61);
        write(b.resolve("000002-0000000a.frames.json"), 20, 61);
        write(a.resolve("000003-0000000b.mp4"), 100, 59);
        write(a.resolve("000003-0000000b.frames.json"), 50, 59);
        write(b.resolve("000004-0000000b.mkv"), 200, 1);
        ClipStore store = new ClipStore(dir, 1_000_000, 3_600_000);
        store.enforce();
        assertThat(names(a)).containsExactlyInAnyOrder("000003-0000000b.mp4", "000003-0000000b.frames.json");
        assertThat(names(b)).containsExactly("000004-0000000b.mkv");
        assertThat(store.deleted.get()).isEqualTo(2);
        assertThat(store.deletedBytes.get()).isEqualTo(370);
        assertThat(store.usedBytes.get()).isEqualTo(350);
    }

    /** The writer applies the age limit while no alarm comes, not only when it writes a clip. */
    @Test
    void aQuietWriterStillDeletesClipsAsTheyPassTheAgeLimit() throws Exception {
        ClipsConfig config = new ClipsConfig(true, dir.toString(), null, null, null, 0.01, null); // 36 s
        try (ClipWriter writer = ClipWriter.start(config, (camera, json, ofAlarm) -> { })) {
            Path cam = Files.createDirectories(dir.resolve("cam"));
            write(cam.resolve("000001-0000000a.mp4"), 100, 60);
            write(cam.resolve("000001-0000000a.frames.json"), 50, 60);
            write(cam.resolve("000002-0000000b.mp4"), 100, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(cam.resolve("000001-0000000a.mp4")));
            assertThat(names(cam)).containsExactly("000002-0000000b.mp4");
            assertThat(writer.store().deleted.get()).isEqualTo(1);
            assertThat(writer.store().deletedBytes.get()).isEqualTo(150);
        }
    }

    private static void write(Path file, int bytes, int minutesAgo) throws IOException {
        Files.write(file, new byte[bytes]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - minutesAgo * 60_000L));
    }

    private static java.util.List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}

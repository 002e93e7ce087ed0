package io.linewatch.sinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clips folder and its budget: at most {@code maxBytes} of finished clips (and their sidecars),
 * none older than {@code maxAgeMillis}; the oldest go first. Unfinished clips ({@code *.part}) left
 * by a crash are removed at start. Counts what it holds and deletes, for {@code /metrics}. Used by
 * the clip writer's thread; the counters may be read from any thread.
 */
public final class ClipStore {

    static final String PART = ".part";
    /**
     * A finished clip's name as the writer makes it ({@code 000012-ab12cd34.mp4}, {@code obj7-ab12cd34.mkv});
     * any other file in the folder (an export, a note) is neither counted nor deleted.
     */
    private static final java.util.regex.Pattern CLIP_NAME =
            java.util.regex.Pattern.compile("(\\d{6,}|obj\\d+)-[0-9a-f]{8}\\.(mp4|mkv)");
    private static final Logger LOG = LoggerFactory.getLogger(ClipStore.class);

    private final Path dir;
    private final long maxBytes;
    private final long maxAgeMillis;
    /** Bytes of finished clips (and sidecars) in the folder. */
    public final AtomicLong usedBytes = new AtomicLong();
    public final AtomicLong deleted = new AtomicLong();
    public final AtomicLong deletedBytes = new AtomicLong();

    ClipStore(Path dir, long maxBytes, long maxAgeMillis) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeMillis;
    }

    public Path dir() {
        return dir;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The sidecar of {@code clip}: {@code 000012-ab12cd34.mp4} has {@code 000012-ab12cd34.frames.json}. */
    static Path sidecarOf(Path clip) {
        String name = clip.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return clip.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ClipWriter.SIDECAR);
    }

    /**
     * Removes what a crash left half-written (clips and sidecars under {@code *.part}, and a sidecar
     * renamed just before its clip was), then applies the budget.
     */
    void open() throws IOException {
        Files.createDirectories(dir);
        int removed = 0;
        List<Path> all = files();
        for (Path p : all) {
            String name = p.getFileName().toString();
            boolean orphan = name.endsWith(ClipWriter.SIDECAR) && all.stream().noneMatch(c -> isClip(c)
                    && sidecarOf(c).equals(p));
            if (name.endsWith(PART) || orphan) {
                Files.deleteIfExists(p);
                removed++;
            }
        }
        if (removed > 0) {
            LOG.warn("clips {}: removed {} unfinished file(s) left by the last run", dir, removed);
        }
        enforce();
    }

    /** Deletes the oldest finished clips until the folder is within its bytes and age. */
    void enforce() {
        enforce(null);
    }

    /**
     * Deletes the oldest finished clips (each with its sidecar) until the folder is within its bytes
     * and age, never {@code keep} (the clip just finished, which its alarms name; alone it may exceed
     * the budget).
     */
    void enforce(Path keep) {
        try {
            List<Path> clips = new ArrayList<>();
            long total = 0;
            for (Path p : files()) {
                if (isClip(p)) {
                    clips.add(p);
                    total += size(p) + size(sidecarOf(p));
                }
            }
            clips.sort(Comparator.comparingLong(ClipStore::modified));
            long oldestAllowed = maxAgeMillis > 0 ? System.currentTimeMillis() - maxAgeMillis : Long.MIN_VALUE;
            for (Path p : clips) {
                if (total <= maxBytes && modified(p) >= oldestAllowed) {
                    break;
                }
                if (p.equals(keep)) {
                    continue;
                }
                long size = size(p) + size(sidecarOf(p));
                if (Files.deleteIfExists(p)) {
                    Files.deleteIfExists(sidecarOf(p));
                    total -= size;
                    deleted.incrementAndGet();
                    deletedBytes.addAndGet(size);
                }
            }
            usedBytes.set(total);
        } catch (IOException | RuntimeException e) {
            LOG.error("clips {}: cannot apply the budget: {}", dir, e.getMessage());
        }
    }

    /** A finished clip: named as the writer names one (neither a temporary file nor a sidecar). */
    private static boolean isClip(Path p) {
        return CLIP_NAME.matcher(p.getFileName().toString()).matches();
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of(); // a folder that could not be made (said at start): nothing to count or delete
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}

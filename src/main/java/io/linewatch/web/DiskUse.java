package io.linewatch.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * The bytes of the regular files under a folder (links not followed), for the health panel: counted
 * again at most every {@link #REFRESH_MILLIS} by the request that finds the count stale, so pages
 * asking every second walk the folder at most six times a minute. Any thread.
 */
final class DiskUse {

    static final long REFRESH_MILLIS = 10_000;

    private final Path dir;
    private long bytes = -1;
    private long countedAtMillis = Long.MIN_VALUE / 2;

    DiskUse(Path dir) {
        this.dir = dir;
    }

    /** The bytes under the folder (0 when it does not exist yet), or -1 when it cannot be read. */
    synchronized long bytes() {
        long now = System.currentTimeMillis();
        if (now - countedAtMillis >= REFRESH_MILLIS) {
            bytes = count();
            countedAtMillis = now;
        }
        return bytes;
    }

    private long count() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(DiskUse::size).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static long size(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
            return 0; // deleted while counted
        }
    }
}

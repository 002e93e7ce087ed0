package io.linewatch.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's own memory as the kernel counts it. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /**
     * Resident memory of this process (heap, native libraries, direct buffers), from /proc; -1 if
     * unknown. A page mapped at several addresses counts once for each: ZGC's heap, which it maps
     * more than once, shows here up to three times.
     */
    public static long residentBytes() {
        return kilobytes(Path.of("/proc/self/status"), "VmRSS:");
    }

    /**
     * Proportional set size: resident memory with each page counted once, and a page shared with
     * other processes divided among them (what this process costs the box); -1 where the kernel has
     * no {@code smaps_rollup} (before Linux 4.14). Reading it walks the page tables: a few ms.
     */
    public static long proportionalBytes() {
        return kilobytes(Path.of("/proc/self/smaps_rollup"), "Pss:");
    }

    /** The first line of {@code file} that starts with {@code key}, its kB figure in bytes; -1 if none. */
    private static long kilobytes(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

package io.linewatch.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's own memory as the kernel counts it. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident memory of this process (heap, native libraries, direct buffers), from /proc; -1 if unknown. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

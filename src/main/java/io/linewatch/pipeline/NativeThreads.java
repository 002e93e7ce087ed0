package io.linewatch.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The process's threads as Linux lists them under {@code /proc/self/task}, native ones included
 * (ONNX Runtime's worker threads are not Java threads): each one's id, name ({@code comm}: the first
 * 15 bytes of a Java thread's name; a native thread starts with its creator's), the CPU it has used
 * and the time it has waited, runnable, for a core ({@code schedstat}). The engine uses it to name its
 * worker threads, the bench to see how long the engine waited for a core. Where {@code /proc} is
 * missing it sees no thread; where the kernel keeps no schedstat, CPU and wait are -1. Stateless;
 * any thread.
 */
public final class NativeThreads {

    private static final Path TASKS = Path.of("/proc/self/task");
    /** Linux keeps 16 bytes of a thread's name, the last one the terminating zero. */
    public static final int NAME_BYTES = 15;

    /** One thread: its id, name, CPU used and time spent runnable but waiting for a core, in ns. */
    public record Use(int id, String name, long cpuNanos, long waitNanos) {
    }

    private NativeThreads() {
    }

    /** The ids of the process's threads now. */
    public static Set<Integer> ids() {
        Set<Integer> ids = new HashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                ids.add(Integer.parseInt(task.getFileName().toString()));
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no threads to show
        }
        return ids;
    }

    /** Every thread's use now, by id; a thread that ends while it is read is left out. */
    public static Map<Integer, Use> all() {
        Map<Integer, Use> all = new HashMap<>();
        for (int id : ids()) {
            try {
                String name = Files.readString(TASKS.resolve(id + "/comm")).strip();
                all.put(id, use(id, name, TASKS.resolve(id + "/schedstat")));
            } catch (IOException e) {
                // ended meanwhile
            }
        }
        return all;
    }

    private static Use use(int id, String name, Path schedstat) {
        try {
            String[] fields = Files.readString(schedstat).strip().split(" ");
            return new Use(id, name, Long.parseLong(fields[0]), Long.parseLong(fields[1]));
        } catch (IOException | RuntimeException e) {
            return new Use(id, name, -1, -1);
        }
    }

    /** The calling thread's name as Linux has it, or "" where it cannot be read. */
    public static String currentName() {
        try {
            return Files.readString(Path.of("/proc/thread-self/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Renames those of {@code ids} that still carry {@code inherited}, the name of the thread that made
     * them (a thread another part of the process started meanwhile has its own name and is left alone);
     * {@code name} is cut to {@link #NAME_BYTES}. Returns how many were renamed.
     */
    public static int rename(Set<Integer> ids, String inherited, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        String cut = new String(bytes, 0, Math.min(bytes.length, NAME_BYTES), StandardCharsets.US_ASCII);
        int renamed = 0;
        for (int id : ids) {
            Path comm = TASKS.resolve(id + "/comm");
            try {
                if (Files.readString(comm).strip().equals(inherited)) {
                    Files.writeString(comm, cut);
                    renamed++;
                }
            } catch (IOException e) {
                // ended meanwhile, or /proc is read-only here: the thread keeps its name
            }
        }
        return renamed;
    }
}

package io.linewatch.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The linewatch command line in a child JVM, for tests whose signals must be real (SIGKILL, SIGTERM,
 * SIGHUP). It runs on the daemon's own class path (target/classes and the runtime jars, written by
 * the build to target/runtime.classpath), not the test's: the test frameworks have no business in
 * the daemon's JVM.
 */
public final class Daemon {

    private Daemon() {
    }

    /** A builder for {@code linewatch ARGS...}, working in {@code dir}, its output going to {@code log}. */
    public static ProcessBuilder command(Path dir, Path log, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target/runtime.classpath")).trim();
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "io.linewatch.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
    }
}

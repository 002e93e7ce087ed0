package io.linewatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code linewatch} command and its subcommands. */
@Command(name = "linewatch", mixinStandardHelpOptions = true, version = "linewatch 0.1.0",
        description = "Watches industrial cameras with CNN engines and raises alarms over MQTT.",
        subcommands = {RunCommand.class, ReplayCommand.class, DemoCommand.class, CheckConfigCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of a bad config or bad arguments. */
    static final int EXIT_CONFIG = 2;
    /** Exit code of a source, model or sink that cannot start. */
    static final int EXIT_STARTUP = 1;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (used by tests). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** The one line a failing command prints. */
    static void error(String message) {
        System.err.println("linewatch: error: " + message);
    }
}

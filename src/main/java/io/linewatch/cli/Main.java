package io.linewatch.cli;

import io.linewatch.config.ConfigException;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.daemon.StartupException;
import io.linewatch.inference.ModelFileFacts;
import io.linewatch.ops.OpsServer;
import io.linewatch.web.Console;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code linewatch} command and its subcommands. */
@Command(name = "linewatch", mixinStandardHelpOptions = true, version = "linewatch 0.1.0",
        description = "Watches industrial cameras with CNN engines and raises alarms over MQTT.",
        subcommands = {RunCommand.class, ReplayCommand.class, DemoCommand.class, CheckConfigCommand.class, BenchCommand.class,
                StatusCommand.class, ReloadCommand.class, BuildEngineCommand.class, InspectModelCommand.class,
                SiteCommand.class, ExportClipCommand.class, PasswdCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of a bad config or bad arguments. */
    static final int EXIT_CONFIG = 2;
    /** Exit code of a source, model or sink that cannot start. */
    static final int EXIT_STARTUP = 1;

    /** The command's thread stack: native code it calls (ONNX Runtime's session set-up) needs more than 1 MiB. */
    private static final long STACK_BYTES = 16L << 20;

    /**
     * Runs the command on a thread of its own with a {@link #STACK_BYTES} stack: on the launcher's
     * main thread (1 MiB by default) the daemon died of SIGSEGV, without an error file, while it
     * opened its model, once the class path had grown by one jar (the console's
     * Jetty, or the OPC UA server's Milo).
     */
    public static void main(String[] args) throws InterruptedException {
        int[] exitCode = {1};
        Thread command = new Thread(null, () -> exitCode[0] = execute(args), "linewatch", STACK_BYTES);
        command.start();
        command.join();
        System.exit(exitCode[0]);
    }

    /** Runs the command line and returns its exit code (used by tests). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    if (e instanceof CliException failure) {
                        commandLine.getErr().println("linewatch: error: " + failure.getMessage());
                        return failure.exitCode();
                    }
                    throw e;
                })
                .execute(args);
    }

    /** Loads a config, or fails the command with the config's one-line error. */
    static LinewatchConfig loadConfig(Path file) {
        try {
            return ConfigLoader.load(file, new ModelFileFacts());
        } catch (ConfigException e) {
            throw new CliException(EXIT_CONFIG, e.getMessage());
        }
    }

    /**
     * Starts the local HTTP endpoint (with the console when {@code http.console} is on) on a running
     * pipeline when the config asks for it (else null);
     * when it cannot listen, closes the pipeline and fails the command with the one line saying why.
     */
    static OpsServer serve(LinewatchConfig config, Pipeline pipeline) {
        if (!config.http().enabled()) {
            return null;
        }
        try {
            return OpsServer.start(config.http(), pipeline,
                    config.http().console() ? Console.of(config, pipeline) : null);
        } catch (IOException e) {
            pipeline.close();
            throw new CliException(EXIT_STARTUP, e.getMessage());
        }
    }

    /**
     * Starts the OPC UA server when the config asks for it (null when not); a server that cannot
     * start closes the pipeline and fails the command in one line.
     */
    static io.linewatch.opcua.OpcUaEndpoint serveOpcUa(LinewatchConfig config, Pipeline pipeline) {
        if (!config.opcua().enabled()) {
            return null;
        }
        try {
            return io.linewatch.opcua.OpcUaEndpoint.start(config, pipeline);
        } catch (io.linewatch.opcua.OpcUaStartException e) {
            pipeline.close();
            throw new CliException(EXIT_STARTUP, e.getMessage());
        }
    }

    /** Starts a pipeline, or fails the command with the one line naming what could not start. */
    static Pipeline start(LinewatchConfig config, Pipeline.Options options) {
        LogLevels.apply(config.logging());
        try {
            return Pipeline.start(config, options);
        } catch (StartupException e) {
            throw new CliException(EXIT_STARTUP, e.getMessage());
        }
    }
}

package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.ops.OpsServer;
import io.linewatch.ops.ServiceWatchdog;
import io.linewatch.ops.SystemdNotifier;
import io.linewatch.pipeline.CameraStats;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code linewatch run}: the daemon, until SIGTERM or SIGINT; SIGHUP reloads its config. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the daemon on the configured cameras until SIGTERM; a camera or model that cannot"
                + " start is logged and left out, and the others run. SIGHUP (or linewatch reload) re-reads the"
                + " config: alarm rules and a camera's source change in place; other changes drain and exit 75"
                + " for the service manager to restart it.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Exit code after a reload whose changes need a restart: stopped cleanly, to be started again (EX_TEMPFAIL). */
    static final int EXIT_RESTART = 75;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between per-camera statistics lines in the log (default: ${DEFAULT-VALUE}).")
    int statsIntervalSeconds;

    @Override
    public Integer call() throws InterruptedException {
        LinewatchConfig c = Main.loadConfig(config);
        if (c.cameras().isEmpty()) {
            throw new CliException(Main.EXIT_CONFIG, config + ": cameras: the daemon needs at least one camera");
        }
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<DaemonReload> reloader = new AtomicReference<>();
        // Handlers before the start: a SIGTERM (systemctl stop) or SIGINT while models load ends the
        // run as soon as it has started; the drain below then exits 0. SIGHUP (systemctl reload)
        // re-reads the config once the daemon runs; a change that needs a restart drains and exits
        // EXIT_RESTART, and the unit's Restart=on-failure starts the daemon on the new config.
        Signal.handle(new Signal("TERM"), sig -> stop.countDown());
        Signal.handle(new Signal("INT"), sig -> stop.countDown());
        SignalHandler hupBefore = Signal.handle(new Signal("HUP"), sig -> {
            DaemonReload reload = reloader.get();
            if (reload == null) {
                LOG.warn("SIGHUP while starting: ignored (the config was read just now)");
            } else {
                reload.reload("SIGHUP");
            }
        });
        if (hupBefore == SignalHandler.SIG_IGN) {
            // Started with SIGHUP ignored (nohup, some supervisors): the JVM keeps it ignored.
            LOG.warn("SIGHUP is ignored in this process (started under nohup?): reload with `linewatch reload` or"
                    + " POST /reload instead");
        }
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
        Pipeline pipeline = Main.start(c, Pipeline.Options.daemon());
        OpsServer ops = Main.serve(c, pipeline);
        io.linewatch.opcua.OpcUaEndpoint opcua = Main.serveOpcUa(c, pipeline);
        AtomicBoolean restart = new AtomicBoolean();
        DaemonReload reload = new DaemonReload(config, c, pipeline, notifier, () -> {
            restart.set(true);
            stop.countDown();
        });
        if (opcua != null) {
            reload.onApplied(opcua::follow);
        }
        reloader.set(reload);
        if (ops != null) {
            ops.onReload(reload);
        }
        ServiceWatchdog watchdog = ServiceWatchdog.start(pipeline, notifier);
        LOG.info("running {} camera(s); SIGTERM stops, SIGHUP reloads {}", c.cameras().size(), config);
        while (!stop.await(statsIntervalSeconds, TimeUnit.SECONDS)) {
            for (CameraStats s : pipeline.stats()) {
                LOG.info("camera {}: in {}, inferred {}, dropped {}, alarms {}", s.cameraId, s.framesIn.get(),
                        s.inferred.get(), s.dropped(), s.alarmsRaised.get());
            }
        }
        LOG.info("stopping: draining accepted frames");
        watchdog.close();
        if (opcua != null) {
            opcua.close(); // first: an acknowledgement must not reach a closed outbox
        }
        pipeline.close();
        if (ops != null) {
            ops.close();
        }
        notifier.close();
        if (restart.get()) {
            LOG.info("stopped for a restart: exiting {} so that the service manager starts linewatch on the new config",
                    EXIT_RESTART);
            return EXIT_RESTART;
        }
        LOG.info("stopped");
        return 0;
    }
}

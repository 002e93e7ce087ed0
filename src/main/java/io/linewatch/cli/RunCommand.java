package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.ops.ServiceWatchdog;
import io.linewatch.ops.SystemdNotifier;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code linewatch run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the daemon on the configured cameras until SIGTERM; a camera or model that cannot"
                + " start is logged and left out, and the others run.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Exit code after SIGHUP: stopped cleanly, to be started again (EX_TEMPFAIL). */
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
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
        Pipeline pipeline = Main.start(c, new Pipeline.Options(null, false, null, null));
        ServiceWatchdog watchdog = ServiceWatchdog.start(pipeline, notifier);
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean hangup = new AtomicBoolean();
        // SIGTERM (systemctl stop) and SIGINT end the run loop; the drain below then exits 0.
        Signal.handle(new Signal("TERM"), sig -> stop.countDown());
        Signal.handle(new Signal("INT"), sig -> stop.countDown());
        // Until the config is reloaded in place, SIGHUP (systemctl reload) stops cleanly with
        // EXIT_RESTART, and the unit's Restart=on-failure starts the daemon on the new config.
        Signal.handle(new Signal("HUP"), sig -> {
            hangup.set(true);
            stop.countDown();
        });
        LOG.info("running {} camera(s); SIGTERM stops", c.cameras().size());
        while (!stop.await(statsIntervalSeconds, TimeUnit.SECONDS)) {
            for (CameraStats s : pipeline.stats()) {
                LOG.info("camera {}: in {}, inferred {}, dropped {}, alarms {}", s.cameraId, s.framesIn.get(),
                        s.inferred.get(), s.dropped(), s.alarmsRaised.get());
            }
        }
        LOG.info("stopping: draining accepted frames");
        watchdog.close();
        pipeline.close();
        notifier.close();
        if (hangup.get()) {
            LOG.info("stopped on SIGHUP: exiting {} so that the service manager starts linewatch on the new config",
                    EXIT_RESTART);
            return EXIT_RESTART;
        }
        LOG.info("stopped");
        return 0;
    }
}

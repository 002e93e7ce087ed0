package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code linewatch run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the daemon on the configured cameras until SIGTERM; a camera or model that cannot"
                + " start is logged and left out, and the others run.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

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
        Pipeline pipeline = Main.start(c, new Pipeline.Options(null, false, null, null));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: draining accepted frames");
            pipeline.close();
            stopped.countDown();
        }, "lw-shutdown"));
        LOG.info("running {} camera(s); SIGTERM stops", c.cameras().size());
        while (!stopped.await(statsIntervalSeconds, TimeUnit.SECONDS)) {
            for (CameraStats s : pipeline.stats()) {
                LOG.info("camera {}: in {}, inferred {}, dropped {}, alarms {}", s.cameraId, s.framesIn.get(),
                        s.inferred.get(), s.dropped(), s.alarmsRaised.get());
            }
        }
        return 0;
    }
}

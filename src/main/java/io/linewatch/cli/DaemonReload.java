package io.linewatch.cli;

import io.linewatch.config.ConfigException;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.daemon.StartupException;
import io.linewatch.inference.ModelFileFacts;
import io.linewatch.ops.Reloader;
import io.linewatch.ops.SystemdNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's reload (SIGHUP, {@code linewatch reload}, {@code POST /reload}): reads the config
 * file it started with again and hands it to the pipeline, which changes what it can in place
 * (alarm rules, a camera's source) and says when the change needs a restart; log levels change
 * here. A config that does not load, names a model file that is not there, or whose new source
 * cannot open is refused and the running one stays. A restart is asked of the run command, which
 * drains and exits {@link RunCommand#EXIT_RESTART}. One log line per reload; systemd is told
 * {@code RELOADING=1}, then {@code READY=1}. One reload at a time, from any thread. After a reload
 * applied in place, the servers that show the config (OPC UA) are handed the new config through
 * {@link #onApplied}, on the reload's thread; a refused or restarting reload hands them nothing.
 */
final class DaemonReload implements Reloader {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonReload.class);

    private final Path file;
    private final Pipeline pipeline;
    private final SystemdNotifier notifier;
    private final Runnable restart;
    private final List<Consumer<LinewatchConfig>> applied = new CopyOnWriteArrayList<>();
    private LinewatchConfig running;
    private boolean restarting;

    /**
     * @param running the config the daemon started with
     * @param restart asks the daemon to drain and exit for a restart
     */
    DaemonReload(Path file, LinewatchConfig running, Pipeline pipeline, SystemdNotifier notifier, Runnable restart) {
        this.file = file;
        this.running = running;
        this.pipeline = pipeline;
        this.notifier = notifier;
        this.restart = restart;
    }

    /** Calls {@code listener} with the new config after each reload applied in place, on the reload's thread. */
    void onApplied(Consumer<LinewatchConfig> listener) {
        applied.add(listener);
    }

    @Override
    public synchronized Answer reload(String trigger) {
        if (restarting) {
            return new Answer(Result.RESTARTING, "a restart is already under way");
        }
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading " + file);
        try {
            return reloadNow(trigger);
        } finally {
            notifier.notify("READY=1");
        }
    }

    private Answer reloadNow(String trigger) {
        LinewatchConfig next;
        Pipeline.Reload reload;
        try {
            next = ConfigLoader.load(file, new ModelFileFacts());
            requireStartable(next);
            reload = pipeline.reload(next);
        } catch (ConfigException | StartupException e) {
            LOG.error("reload ({}) refused, the running config stays: {}", trigger, e.getMessage());
            return new Answer(Result.REFUSED, e.getMessage());
        }
        if (reload.restartNeeded()) {
            LOG.warn("reload ({}): {}: restarting (drain, then exit {} so that the service manager starts linewatch"
                    + " on the new config)", trigger, reload.summary(), RunCommand.EXIT_RESTART);
            restarting = true;
            restart.run();
            return new Answer(Result.RESTARTING, reload.summary());
        }
        if (!next.logging().equals(running.logging())) {
            LogLevels.apply(next.logging());
        }
        running = next;
        LOG.info("reload ({}): {}", trigger, reload.summary());
        for (Consumer<LinewatchConfig> listener : applied) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.error("reload ({}): applied, but a server did not follow it: {}", trigger, e.toString());
            }
        }
        return new Answer(Result.APPLIED, reload.summary());
    }

    /** What the loader leaves to the start: a camera to run, and the model files of the cameras. */
    private void requireStartable(LinewatchConfig next) throws ConfigException {
        if (next.cameras().isEmpty()) {
            throw new ConfigException(file + ": cameras: the daemon needs at least one camera");
        }
        for (Map.Entry<String, ModelConfig> model : next.models().entrySet()) {
            boolean used = next.cameras().stream().anyMatch(c -> model.getKey().equals(c.model()));
            Path path = Path.of(model.getValue().path());
            if (used && !(Files.isRegularFile(path) && Files.isReadable(path))) {
                throw new ConfigException(file + ": models." + model.getKey() + ".path: cannot read " + path
                        + (Files.exists(path) ? "" : ": no such file"));
            }
        }
    }
}

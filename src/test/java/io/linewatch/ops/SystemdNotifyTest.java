package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Shipped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under a notification socket of its own, as systemd runs a {@code Type=notify} unit:
 * READY once a camera streams, watchdog pings while frames move, RELOADING then READY around a
 * SIGHUP reload, STOPPING and exit 0 on SIGTERM.
 */
class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void readyThenWatchdogPingsThenReloadingAndReadyOnSighupThenStoppingAndExitZeroOnSigterm() throws Exception {
        Path socket = dir.resolve("notify.sock");
        Process receiver = new ProcessBuilder("/usr/bin/python3", "src/test/resources/ops/notify_socket.py",
                socket.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    notes.add(line);
                }
            } catch (IOException ignored) {
                // the receiver was stopped
            }
        });
        reader.start();
        Process daemon = null;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> notes.contains("listening"));
            Path config = Shipped.exampleConfig(dir, null, "loop: false", "loop: true");
            daemon = daemon(config, socket);
            Process running = daemon;
            await().atMost(Duration.ofSeconds(60)).until(() -> notes.stream().anyMatch(n -> n.startsWith("READY=1"))
                    || !running.isAlive());
            assertThat(daemon.isAlive()).as(Files.readString(dir.resolve("daemon.log"))).isTrue();
            int readyAt = indexOf(notes, "READY=1");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(notes, "WATCHDOG=1") >= 3);
            assertThat(indexOf(notes, "WATCHDOG=1")).as("no ping before READY").isGreaterThan(readyAt);
            assertThat(notes).anyMatch(n -> n.contains("STATUS=1/1 cameras streaming"));

            // systemctl reload: the shell's own kill (procps may be missing on a bare machine).
            new ProcessBuilder("sh", "-c", "kill -HUP " + daemon.pid()).start().waitFor();
            await().atMost(Duration.ofSeconds(20)).until(() -> indexOf(notes, "RELOADING=1") >= 0
                    && indexOfAfter(notes, "READY=1", indexOf(notes, "RELOADING=1")) >= 0);
            assertThat(notes.get(indexOf(notes, "RELOADING=1"))).contains("MONOTONIC_USEC=");
            assertThat(daemon.isAlive()).as("a reload does not stop the daemon").isTrue();
            assertThat(Files.readString(dir.resolve("daemon.log"))).contains("reload (SIGHUP): nothing changed");

            daemon.destroy(); // SIGTERM, as systemctl stop
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(Files.readString(dir.resolve("daemon.log"))).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> notes.stream().anyMatch(n -> n.startsWith("STOPPING=1")));
        } finally {
            if (daemon != null) {
                daemon.destroyForcibly();
            }
            receiver.destroyForcibly();
        }
    }

    @Test
    void pingsStopWhenFramesWaitAndNoStageTakesThem() throws Exception {
        ServiceWatchdog w = new ServiceWatchdog(null, SystemdNotifier.fromEnvironment(), 200_000); // 100 ms ticks
        CameraStats s = new CameraStats("cam");
        List<CameraStats> stats = List.of(s);
        s.framesIn.set(10);
        s.inferred.set(5);
        assertThat(w.moving(stats)).as("progress since the last look").isTrue();
        Thread.sleep(150);
        assertThat(w.moving(stats)).as("5 frames wait, nothing taken for a whole period").isFalse();
        s.inferred.set(6);
        assertThat(w.moving(stats)).isTrue();
        s.droppedRingFull.set(4); // capture drops do not count as progress, and those frames never wait
        Thread.sleep(150);
        assertThat(w.moving(stats)).as("nothing waits: an idle pipeline is healthy").isTrue();
    }

    @Test
    void socketAddressesForPathsAndAbstractNames() {
        byte[] path = SystemdNotifier.sockaddr("/run/systemd/notify");
        assertThat(path).hasSize(2 + 19 + 1);
        assertThat(path[0]).isEqualTo((byte) 1);
        assertThat(path[path.length - 1]).isZero();
        byte[] abstractName = SystemdNotifier.sockaddr("@linewatch");
        assertThat(abstractName).hasSize(2 + 10);
        assertThat(abstractName[2]).isZero();
        assertThat(SystemdNotifier.sockaddr("relative")).isNull();
    }

    private Process daemon(Path config, Path socket) throws IOException {
        ProcessBuilder pb = Daemon.command(dir, dir.resolve("daemon.log"), "run", "--config", config.toString());
        pb.environment().put("NOTIFY_SOCKET", socket.toString());
        pb.environment().put("WATCHDOG_USEC", "1000000");
        return pb.start();
    }

    private static int indexOf(List<String> notes, String prefix) {
        return indexOfAfter(notes, prefix, -1);
    }

    private static int indexOfAfter(List<String> notes, String prefix, int after) {
        synchronized (notes) {
            for (int i = after + 1; i < notes.size(); i++) {
                if (notes.get(i).startsWith(prefix)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static long count(List<String> notes, String prefix) {
        synchronized (notes) {
            return notes.stream().filter(n -> n.startsWith(prefix)).count();
        }
    }
}

package io.linewatch.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker for tests, started in the foreground on a free loopback port with its own
 * config and persistence folder. {@code .ci/run} installs it; a test that needs it fails (not skips)
 * when it is missing.
 */
public final class Mosquitto implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String[] listenerLines;
    private Process process;

    private Mosquitto(Path dir, int port, String... listenerLines) {
        this.dir = dir;
        this.port = port;
        this.listenerLines = listenerLines;
    }

    /** Starts a broker whose config, persistence and log live in {@code dir}; anonymous, plain TCP. */
    public static Mosquitto start(Path dir) throws IOException, InterruptedException {
        return start(dir, "allow_anonymous true");
    }

    /**
     * Starts a broker with its own listener settings (TLS files, {@code password_file},
     * {@code allow_anonymous}, ...), one line each.
     */
    public static Mosquitto start(Path dir, String... listenerLines) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Mosquitto m = new Mosquitto(dir, freePort(), listenerLines);
            try {
                m.restart();
                return m;
            } catch (IOException e) {
                // The free port was taken between the probe and the broker's bind: another port.
                if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("Address already in use")) {
                    throw e;
                }
                Files.deleteIfExists(dir.resolve("mosquitto.log"));
            }
        }
    }

    /** Starts (again) on the same port, with the same persistence. */
    public void restart() throws IOException, InterruptedException {
        Path conf = dir.resolve("mosquitto.conf");
        Path data = Files.createDirectories(dir.resolve("data"));
        StringBuilder text = new StringBuilder();
        text.append("per_listener_settings true\n");
        text.append("listener ").append(port).append(" 127.0.0.1\n");
        for (String line : listenerLines) {
            text.append(line).append('\n');
        }
        // Sessions and queued messages saved at once, so a SIGKILL loses no more than a real outage would.
        text.append(String.join("\n",
                "persistence true",
                "persistence_location " + data + "/",
                "autosave_interval 1",
                "autosave_on_changes true",
                "user " + System.getProperty("user.name"),
                "log_dest stderr", ""));
        Files.writeString(conf, text.toString());
        process = new ProcessBuilder(binary(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
                .start();
        Listening.await(process, port, dir.resolve("mosquitto.log"), "mosquitto", "see its log", 10);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The broker's log so far (for failure messages). */
    public String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto.log"));
    }

    public int port() {
        return port;
    }

    /**
     * When the broker last saved its persistence (sessions, queued and retained messages); the epoch
     * before its first save. A message acknowledged before this instant survives a {@link #kill()}.
     */
    public java.time.Instant lastSaved() throws IOException {
        Path db = dir.resolve("data").resolve("mosquitto.db");
        return Files.exists(db) ? Files.getLastModifiedTime(db).toInstant() : java.time.Instant.EPOCH;
    }

    /** SIGKILL, as a crash or an outage would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static String binary() throws IOException {
        for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IOException("mosquitto is not installed (apt-get install -y mosquitto; .ci/run does it)");
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

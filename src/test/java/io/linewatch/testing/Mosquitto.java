package io.linewatch.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    private Process process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker whose config, persistence and log live in {@code dir}. */
    public static Mosquitto start(Path dir) throws IOException, InterruptedException {
        Mosquitto m = new Mosquitto(dir, freePort());
        m.restart();
        return m;
    }

    /** Starts (again) on the same port, with the same persistence. */
    public void restart() throws IOException, InterruptedException {
        Path conf = dir.resolve("mosquitto.conf");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + data + "/",
                "user " + System.getProperty("user.name"),
                "log_dest stderr", ""));
        process = new ProcessBuilder(binary(), "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("mosquitto did not listen on port " + port + " within 10 s");
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
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

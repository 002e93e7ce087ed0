package io.linewatch.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real GStreamer RTSP server for tests ({@code src/test/resources/rtsp/rtsp_server.py}: a moving
 * test pattern, MJPEG over RTP, or a video file as H.264 over RTP) on a free loopback port. It can be frozen (SIGSTOP: connections
 * stay open, nothing is sent), killed (SIGKILL) and started again on the same port. {@code .ci/run}
 * installs what it needs; a test that needs it fails (not skips) when it is missing.
 */
public final class RtspServer implements AutoCloseable {

    private static final Path SCRIPT = Path.of("src/test/resources/rtsp/rtsp_server.py").toAbsolutePath();

    private final Path log;
    private final int port;
    private final List<String> stream;
    private Process process;

    private RtspServer(Path log, int port, List<String> stream) {
        this.log = log;
        this.port = port;
        this.stream = stream;
    }

    /** Starts a server of a 320x240 MJPEG test pattern at 15 fps that logs to {@code log}. */
    public static RtspServer start(Path log) throws IOException, InterruptedException {
        RtspServer server = new RtspServer(log, Mosquitto.freePort(), List.of("320", "240", "15"));
        server.restart();
        return server;
    }

    /**
     * Starts a server that streams {@code video} (played once, at its own pace) as H.264 (OpenH264,
     * one key frame a second, no B-frames) at {@code width}x{@code height} and {@code fps}.
     */
    public static RtspServer startH264(Path log, Path video, int width, int height, int fps)
            throws IOException, InterruptedException {
        RtspServer server = new RtspServer(log, Mosquitto.freePort(), List.of(Integer.toString(width),
                Integer.toString(height), Integer.toString(fps), "h264:" + video.toAbsolutePath()));
        server.restart();
        return server;
    }

    /**
     * Starts a server that streams the JPEG files {@code pattern} (printf style, numbered from 0) once,
     * each picture as it is (MJPEG over RTP), at {@code fps}: pictures of two sizes make a camera that
     * changes size mid-stream.
     */
    public static RtspServer startJpegs(Path log, Path pattern, int fps) throws IOException, InterruptedException {
        RtspServer server = new RtspServer(log, Mosquitto.freePort(), List.of("0", "0", Integer.toString(fps),
                "jpegs:" + pattern.toAbsolutePath()));
        server.restart();
        return server;
    }

    /** Starts (again) on the same port. */
    public void restart() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString(), Integer.toString(port)));
        command.addAll(stream);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Listening.await(process, port, log, "the RTSP server", "needs python3-gi, gir1.2-gst-rtsp-server-1.0, "
                + "gstreamer1.0-plugins-good; .ci/run installs them", 20);
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + "/cam";
    }

    /** SIGSTOP: the server keeps its sockets open and sends nothing (a hung camera). */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** SIGKILL, as a power cut would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            thaw();
            kill();
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        // The shell's own kill: procps may be missing on a bare machine.
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }
}

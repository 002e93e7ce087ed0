package io.linewatch.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Waits for a test server started as a child process to listen on its loopback port. */
final class Listening {

    private Listening() {
    }

    /**
     * Returns once {@code port} accepts a connection; fails with the server's log when the process
     * exits first ({@code missing} says what to install) or the port stays closed.
     */
    static void await(Process process, int port, Path log, String name, String missing, long timeoutSeconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " (" + missing + "): "
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException(name + " did not listen on port " + port + " within " + timeoutSeconds + " s");
    }
}

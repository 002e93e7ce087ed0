package io.linewatch.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.linewatch.capture.SourceState;
import io.linewatch.config.HttpConfig;
import io.linewatch.pipeline.Pipeline;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's local HTTP endpoint, on one thread of its own ({@code lw-http}): {@code /healthz}
 * (the process answers), {@code /readyz} (models loaded, broker connected when MQTT is on, at least
 * one camera streaming; 503 with the reasons otherwise) and {@code /metrics} (Prometheus text).
 * Reads the pipeline's counters; writes nothing.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on the configured address, or fails with one line naming it. */
    public static OpsServer start(HttpConfig config, Pipeline pipeline) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 16);
        } catch (IOException e) {
            throw new IOException("http " + config.bind() + ":" + config.port() + ": cannot listen: " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lw-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", x -> reply(x, 200, "text/plain; charset=utf-8", "ok\n"));
        server.createContext("/readyz", x -> {
            List<String> missing = notReady(pipeline);
            reply(x, missing.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                    missing.isEmpty() ? "ready\n" : "not ready: " + String.join("; ", missing) + "\n");
        });
        server.createContext("/metrics", x -> reply(x, 200, PROMETHEUS_TYPE, PipelineMetrics.render(pipeline)));
        server.start();
        LOG.info("http: /healthz, /readyz and /metrics on {}:{}", config.bind(), server.getAddress().getPort());
        return new OpsServer(server);
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** What keeps the daemon from being ready; empty when it is. */
    static List<String> notReady(Pipeline pipeline) {
        List<String> missing = new ArrayList<>();
        if (pipeline.mqtt() != null && !pipeline.mqtt().isConnected()) {
            missing.add("broker not connected");
        }
        boolean streaming = pipeline.cameraStates().all().values().stream()
                .anyMatch(e -> e.state() == SourceState.STREAMING);
        if (!streaming) {
            missing.add("no camera streaming");
        }
        return missing;
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

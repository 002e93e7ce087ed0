package io.linewatch.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.linewatch.config.HttpConfig;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.SourceState;
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
 * (the process answers), {@code /readyz} (models loaded, broker connected and the outbox's last write
 * successful when MQTT is on, at least one camera streaming; 503 with the reasons otherwise),
 * {@code /metrics} (Prometheus text) and
 * {@code POST /reload} (the daemon re-reads its config: 200 applied, 202 restarting, 422 refused,
 * each with its one line). Reads the pipeline's counters; only {@code /reload} changes anything,
 * through the daemon's {@link Reloader}, and the file it re-reads is the daemon's own: a request
 * chooses nothing.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private volatile Reloader reloader;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on the configured address, or fails with one line naming it. */
    public static OpsServer start(HttpConfig config, PipelineView pipeline) throws IOException {
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
        OpsServer ops = new OpsServer(server);
        server.createContext("/reload", ops::reload);
        server.start();
        LOG.info("http: /healthz, /readyz, /metrics and /reload on {}:{}", config.bind(), server.getAddress().getPort());
        return ops;
    }

    /** Answers {@code POST /reload} with {@code r} from now on (until then: 503). */
    public void onReload(Reloader r) {
        reloader = r;
    }

    private void reload(HttpExchange x) throws IOException {
        if (!"POST".equals(x.getRequestMethod())) {
            x.getResponseHeaders().set("Allow", "POST");
            reply(x, 405, TEXT, "reload: POST only\n");
            return;
        }
        Reloader r = reloader;
        if (r == null) {
            reply(x, 503, TEXT, "not reloadable: only the daemon (linewatch run) reloads its config\n");
            return;
        }
        Reloader.Answer answer = r.reload("http " + x.getRemoteAddress().getAddress().getHostAddress());
        switch (answer.result()) {
            case APPLIED -> reply(x, 200, TEXT, "reloaded: " + answer.line() + "\n");
            case RESTARTING -> reply(x, 202, TEXT, "restarting: " + answer.line() + "\n");
            case REFUSED -> reply(x, 422, TEXT, "refused: " + answer.line() + "\n");
        }
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** What keeps the daemon from being ready; empty when it is. */
    static List<String> notReady(PipelineView pipeline) {
        List<String> missing = new ArrayList<>();
        if (pipeline.mqtt() != null && pipeline.mqtt().sessionTakenOver()) {
            missing.add("broker session taken over: another client uses client id " + pipeline.mqtt().clientId()
                    + " (two boxes with the same node?)");
        } else if (pipeline.mqtt() != null && !pipeline.mqtt().isConnected()) {
            missing.add("broker not connected");
        }
        if (pipeline.outbox() != null && !pipeline.outbox().lastError().isEmpty()) {
            missing.add("outbox " + pipeline.outbox().dir() + " cannot write: " + pipeline.outbox().lastError() + " ("
                    + pipeline.outbox().freeBytes() + " bytes free)");
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

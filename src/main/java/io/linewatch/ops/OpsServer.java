package io.linewatch.ops;

import io.linewatch.config.HttpConfig;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.SourceState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP endpoint, on Jetty 12's threads ({@code lw-http-*}): {@code /healthz} (the
 * process answers), {@code /readyz} (models loaded, broker connected and the outbox's last write
 * successful when MQTT is on, at least one camera streaming; 503 with the reasons otherwise),
 * {@code /metrics} (Prometheus text) and {@code POST /reload} (the daemon re-reads its config: 200
 * applied, 202 restarting, 422 refused, each with its one line); any other path goes to the console
 * handler the command gives (404 without one). Every request passes {@link HttpAccess} first. Reads
 * the pipeline's counters; only {@code /reload} changes anything, through the daemon's
 * {@link Reloader}, and the file it re-reads is the daemon's own: a request chooses nothing. Bad
 * requests cost little: headers over 8 KiB get 431, a client sending under 256 bytes a second or
 * idle for 30 s is dropped.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final long IDLE_TIMEOUT_MILLIS = 30_000;
    private static final long MIN_REQUEST_BYTES_PER_SECOND = 256;
    private static final int MAX_THREADS = 24;

    private final Server server;
    private final ServerConnector connector;
    private volatile Reloader reloader;

    private OpsServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Listens on the configured address without console or users, or fails with one line naming it. */
    public static OpsServer start(HttpConfig config, PipelineView pipeline) throws IOException {
        return start(config, pipeline, null);
    }

    /**
     * Listens on the configured address, with the users of {@code config.users()} and its TLS
     * certificate, or fails with one line naming what is wrong.
     *
     * @param console answers every path that is not one of the endpoint's own; null for none
     */
    public static OpsServer start(HttpConfig config, PipelineView pipeline, Handler console) throws IOException {
        Users users = config.authenticated() ? Users.load(java.nio.file.Path.of(config.users())) : null;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("lw-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = connector(server, config);
        server.addConnector(connector);
        OpsServer ops = new OpsServer(server, connector);
        server.setHandler(new HttpAccess(new Routes(ops, pipeline, console), users));
        try {
            server.start();
        } catch (Exception e) {
            ops.close();
            throw new IOException("http " + config.bind() + ":" + config.port() + ": cannot listen: " + e.getMessage(), e);
        }
        LOG.info("http{}: /healthz, /readyz, /metrics and /reload{} on {}:{}{}", config.secure() ? "s" : "",
                console == null ? "" : " and the console", config.bind(), ops.port(),
                users == null ? "" : " (users from " + config.users() + ")");
        return ops;
    }

    private static ServerConnector connector(Server server, HttpConfig config) throws IOException {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
        ServerConnector connector;
        if (config.secure()) {
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(PemKeyStore.load(config.tls().certFile(), config.tls().keyFile()));
            tls.setKeyStorePassword("");
            connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(config.bind());
        connector.setPort(config.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        return connector;
    }

    /** Answers {@code POST /reload} with {@code r} from now on (until then: 503). */
    public void onReload(Reloader r) {
        reloader = r;
    }

    /** The port listened on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The endpoint's own paths, then the console's. */
    private static final class Routes extends Handler.Abstract {
        private final OpsServer ops;
        private final PipelineView pipeline;
        private final Handler console;

        Routes(OpsServer ops, PipelineView pipeline, Handler console) {
            this.ops = ops;
            this.pipeline = pipeline;
            this.console = console;
            if (console != null) {
                installBean(console);
            }
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            switch (request.getHttpURI().getPath()) {
                case "/healthz" -> reply(response, callback, 200, "ok\n");
                case "/readyz" -> {
                    List<String> missing = notReady(pipeline);
                    reply(response, callback, missing.isEmpty() ? 200 : 503,
                            missing.isEmpty() ? "ready\n" : "not ready: " + String.join("; ", missing) + "\n");
                }
                case "/metrics" -> reply(response, callback, 200, PROMETHEUS_TYPE, PipelineMetrics.render(pipeline));
                case "/reload" -> ops.reload(request, response, callback);
                default -> {
                    if (console == null || !console.handle(request, response, callback)) {
                        reply(response, callback, 404, "not found: " + request.getHttpURI().getPath() + "\n");
                    }
                }
            }
            return true;
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            if (console != null) {
                console.setServer(server);
            }
        }
    }

    private void reload(Request request, Response response, Callback callback) {
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            reply(response, callback, 405, "reload: POST only\n");
            return;
        }
        Reloader r = reloader;
        if (r == null) {
            reply(response, callback, 503, "not reloadable: only the daemon (linewatch run) reloads its config\n");
            return;
        }
        Object user = request.getAttribute(HttpAccess.USER);
        String who = "http " + Request.getRemoteAddr(request) + (user == null || "".equals(user) ? "" : " user " + user);
        Reloader.Answer answer = r.reload(who);
        switch (answer.result()) {
            case APPLIED -> reply(response, callback, 200, "reloaded: " + answer.line() + "\n");
            case RESTARTING -> reply(response, callback, 202, "restarting: " + answer.line() + "\n");
            case REFUSED -> reply(response, callback, 422, "refused: " + answer.line() + "\n");
        }
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

    /** Answers one line of plain text. */
    static void reply(Response response, Callback callback, int status, String body) {
        reply(response, callback, status, TEXT, body);
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        Content.Sink.write(response, true, body, callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("http: stopping: {}", e.getMessage());
        }
    }
}

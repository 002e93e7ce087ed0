package io.linewatch.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.LiveFrames;
import io.linewatch.sinks.Acknowledgements;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The console's requests, on Jetty's threads, after the daemon's endpoint has checked who asks (its
 * request attributes {@code linewatch.user}, {@code linewatch.role} and {@code linewatch.session}) and refused cross-site and
 * viewers' writes. Reads the pipeline through its view; its only write is an acknowledgement, which
 * goes through the view's {@link Acknowledgements} (published on MQTT and in the event log, seen by
 * OPC UA); every acknowledgement, from here or from OPC UA, is pushed to every page. Unknown paths,
 * cameras and files are 404s.
 */
public final class Console extends Handler.Abstract {

    private static final String TEXT = "text/plain; charset=utf-8";
    /** The longest comment an acknowledgement may carry. */
    static final int MAX_COMMENT_CHARS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineView view;
    private final LinewatchConfig config;
    private final String site;
    private final StaticFiles files = new StaticFiles();
    private final EvidenceFiles evidence;
    private final AlarmStream alarms;
    private final Trends trends;
    private final DiskUse snapshots;
    private final AutoCloseable ackSubscription;

    private Console(PipelineView view, LinewatchConfig config, EvidenceFiles evidence) {
        this.view = view;
        this.config = config;
        this.site = config.site();
        this.evidence = evidence;
        this.alarms = new AlarmStream(view.alarmFeed());
        this.trends = new Trends(config, view);
        this.snapshots = new DiskUse(Path.of(config.sinks().snapshotsDir()));
        this.ackSubscription = view.acknowledgements() == null ? () -> { }
                : view.acknowledgements().subscribe(ack -> alarms.broadcast("ack", ackJson(ack)));
    }

    /** The console of {@code view}, a pipeline running {@code config}. */
    public static Console of(LinewatchConfig config, PipelineView view) {
        Path clips = view.clips() == null ? null : view.clips().store().dir();
        return new Console(view, config, new EvidenceFiles(Path.of(config.sinks().snapshotsDir()), clips,
                config.cameras().stream().map(c -> c.id()).toList()));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String[] parts = path.split("/", -1);
        boolean get = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (get && files.serve(path, response, callback)) {
            return true;
        }
        if (get && path.equals("/api/status")) {
            reply(response, callback, 200, "application/json", StatusJson.render(view, snapshots, site, user(request),
                    mayWrite(request), Boolean.TRUE.equals(request.getAttribute("linewatch.session"))));
        } else if (get && path.equals("/api/trends")) {
            reply(response, callback, 200, "application/json", TrendJson.render(config, view.thermalTrend(), trends));
        } else if (get && path.equals("/api/alarms")) {
            reply(response, callback, 200, "application/json", recentAlarms());
        } else if (get && path.equals("/api/alarms/stream")) {
            alarms.open(response, callback);
        } else if (get && parts.length == 5 && path.startsWith("/api/cameras/") && parts[4].equals("live.jpg")) {
            live(parts[3], response, callback);
        } else if (get && parts.length == 5 && parts[1].equals("evidence")) {
            evidence.serve(parts[2], parts[3], parts[4], request, response, callback);
        } else if ("POST".equals(request.getMethod()) && parts.length == 5 && path.startsWith("/api/alarms/")
                && parts[4].equals("ack")) {
            acknowledge(parts[3], user(request), request, response, callback);
        } else {
            return false;
        }
        return true;
    }

    /** The latest picture of camera {@code id}; asking for it keeps the camera watched. */
    private void live(String id, Response response, Callback callback) {
        LiveFrames live = view.liveFrames();
        int index = live == null ? -1 : live.indexOf(id);
        if (index < 0) {
            reply(response, callback, 404, "no camera named '" + id + "'\n");
            return;
        }
        live.watch(index);
        LiveFrames.Picture picture = live.latest(index);
        if (picture == null) {
            reply(response, callback, 503, "no picture of camera " + id + " yet (encoded while watched)\n");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/jpeg");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Frame-Number", picture.frameNumber());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, picture.jpeg().length);
        response.write(true, ByteBuffer.wrap(picture.jpeg()), callback);
    }

    /**
     * An operator's acknowledgement of the raised event {@code id}, with the request body (plain
     * text, one line, at most {@link #MAX_COMMENT_CHARS}) as the comment: through the pipeline's
     * {@link Acknowledgements}, so it is published once and told to every page and to OPC UA. An
     * unknown alarm is a 404; one already acknowledged, or cleared, a 409; one the outbox refused a 503.
     */
    private void acknowledge(String id, String user, Request request, Response response, Callback callback)
            throws IOException {
        Acknowledgements acks = view.acknowledgements();
        if (!id.matches("[0-9a-fA-F-]{8,64}") || acks == null) {
            reply(response, callback, 404, "no such alarm: " + id + "\n");
            return;
        }
        String comment = comment(request);
        if (comment == null) {
            reply(response, callback, 413, "the comment is longer than " + MAX_COMMENT_CHARS + " characters\n");
            return;
        }
        try {
            Acknowledgements.Acknowledged ack = acks.acknowledge(id, user, comment, Acknowledgements.Via.CONSOLE);
            reply(response, callback, 200, "acknowledged " + ack.alarmId() + "\n");
        } catch (Acknowledgements.Refused e) {
            int status = switch (e.reason()) {
                case UNKNOWN -> 404;
                case ALREADY_ACKNOWLEDGED, CLEARED -> 409;
                case NOT_RECORDED -> 503;
            };
            reply(response, callback, status, e.getMessage() + "\n");
        }
    }

    /** The request body (read up to its limit) as one trimmed line; null when it is too long. */
    private static String comment(Request request) throws IOException {
        int maxBytes = MAX_COMMENT_CHARS * 4;
        if (request.getLength() > maxBytes) {
            return null;
        }
        byte[] body = Content.Source.asInputStream(request).readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            return null;
        }
        String line = new String(body, StandardCharsets.UTF_8).strip().replaceAll("[\\r\\n\\t]+", " ");
        return line.length() > MAX_COMMENT_CHARS ? null : line;
    }

    /** An acknowledgement, from here or from OPC UA, pushed to every page as an {@code ack} event. */
    private static String ackJson(Acknowledgements.Acknowledged ack) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", ack.alarmId());
        m.put("user", ack.user());
        m.put("via", ack.via());
        m.put("comment", ack.comment());
        return write(m);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String recentAlarms() {
        Acknowledgements acks = view.acknowledgements();
        List<Acknowledgements.Acknowledged> acked = acks == null ? List.of() : acks.acknowledged();
        StringBuilder json = new StringBuilder("{\"acknowledged\":").append(write(acked.stream()
                .map(Acknowledgements.Acknowledged::alarmId).toList()));
        json.append(",\"acks\":[").append(String.join(",", acked.stream().map(Console::ackJson).toList())).append(']');
        json.append(",\"alarms\":[");
        if (view.alarmFeed() != null) {
            json.append(String.join(",", view.alarmFeed().recent()));
        }
        json.append("],\"clips\":[");
        if (view.alarmFeed() != null) {
            json.append(String.join(",", view.alarmFeed().recentClips()));
        }
        return json.append("]}").toString();
    }

    private static String user(Request request) {
        Object user = request.getAttribute("linewatch.user");
        return user == null ? "" : user.toString();
    }

    private static boolean mayWrite(Request request) {
        Object role = request.getAttribute("linewatch.role");
        return "operator".equals(role) || "admin".equals(role);
    }

    static void reply(Response response, Callback callback, int status, String body) {
        reply(response, callback, status, TEXT, body);
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }

    @Override
    protected void doStop() throws Exception {
        ackSubscription.close();
        alarms.close();
        trends.close();
        super.doStop();
    }
}

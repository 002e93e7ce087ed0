package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.HttpConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Shipped;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients cost the HTTP server nothing else: ten times as many connections as it has threads,
 * each stuck halfway through its request headers or its body (a slowloris), and the health checks and
 * metrics of systemd and Prometheus are still answered, every one of them.
 */
class SlowClientsTest {

    private static final int STUCK = 240;

    @TempDir
    Path dir;

    @Test
    void connectionsStuckMidRequestDoNotStarveTheOthers() throws Exception {
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(Shipped.exampleConfig(dir, null, "loop: false", "loop: true")),
                Pipeline.Options.replay(Playback.realtime()));
        List<Socket> stuck = new ArrayList<>();
        try (OpsServer server = OpsServer.start(new HttpConfig("127.0.0.1", 0), pipeline)) {
            for (int i = 0; i < STUCK; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                stuck.add(s);
                OutputStream out = s.getOutputStream();
                String half = i % 2 == 0 ? "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                        : "POST /reload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nabc";
                out.write(half.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            for (String path : new String[] {"/healthz", "/readyz", "/metrics", "/healthz", "/metrics"}) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path + " with " + STUCK + " stuck clients").isIn(200, 503);
                if (path.equals("/metrics")) {
                    assertThat(r.body()).contains("linewatch_frames_in_total");
                }
            }
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
            pipeline.close();
        }
    }
}

package io.linewatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigException;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.HttpConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.TlsConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.ops.OpsServer;
import io.linewatch.ops.Users;
import io.linewatch.testing.Shipped;
import io.linewatch.testing.TestPki;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No door left open: the console and {@code /reload} over HTTPS (a throwaway CA's certificate, PEM)
 * with users from a users file, in front of a pipeline replaying the shipped conveyor clip. Who may
 * do what, cross-site writes, unknown cameras, path tricks in evidence names and huge headers, each a
 * clean 4xx; and the config that would open the door beyond loopback is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSecurityTest {

    private Path dir;
    private Pipeline pipeline;
    private OpsServer server;
    private HttpClient https;
    private String base;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path users = dir.resolve("users");
        Users.put(users, "otto", Users.Role.OPERATOR, "operator-secret-1");
        Users.put(users, "vera", Users.Role.VIEWER, "viewer-secret-1");
        LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, null, "loop: false", "loop: true"));
        Files.createDirectories(dir.resolve("snapshots/conveyor"));
        Files.writeString(dir.resolve("snapshots/conveyor/000001-abcdef12.jpg"), "jpeg");
        Files.createSymbolicLink(dir.resolve("snapshots/conveyor/000002-linked.jpg"), Path.of("/etc/passwd"));
        pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
        server = OpsServer.start(new HttpConfig("127.0.0.1", 0, true, users.toString(),
                new TlsConfig(null, pki.serverCert.toString(), pki.serverKey.toString())), pipeline,
                Console.of(config, pipeline));
        base = "https://127.0.0.1:" + server.port();
        https = HttpClient.newBuilder().sslContext(trusting(pki.ca)).connectTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void healthAndMetricsAnswerAnyoneTheConsoleOnlyUsers() throws Exception {
        assertThat(send("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null).body()).contains("linewatch_frames_in_total");
        HttpResponse<String> anonymous = send("GET", "/", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Basic realm=\"linewatch\""));
        assertThat(send("GET", "/", "vera:wrong-password").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/", "nobody:viewer-secret-1").statusCode()).isEqualTo(401);
        HttpResponse<String> page = send("GET", "/", "vera:viewer-secret-1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console.js\">");
        assertThat(send("GET", "/api/status", "vera:viewer-secret-1").body())
                .contains("\"user\":\"vera\"", "\"mayWrite\":false", "\"id\":\"conveyor\"");
    }

    @Test
    void writesNeedAnOperatorAndComeFromTheConsolesOwnPages() throws Exception {
        assertThat(send("POST", "/reload", null).statusCode()).isEqualTo(401);
        HttpResponse<String> viewer = send("POST", "/reload", "vera:viewer-secret-1");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(viewer.body()).contains("user vera is a viewer");
        // Past the door: this pipeline has no reloader (a replay), so the endpoint itself answers 503.
        assertThat(send("POST", "/reload", "otto:operator-secret-1").statusCode()).isEqualTo(503);
        assertThat(send("POST", "/reload", "otto:operator-secret-1", "Origin", base).statusCode()).isEqualTo(503);
        HttpResponse<String> forged = send("POST", "/reload", "otto:operator-secret-1", "Origin", "https://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("another site");
        assertThat(send("POST", "/reload", "otto:operator-secret-1", "Sec-Fetch-Site", "cross-site").statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/api/alarms/0123456789abcdef/ack", "vera:viewer-secret-1").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/alarms/0123456789abcdef/ack", "otto:operator-secret-1").statusCode())
                .as("an alarm that never was").isEqualTo(404);
    }

    @Test
    void badRequestsGetACleanFourHundred() throws Exception {
        String viewer = "vera:viewer-secret-1";
        assertThat(send("GET", "/api/cameras/nowhere/live.jpg", viewer).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/evidence/snapshots/conveyor/000001-abcdef12.jpg", viewer).body()).isEqualTo("jpeg");
        assertThat(send("GET", "/evidence/snapshots/nowhere/000001-abcdef12.jpg", viewer).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/evidence/snapshots/conveyor/000002-linked.jpg", viewer).statusCode())
                .as("a link out of the folder").isEqualTo(404);
        assertThat(send("GET", "/evidence/snapshots/conveyor/.000001-abcdef12.jpg", viewer).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/evidence/passwd/conveyor/x", viewer).statusCode()).isEqualTo(404);
        for (String trick : new String[] {"/evidence/snapshots/conveyor/..%2F..%2F..%2Fetc%2Fpasswd",
            "/evidence/snapshots/%2e%2e/%2e%2e/etc/passwd", "/evidence/snapshots/conveyor/..%5C..%5Cpom.xml",
            "/evidence/clips/conveyor/%00.mp4"}) {
            HttpResponse<String> r = send("GET", trick, viewer);
            assertThat(r.statusCode()).as(trick).isBetween(400, 499);
            assertThat(r.body()).as(trick).doesNotContain("root:");
        }
        HttpResponse<String> huge = https.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .header("X-Filler", "a".repeat(16 * 1024)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(huge.statusCode()).isEqualTo(431);
        assertThat(send("GET", "/healthz", null).statusCode()).as("and the server goes on").isEqualTo(200);
    }

    @Test
    void aBindBeyondLoopbackWithoutUsersAndTlsIsRefused() throws Exception {
        for (String sub : new String[] {"open", "notls", "local"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        Path open = Shipped.exampleConfig(dir.resolve("open"), null, "bind: 127.0.0.1", "bind: 0.0.0.0",
                "port: 0 ", "port: 9464 ");
        assertThatThrownBy(() -> ConfigLoader.load(open)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.bind: 0.0.0.0 is reachable beyond loopback")
                .hasMessageContaining("set http.users");
        Path noTls = Shipped.exampleConfig(dir.resolve("notls"), null, "bind: 127.0.0.1", "bind: 0.0.0.0",
                "port: 0 ", "port: 9464\n  users: users ");
        assertThatThrownBy(() -> ConfigLoader.load(noTls)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls: 0.0.0.0 is reachable beyond loopback: passwords need TLS");
        assertThat(ConfigLoader.load(Shipped.exampleConfig(dir.resolve("local"), null, "port: 0 ", "port: 9464 "))
                .http().loopbackOnly()).isTrue();
    }

    @Test
    void usersFileKeepsHashesOnlyAndRoles() throws Exception {
        Path file = dir.resolve("users-roles");
        Users.put(file, "ada", Users.Role.ADMIN, "first-password");
        Users.put(file, "ada", Users.Role.VIEWER, "second-password");
        String text = Files.readString(file);
        assertThat(text).doesNotContain("password").startsWith("ada:viewer:$2");
        Users users = Users.load(file);
        assertThat(users.authenticate("ada", "first-password")).isNull();
        assertThat(users.authenticate("ada", "second-password").role()).isEqualTo(Users.Role.VIEWER);
        Files.writeString(file, "ada:chief:$2a$12$abc\n");
        assertThatThrownBy(() -> Users.load(file)).hasMessageContaining("line 1: role 'chief' is not viewer");
    }

    /**
     * A browser may log in with the form instead of Basic: a session cookie (HttpOnly, SameSite=Strict,
     * Secure over TLS) that lets it in as that user, until it logs out; after that the same cookie is
     * refused. A login from another site's page, a wrong password and an oversized form are refused.
     */
    @Test
    void theLoginFormOpensASessionAndLogoutEndsIt() throws Exception {
        HttpResponse<String> form = send("GET", "/login", null);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/login\">", "name=\"password\"");
        HttpResponse<String> wrong = post("/login", "user=otto&password=wrong", "Origin", base);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(post("/login", "user=otto&password=operator-secret-1", "Origin", "https://evil.example").statusCode())
                .as("a login from another site's page").isEqualTo(403);
        assertThat(post("/login", "user=otto&password=" + "x".repeat(5000), "Origin", base).statusCode()).isEqualTo(413);

        HttpResponse<String> in = post("/login", "user=otto&password=operator-secret-1", "Origin", base);
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.headers().firstValue("Location")).hasValue("/");
        String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("lw_session=").contains("; HttpOnly", "; SameSite=Strict", "; Secure", "; Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie.length()).as("a 256-bit token").isGreaterThan("lw_session=".length() + 40);
        HttpResponse<String> status = send("GET", "/api/status", null, "Cookie", cookie);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"user\":\"otto\"", "\"mayWrite\":true", "\"session\":true");
        assertThat(send("POST", "/api/alarms/0123456789abcdef/ack", null, "Cookie", cookie, "Origin", base).statusCode())
                .as("an operator's write, past the door").isEqualTo(404);
        assertThat(send("GET", "/api/status", null, "Cookie", "lw_session=forged-token").statusCode()).isEqualTo(401);

        HttpResponse<String> out = send("POST", "/logout", null, "Cookie", cookie, "Origin", base);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/login");
        assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));
        assertThat(send("GET", "/api/status", null, "Cookie", cookie).statusCode()).as("the session is over").isEqualTo(401);
    }

    private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String user, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    user.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (FileInputStream in = new FileInputStream(ca.toFile())) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}

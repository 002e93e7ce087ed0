package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.ops.Users;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import io.linewatch.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linewatch reload} against a running daemon ({@code linewatch run} in a child JVM) whose HTTP
 * port has users and TLS: the command speaks HTTPS and trusts the configured certificate (here one
 * that names another host, so only the pin lets it through), sends an operator's credentials read
 * from the environment or a file, and without them or as a viewer is
 * refused with a line that says what to do. Bad credentials input is one line naming its source.
 */
class ReloadCredentialsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void reloadSendsAnOperatorsCredentialsOverTlsFromTheEnvironmentOrAFile() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "DNS:elsewhere.example");
        Path users = dir.resolve("users");
        Users.put(users, "otto", Users.Role.OPERATOR, "operator-secret-1");
        Users.put(users, "vera", Users.Role.VIEWER, "viewer-secret-1");
        int port = Mosquitto.freePort();
        Path config = Shipped.exampleConfig(dir, null, "  port: 0 ", "  port: " + port + " ",
                "  # users: users ", "  users: " + users + " ",
                "  # tls: {cert_file: server.pem, key_file: server-key.pem}",
                "  tls: {cert_file: " + pki.serverCert + ", key_file: " + pki.serverKey + "}");
        assertThat(Files.readString(config)).contains("users: " + users, "cert_file: " + pki.serverCert);
        Path log = dir.resolve("daemon.log");
        Process daemon = Daemon.command(dir, log, "run", "--config", config.toString()).start();
        try {
            await().atMost(PATIENCE).until(() -> !daemon.isAlive() || Files.readString(log).contains("https: /healthz"));
            assertThat(daemon.isAlive()).as(Files.readString(log)).isTrue();

            Cli.Result anonymous = Cli.run("reload", "--config", config.toString(), "--credentials-env", "LW_TEST_UNSET");
            assertThat(anonymous.exitCode()).as(anonymous.out() + anonymous.err()).isEqualTo(1);
            assertThat(anonymous.out()).contains("https://127.0.0.1:" + port + "/reload")
                    .contains("the daemon wants a user (http.users): give an operator's USER:PASSWORD in"
                            + " --credentials-file FILE or LW_TEST_UNSET");

            Path viewer = Files.writeString(dir.resolve("viewer.credentials"), "vera:viewer-secret-1\n");
            Cli.Result asViewer = Cli.run("reload", "--config", config.toString(), "--credentials-file", viewer.toString());
            assertThat(asViewer.exitCode()).isEqualTo(1);
            assertThat(asViewer.out()).contains("user 'vera' may not reload (needs operator or admin)");

            Path wrong = Files.writeString(dir.resolve("wrong.credentials"), "otto:not-the-password\n");
            Cli.Result badPassword = Cli.run("reload", "--config", config.toString(), "--credentials-file", wrong.toString());
            assertThat(badPassword.exitCode()).isEqualTo(1);
            assertThat(badPassword.out()).contains("user 'otto' was not accepted").doesNotContain("not-the-password");

            Path operator = Files.writeString(dir.resolve("operator.credentials"), "otto:operator-secret-1\n");
            Cli.Result fromFile = Cli.run("reload", "--config", config.toString(), "--credentials-file", operator.toString());
            assertThat(fromFile.exitCode()).as(fromFile.out() + fromFile.err()).isZero();
            assertThat(fromFile.out()).contains("reloaded:");

            // From the environment (the command's own reader of it, given here: a JVM cannot set its own).
            ReloadCommand fromEnv = new ReloadCommand();
            fromEnv.config = config;
            fromEnv.credentialsEnv = DaemonCredentials.ENV;
            fromEnv.environment = name -> name.equals(DaemonCredentials.ENV) ? "otto:operator-secret-1" : null;
            assertThat(fromEnv.call()).isZero();
            assertThat(Files.readString(log)).contains("reload (http 127.0.0.1 user otto)");
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    @Test
    void badCredentialsInputIsOneLineNamingItsSourceWithoutThePassword() throws Exception {
        Path file = Files.writeString(dir.resolve("creds"), "no-colon-secret\n");
        Cli.Result noColon = Cli.run("reload", "--url", "http://127.0.0.1:1", "--credentials-file", file.toString());
        assertThat(noColon.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(noColon.errorLines()).containsExactly("linewatch: error: " + file
                + ": expected USER:PASSWORD on the first line");
        assertThat(noColon.err()).doesNotContain("no-colon-secret");
        Cli.Result missing = Cli.run("reload", "--url", "http://127.0.0.1:1", "--credentials-file",
                dir.resolve("absent").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(missing.errorLines()).singleElement().asString().startsWith("linewatch: error: " + dir.resolve("absent")
                + ": cannot read the credentials file");
        assertThat(DaemonCredentials.read(null, "X", name -> "otto:pa:ss")).isEqualTo(new DaemonCredentials("otto", "pa:ss"));
        assertThat(DaemonCredentials.read(null, "X", name -> null)).isNull();
        assertThat(new DaemonCredentials("otto", "pa:ss").toString()).doesNotContain("pa:ss");
    }
}

package io.linewatch.cli;

import io.linewatch.config.HttpConfig;
import io.linewatch.config.LinewatchConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import javax.net.ssl.HttpsURLConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch reload}: asks the running daemon to re-read its config file, as SIGHUP does,
 * over its HTTP port ({@code POST /reload}), and prints its answer. With {@code http.users} the
 * daemon wants an operator's or admin's credentials: read from {@code --credentials-file} or the
 * environment ({@link DaemonCredentials}), never the command line. With {@code http.tls} in the
 * config it speaks HTTPS and trusts the configured certificate ({@link PinnedTls}).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Asks the running daemon to re-read its config file (as SIGHUP does) and prints what changed,"
                + " why it restarts, or why the new config was refused. Exits 0 when the config was taken, 1 when not."
                + " Reaches the daemon on its HTTP port (http.port in its config), over HTTPS when the config has"
                + " http.tls (trusting its cert_file). With http.users, give an operator's USER:PASSWORD in"
                + " --credentials-file or the environment variable " + DaemonCredentials.ENV + ".")
final class ReloadCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon's config (for http.bind, http.port and http.tls).")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The daemon's HTTP endpoint, e.g. http://127.0.0.1:9464.")
    String url;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "A file whose first line is USER:PASSWORD of an operator or admin (http.users).")
    Path credentialsFile;

    @Option(names = "--credentials-env", paramLabel = "NAME", defaultValue = DaemonCredentials.ENV,
            description = "The environment variable holding USER:PASSWORD when no file is given (default: ${DEFAULT-VALUE}).")
    String credentialsEnv;

    /** Where the environment is read; tests give their own. */
    UnaryOperator<String> environment = System::getenv;

    @Override
    public Integer call() {
        DaemonCredentials credentials = DaemonCredentials.read(credentialsFile, credentialsEnv, environment);
        LinewatchConfig daemon = config == null ? null : Main.loadConfig(config);
        String target = base(daemon) + "/reload";
        HttpURLConnection http;
        int status;
        String body;
        try {
            http = (HttpURLConnection) URI.create(target).toURL().openConnection();
            if (http instanceof HttpsURLConnection https && daemon != null && daemon.http().secure()) {
                PinnedTls.trusting(Path.of(daemon.http().tls().certFile())).apply(https);
            }
            http.setConnectTimeout(3000);
            http.setReadTimeout((int) TIMEOUT.toMillis());
            http.setRequestMethod("POST");
            if (credentials != null) {
                http.setRequestProperty("Authorization", credentials.basicHeader());
            }
            http.setDoOutput(true);
            http.getOutputStream().close();
            status = http.getResponseCode();
            try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new CliException(1, target + ": no answer (is the daemon running with its http.port?): " + e);
        }
        System.out.print("linewatch at " + target + ": " + body);
        if (status == 401) {
            System.out.println("linewatch reload: the daemon wants a user (http.users): " + (credentials == null
                    ? "give an operator's USER:PASSWORD in --credentials-file FILE or " + credentialsEnv
                    : "user '" + credentials.user() + "' was not accepted"));
        } else if (status == 403 && credentials != null) {
            System.out.println("linewatch reload: user '" + credentials.user() + "' may not reload (needs operator or admin)");
        }
        return status == 200 || status == 202 ? 0 : 1;
    }

    /** The daemon's base URL: {@code --url}, else its config's bind and port (https with http.tls). */
    private String base(LinewatchConfig daemon) {
        if (url != null) {
            return url.replaceAll("/+$", "");
        }
        if (daemon == null) {
            throw new CliException(Main.EXIT_CONFIG, "give --config FILE or --url URL");
        }
        HttpConfig h = daemon.http();
        if (!h.enabled()) {
            throw new CliException(Main.EXIT_CONFIG, config + ": http.port: the endpoint is off (0); set a port");
        }
        String host = h.bind().equals("0.0.0.0") || h.bind().equals("::") ? "127.0.0.1" : h.bind();
        host = host.contains(":") ? "[" + host + "]" : host;
        return (h.secure() ? "https://" : "http://") + host + ":" + h.port();
    }
}

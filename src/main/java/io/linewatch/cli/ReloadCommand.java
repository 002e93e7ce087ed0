package io.linewatch.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch reload}: asks the running daemon to re-read its config file, as SIGHUP does,
 * over its HTTP port ({@code POST /reload}), and prints its answer.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Asks the running daemon to re-read its config file (as SIGHUP does) and prints what changed,"
                + " why it restarts, or why the new config was refused. Exits 0 when the config was taken, 1 when not."
                + " Reaches the daemon on its HTTP port (http.port in its config).")
final class ReloadCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's config (for http.bind and http.port).")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The daemon's HTTP endpoint, e.g. http://127.0.0.1:9464.")
    String url;

    @Override
    public Integer call() throws InterruptedException {
        String target = StatusCommand.base(config, url) + "/reload";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(target)).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(1, target + ": no answer (is the daemon running with its http.port?): " + e);
        }
        System.out.print("linewatch at " + target + ": " + answer.body());
        return answer.statusCode() == 200 || answer.statusCode() == 202 ? 0 : 1;
    }
}

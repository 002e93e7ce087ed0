package io.linewatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sparkplug B payloads decoded (and a rebirth command encoded) by a decoder linewatch did not write:
 * the npm {@code sparkplug-payload} package, pinned in {@code src/test/js/sparkplug/package-lock.json}
 * and installed by {@code .ci/run} ({@code npm ci --prefix src/test/js/sparkplug}), run by Debian's
 * {@code node}. A test that needs it fails (not skips) when it is missing.
 */
public final class SparkplugDecoder {

    private static final Path DIR = Path.of("src/test/js/sparkplug").toAbsolutePath();

    private SparkplugDecoder() {
    }

    /**
     * Each message decoded: {@code topic}, {@code timestamp}, {@code seq} (null when absent) and
     * {@code metrics} ({@code name}, {@code type}, {@code value}, {@code timestamp}, {@code historical}).
     */
    public static List<JsonNode> decode(List<String> topics, List<byte[]> payloads, Path workDir)
            throws IOException, InterruptedException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < topics.size(); i++) {
            lines.append(topics.get(i)).append('\t').append(Base64.getEncoder().encodeToString(payloads.get(i)))
                    .append('\n');
        }
        Path input = workDir.resolve("sparkplug-messages.txt");
        Files.writeString(input, lines);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : node("decode.js", input.toString(), workDir).split("\n")) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }

    /** The NCMD payload asking for a rebirth ({@code Node Control/Rebirth} = true), encoded by the npm package. */
    public static byte[] rebirthCommand(Path workDir) throws IOException, InterruptedException {
        return Base64.getDecoder().decode(node("rebirth.js", null, workDir).strip());
    }

    private static String node(String script, String argument, Path workDir) throws IOException, InterruptedException {
        if (!Files.isDirectory(DIR.resolve("node_modules/sparkplug-payload"))) {
            throw new IOException("the npm package sparkplug-payload is not installed: npm ci --prefix " + DIR
                    + " (.ci/run does it)");
        }
        List<String> command = new ArrayList<>(List.of("node", DIR.resolve(script).toString()));
        if (argument != null) {
            command.add(argument);
        }
        Path out = workDir.resolve(script + ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve(script + ".err").toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("node " + script + " failed: " + Files.readString(workDir.resolve(script + ".err")));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}

package io.linewatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * node-opcua, the Node.js OPC UA SDK (a client linewatch did not write), running
 * src/test/node/opcua-client.js. The package is installed once, pinned, into {@code
 * $LINEWATCH_NPM_CACHE} (default {@code ~/.cache/linewatch/npm-opcua}; .ci/run installs it there);
 * when it is missing there, npm installs it now. Needs Debian's {@code nodejs} and {@code npm}.
 */
public final class NodeOpcua {

    /** The pinned client package. */
    public static final String PACKAGE = "node-opcua-client@2.186.4";
    private static final Path SCRIPT = Path.of("src/test/node/opcua-client.js").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeOpcua() {
    }

    /** The folder holding node_modules/node-opcua-client, installed if missing. */
    public static synchronized Path modules() throws IOException, InterruptedException {
        String env = System.getenv("LINEWATCH_NPM_CACHE");
        Path dir = env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "linewatch",
                "npm-opcua");
        if (!Files.isDirectory(dir.resolve("node_modules/node-opcua-client"))) {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund", "--loglevel=error", PACKAGE)
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (npm.waitFor() != 0) {
                throw new IOException("npm install " + PACKAGE + " into " + dir + " failed (apt-get install nodejs npm;"
                        + " .ci/run does it): " + log);
            }
        }
        return dir.resolve("node_modules");
    }

    /**
     * Runs the client with {@code args} (see the script's head) and returns what it printed, one JSON
     * object a line; fails when it runs longer than {@code timeoutSeconds}.
     */
    public static List<JsonNode> run(Map<String, Object> args, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("timeout", String.valueOf(timeoutSeconds), "node", SCRIPT.toString(),
                JSON.writeValueAsString(args));
        pb.environment().put("NODE_PATH", modules().toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process node = pb.start();
        byte[] out = node.getInputStream().readAllBytes();
        if (node.waitFor() == 124) {
            throw new IOException("the node-opcua client ran past " + timeoutSeconds + " s: "
                    + new String(out, StandardCharsets.UTF_8));
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The lines of one kind. */
    public static List<JsonNode> of(List<JsonNode> lines, String kind) {
        return lines.stream().filter(l -> kind.equals(l.path("kind").asText())).toList();
    }
}

package io.linewatch.inference.tensorrt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A folder of engine files, each with its manifest ({@code NAME.engine.json}). An engine is found
 * only when its manifest's key equals the wanted key and the file matches the manifest's size and
 * SHA-256; otherwise the lookup says why not, naming the closest engine and how its key differs.
 * Files are written atomically, the manifest last. Engines refused by the accuracy gate are kept
 * aside in {@code rejected/}, where lookups never look.
 */
public final class EngineCache {

    /** What a lookup found: the engine file, or the reason there is none. */
    public record Lookup(Path engine, String reason) {
        public boolean hit() {
            return engine != null;
        }
    }

    private static final String MANIFEST_SUFFIX = ".json";
    private static final String REJECTED = "rejected";

    private final Path dir;

    public EngineCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The engine built from the model called {@code modelStem} for exactly {@code wanted}, or why there is none. */
    public Lookup lookup(String modelStem, EngineKey wanted) throws IOException {
        Path engine = dir.resolve(wanted.fileName(modelStem));
        if (Files.isRegularFile(manifestOf(engine))) {
            return check(engine, wanted);
        }
        if (Files.exists(engine)) {
            return miss(engine + " has no manifest (an interrupted build?)");
        }
        if (!Files.isDirectory(dir)) {
            return miss("engine folder " + dir + " does not exist: no engine built yet");
        }
        List<EngineManifest> manifests = manifests();
        for (EngineManifest m : manifests) {
            if (m.key().equals(wanted)) {
                return check(dir.resolve(m.engineFile()), wanted);
            }
        }
        return manifests.stream()
                .min(Comparator.comparingInt((EngineManifest m) -> m.key().modelSha256().equals(wanted.modelSha256()) ? 0 : 1)
                        .thenComparingInt(m -> m.key().differencesFrom(wanted).size()))
                .map(m -> miss("no engine in " + dir + " matches; the closest, " + m.engineFile() + ", differs: "
                        + describe(m.key().differencesFrom(wanted))))
                .orElse(miss("no engine in " + dir + " yet"));
    }

    /** Writes an engine and then its manifest, each atomically; returns the engine file. */
    public Path store(String modelStem, EngineKey key, ByteBuffer plan, String modelFile, double buildSeconds,
                      List<String> validation) throws IOException {
        return write(dir, modelStem, key, plan, modelFile, buildSeconds, validation);
    }

    /** Keeps an engine the gate refused in {@code rejected/}, with its manifest; returns the engine file. */
    public Path setAside(String modelStem, EngineKey key, ByteBuffer plan, String modelFile, double buildSeconds,
                         List<String> validation) throws IOException {
        return write(dir.resolve(REJECTED), modelStem, key, plan, modelFile, buildSeconds, validation);
    }

    private static Path write(Path folder, String modelStem, EngineKey key, ByteBuffer plan, String modelFile,
                              double buildSeconds, List<String> validation) throws IOException {
        Path engine = folder.resolve(key.fileName(modelStem));
        AtomicFiles.write(engine, out -> copy(plan, out));
        EngineManifest manifest = new EngineManifest(key, engine.getFileName().toString(), plan.remaining(),
                Digests.sha256(plan), modelFile, Instant.now().toString(), buildSeconds, validation);
        AtomicFiles.write(manifestOf(engine), manifest.toJson());
        return engine;
    }

    private Lookup check(Path engine, EngineKey wanted) {
        Path manifestFile = manifestOf(engine);
        EngineManifest manifest;
        try {
            manifest = EngineManifest.read(manifestFile);
        } catch (IOException e) {
            return miss(manifestFile + " cannot be read: " + firstLine(e.getMessage()));
        }
        List<EngineKey.Difference> differences = manifest.key().differencesFrom(wanted);
        if (!differences.isEmpty()) {
            return miss(engine.getFileName() + " was built for another key: " + describe(differences));
        }
        try {
            long bytes = Files.size(engine);
            if (bytes != manifest.engineBytes()) {
                return miss(engine + " is damaged: " + bytes + " bytes, its manifest says " + manifest.engineBytes());
            }
            if (!Digests.sha256(engine).equals(manifest.engineSha256())) {
                return miss(engine + " is damaged: its SHA-256 is not the one in its manifest");
            }
        } catch (IOException e) {
            return miss(engine + " cannot be read: " + firstLine(e.getMessage()));
        }
        return new Lookup(engine, null);
    }

    /** The readable manifests in the folder, by file name; unreadable ones are passed over. */
    private List<EngineManifest> manifests() throws IOException {
        List<EngineManifest> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".engine" + MANIFEST_SUFFIX))
                    .sorted().toList()) {
                try {
                    found.add(EngineManifest.read(f));
                } catch (IOException e) {
                    // a damaged manifest only matters when it is the one asked for
                }
            }
        }
        return found;
    }

    static Path manifestOf(Path engine) {
        return engine.resolveSibling(engine.getFileName() + MANIFEST_SUFFIX);
    }

    private static Lookup miss(String reason) {
        return new Lookup(null, reason);
    }

    private static String describe(List<EngineKey.Difference> differences) {
        return differences.stream().map(EngineKey.Difference::toString).collect(Collectors.joining(", "));
    }

    private static void copy(ByteBuffer plan, OutputStream out) throws IOException {
        ByteBuffer b = plan.duplicate();
        WritableByteChannel channel = Channels.newChannel(out);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}

package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.BatchProfile;
import io.linewatch.config.TensorRtConfig.Precision;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine cache without a GPU: engines are stored with a manifest carrying their complete key,
 * found only under exactly that key and only when intact, and every miss says why.
 */
class EngineCacheTest {

    private static final HostInfo RTX = new HostInfo("10.15.1", "NVIDIA GeForce RTX 4090", "8.9");
    private static final String SHA = "5b3ed5272c11aa2e8e0d1f9bdb0c7a9e5c4b3a291807f6e5d4c3b2a1908f7e6d";

    @TempDir
    Path dir;

    private final ByteBuffer plan = randomPlan(4096);

    private static EngineKey key(HostInfo host) {
        return EngineKey.of(SHA, "3x224x384", Precision.FP16, new BatchProfile(1, 4, 4), null, host);
    }

    private static ByteBuffer randomPlan(int bytes) {
        byte[] b = new byte[bytes];
        new Random(7).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void theFileNameCarriesTheKeyAndEveryFieldChangesIt() {
        EngineKey key = key(RTX);
        String name = key.fileName("conveyor-det");
        assertThat(name).startsWith("conveyor-det.fp16.b1-4-4.nvidia-geforce-rtx-4090.sm89.trt10.15.1.")
                .endsWith(".engine").matches(".*\\.[0-9a-f]{10}\\.engine");
        List<EngineKey> others = List.of(
                new EngineKey("0" + SHA.substring(1), key.inputShape(), key.precision(), key.profile(), null, "10.15.1",
                        RTX.gpuName(), "8.9"),
                new EngineKey(SHA, "3x320x320", key.precision(), key.profile(), null, "10.15.1", RTX.gpuName(), "8.9"),
                new EngineKey(SHA, key.inputShape(), Precision.INT8, key.profile(), null, "10.15.1", RTX.gpuName(), "8.9"),
                new EngineKey(SHA, key.inputShape(), key.precision(), new BatchProfile(1, 8, 8), null, "10.15.1",
                        RTX.gpuName(), "8.9"),
                new EngineKey(SHA, key.inputShape(), key.precision(), key.profile(), 0, "10.15.1", RTX.gpuName(), "8.9"),
                new EngineKey(SHA, key.inputShape(), key.precision(), key.profile(), null, "10.3.0", RTX.gpuName(), "8.9"),
                new EngineKey(SHA, key.inputShape(), key.precision(), key.profile(), null, "10.15.1", "NVIDIA RTX A2000",
                        "8.9"),
                new EngineKey(SHA, key.inputShape(), key.precision(), key.profile(), null, "10.15.1", RTX.gpuName(), "8.6"));
        for (EngineKey other : others) {
            assertThat(other.fileName("conveyor-det")).as(other.toString()).isNotEqualTo(name);
            assertThat(other.differencesFrom(key)).hasSize(1);
        }
        assertThat(key(RTX).fileName("conveyor-det")).as("stable").isEqualTo(name);
    }

    @Test
    void aStoredEngineIsFoundUnderItsKeyWithAManifestHoldingTheWholeKey() throws Exception {
        EngineCache cache = new EngineCache(dir);
        Path engine = cache.store("conveyor-det", key(RTX), plan, "/models/conveyor-det.onnx", 12.5, List.of("accepted"));

        EngineCache.Lookup found = cache.lookup("conveyor-det", key(RTX));
        assertThat(found.hit()).as(found.reason()).isTrue();
        assertThat(found.engine()).isEqualTo(engine);
        assertThat(Files.readAllBytes(engine)).isEqualTo(plan.array());

        JsonNode manifest = new ObjectMapper().readTree(dir.resolve(engine.getFileName() + ".json").toFile());
        JsonNode k = manifest.get("key");
        assertThat(k.get("model_sha256").asText()).isEqualTo(SHA);
        assertThat(k.get("tensor_rt_version").asText()).isEqualTo("10.15.1");
        assertThat(k.get("gpu_name").asText()).isEqualTo("NVIDIA GeForce RTX 4090");
        assertThat(k.get("compute_capability").asText()).isEqualTo("8.9");
        assertThat(k.get("precision").asText()).isEqualTo("fp16");
        assertThat(k.get("profile").get("opt").asInt()).isEqualTo(4);
        assertThat(k.get("dla_core").isNull()).isTrue();
        assertThat(k.get("input_shape").asText()).isEqualTo("3x224x384");
        assertThat(manifest.get("engine_bytes").asLong()).isEqualTo(4096);
        assertThat(manifest.get("engine_sha256").asText()).isEqualTo(Digests.sha256(plan));
        assertThat(manifest.get("validation").get(0).asText()).isEqualTo("accepted");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left")
                    .containsExactlyInAnyOrder(engine.getFileName().toString(), engine.getFileName() + ".json");
        }
    }

    @Test
    void anEngineForAnotherTensorRtOrGpuIsNotLoadedAndTheMissSaysWhy() throws Exception {
        EngineCache cache = new EngineCache(dir);
        cache.store("conveyor-det", key(new HostInfo("10.3.0", "Orin", "8.7")), plan, "m.onnx", 60, List.of());

        EngineCache.Lookup miss = cache.lookup("conveyor-det", key(RTX));
        assertThat(miss.hit()).isFalse();
        assertThat(miss.reason()).startsWith("no engine in " + dir + " matches; the closest, conveyor-det.fp16.b1-4-4.orin")
                .contains("TensorRT 10.3.0 (wanted 10.15.1)")
                .contains("GPU 'Orin' (wanted 'NVIDIA GeForce RTX 4090')")
                .contains("compute capability 8.7 (wanted 8.9)")
                .doesNotContain("precision").doesNotContain("\n");
    }

    @Test
    void precisionProfileAndDlaCoreArePartOfTheKey() throws Exception {
        EngineCache cache = new EngineCache(dir);
        EngineKey int8 = EngineKey.of(SHA, "3x224x384", Precision.INT8, new BatchProfile(1, 8, 8), 0, RTX);
        cache.store("conveyor-det", int8, plan, "m.onnx", 1, List.of());
        EngineCache.Lookup miss = cache.lookup("conveyor-det", key(RTX));
        assertThat(miss.hit()).isFalse();
        assertThat(miss.reason()).contains("precision int8 (wanted fp16)").contains("batch profile 1-8-8 (wanted 1-4-4)")
                .contains("DLA core 0 (wanted none (GPU))");
        assertThat(cache.lookup("conveyor-det", int8).hit()).isTrue();
    }

    @Test
    void aDamagedOrHalfWrittenEngineIsNotLoaded() throws Exception {
        EngineCache cache = new EngineCache(dir);
        Path engine = cache.store("conveyor-det", key(RTX), plan, "m.onnx", 1, List.of());

        Files.write(engine, new byte[100]);
        assertThat(cache.lookup("conveyor-det", key(RTX)).reason())
                .isEqualTo(engine + " is damaged: 100 bytes, its manifest says 4096");

        byte[] flipped = plan.array().clone();
        flipped[17] ^= 1;
        Files.write(engine, flipped);
        assertThat(cache.lookup("conveyor-det", key(RTX)).reason())
                .isEqualTo(engine + " is damaged: its SHA-256 is not the one in its manifest");

        Files.delete(dir.resolve(engine.getFileName() + ".json"));
        assertThat(cache.lookup("conveyor-det", key(RTX)).reason())
                .isEqualTo(engine + " has no manifest (an interrupted build?)");

        Files.writeString(dir.resolve(engine.getFileName() + ".json"), "{not json", StandardCharsets.UTF_8);
        assertThat(cache.lookup("conveyor-det", key(RTX)).reason()).startsWith(engine + ".json cannot be read: ");
    }

    @Test
    void aRenamedModelWithTheSameContentFindsItsEngine() throws Exception {
        EngineCache cache = new EngineCache(dir);
        Path engine = cache.store("conveyor-det", key(RTX), plan, "conveyor-det.onnx", 1, List.of());
        EngineCache.Lookup found = cache.lookup("conveyor-det-v2", key(RTX));
        assertThat(found.hit()).as(found.reason()).isTrue();
        assertThat(found.engine()).isEqualTo(engine);
    }

    @Test
    void anEngineKeptAsideIsNeverLoaded() throws Exception {
        EngineCache cache = new EngineCache(dir);
        Path aside = cache.setAside("conveyor-det", key(RTX), plan, "m.onnx", 1, List.of("refused: recall"));
        assertThat(aside.getParent()).isEqualTo(dir.resolve("rejected"));
        assertThat(Files.exists(dir.resolve("rejected").resolve(aside.getFileName() + ".json"))).isTrue();
        assertThat(cache.lookup("conveyor-det", key(RTX)).reason()).isEqualTo("no engine in " + dir + " yet");
    }

    @Test
    void aMissingFolderMeansNothingWasBuilt() throws Exception {
        Path none = dir.resolve("engines");
        assertThat(new EngineCache(none).lookup("conveyor-det", key(RTX)).reason())
                .isEqualTo("engine folder " + none + " does not exist: no engine built yet");
    }
}

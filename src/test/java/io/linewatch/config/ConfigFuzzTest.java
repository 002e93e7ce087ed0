package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.linewatch.testing.FuzzSeeds;
import io.linewatch.testing.Shipped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutations of the shipped example config (keys deleted or duplicated, values of the wrong type,
 * huge numbers, unicode, garbage bytes, truncation): each either loads or fails with a {@link
 * ConfigException} of one line naming the file, never another exception and never a hang. Seeded:
 * two fixed seeds every run and one drawn afresh ({@link FuzzSeeds}); a failure prints the seed and
 * the case, and {@code -Dfuzz.seed=N} replays it.
 */
class ConfigFuzzTest {

    /** Cases per seed (three seeds a run: two fixed, one random). */
    private static final int CASES = 150;
    private static final long TIMEOUT_SECONDS = 5;
    private static final String[] VALUES = {"", "~", "null", "-1", "0", "1", "3.5", "99999999999999999999999",
        "1e400", "-9223372036854775809", "true", "'x'", "[]", "{}", "[1, [2]]", "{a: 1}", "\"\\u0000\"", "é中𝄞",
        "\"\\uD800\"", "&a 1", "*a", "!!binary AAAA", "!!java.io.File x", "?", "|", ">-", "'", "\"", "[", "{", "- -",
        "\t", "NaN", ".inf", "0x1F", "1_000", "2020-01-01", "yes", "/dev/zero", "../../../etc/passwd", "a\u0000b"};

    @TempDir
    Path dir;

    static List<Long> seeds() {
        return FuzzSeeds.seeds("ConfigFuzzTest");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedConfigsLoadOrFailWithOneLine(long seed) throws Exception {
        String example = Files.readString(Shipped.exampleConfig(dir, null));
        Random random = new Random(seed);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "config-fuzz");
            t.setDaemon(true);
            return t;
        });
        int loaded = 0;
        try {
            for (int i = 0; i < CASES; i++) {
                byte[] mutated = mutate(example, random);
                Path file = dir.resolve("case-" + i + ".yaml");
                Files.write(file, mutated);
                Future<Boolean> outcome = executor.submit(() -> loads(file));
                try {
                    if (outcome.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        loaded++;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("seed %d, case %d: no answer within %d s for:%n%s", seed, i, TIMEOUT_SECONDS,
                            new String(mutated, StandardCharsets.UTF_8));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("seed " + seed + ", case " + i + ": " + e.getCause() + " for:\n"
                            + new String(mutated, StandardCharsets.UTF_8), e.getCause());
                }
            }
        } finally {
            executor.shutdownNow();
        }
        System.out.println("ConfigFuzzTest: " + loaded + " of " + CASES + " mutated configs loaded, the rest failed cleanly");
        assertThat(loaded).as("some mutations are harmless (comments, spacing)").isPositive();
        assertThat(loaded).as("most mutations are errors").isLessThan(CASES);
    }

    /** True when the config loads; false when it fails with one line; anything else propagates. */
    private static boolean loads(Path file) {
        try {
            ConfigLoader.load(file);
            return true;
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n").doesNotContain("\r");
            assertThat(e.getMessage().length()).isLessThan(2000);
            return false;
        }
    }

    private static byte[] mutate(String yaml, Random random) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, replaceValue(line, VALUES[random.nextInt(VALUES.length)]));
                case 3 -> lines.set(at, line.replaceFirst("^(\\s*-?\\s*)([a-z_]+)", "$1" + randomKey(random)));
                case 4 -> lines.set(at, " ".repeat(random.nextInt(5)) + line.stripLeading());
                case 5 -> lines.set(at, replaceValue(line, hugeNumber(random)));
                default -> lines.set(at, line + " " + VALUES[random.nextInt(VALUES.length)]);
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(4)) {
            case 0 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 1 -> {
                for (int k = 0, n = 1 + random.nextInt(8); k < n; k++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            default -> {
                // the line edits alone
            }
        }
        return bytes;
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(':');
        return colon < 0 ? line + value : line.substring(0, colon + 1) + " " + value;
    }

    private static String randomKey(Random random) {
        String[] keys = {"ring_size", "max_frame_age_ms", "cameras", "models", "alarms", "id", "source", "classes",
            "zone", "qos", "batch_size", "class", "ünïcödé", "x".repeat(300)};
        return keys[random.nextInt(keys.length)];
    }

    private static String hugeNumber(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> String.valueOf(Long.MAX_VALUE);
            case 1 -> "1" + "0".repeat(random.nextInt(400));
            case 2 -> "-" + Integer.MAX_VALUE + "0";
            default -> "1e" + random.nextInt(1000);
        };
    }
}

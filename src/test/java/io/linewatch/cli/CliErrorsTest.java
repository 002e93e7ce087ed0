package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.OutboxConfig;
import io.linewatch.sinks.Outbox;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to a CLI command: one clear line naming what is wrong, and a non-zero exit. */
class CliErrorsTest {

    @TempDir
    Path dir;

    @Test
    void checkConfigAcceptsTheExample() {
        Cli.Result r = Cli.run("check-config", Shipped.EXAMPLE_CONFIG.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("ok: site plant1, 1 camera(s), 1 model(s), 1 alarm rule(s)");
    }

    @Test
    void malformedConfig() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Shipped.EXAMPLE_CONFIG).replace("batch_size: 4", "batch_size: four"));
        for (String[] args : new String[][] {{"check-config", bad.toString()},
                                             {"replay", "--config", bad.toString(), "--no-mqtt"}}) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
            assertThat(r.errorLines()).containsExactly(
                    "linewatch: error: " + bad + ": models.conveyor.batch_size: expected an integer, got 'four'");
        }
    }

    @Test
    void missingClip() throws Exception {
        Path config = Shipped.exampleConfig(dir, null);
        Path missing = dir.resolve("missing.mp4");
        Cli.Result r = Cli.run("replay", "--config", config.toString(), missing.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).containsExactly(
                "linewatch: error: camera conveyor: cannot open " + missing + ": no such file");
    }

    @Test
    void corruptClip() throws Exception {
        Path config = Shipped.exampleConfig(dir, null);
        Path corrupt = dir.resolve("corrupt.mp4");
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(Shipped.CLIP), 2000);
        java.util.Arrays.fill(head, 100, 2000, (byte) 0x5a);
        Files.write(corrupt, head);
        Cli.Result r = Cli.run("replay", "--config", config.toString(), corrupt.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).hasSize(1);
        assertThat(r.errorLines().get(0)).startsWith("linewatch: error: camera conveyor: cannot open " + corrupt + ": ");
    }

    @Test
    void modelWhoseInputDoesNotFit() throws Exception {
        Path model = Path.of("src/test/resources/models/one_channel_input.onnx").toAbsolutePath();
        Path config = Shipped.exampleConfig(dir, null, "path: " + Shipped.MODEL, "path: " + model);
        Cli.Result r = Cli.run("replay", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).containsExactly("linewatch: error: model " + model
                + ": input 'images' has 1 channel; a detection model needs [batch, 3, height, width]");
    }

    @Test
    void modelWhoseOutputDoesNotFitTheClasses() throws Exception {
        Path model = Path.of("src/test/resources/models/coco_output.onnx").toAbsolutePath();
        Path config = Shipped.exampleConfig(dir, null, "path: " + Shipped.MODEL, "path: " + model);
        Cli.Result r = Cli.run("replay", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).containsExactly("linewatch: error: model " + model
                + ": output shape [B, 84, 16] does not fit layout yolov8 with 2 classes, which needs [B, 6, N]");
    }

    @Test
    void configuredInputSizeThatDisagreesWithTheModel() throws Exception {
        Path config = Shipped.exampleConfig(dir, null, "    batch_size: 4\n",
                "    batch_size: 4\n    input: {width: 640, height: 640}\n");
        Cli.Result r = Cli.run("replay", "--config", config.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).hasSize(1);
        assertThat(r.errorLines().get(0)).contains("model " + Shipped.MODEL + ": input height is 224 but the config's input height is 640");
    }

    @Test
    void aBrokerThatRefusesTheConnectionIsAWarningAndTheAlarmsWaitInTheOutbox() throws Exception {
        String url = "tcp://127.0.0.1:" + Mosquitto.freePort();
        Path config = Shipped.exampleConfig(dir, url);
        Cli.Result r = Cli.run("replay", "--config", config.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("mqtt " + url + ": cannot connect: Connection refused");
        assertThat(r.err()).contains("messages wait in the outbox " + dir.resolve("outbox") + " for the next start");
        long logged = Files.readAllLines(dir.resolve("events.jsonl")).size();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox"), OutboxConfig.DEFAULT_MAX_BYTES)) {
            assertThat(outbox.waitingAfter(0, 1000).stream().filter(m -> m.kind() == Outbox.Kind.ALARM).count())
                    .isEqualTo(logged).isPositive();
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"run", "replay", "demo", "check-config", "status"}) {
            Cli.Result r = Cli.run(command, "--help");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).startsWith("Usage: linewatch " + command);
        }
    }

    @Test
    void groundTruthWithoutItsCameraIsRefusedWhenTheConfigHasSeveral() {
        Cli.Result r = Cli.run("replay", "--config", "deploy/examples/plant.yaml", "--no-mqtt",
                "--ground-truth", "samples/conveyor.gt.jsonl");
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.errorLines()).containsExactly("linewatch: error: --ground-truth samples/conveyor.gt.jsonl: the config"
                + " has 4 cameras; name one as CAMERA=FILE (cameras: [conveyor, motor, inspection, reactor])");
    }
}

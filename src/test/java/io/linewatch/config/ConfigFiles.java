package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The config tests' way in: a YAML text written as {@code DIR/linewatch.yaml} and loaded. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    /** Writes {@code yaml} to {@code dir/linewatch.yaml} and loads it. */
    static LinewatchConfig load(Path dir, String yaml) throws IOException, ConfigException {
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    /**
     * The error loading {@code yaml} gives, checked to be one line that names the file first;
     * returned whole.
     */
    static String error(Path dir, String yaml) {
        Throwable t = catchThrowable(() -> load(dir, yaml));
        assertThat(t).isInstanceOf(ConfigException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith(dir.resolve("linewatch.yaml") + ": ");
        return t.getMessage();
    }
}

package io.linewatch.sinks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An append-only JSONL file, flushed after every line. Shared by the lanes: appends are synchronised. */
public final class EventLog implements AutoCloseable {

    private final Path file;
    private final BufferedWriter out;

    public EventLog(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public synchronized void append(String jsonLine) {
        try {
            out.write(jsonLine);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("event log " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

package io.linewatch.sinks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge node's birth/death sequence number, 0 to 255, one more for every MQTT session, kept in a
 * file so that a restarted daemon goes on from the last one (a host tells the NDEATH of an old
 * session from the current one by it). Used by the node's delivery thread only.
 */
final class SparkplugBdSeq {

    private static final Logger LOG = LoggerFactory.getLogger(SparkplugBdSeq.class);

    private final Path file;
    private long last = -1;

    SparkplugBdSeq(Path file) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                last = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()) % 256;
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("sparkplug: {}: unreadable bdSeq ({}); starting from 0", file, e.getMessage());
        }
    }

    /** The next session's bdSeq, written to the file first (a write that fails is logged; the number is used anyway). */
    long next() {
        last = (last + 1) % 256;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(last), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("sparkplug: cannot write bdSeq {} to {}: {}", last, file, e.getMessage());
        }
        return last;
    }
}

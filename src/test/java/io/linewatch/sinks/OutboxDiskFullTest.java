package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.testing.LogLines;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal at the edges of the disk: a write that fails part-way (a full disk) at every offset of
 * a record leaves the journal as it was, and damaged bytes in the middle of a journal cost nothing
 * but themselves.
 */
class OutboxDiskFullTest {

    private static final long ROOMY = 1 << 20;
    private static final long MAGIC_BYTES = "LWOUTBOX1\n".length();

    @TempDir
    Path dir;

    private static Outbox.Message alarm(Outbox box, long seq, String text) throws SinkException {
        return box.append(Outbox.Entry.alarm("t/cam", "cam", seq, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> payloads(Outbox box) {
        return box.waitingAfter(0, 1000).stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void anAppendThatFailsAtAnyOffsetOfItsRecordLeavesTheJournalAsItWas() throws Exception {
        long recordBytes = recordBytes();
        for (long failAfter = 0; failAfter < recordBytes; failAfter++) {
            Path box = dir.resolve("at-" + failAfter);
            FailingChannel[] channel = new FailingChannel[1];
            try (Outbox outbox = Outbox.open(box, ROOMY, file -> channel[0] = new FailingChannel(
                    FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), Long.MAX_VALUE))) {
                alarm(outbox, 1, "first");
                channel[0].allow(failAfter);
                assertThatThrownBy(() -> alarm(outbox, 2, "lost!")).isInstanceOf(SinkException.class)
                        .hasMessageContaining("No space left on device");
                assertThat(outbox.lastError()).isEqualTo("No space left on device");
                assertThat(Files.size(box.resolve("journal"))).as("cut back, failing after %d bytes", failAfter)
                        .isEqualTo(MAGIC_BYTES + recordBytes);

                channel[0].allow(Long.MAX_VALUE); // the disk frees up: used again without a restart
                alarm(outbox, 3, "third");
                assertThat(outbox.lastError()).isEmpty();
            }
            try (Outbox outbox = Outbox.open(box, ROOMY)) {
                assertThat(payloads(outbox)).as("failing after %d bytes", failAfter).containsExactly("first", "third");
            }
            assertThat(Files.size(box.resolve("journal"))).isEqualTo(MAGIC_BYTES + 2 * recordBytes);
        }
    }

    @Test
    void aDamagedRecordCostsOnlyItselfTheValidRecordsAfterItAreKept() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            alarm(box, 1, "first");
            alarm(box, 2, "broke");
            alarm(box, 3, "third");
        }
        Path journal = dir.resolve("journal");
        byte[] bytes = Files.readAllBytes(journal);
        int second = (int) (MAGIC_BYTES + recordBytes());
        bytes[second + (int) recordBytes() - 2] ^= 0x55; // inside the second record's payload
        Files.write(journal, bytes);
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first", "third");
            assertThat(box.lastSeq("cam")).isEqualTo(3);
        }
    }

    @Test
    void aFragmentInFrontOfValidRecordsIsSkippedAndRewrittenAway() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            alarm(box, 1, "first");
            alarm(box, 2, "later");
            alarm(box, 3, "third");
        }
        // What the daemon before this fix left: 2 bytes of a failed append, then the later appends.
        Path journal = dir.resolve("journal");
        byte[] bytes = Files.readAllBytes(journal);
        int second = (int) (MAGIC_BYTES + recordBytes());
        byte[] damaged = new byte[bytes.length + 2];
        System.arraycopy(bytes, 0, damaged, 0, second);
        damaged[second] = 0;
        damaged[second + 1] = 0;
        System.arraycopy(bytes, second, damaged, second + 2, bytes.length - second);
        Files.write(journal, damaged);

        try (LogLines log = new LogLines(); Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first", "later", "third");
            assertThat(log.containing("skipped 2 damaged bytes at offset " + second)).hasSize(1);
            assertThat(log.containing("cut")).isEmpty();
        }
        try (LogLines log = new LogLines(); Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first", "later", "third");
            assertThat(log.warnings()).as("rewritten without the fragment").isEmpty();
            alarm(box, 4, "fourth");
        }
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first", "later", "third", "fourth");
        }
    }

    /** The journal bytes of one of this test's alarm records (payloads of five characters). */
    private long recordBytes() throws Exception {
        Path probe = Files.createTempDirectory(dir, "probe");
        try (Outbox box = Outbox.open(probe, ROOMY)) {
            alarm(box, 1, "probe");
        }
        return Files.size(probe.resolve("journal")) - MAGIC_BYTES;
    }
}

package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    private static final long ROOMY = 1 << 20;

    @TempDir
    Path dir;

    private static Outbox.Message alarm(Outbox box, String camera, long seq, String text) throws SinkException {
        return box.append(Outbox.Entry.alarm("t/" + camera, camera, seq, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Outbox.Message state(Outbox box, String camera, String text) throws SinkException {
        return box.append(Outbox.Entry.state("s/" + camera, camera, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> payloads(Outbox box) {
        return box.waitingAfter(0, 1000).stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void whatWasNotAcknowledgedComesBackInOrderAfterARestart() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            for (int i = 1; i <= 5; i++) {
                alarm(box, "cam", i, "a" + i);
            }
            box.done(box.waitingAfter(0, 1).get(0).number());
            box.done(box.waitingAfter(0, 10).get(2).number());
        }
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("a2", "a3", "a5");
            assertThat(box.lastSeq("cam")).isEqualTo(5);
            Outbox.Message next = alarm(box, "cam", 6, "a6");
            assertThat(next.number()).isGreaterThan(box.waitingAfter(0, 10).get(2).number());
            assertThat(payloads(box)).containsExactly("a2", "a3", "a5", "a6");
        }
    }

    @Test
    void aRecordTornByACrashIsCutAndTheRestKept() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            alarm(box, "cam", 1, "first");
            alarm(box, "cam", 2, "second");
        }
        Path journal = dir.resolve("journal");
        long size = Files.size(journal);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
            ch.truncate(size - 3); // the second record's write was cut short
        }
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first");
            alarm(box, "cam", 2, "again");
        }
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first", "again");
        }
    }

    @Test
    void aCorruptRecordIsNotReplayed() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            alarm(box, "cam", 1, "first");
            alarm(box, "cam", 2, "second");
        }
        Path journal = dir.resolve("journal");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[bytes.length - 2] ^= 0x55; // inside the last record's payload
        Files.write(journal, bytes);
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            assertThat(payloads(box)).containsExactly("first");
        }
    }

    @Test
    void aFileThatIsNotAJournalIsRefused() throws Exception {
        Files.writeString(dir.resolve("journal"), "hello");
        assertThatThrownBy(() -> Outbox.open(dir, ROOMY)).isInstanceOf(SinkException.class)
                .hasMessageContaining("journal is not a linewatch outbox journal");
    }

    @Test
    void aNewStateReplacesTheOneStillWaiting() throws Exception {
        try (Outbox box = Outbox.open(dir, ROOMY)) {
            state(box, "cam1", "connecting");
            state(box, "cam2", "streaming");
            state(box, "cam1", "streaming");
            assertThat(payloads(box)).containsExactly("streaming", "streaming");
            assertThat(box.waitingAfter(0, 10)).extracting(Outbox.Message::topic).containsExactly("s/cam2", "s/cam1");
            assertThat(box.superseded.get()).isEqualTo(1);
        }
    }

    @Test
    void whenFullStatesAreEvictedFirstThenAlarmsAreRefused() throws Exception {
        String big = "x".repeat(1000); // about 1 KB a message in the journal: three fit in 4 KB
        try (Outbox box = Outbox.open(dir, 4096)) {
            state(box, "cam1", big);
            state(box, "cam2", big);
            assertThat(alarm(box, "cam", 1, big)).isNotNull();
            assertThat(alarm(box, "cam", 2, big)).isNotNull();
            assertThat(alarm(box, "cam", 3, big)).isNotNull();
            assertThat(box.evicted.get()).isEqualTo(2);
            assertThat(box.waitingAfter(0, 10)).allMatch(m -> m.kind() == Outbox.Kind.ALARM);

            assertThat(alarm(box, "cam", 4, big)).isNull();
            assertThat(box.refused.get()).isEqualTo(1);
            assertThat(box.waitingBytes()).isLessThanOrEqualTo(4096);

            box.done(box.waitingAfter(0, 1).get(0).number());
            assertThat(alarm(box, "cam", 5, big)).isNotNull();
        }
    }

    @Test
    void compactionKeepsWhatWaitsAndTheSequenceNumbers() throws Exception {
        String payload = "y".repeat(1000);
        try (Outbox box = Outbox.open(dir, 64L << 20)) {
            for (int i = 1; i <= 3000; i++) {
                Outbox.Message m = alarm(box, "cam" + (i % 3), i, payload);
                if (i != 1500) {
                    box.done(m.number());
                }
            }
            assertThat(Files.size(dir.resolve("journal"))).as("compacted").isLessThan(2L << 20);
        }
        try (Outbox box = Outbox.open(dir, 64L << 20)) {
            assertThat(box.waitingCount()).isEqualTo(1);
            assertThat(box.waitingAfter(0, 1).get(0).seq()).isEqualTo(1500);
            assertThat(box.lastSeq("cam0")).isEqualTo(3000);
            assertThat(box.lastSeq("cam1")).isEqualTo(2998);
            assertThat(box.lastSeq("cam2")).isEqualTo(2999);
        }
        assertThat(Files.exists(dir.resolve("journal.tmp"))).isFalse();
    }

    @Test
    void anUnwritableFolderIsAOneLineError() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "");
        assertThatThrownBy(() -> Outbox.open(file.resolve("outbox"), ROOMY)).isInstanceOf(SinkException.class)
                .hasMessageStartingWith("outbox " + file.resolve("outbox") + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

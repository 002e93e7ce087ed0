package io.linewatch.sinks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk outbox: a journal of the messages waiting for the broker. {@link #append} returns
 * only once the message is on disk (the journal is forced), so an appended message survives a
 * crash of the daemon; {@link #done} removes it once the broker has acknowledged it. After a
 * restart the messages still waiting are handed out again, in the order they were appended.
 *
 * <p>Bounded by {@code maxBytes} of waiting messages: when a new message does not fit, the oldest
 * waiting camera-state messages are evicted; when only alarms wait, the new alarm is refused (the
 * caller reports the overflow). An alarm is refused too when it cannot be written (a full disk).
 * Each refusal is counted per camera in {@link OutboxMarks}, a file written in place that needs no
 * new space, with the refused {@code seq}: {@link #lastSeq} never returns less, so a number is never
 * given twice. A message may carry a supersede key: appending another with the same key retires the
 * one still waiting (retained topics, where only the last value counts).
 *
 * <p>The journal is a sequence of records {@code [length][crc32c][type][body]}: a message, a
 * message done, or (after compaction) a camera's last sequence number. A write that fails (a full
 * disk) is cut back to the end of the last whole record before the failure is reported, so later
 * records never follow a fragment; the next append simply tries again, so a disk that frees up is
 * used again. On open, damaged bytes followed by a valid record are skipped (the count is logged)
 * and the journal rewritten without them; bytes after the last valid record are a record torn by a
 * crash and cut off; it was never accepted. When the dead records outweigh the live ones the
 * journal is rewritten to a new file that atomically replaces the old one.
 *
 * <p>Thread-safe: appended from sink and capture threads, read and acknowledged from the MQTT
 * threads.
 */
public final class Outbox implements AutoCloseable {

    /** What a message is; only camera-state messages may be evicted to make room. */
    public enum Kind { ALARM, STATE }

    /**
     * A waiting message.
     *
     * @param number       position in the outbox, increasing, never reused
     * @param supersedeKey a newer message with the same key replaces this one; empty for none
     * @param camera       camera whose sequence number {@code seq} is, or empty
     */
    public record Message(long number, Kind kind, String topic, boolean retained, String supersedeKey,
                          String camera, long seq, byte[] payload) {

        int journalBytes() {
            return HEADER_BYTES + 1 + 8 + 1 + 1 + utfBytes(topic) + utfBytes(supersedeKey) + utfBytes(camera) + 8 + 4
                    + payload.length;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final byte[] MAGIC = "LWOUTBOX1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 8;
    private static final int MAX_RECORD_BYTES = 64 << 20;
    private static final byte MESSAGE = 'M';
    private static final byte DONE = 'D';
    private static final byte SEQUENCE = 'S';
    private static final long COMPACT_MIN_DEAD_BYTES = 1 << 20;
    private static final String JOURNAL = "journal";
    private static final String MARKS = "marks";

    private final Path dir;
    private final Path journal;
    private final long maxBytes;
    private final TreeMap<Long, Message> waiting = new TreeMap<>();
    private final Map<String, Long> waitingByKey = new HashMap<>();
    private final Map<String, Long> lastSeqByCamera = new HashMap<>();
    private final List<Runnable> appendListeners = new ArrayList<>();
    private final ChannelOpener opener;
    private OutboxMarks marks;
    private FileChannel channel;
    /** The offset after the last whole record: where the next record goes. */
    private long end;
    /** A failed write could not be cut back: cut it before the next write. */
    private boolean fragment;
    private volatile String lastError = "";
    private long waitingBytes;
    private long nextNumber = 1;

    /** Messages accepted, evicted to make room, superseded; alarms refused (no room, or not written); acknowledged. */
    public final AtomicLong appended = new AtomicLong();
    public final AtomicLong evicted = new AtomicLong();
    public final AtomicLong superseded = new AtomicLong();
    public final AtomicLong refused = new AtomicLong();
    public final AtomicLong acknowledged = new AtomicLong();

    /** Opens the journal file for reading and writing; tests give one whose writes fail part-way. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file) throws IOException;
    }

    private Outbox(Path dir, long maxBytes, ChannelOpener opener) {
        this.dir = dir;
        this.journal = dir.resolve(JOURNAL);
        this.maxBytes = maxBytes;
        this.opener = opener;
    }

    /** Opens the outbox in {@code dir} (created if missing), recovering what a previous run left. */
    public static Outbox open(Path dir, long maxBytes) throws SinkException {
        return open(dir, maxBytes, file -> FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    static Outbox open(Path dir, long maxBytes, ChannelOpener opener) throws SinkException {
        Outbox outbox = new Outbox(dir, maxBytes, opener);
        try {
            Files.createDirectories(dir);
            outbox.recover();
            outbox.marks = OutboxMarks.open(dir.resolve(MARKS));
        } catch (IOException e) {
            outbox.close();
            throw new SinkException("outbox " + dir + ": " + e.getMessage(), e);
        }
        return outbox;
    }

    /**
     * A message to journal: what is published, and how the outbox keeps it. Made by one of the
     * factories, which say what each kind of message needs.
     *
     * @param supersedeKey a later entry with the same key replaces this one while it waits ("" for none)
     * @param camera       the camera whose alarm numbering it belongs to ("" for none)
     * @param seq          its number in the camera's alarm sequence (0 for none)
     * @param beyondBound  it may go past the outbox's bound (the overflow notice alone)
     */
    public record Entry(Kind kind, String topic, boolean retained, String supersedeKey, String camera, long seq,
                        byte[] payload, boolean beyondBound) {

        /** An alarm event of {@code camera}, numbered {@code seq}: never replaced, refused past the bound. */
        public static Entry alarm(String topic, String camera, long seq, byte[] payload) {
            return new Entry(Kind.ALARM, topic, false, "", camera, seq, payload, false);
        }

        /**
         * A camera's notice that alarms were refused ({@code lastRefusedSeq} the latest): replaces the
         * same camera's earlier notice, never another camera's, and is written even past the bound.
         */
        public static Entry overflowNotice(String topic, String camera, long lastRefusedSeq, byte[] payload) {
            return new Entry(Kind.ALARM, topic, false, "overflow/" + camera, camera, lastRefusedSeq, payload, true);
        }

        /** A clip message (an alarm's evidence is on disk): never replaced, refused past the bound. */
        public static Entry clip(String topic, byte[] payload) {
            return new Entry(Kind.ALARM, topic, false, "", "", 0, payload, false);
        }

        /**
         * A part's verdict, retained (the topic keeps the last one): like an alarm, never replaced
         * nor evicted, refused past the bound.
         */
        public static Entry verdict(String topic, byte[] payload) {
            return new Entry(Kind.ALARM, topic, true, "", "", 0, payload, false);
        }

        /** An operator's acknowledgement of an alarm: never replaced, refused past the bound. */
        public static Entry acknowledged(String topic, byte[] payload) {
            return new Entry(Kind.ALARM, topic, false, "", "", 0, payload, false);
        }

        /** The daemon's status for its retained topic: replaces the earlier status while it waits. */
        public static Entry status(String topic, byte[] payload) {
            return new Entry(Kind.STATE, topic, true, "status", "", 0, payload, false);
        }

        /**
         * An object lifecycle message of a camera: never replaced, and evicted (oldest first, with the
         * camera states) to make room for alarms.
         */
        public static Entry object(String topic, byte[] payload) {
            return new Entry(Kind.STATE, topic, false, "", "", 0, payload, false);
        }

        /**
         * A Sparkplug B message (DDATA, NDATA) for the edge node's own outbox: never replaced, and
         * evicted oldest first only when the outbox reaches its bound.
         */
        public static Entry sparkplug(String topic, byte[] payload) {
            return new Entry(Kind.STATE, topic, false, "", "", 0, payload, false);
        }

        /**
         * A change every subscriber should see, on a retained topic (a region's decided state): never
         * replaced while it waits, so no change is lost while the broker is away; evicted like the
         * camera states to make room for alarms.
         */
        public static Entry retainedChange(String topic, byte[] payload) {
            return new Entry(Kind.STATE, topic, true, "", "", 0, payload, false);
        }

        /** A retained value of its own key (a counter): replaces the same key's earlier value while it waits. */
        public static Entry retainedValue(String topic, String key, byte[] payload) {
            return new Entry(Kind.STATE, topic, true, key, "", 0, payload, false);
        }

        /** A camera's state for its retained topic: replaces the camera's earlier state while it waits. */
        public static Entry state(String topic, String camera, byte[] payload) {
            return new Entry(Kind.STATE, topic, true, "state/" + camera, "", 0, payload, false);
        }
    }

    /** Runs {@code listener} after every append (the publisher wakes up). */
    public synchronized void onAppend(Runnable listener) {
        appendListeners.add(listener);
    }

    /**
     * Journals a message and forces it to disk. Returns it, or null when it was refused: an alarm
     * that does not fit even after every camera-state message was evicted. Throws when it cannot be
     * written; the journal is left as it was. An alarm refused either way (not past the bound, with a
     * camera) is counted in {@link #refused} and in its camera's marks.
     */
    public Message append(Entry entry) throws SinkException {
        String supersedeKey = entry.supersedeKey();
        boolean beyondBound = entry.beyondBound();
        Message m;
        synchronized (this) {
            m = new Message(nextNumber, entry.kind(), entry.topic(), entry.retained(), supersedeKey, entry.camera(),
                    entry.seq(), entry.payload());
            try {
                if (!supersedeKey.isEmpty() && waitingByKey.containsKey(supersedeKey)) {
                    retire(waitingByKey.get(supersedeKey));
                    superseded.incrementAndGet();
                }
                if (!beyondBound && !makeRoom(m.journalBytes())) {
                    refuse(m);
                    return null;
                }
                writeRecord(encode(m), true);
            } catch (IOException e) {
                if (!beyondBound) {
                    refuse(m);
                }
                throw new SinkException("outbox " + journal + ": cannot append: " + e.getMessage(), e);
            }
            nextNumber++;
            track(m);
            appended.incrementAndGet();
        }
        for (Runnable l : listeners()) {
            l.run();
        }
        return m;
    }

    /**
     * The broker acknowledged message {@code number}: it leaves the outbox. Unknown numbers (already
     * retired: a message sent on two connections is acknowledged twice) are ignored.
     *
     * @return true when this call retired the message, false when it was not waiting
     */
    public synchronized boolean done(long number) {
        if (!waiting.containsKey(number)) {
            return false;
        }
        try {
            retire(number);
            acknowledged.incrementAndGet();
            compactIfWorthIt();
            return true;
        } catch (IOException e) {
            // The message is delivered; at worst it is delivered again after a restart.
            LOG.warn("outbox {}: cannot record a delivery: {}", journal, e.getMessage());
            return true;
        }
    }

    /** Up to {@code max} waiting messages after number {@code afterNumber}, oldest first. */
    public synchronized List<Message> waitingAfter(long afterNumber, int max) {
        List<Message> out = new ArrayList<>(Math.min(max, waiting.size()));
        for (Message m : waiting.tailMap(afterNumber, false).values()) {
            if (out.size() == max) {
                break;
            }
            out.add(m);
        }
        return out;
    }

    /** The number of the last message appended; 0 before the first. */
    public synchronized long lastNumber() {
        return nextNumber - 1;
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    public synchronized long waitingBytes() {
        return waitingBytes;
    }

    /** The last sequence number a camera's messages carried or its refused alarms had, ever; 0 for none. */
    public synchronized long lastSeq(String camera) {
        return Math.max(lastSeqByCamera.getOrDefault(camera, 0L), marks.get(camera).highSeq());
    }

    /** The cameras with refusals that no overflow notice in the outbox counts yet, with their marks. */
    synchronized Map<String, OutboxMarks.Camera> unannounced() {
        Map<String, OutboxMarks.Camera> out = new TreeMap<>();
        marks.all().forEach((camera, m) -> {
            if (m.refused() > m.announced()) {
                out.put(camera, m);
            }
        });
        return out;
    }

    /** An overflow notice counting {@code refused} refusals of {@code camera} is in the outbox. */
    synchronized void announced(String camera, long refusedCount) {
        try {
            marks.put(camera, marks.get(camera).announcedUpTo(refusedCount));
        } catch (IOException e) {
            LOG.warn("outbox {}: cannot record that camera {}'s refusals were announced ({}); announced again at the"
                    + " next start", dir, camera, e.getMessage());
        }
    }

    public Path dir() {
        return dir;
    }

    /** Why the last write to the journal failed, until a write succeeds again; empty when none did. */
    public String lastError() {
        return lastError;
    }

    /** Bytes free for the journal on its file system, or -1 when that cannot be read. */
    public long freeBytes() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public synchronized void close() {
        if (marks != null) {
            try {
                marks.close();
            } catch (IOException e) {
                LOG.warn("outbox {}: closing the marks: {}", dir, e.getMessage());
            }
            marks = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("outbox {}: closing: {}", journal, e.getMessage());
            }
            channel = null;
        }
    }

    // --- bookkeeping --------------------------------------------------------------------------

    private synchronized List<Runnable> listeners() {
        return List.copyOf(appendListeners);
    }

    private void track(Message m) {
        waiting.put(m.number(), m);
        waitingBytes += m.journalBytes();
        if (!m.supersedeKey().isEmpty()) {
            waitingByKey.put(m.supersedeKey(), m.number());
        }
        if (!m.camera().isEmpty()) {
            lastSeqByCamera.merge(m.camera(), m.seq(), Math::max);
        }
    }

    private Message untrack(long number) {
        Message m = waiting.remove(number);
        if (m != null) {
            waitingBytes -= m.journalBytes();
            waitingByKey.remove(m.supersedeKey(), number);
        }
        return m;
    }

    /** Removes a waiting message and journals that (not forced: losing it only repeats a delivery). */
    private void retire(long number) throws IOException {
        if (untrack(number) != null) {
            writeRecord(encodeDone(number), false);
        }
    }

    private void refuse(Message m) {
        if (m.kind() != Kind.ALARM || m.camera().isEmpty()) {
            return;
        }
        refused.incrementAndGet();
        try {
            marks.put(m.camera(), marks.get(m.camera()).refusedOne(m.seq()));
        } catch (IOException e) {
            LOG.error("outbox {}: cannot record the refusal of camera {}'s seq {}: {}", dir, m.camera(), m.seq(),
                    e.getMessage());
        }
    }

    private boolean makeRoom(int bytes) throws IOException {
        while (waitingBytes + bytes > maxBytes) {
            Long oldestState = waiting.values().stream().filter(m -> m.kind() == Kind.STATE)
                    .map(Message::number).findFirst().orElse(null);
            if (oldestState == null) {
                return false;
            }
            retire(oldestState);
            evicted.incrementAndGet();
        }
        return true;
    }

    // --- journal ------------------------------------------------------------------------------

    private void recover() throws IOException {
        if (!Files.exists(journal)) {
            writeFresh(journal);
        }
        channel = opener.open(journal);
        long size = channel.size();
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        channel.read(magic, 0);
        if (size < MAGIC.length || !java.util.Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(journal + " is not a linewatch outbox journal");
        }
        long skipped = replay(size);
        if (end < size) {
            LOG.warn("outbox {}: cut {} bytes after the last whole record: a record torn by a crash (never accepted)",
                    journal, size - end);
            channel.truncate(end);
            channel.force(true);
        }
        channel.position(end);
        if (skipped > 0) {
            rewriteAfterDamage();
        }
        if (!waiting.isEmpty()) {
            LOG.info("outbox {}: {} messages from a previous run wait for the broker", dir, waiting.size());
        }
    }

    /**
     * Applies every valid record, resynchronising past damaged bytes on the next valid record; sets
     * {@link #end} after the last valid one and returns how many damaged bytes before it were skipped.
     */
    private long replay(long size) throws IOException {
        long pos = MAGIC.length;
        long skipped = 0;
        end = pos;
        while (pos + HEADER_BYTES <= size) {
            ByteBuffer body = recordAt(pos, size);
            if (body == null) {
                pos++;
                continue;
            }
            if (pos > end) {
                LOG.warn("outbox {}: skipped {} damaged bytes at offset {}; the valid record at {} and those after it"
                        + " are kept", journal, pos - end, end, pos);
                skipped += pos - end;
            }
            apply(body);
            pos += HEADER_BYTES + body.limit();
            end = pos;
        }
        return skipped;
    }

    /** The body of the valid record at {@code pos} (length in bounds, checksum right), or null. */
    private ByteBuffer recordAt(long pos, long size) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        channel.read(header, pos);
        int length = header.getInt(0);
        if (length <= 0 || length > MAX_RECORD_BYTES || pos + HEADER_BYTES + length > size) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        channel.read(body, pos + HEADER_BYTES);
        return crc(body.array()) == header.getInt(4) ? body.flip() : null;
    }

    /** Rewrites the journal without the damaged bytes recovery skipped; if there is no room, keeps it. */
    private void rewriteAfterDamage() {
        try {
            rewrite();
        } catch (IOException e) {
            LOG.warn("outbox {}: cannot rewrite the journal without its damaged bytes ({}); they are skipped again"
                    + " at the next start", journal, e.getMessage());
        }
    }

    private void apply(ByteBuffer body) {
        byte type = body.get();
        if (type == MESSAGE) {
            long number = body.getLong();
            Kind kind = Kind.values()[body.get()];
            boolean retained = body.get() != 0;
            Message m = new Message(number, kind, readUtf(body), retained, readUtf(body), readUtf(body),
                    body.getLong(), readBytes(body));
            untrack(number);
            track(m);
            nextNumber = Math.max(nextNumber, number + 1);
        } else if (type == DONE) {
            untrack(body.getLong());
        } else if (type == SEQUENCE) {
            lastSeqByCamera.merge(readUtf(body), body.getLong(), Math::max);
        }
    }

    /**
     * Writes one record at {@link #end} (and forces it when asked). When that fails the file is cut
     * back to where the record began, so no fragment stays in front of later records; when even the
     * cut fails, it is tried again before the next write, which is refused until it succeeds.
     */
    private void writeRecord(ByteBuffer record, boolean force) throws IOException {
        long start = end;
        try {
            if (fragment) {
                channel.truncate(start);
                fragment = false;
            }
            channel.position(start);
            writeTo(channel, record);
            if (force) {
                channel.force(false);
            }
        } catch (IOException e) {
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
            cutBack(start);
            throw e;
        }
        end = start + record.limit();
        lastError = "";
    }

    private void cutBack(long offset) {
        try {
            channel.truncate(offset);
            channel.position(offset);
            fragment = false;
        } catch (IOException e) {
            fragment = true;
            LOG.warn("outbox {}: cannot cut a failed write back to offset {}: {} (tried again before the next write)",
                    journal, offset, e.getMessage());
        }
    }

    private void compactIfWorthIt() throws IOException {
        long dead = end - MAGIC.length - waitingBytes;
        if (dead < COMPACT_MIN_DEAD_BYTES || dead < waitingBytes) {
            return;
        }
        rewrite();
    }

    /** Writes what waits (and each camera's last sequence number) to a new journal that replaces this one. */
    private void rewrite() throws IOException {
        Path tmp = dir.resolve(JOURNAL + ".tmp");
        try {
            writeFresh(tmp);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                for (Map.Entry<String, Long> e : lastSeqByCamera.entrySet()) {
                    writeTo(out, encodeSequence(e.getKey(), e.getValue()));
                }
                for (Message m : waiting.values()) {
                    writeTo(out, encode(m));
                }
                out.force(true);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a full disk: give its space back, the journal stays as it is
            throw e;
        }
        channel.close();
        try {
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDir();
        } finally {
            channel = opener.open(journal); // the new journal, or the old one when the move failed
            end = channel.size();
            fragment = false;
            channel.position(end);
        }
    }

    private void writeFresh(Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(out, ByteBuffer.wrap(MAGIC));
            out.force(true);
        }
        forceDir();
    }

    private void forceDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void writeTo(FileChannel out, ByteBuffer record) throws IOException {
        while (record.hasRemaining()) {
            out.write(record);
        }
    }

    // --- encoding -----------------------------------------------------------------------------

    private static ByteBuffer encode(Message m) {
        ByteBuffer b = ByteBuffer.allocate(m.journalBytes());
        b.position(HEADER_BYTES);
        b.put(MESSAGE).putLong(m.number()).put((byte) m.kind().ordinal()).put((byte) (m.retained() ? 1 : 0));
        putUtf(b, m.topic());
        putUtf(b, m.supersedeKey());
        putUtf(b, m.camera());
        b.putLong(m.seq()).putInt(m.payload().length).put(m.payload());
        return seal(b);
    }

    private static ByteBuffer encodeDone(long number) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 1 + 8);
        b.position(HEADER_BYTES);
        b.put(DONE).putLong(number);
        return seal(b);
    }

    private static ByteBuffer encodeSequence(String camera, long seq) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 1 + utfBytes(camera) + 8);
        b.position(HEADER_BYTES);
        b.put(SEQUENCE);
        putUtf(b, camera);
        b.putLong(seq);
        return seal(b);
    }

    /** Fills in the header of a record whose body is written after it. */
    private static ByteBuffer seal(ByteBuffer b) {
        int length = b.position() - HEADER_BYTES;
        byte[] body = new byte[length];
        b.get(HEADER_BYTES, body);
        b.putInt(0, length).putInt(4, crc(body));
        return b.flip();
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static int utfBytes(String s) {
        return 4 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void putUtf(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    private static String readUtf(ByteBuffer b) {
        return new String(readBytes(b), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return bytes;
    }
}

package io.linewatch.sinks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Each camera's refusals, kept by the {@link Outbox} (under its lock) in a file of fixed size that
 * is only ever overwritten in place: two slots written in turn, the newer valid one read back. So
 * recording a refusal needs no new disk space and works on a full disk; with it goes the camera's
 * sequence high-water mark, so a refused alarm's {@code seq} is never given again after a restart.
 * (Overwriting in place takes no space on tmpfs, ext4 and xfs; a copy-on-write file system may differ.)
 */
final class OutboxMarks implements AutoCloseable {

    /**
     * One camera's marks.
     *
     * @param highSeq        the highest {@code seq} refused
     * @param refused        alarms refused, over all runs
     * @param announced      of those, how many an overflow notice in the outbox already counts
     * @param lastRefusedSeq the {@code seq} of the last alarm refused
     */
    record Camera(long highSeq, long refused, long announced, long lastRefusedSeq) {

        static final Camera NONE = new Camera(0, 0, 0, 0);

        Camera refusedOne(long seq) {
            return new Camera(Math.max(highSeq, seq), refused + 1, announced, seq);
        }

        Camera announcedUpTo(long count) {
            return new Camera(highSeq, refused, Math.max(announced, count), lastRefusedSeq);
        }
    }

    static final int SLOT_BYTES = 32 << 10;
    private static final int HEADER_BYTES = 8;

    private final FileChannel channel;
    private final TreeMap<String, Camera> cameras;
    private long generation;

    private OutboxMarks(FileChannel channel, TreeMap<String, Camera> cameras, long generation) {
        this.channel = channel;
        this.cameras = cameras;
        this.generation = generation;
    }

    /** Opens {@code file}, creating it at its full size (its only growth) when missing. */
    static OutboxMarks open(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        TreeMap<String, Camera> best = new TreeMap<>();
        long bestGeneration = 0;
        for (int slot = 0; slot < 2; slot++) {
            ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
            channel.read(b, (long) slot * SLOT_BYTES);
            TreeMap<String, Camera> read = new TreeMap<>();
            long generation = decode(b.flip(), read);
            if (generation > bestGeneration) {
                best = read;
                bestGeneration = generation;
            }
        }
        return new OutboxMarks(channel, best, bestGeneration);
    }

    Camera get(String camera) {
        return cameras.getOrDefault(camera, Camera.NONE);
    }

    Map<String, Camera> all() {
        return Map.copyOf(cameras);
    }

    /** Sets a camera's marks and forces them to disk; on failure the marks in memory are set all the same. */
    void put(String camera, Camera marks) throws IOException {
        cameras.put(camera, marks);
        generation++;
        ByteBuffer b = encode();
        long at = (generation & 1) * SLOT_BYTES;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void create(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(2 * SLOT_BYTES);
            while (zeros.hasRemaining()) {
                out.write(zeros);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** {@code [length][crc32c][generation][count]{[camera][highSeq][refused][announced][lastRefusedSeq]}}. */
    private ByteBuffer encode() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
        try {
            b.position(HEADER_BYTES);
            b.putLong(generation).putInt(cameras.size());
            for (Map.Entry<String, Camera> e : cameras.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                Camera c = e.getValue();
                b.putInt(name.length).put(name).putLong(c.highSeq()).putLong(c.refused()).putLong(c.announced())
                        .putLong(c.lastRefusedSeq());
            }
        } catch (java.nio.BufferOverflowException e) {
            throw new IOException("the marks of " + cameras.size() + " cameras do not fit in " + SLOT_BYTES + " bytes");
        }
        int length = b.position() - HEADER_BYTES;
        b.putInt(0, length).putInt(4, crc(b.array(), length));
        return b.flip();
    }

    /** Reads a slot into {@code into}; returns its generation, or 0 when the slot is empty or damaged. */
    private static long decode(ByteBuffer b, TreeMap<String, Camera> into) {
        int length = b.getInt(0);
        if (length < 12 || length > SLOT_BYTES - HEADER_BYTES || crc(b.array(), length) != b.getInt(4)) {
            return 0;
        }
        b.position(HEADER_BYTES);
        long generation = b.getLong();
        int count = b.getInt();
        for (int i = 0; i < count; i++) {
            byte[] name = new byte[b.getInt()];
            b.get(name);
            into.put(new String(name, StandardCharsets.UTF_8),
                    new Camera(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
        }
        return generation;
    }

    private static int crc(byte[] slot, int length) {
        CRC32C crc = new CRC32C();
        crc.update(slot, HEADER_BYTES, length);
        return (int) crc.getValue();
    }
}

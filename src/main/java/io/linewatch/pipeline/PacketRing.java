package io.linewatch.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.javacpp.BytePointer;

/**
 * One camera's compressed video packets as its source delivered them, in decode order, kept without
 * decoding: the last {@code keepMicros} of media time counted from a key frame, never more than
 * {@code maxBytes}, and always from a key frame (the bytes cap lets go of whole GOPs, oldest first; a
 * GOP larger than the cap is not kept, nor what follows it up to the next key frame). Capture {@link #add}s each packet it reads (one thread); the clip writer copies
 * packets out by index ({@link #read}, another thread). One lock, held only to copy a packet. Packets
 * and their arrays are reused, so a camera in steady state allocates nothing here.
 */
public final class PacketRing {

    /**
     * The stream the packets belong to: its codec parameters (owned by the capture until the ring
     * is done with them) and its time base.
     */
    public record Stream(AVCodecParameters parameters, int timeBaseNum, int timeBaseDen, String codecName) {

        /** A timestamp in this stream's time base, in microseconds. */
        public long toMicros(long timestamp) {
            return timestamp * 1_000_000L * timeBaseNum / timeBaseDen;
        }
    }

    /** One packet: its bytes ({@code data[0..size)}), timestamps in the stream's time base. */
    public static final class Packet {
        public long index;
        public byte[] data = new byte[0];
        public int size;
        public long pts;
        public long dts;
        public long duration;
        public boolean key;
        public long ptsMicros;
        public long dtsMicros;
        public Stream stream;

        void copyFrom(Packet p) {
            if (data.length < p.size) {
                data = new byte[p.size + (p.size >> 2)];
            }
            System.arraycopy(p.data, 0, data, 0, p.size);
            index = p.index;
            size = p.size;
            pts = p.pts;
            dts = p.dts;
            duration = p.duration;
            key = p.key;
            ptsMicros = p.ptsMicros;
            dtsMicros = p.dtsMicros;
            stream = p.stream;
        }
    }

    /** FFmpeg's AV_NOPTS_VALUE: no timestamp. */
    private static final long NO_TIME = Long.MIN_VALUE;

    /** What {@link #read} found. */
    public enum Read { COPIED, NOT_YET, GONE }

    private final String cameraId;
    private final long keepMicros;
    private final long maxBytes;
    /** The kept packets, oldest first, indexes {@code packets.get(0).index} and up without a gap. */
    private final Window packets = new Window();
    private final ArrayDeque<Packet> spare = new ArrayDeque<>();
    private Stream stream;
    private long offsetMicros;
    private long nextIndex;
    private long bytes;
    private boolean ended;
    /** Packets let go before they were {@code keepMicros} old, to stay within {@code maxBytes}. */
    public final AtomicLong cutForBytes = new AtomicLong();

    public PacketRing(String cameraId, long keepMicros, long maxBytes) {
        this.cameraId = cameraId;
        this.keepMicros = keepMicros;
        this.maxBytes = maxBytes;
    }

    public String cameraId() {
        return cameraId;
    }

    /**
     * A source (re)opened or restarted (a looped file): the packets before cannot be joined to the
     * ones after, so they go, and a clip being written ends there.
     */
    public void begin(Stream newStream) {
        begin(newStream, 0);
    }

    /**
     * {@link #begin(Stream)}, the packets' times shifted by {@code offsetMicros} onto the camera's
     * media clock (a live stream's timestamps start again with each connection).
     */
    public synchronized void begin(Stream newStream, long offsetMicros) {
        stream = newStream;
        this.offsetMicros = offsetMicros;
        ended = false;
        while (!packets.isEmpty()) {
            spare.add(packets.poll());
        }
        bytes = 0;
    }

    /**
     * The source of {@code which} ended (or closed): a clip being written ends with the last packet.
     * Nothing when another stream has begun since (a camera replaced by a reload: the old capture
     * closing after the new one began).
     */
    public synchronized void end(Stream which) {
        if (which == stream) {
            ended = true;
        }
    }

    /**
     * Keeps a copy of one packet of {@code from}, the stream given to {@link #begin}; a packet of
     * another stream (an old capture still running after its replacement began) is not kept. Called
     * by capture only. A missing decode time (RTP carries presentation times only) is taken to be the
     * presentation time.
     */
    public synchronized void add(Stream from, BytePointer data, int size, long pts, long dts, long duration,
                                 boolean key) {
        if (stream == null || from != stream) {
            return;
        }
        long index = nextIndex++;
        if (!key && packets.isEmpty()) {
            return; // no clip can start here: the ring starts at a key frame
        }
        if (dts == NO_TIME) {
            dts = pts;
        } else if (pts == NO_TIME) {
            pts = dts;
        }
        Packet p = spare.isEmpty() ? new Packet() : spare.poll();
        if (p.data.length < size) {
            p.data = new byte[size + (size >> 2)];
        }
        data.position(0).get(p.data, 0, size);
        p.index = index;
        p.size = size;
        p.pts = pts;
        p.dts = dts;
        p.duration = duration;
        p.key = key;
        p.ptsMicros = stream.toMicros(pts) + offsetMicros;
        p.dtsMicros = stream.toMicros(dts) + offsetMicros;
        p.stream = stream;
        packets.add(p);
        bytes += size;
        if (key) {
            trimToKeyWindow(p.ptsMicros - keepMicros);
        }
        while (bytes > maxBytes) {
            evictOldestGop();
        }
    }

    /** Lets go of the oldest key packet and the packets up to the next key packet, counting them. */
    private void evictOldestGop() {
        do {
            cutForBytes.incrementAndGet();
            evictOldest();
        } while (!packets.isEmpty() && !packets.peek().key);
    }

    /** Lets go of everything before the newest key packet at or before {@code oldestMicros}. */
    private void trimToKeyWindow(long oldestMicros) {
        Packet keep = null;
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            if (p.ptsMicros > oldestMicros) {
                break;
            }
            if (p.key) {
                keep = p;
            }
        }
        while (keep != null && packets.peek() != keep) {
            evictOldest();
        }
    }

    private void evictOldest() {
        Packet old = packets.poll();
        bytes -= old.size;
        spare.add(old);
    }

    /**
     * The index a clip around media time {@code micros} starts at: the newest key packet at or
     * before it, else the oldest key packet kept; -1 when no key packet is kept.
     */
    public synchronized long startIndex(long micros) {
        long found = -1;
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            if (p.key && (found < 0 || p.ptsMicros <= micros)) {
                found = p.index;
            }
            if (p.ptsMicros > micros && found >= 0) {
                break;
            }
        }
        return found;
    }

    /**
     * Copies packet {@code index} into {@code into}: {@code NOT_YET} while the source has not
     * delivered it; {@code GONE} when it was let go, or will never come (the source ended or restarted).
     */
    public synchronized Read read(long index, Packet into) {
        Packet first = packets.peek();
        if (first == null || index < first.index) {
            return index >= nextIndex && !ended ? Read.NOT_YET : Read.GONE;
        }
        if (index >= nextIndex) {
            return ended ? Read.GONE : Read.NOT_YET;
        }
        into.copyFrom(packets.get((int) (index - first.index)));
        return Read.COPIED;
    }

    /** A growable circular array of packets: add at the end, take from the front, get by position. */
    private static final class Window {
        private Packet[] slots = new Packet[256];
        private int head;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        void add(Packet p) {
            if (size == slots.length) {
                Packet[] bigger = new Packet[slots.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = get(i);
                }
                slots = bigger;
                head = 0;
            }
            slots[(head + size) % slots.length] = p;
            size++;
        }

        Packet peek() {
            return size == 0 ? null : slots[head];
        }

        Packet poll() {
            Packet p = slots[head];
            slots[head] = null;
            head = (head + 1) % slots.length;
            size--;
            return p;
        }

        Packet get(int i) {
            return slots[(head + i) % slots.length];
        }
    }

    /** Bytes kept now. */
    public synchronized long bytes() {
        return bytes;
    }
}

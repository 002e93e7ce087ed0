package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A camera's packet ring under its bytes cap ({@code sinks.clips.buffer_bytes}): it never holds more
 * than the cap, what it holds starts at a key frame (a clip can start there), and it keeps the newest
 * whole GOPs that fit. Packets are made up: 25 fps in a 1/1000 time base, a key frame every 10th.
 */
class PacketRingTest {

    private static final int GOP = 10;
    private static final int KEY_BYTES = 1_000;
    private static final int DELTA_BYTES = 100;
    /** A GOP's bytes: one key packet and nine others. */
    private static final int GOP_BYTES = KEY_BYTES + (GOP - 1) * DELTA_BYTES;

    private final BytePointer data = new BytePointer(KEY_BYTES * 4L);
    private final PacketRing.Stream stream = new PacketRing.Stream(null, 1, 1000, "h264");
    private long added;

    @AfterEach
    void free() {
        data.close();
    }

    @Test
    void theBytesCapKeepsTheNewestWholeGopsFromAKeyFrame() {
        long cap = 2 * GOP_BYTES + 3 * DELTA_BYTES; // two whole GOPs and a bit
        PacketRing ring = new PacketRing("cam", 60_000_000L, cap); // time would keep them all
        ring.begin(stream);
        for (int i = 0; i < 10 * GOP; i++) {
            add(ring, i % GOP == 0 ? KEY_BYTES : DELTA_BYTES);
            List<PacketRing.Packet> kept = kept(ring);
            assertThat(ring.bytes()).as("bytes after packet %d", i).isLessThanOrEqualTo(cap)
                    .isEqualTo(kept.stream().mapToLong(p -> p.size).sum());
            assertThat(kept).as("packets after packet %d", i).isNotEmpty();
            assertThat(kept.get(0).key).as("the oldest packet kept after packet %d is a key frame", i).isTrue();
            assertThat(kept.get(kept.size() - 1).index).as("the newest packet is kept").isEqualTo(i);
            assertThat(ring.startIndex(Long.MIN_VALUE)).isEqualTo(kept.get(0).index);
        }
        // At the end of a GOP the ring holds the last two whole GOPs: 20 packets, nothing older.
        List<PacketRing.Packet> kept = kept(ring);
        assertThat(kept).hasSize(2 * GOP);
        assertThat(kept.get(0).index).isEqualTo(8 * GOP);
        assertThat(ring.cutForBytes.get()).isEqualTo(8 * GOP);
    }

    @Test
    void aGopLargerThanTheCapIsNotKeptUntilTheNextKeyFrame() {
        PacketRing ring = new PacketRing("cam", 60_000_000L, GOP_BYTES - 1);
        ring.begin(stream);
        add(ring, DELTA_BYTES); // a stream joined mid-GOP: nothing a clip could start from
        assertThat(kept(ring)).isEmpty();
        assertThat(ring.startIndex(Long.MAX_VALUE)).isEqualTo(-1);
        for (int i = 0; i < GOP; i++) {
            add(ring, i == 0 ? KEY_BYTES : DELTA_BYTES);
        }
        assertThat(ring.bytes()).as("the GOP went once it reached the cap").isZero();
        assertThat(kept(ring)).isEmpty();
        add(ring, KEY_BYTES);
        add(ring, DELTA_BYTES);
        List<PacketRing.Packet> kept = kept(ring);
        assertThat(kept).extracting(p -> p.key).containsExactly(true, false);
        assertThat(kept.get(0).index).isEqualTo(GOP + 1);
        assertThat(ring.bytes()).isEqualTo(KEY_BYTES + DELTA_BYTES);
    }

    /** Adds one packet of {@code size} bytes, 40 ms after the last; a key frame when it is KEY_BYTES long. */
    private void add(PacketRing ring, int size) {
        long pts = added * 40;
        ring.add(stream, data, size, pts, pts, 40, size == KEY_BYTES);
        added++;
    }

    /** What the ring holds now, oldest first, as the clip writer reads it. */
    private List<PacketRing.Packet> kept(PacketRing ring) {
        List<PacketRing.Packet> out = new ArrayList<>();
        for (long i = 0; i < added; i++) {
            PacketRing.Packet p = new PacketRing.Packet();
            if (ring.read(i, p) == PacketRing.Read.COPIED) {
                out.add(p);
            }
        }
        return out;
    }
}

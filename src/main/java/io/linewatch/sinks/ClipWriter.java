package io.linewatch.sinks;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ClipsConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.PacketRing;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the evidence clip of each raised alarm and each new object ({@link Served}), on a thread of
 * its own ({@code lw-clips}): the camera's packets from the key frame at or before {@code pre_seconds}
 * ahead of the event to {@code post_seconds} after it, remuxed without re-encoding (MP4 for
 * H.264/H.265, Matroska for FFV1 and the rest). An event on a camera whose clip is still open extends
 * that clip.
 * Beside each clip, its sidecar ({@code <clip>.frames.json}, schema {@code docs/schema/clip-frames.v1.json}):
 * every frame's results line in the clip's span, as the results stages gave them to {@link #frames()},
 * with the frame's time in the clip. Both are written under temporary names and forced to disk; the
 * sidecar is renamed first, then the clip, so a clip under its final name always has its sidecar;
 * then each event the clip serves gets a {@code clip} message ({@link Completion}). A clip that
 * cannot be written (a full disk) is logged and announced as failed; it never holds up an alarm.
 * {@link #request} is called by sink threads (the alarm sink's and the object events').
 */
public final class ClipWriter implements AutoCloseable {

    public static final String NAME = "clips";
    static final String SIDECAR = ".frames.json";
    static final String FRAMES_SCHEMA = "linewatch.clip-frames.v1";
    private static final Logger LOG = LoggerFactory.getLogger(ClipWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long IDLE_MILLIS = 10;
    private static final int PACKETS_PER_STEP = 64;
    /** How far capture may run ahead of the alarm stage (a ring of frames), on top of pre_seconds. */
    private static final long LAG_ALLOWANCE_MICROS = 10_000_000L;
    /** How long a clip whose packets are written waits for the results of its last frames. */
    private static final long FRAMES_WAIT_MILLIS = 3_000;

    /**
     * Told when a clip is complete (or failed): the {@code clip} message of one of the events it
     * serves, and whether that event is an alarm (else an object's {@code new}).
     */
    @FunctionalInterface
    public interface Completion {
        void clipDone(String camera, String json, boolean ofAlarm);
    }

    /**
     * An event a clip serves, as its {@code clip} message names it: a raised alarm (its {@code seq}
     * and {@code rule}) or an object's {@code new} (its {@code track} and {@code className}).
     */
    public record Served(String id, String site, String node, String camera, Instant time, long seq, String rule,
                         int track, String className) {

        public static Served alarm(AlarmEvent a) {
            return new Served(a.id(), a.site(), a.node(), a.camera(), a.time(), a.seq(), a.rule(), 0, null);
        }

        public static Served object(String id, String site, String node, String camera, Instant time, int track,
                                    String className) {
            return new Served(id, site, node, camera, time, 0, null, track, className);
        }

        /** The clip's file name when this event opens it: {@code 000012-ab12cd34} or {@code obj7-ab12cd34}. */
        String fileStem() {
            return rule != null ? String.format(Locale.ROOT, "%06d-%s", seq, id.substring(0, 8))
                    : "obj" + track + "-" + id.substring(0, 8);
        }
    }

    /**
     * What a raised event says of its clip: where it will be, and the media span it covers
     * (as times of the event's clock).
     */
    public record Planned(Path path, Instant start, Instant end) {

        /** The event's {@code clip} field: path, start and end. */
        public Map<String, Object> fields() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("path", path.toString());
            c.put("start", start.toString());
            c.put("end", end.toString());
            return c;
        }
    }

    private final ClipsConfig config;
    private final ClipStore store;
    private final Completion completion;
    private final Map<String, PacketRing> rings = new ConcurrentHashMap<>();
    private final ClipFrames frames;
    private final Map<String, Clip> open = new LinkedHashMap<>();
    /** Clips whose packets are all written, waiting for the results of their last frames. */
    private final List<Clip> finishing = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    /**
     * The age limit holds on a camera without alarms too: while idle, the folder is checked this
     * often (1% of the limit, 1 s to 60 s); 0 without an age limit.
     */
    private final long ageCheckMillis;
    private long nextAgeCheckMillis;
    public final AtomicLong written = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();

    private ClipWriter(ClipsConfig config, Completion completion) {
        this.config = config;
        this.completion = completion;
        long maxAgeMillis = Math.round(config.maxAgeHours() * 3_600_000.0);
        this.store = new ClipStore(Path.of(config.dir()), config.maxBytes(), maxAgeMillis);
        this.ageCheckMillis = maxAgeMillis > 0 ? Math.max(1_000, Math.min(60_000, maxAgeMillis / 100)) : 0;
        this.frames = new ClipFrames(Math.round(config.preSeconds() * 1e6) + LAG_ALLOWANCE_MICROS);
        this.thread = new Thread(this::run, "lw-clips");
        this.thread.setDaemon(true);
    }

    /**
     * Opens the clips folder (removing what a crash left half-written) and starts the thread. A folder
     * that cannot be opened costs the clips, never the start: one line says so, and each clip asked
     * for is announced as failed with the reason until the folder can be written.
     */
    public static ClipWriter start(ClipsConfig config, Completion completion) {
        ClipWriter w = new ClipWriter(config, completion);
        try {
            w.store.open();
        } catch (IOException e) {
            LOG.error("clips: cannot open {}: {}; the alarms go on without clips (each clip message says why) until"
                    + " it can be written", config.dir(), reason(e));
        }
        w.thread.start();
        return w;
    }

    /** The packet ring a camera's capture fills (made on first use). */
    public PacketRing ring(String camera) {
        return rings.computeIfAbsent(camera, c -> new PacketRing(c,
                Math.round(config.preSeconds() * 1e6) + LAG_ALLOWANCE_MICROS, config.bufferBytes()));
    }

    /** Where the lanes' results stages send each frame's results line, for the sidecars. */
    public FrameLines frames() {
        return frames;
    }

    public ClipStore store() {
        return store;
    }

    /** {@link #request(Served, long)} for a raised alarm. */
    public Planned request(AlarmEvent alarm, long eventMicros) {
        return request(Served.alarm(alarm), eventMicros);
    }

    /**
     * Plans the clip of an event (a raised alarm, a new object) of the frame at {@code eventMicros}
     * of media time, or extends its camera's open clip; null when the camera keeps no packets (yet).
     */
    public synchronized Planned request(Served event, long eventMicros) {
        PacketRing ring = rings.get(event.camera());
        if (ring == null) {
            return null;
        }
        long pre = Math.round(config.preSeconds() * 1e6);
        long post = Math.round(config.postSeconds() * 1e6);
        Clip clip = open.get(event.camera());
        if (clip == null || clip.closing || eventMicros - pre > clip.endMicros) {
            long start = ring.startIndex(eventMicros - pre);
            if (start < 0) {
                return null;
            }
            clip = new Clip(ring, event, start, eventMicros + post);
            open.put(event.camera(), clip);
        } else {
            clip.endMicros = Math.max(clip.endMicros, eventMicros + post);
        }
        clip.events.add(event);
        clip.eventMicros.put(event.id(), eventMicros);
        Instant t = event.time();
        return new Planned(clip.path, t.plusNanos((clip.startMicros - eventMicros) * 1000),
                t.plusNanos(post * 1000));
    }

    private void run() {
        while (true) {
            List<Clip> clips;
            synchronized (this) {
                clips = new ArrayList<>(open.values());
                clips.addAll(finishing);
            }
            if (!running && clips.isEmpty()) {
                return;
            }
            boolean progress = false;
            for (Clip clip : clips) {
                progress |= step(clip);
            }
            if (!progress) {
                checkAge();
                try {
                    Thread.sleep(IDLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Deletes the clips past the age limit, at most every {@link #ageCheckMillis}. */
    private void checkAge() {
        long now = System.currentTimeMillis();
        if (ageCheckMillis > 0 && now >= nextAgeCheckMillis) {
            nextAgeCheckMillis = now + ageCheckMillis;
            store.enforce();
        }
    }

    /**
     * Writes what packets and results lines are there; once the packets reach the clip's end,
     * waits for the results of its last frames, then finishes it. True when it did something.
     */
    private boolean step(Clip clip) {
        int n = 0;
        try {
            while (n < PACKETS_PER_STEP && clip.ended == null) {
                PacketRing.Read r = clip.ring.read(clip.next, clip.scratch);
                if (r == PacketRing.Read.NOT_YET) {
                    break;
                }
                if (r == PacketRing.Read.GONE) {
                    packetsEnded(clip, clip.next > 0 && clip.packets > 0 ? "source ended"
                            : "packets let go before written");
                } else if (clip.scratch.dtsMicros > endMicros(clip) || clip.scratch.stream != clip.stream) {
                    packetsEnded(clip, "complete");
                } else {
                    clip.write(clip.scratch);
                    clip.next++;
                    n++;
                }
            }
            // Complete is decided before the lines are taken: a result that arrives in between is written
            // with them, never left out of a clip finished on its account.
            boolean complete = clip.ended != null && framesComplete(clip);
            int lines = clip.writeFrames(frames);
            if (complete) {
                finish(clip, clip.ended);
                return true;
            }
            return n > 0 || lines > 0;
        } catch (IOException | RuntimeException e) {
            fail(clip, reason(e));
            return true;
        }
    }

    /**
     * Why a clip could not be written, in words: a file system error names its file and what is wrong
     * (Java's own message of some is the bare path).
     */
    static String reason(Exception e) {
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason()
                    : f instanceof FileAlreadyExistsException ? "exists and is not a folder"
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof NoSuchFileException ? "no such file or folder"
                    : f.getClass().getSimpleName();
            return f.getFile() + ": " + what;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The clip takes no more packets or events; it waits among the finishing ones for its frames. */
    private synchronized void packetsEnded(Clip clip, String how) {
        clip.ended = how;
        clip.endedAtMillis = System.currentTimeMillis();
        clip.closing = true;
        open.remove(clip.camera, clip);
        finishing.add(clip);
    }

    /** The results of the clip's last frame are in, or they will not come (closing, or waited long enough). */
    private boolean framesComplete(Clip clip) {
        return clip.packets == 0 || !running || frames.newestMicros(clip.camera) >= clip.lastMicros
                || System.currentTimeMillis() - clip.endedAtMillis > FRAMES_WAIT_MILLIS;
    }

    private synchronized long endMicros(Clip clip) {
        return clip.endMicros;
    }

    private void finish(Clip clip, String how) throws IOException {
        forget(clip);
        clip.close();
        if (clip.packets == 0) {
            fail(clip, "no packets to write (" + how + ")");
            return;
        }
        clip.closeSidecar();
        force(clip.sidecarTemp);
        force(clip.temp);
        Files.move(clip.sidecarTemp, clip.sidecar, StandardCopyOption.ATOMIC_MOVE);
        Files.move(clip.temp, clip.path, StandardCopyOption.ATOMIC_MOVE);
        forceFolder(clip.path.getParent());
        written.incrementAndGet();
        long bytes = Files.size(clip.path);
        store.enforce(clip.path);
        for (Served event : clip.events) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("path", clip.path.toString());
            detail.put("start", event.time().plusNanos((clip.startMicros - clip.eventMicros(event)) * 1000).toString());
            detail.put("end", event.time().plusNanos((clip.lastMicros - clip.eventMicros(event)) * 1000).toString());
            detail.put("packets", clip.packets);
            detail.put("bytes", bytes);
            detail.put("ended", how);
            completion.clipDone(event.camera(), message(event, detail), event.rule() != null);
        }
    }

    private synchronized void forget(Clip clip) {
        clip.closing = true;
        open.remove(clip.camera, clip);
        finishing.remove(clip);
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private void fail(Clip clip, String why) {
        forget(clip);
        clip.close();
        try {
            clip.abandonSidecar();
            Files.deleteIfExists(clip.temp);
            Files.deleteIfExists(clip.sidecarTemp);
        } catch (IOException e) {
            // the next start removes it
        }
        failed.incrementAndGet();
        LOG.error("camera {}: clip {} not written (the event stands without it): {}", clip.camera, clip.path, why);
        for (Served event : clip.events) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("path", null);
            detail.put("error", why);
            completion.clipDone(event.camera(), message(event, detail), event.rule() != null);
        }
    }

    /**
     * The {@code clip} message: its own id, the event's id, the alarm's {@code seq} and {@code rule}
     * or the object's {@code track} and {@code class}, and the clip as written (or why not).
     */
    private static String message(Served alarm, Map<String, Object> clip) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", AlarmJson.SCHEMA);
        m.put("id", UUID.randomUUID().toString());
        m.put("type", "clip");
        m.put("event_id", alarm.id());
        m.put("site", alarm.site());
        m.put("node", alarm.node());
        m.put("camera", alarm.camera());
        if (alarm.rule() != null) {
            m.put("seq", alarm.seq());
        }
        m.put("time", Instant.now().toString());
        if (alarm.rule() != null) {
            m.put("rule", alarm.rule());
        } else {
            m.put("track", alarm.track());
            m.put("class", alarm.className());
        }
        m.put("clip", clip);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void forceFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every file system lets a folder be forced; the rename is as durable as it allows
        }
    }

    /** Finishes the clips still open with the packets their sources delivered, then stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One clip being written: its packets so far, the events it serves, its native muxer. */
    private final class Clip {
        final String camera;
        final PacketRing ring;
        final PacketRing.Stream stream;
        final Path path;
        final Path temp;
        final Path sidecar;
        final Path sidecarTemp;
        final List<Served> events = new ArrayList<>();
        final Map<String, Long> eventMicros = new LinkedHashMap<>();
        final PacketRing.Packet scratch = new PacketRing.Packet();
        long next;
        long endMicros;
        long startMicros;
        long lastMicros;
        long packets;
        boolean closing;
        /** Why the packets ended (null while they go on), and when. */
        String ended;
        long endedAtMillis;
        private java.io.Writer sidecarOut;
        private long framesAfterMicros;
        private AVFormatContext out;
        private AVPacket packet;
        private AVRational sourceTimeBase;
        private AVRational outTimeBase;
        private long offset;

        Clip(PacketRing ring, Served first, long startIndex, long endMicros) {
            this.camera = first.camera();
            this.ring = ring;
            this.next = startIndex;
            this.endMicros = endMicros;
            PacketRing.Read r = ring.read(startIndex, scratch);
            this.stream = scratch.stream;
            this.startMicros = r == PacketRing.Read.COPIED ? scratch.ptsMicros : 0;
            String codec = stream == null ? "" : stream.codecName();
            String ext = codec.equals("h264") || codec.equals("hevc") ? ".mp4" : ".mkv";
            this.path = store.dir().resolve(camera).resolve(first.fileStem() + ext);
            this.temp = path.resolveSibling(path.getFileName() + ClipStore.PART);
            this.sidecar = ClipStore.sidecarOf(path);
            this.sidecarTemp = sidecar.resolveSibling(sidecar.getFileName() + ClipStore.PART);
        }

        /**
         * Appends the results lines of the frames written so far (up to the clip's end) to the
         * sidecar, each with its time in the clip ({@code t}, seconds from the clip's first frame),
         * in the source ({@code pts}) and on the wall clock ({@code time}). Returns how many.
         */
        int writeFrames(ClipFrames from) throws IOException {
            if (out == null) {
                return 0;
            }
            int[] n = {0};
            framesAfterMicros = from.take(camera, framesAfterMicros, endMicros(this), l -> {
                entry.setLength(0);
                entry.append(n[0] == 0 && framesWritten == 0 ? "\n" : ",\n").append("{\"t\":");
                Decimals.append(entry, (l.mediaMicros() - startMicros) / 1e6, 6).append(",\"pts\":");
                Decimals.append(entry, l.mediaMicros() / 1e6, 6).append(",\"time\":\"");
                DateTimeFormatter.ISO_INSTANT.formatTo(Instant.ofEpochMilli(l.epochMillis()), entry);
                entry.append("\",").append(l.json(), 1, l.json().length());
                sidecarOut.append(entry);
                n[0]++;
            });
            framesWritten += n[0];
            return n[0];
        }

        private long framesWritten;
        private final StringBuilder entry = new StringBuilder(1024);

        private void openSidecar() throws IOException {
            sidecarOut = Files.newBufferedWriter(sidecarTemp, java.nio.charset.StandardCharsets.UTF_8);
            sidecarOut.write("{\"schema\":\"" + FRAMES_SCHEMA + "\",\"camera\":" + JSON.writeValueAsString(camera)
                    + ",\"clip\":" + JSON.writeValueAsString(path.getFileName().toString()) + ",\"frames\":[");
            framesAfterMicros = startMicros - 1;
        }

        /** Ends the sidecar with the events the clip serves and its span. */
        void closeSidecar() throws IOException {
            List<String> ids = events.stream().map(Served::id).toList();
            sidecarOut.write("\n],\"events\":" + JSON.writeValueAsString(ids) + ",\"first_pts\":"
                    + String.format(Locale.ROOT, "%.6f", startMicros / 1e6) + ",\"last_pts\":"
                    + String.format(Locale.ROOT, "%.6f", lastMicros / 1e6) + "}\n");
            sidecarOut.close();
            sidecarOut = null;
        }

        void abandonSidecar() throws IOException {
            if (sidecarOut != null) {
                sidecarOut.close();
                sidecarOut = null;
            }
        }

        long eventMicros(Served alarm) {
            return eventMicros.getOrDefault(alarm.id(), startMicros);
        }

        void write(PacketRing.Packet p) throws IOException {
            if (out == null) {
                openOutput(p);
            }
            check(av_new_packet(packet, p.size), "packet");
            packet.data().position(0).put(p.data, 0, p.size);
            packet.pts(p.pts == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : p.pts - offset);
            packet.dts(p.dts == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : p.dts - offset);
            packet.duration(p.duration);
            packet.flags(p.key ? AV_PKT_FLAG_KEY : 0);
            packet.stream_index(0);
            av_packet_rescale_ts(packet, sourceTimeBase, outTimeBase);
            check(av_interleaved_write_frame(out, packet), "write");
            packets++;
            lastMicros = Math.max(lastMicros, p.ptsMicros);
        }

        private void openOutput(PacketRing.Packet first) throws IOException {
            Files.createDirectories(path.getParent());
            store.enforce();
            out = new AVFormatContext(null);
            check(avformat_alloc_output_context2(out, null, path.toString().endsWith(".mp4") ? "mp4" : "matroska",
                    temp.toString()), "output");
            AVStream st = avformat_new_stream(out, null);
            check(avcodec_parameters_copy(st.codecpar(), stream.parameters()), "codec parameters");
            st.codecpar().codec_tag(0);
            sourceTimeBase = av_make_q(stream.timeBaseNum(), stream.timeBaseDen());
            st.time_base(sourceTimeBase);
            AVIOContext pb = new AVIOContext(null);
            check(avio_open(pb, temp.toString(), AVIO_FLAG_WRITE), "open " + temp);
            out.pb(pb);
            check(avformat_write_header(out, (AVDictionary) null), "header");
            outTimeBase = st.time_base();
            packet = av_packet_alloc();
            offset = first.dts != AV_NOPTS_VALUE ? first.dts : first.pts;
            startMicros = first.ptsMicros;
            openSidecar();
        }

        /** Writes the trailer (when anything was written) and frees the muxer. */
        void close() {
            if (out == null) {
                return;
            }
            try {
                if (packets > 0) {
                    av_write_trailer(out);
                }
            } finally {
                if (out.pb() != null) {
                    avio_closep(out.pb());
                }
                avformat_free_context(out);
                out = null;
                av_packet_free(packet);
            }
        }

        private void check(int ret, String what) throws IOException {
            if (ret < 0) {
                byte[] text = new byte[256];
                av_strerror(ret, text, text.length);
                int end = 0;
                while (end < text.length && text[end] != 0) {
                    end++;
                }
                throw new IOException(what + ": " + new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }
}

package io.linewatch.sinks;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_FFV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY16BE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY16LE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Burns an evidence clip's overlays into a new video for sharing ({@code linewatch export-clip}):
 * decodes the clip (JavaCV), draws on each frame the results its sidecar has for that frame (matched
 * by {@code t}, the time from the clip's first frame): detection boxes with class, track id and score;
 * hotspots with their temperature; defect regions and their masks. A 16-bit thermal clip is shown as
 * gray stretched between each frame's coldest and hottest count. Encodes H.264 (OpenH264, MP4), MJPEG
 * or FFV1 (lossless, Matroska). Runs on the caller's thread; tells {@link Progress} after each frame.
 */
public final class ClipExport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Color[] CLASS_COLOURS = {
        new Color(0, 255, 0), new Color(255, 60, 60), new Color(60, 160, 255), new Color(255, 200, 0)};
    static final Color HOTSPOT = new Color(255, 0, 255);
    private static final float STROKE = 3f;

    /** The encodings an export can have. */
    public enum Codec { H264, MJPEG, FFV1 }

    /** Told after each frame written: how many so far, of about {@code total} (0 when unknown). */
    @FunctionalInterface
    public interface Progress {
        void frames(int done, int total);
    }

    private ClipExport() {
    }

    /**
     * The clip that is the evidence of event {@code eventId} under {@code clipsDir}: the one whose
     * sidecar lists the event (overlapping alarms share a clip named after the first); null if none.
     */
    public static Path find(Path clipsDir, String eventId) throws IOException {
        List<Path> sidecars;
        try (Stream<Path> s = Files.walk(clipsDir)) {
            sidecars = s.filter(p -> p.getFileName().toString().endsWith(ClipWriter.SIDECAR)).toList();
        }
        for (Path sidecar : sidecars) {
            JsonNode doc;
            try {
                doc = JSON.readTree(sidecar.toFile());
            } catch (IOException e) {
                continue; // not ours to judge here: export names the clip it could not read
            }
            for (JsonNode id : doc.path("events")) {
                Path clip = sidecar.resolveSibling(doc.path("clip").asText());
                if (id.asText().equals(eventId) && Files.isRegularFile(clip)) {
                    return clip;
                }
            }
        }
        return null;
    }

    /** Writes {@code clip} with its sidecar's overlays to {@code out}; returns the frames written. */
    public static int export(Path clip, Path out, Codec codec, Progress progress) throws IOException {
        Path sidecar = ClipStore.sidecarOf(clip);
        Map<Long, JsonNode> byMillis = new HashMap<>();
        JsonNode doc = JSON.readTree(sidecar.toFile());
        for (JsonNode f : doc.path("frames")) {
            byMillis.put(Math.round(f.get("t").asDouble() * 1000), f);
        }
        try (FFmpegFrameGrabber grabber = open(clip)) {
            boolean gray16 = isGray16(grabber);
            if (gray16) {
                grabber.stop();
                grabber.setPixelFormat(AV_PIX_FMT_GRAY16LE);
                grabber.start();
            }
            return transcode(grabber, gray16, byMillis, out, codec, progress);
        } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
            throw new IOException(clip + ": " + e.getMessage(), e);
        }
    }

    private static FFmpegFrameGrabber open(Path clip) throws FrameGrabber.Exception {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(clip.toFile());
        g.setPixelFormat(AV_PIX_FMT_BGR24);
        g.start();
        return g;
    }

    private static boolean isGray16(FFmpegFrameGrabber g) {
        int f = g.getFormatContext().streams(g.getVideoStream()).codecpar().format();
        return f == AV_PIX_FMT_GRAY16LE || f == AV_PIX_FMT_GRAY16BE;
    }

    private static int transcode(FFmpegFrameGrabber grabber, boolean gray16, Map<Long, JsonNode> byMillis, Path out,
                                 Codec codec, Progress progress) throws IOException {
        int total = grabber.getLengthInVideoFrames();
        Java2DFrameConverter converter = new Java2DFrameConverter();
        int written = 0;
        long firstMicros = Long.MIN_VALUE;
        FFmpegFrameRecorder recorder = null;
        try {
            Frame f;
            while ((f = grabber.grabImage()) != null) {
                if (firstMicros == Long.MIN_VALUE) {
                    firstMicros = f.timestamp;
                }
                BufferedImage image = gray16 ? stretched(f) : copy(converter.getBufferedImage(f));
                JsonNode results = byMillis.get(Math.round((f.timestamp - firstMicros) / 1000.0));
                if (results != null) {
                    draw(image, results);
                }
                if (recorder == null) {
                    recorder = recorder(out, image.getWidth(), image.getHeight(), grabber.getFrameRate(), codec);
                }
                recorder.record(converter.getFrame(image), AV_PIX_FMT_BGR24);
                progress.frames(++written, total);
            }
            return written;
        } finally {
            if (recorder != null) {
                recorder.close();
            }
        }
    }

    private static FFmpegFrameRecorder recorder(Path out, int width, int height, double frameRate, Codec codec)
            throws FrameRecorder.Exception {
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
        r.setFrameRate(frameRate > 0 ? frameRate : 25);
        switch (codec) {
            case H264 -> {
                r.setFormat("mp4");
                r.setVideoCodecName("libopenh264");
                r.setPixelFormat(AV_PIX_FMT_YUV420P);
                r.setVideoBitrate(Math.max(1_000_000, width * height * 8));
            }
            case MJPEG -> {
                r.setFormat("matroska");
                r.setVideoCodec(AV_CODEC_ID_MJPEG);
                r.setPixelFormat(AV_PIX_FMT_YUVJ420P);
                r.setVideoQuality(2);
            }
            case FFV1 -> {
                r.setFormat("matroska");
                r.setVideoCodec(AV_CODEC_ID_FFV1);
                r.setPixelFormat(AV_PIX_FMT_BGR0);
            }
        }
        r.start();
        return r;
    }

    /** A copy in packed BGR, which the drawing and the converter back to a frame both take. */
    private static BufferedImage copy(BufferedImage from) {
        BufferedImage to = new BufferedImage(from.getWidth(), from.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = to.createGraphics();
        g.drawImage(from, 0, 0, null);
        g.dispose();
        return to;
    }

    /** A 16-bit frame as gray, stretched between its lowest and highest count. */
    private static BufferedImage stretched(Frame f) {
        ShortBuffer counts = ((java.nio.ByteBuffer) f.image[0]).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        int w = f.imageWidth;
        int h = f.imageHeight;
        int rowShorts = f.imageStride / 2;
        int lo = 65535;
        int hi = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = counts.get(y * rowShorts + x) & 0xffff;
                lo = Math.min(lo, c);
                hi = Math.max(hi, c);
            }
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        double scale = hi > lo ? 255.0 / (hi - lo) : 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                byte v = (byte) Math.round(((counts.get(y * rowShorts + x) & 0xffff) - lo) * scale);
                int i = (y * w + x) * 3;
                px[i] = v;
                px[i + 1] = v;
                px[i + 2] = v;
            }
        }
        return img;
    }

    /** Draws one frame's results (a sidecar entry) onto its picture. */
    static void draw(BufferedImage image, JsonNode frame) {
        Graphics2D g = image.createGraphics();
        try {
            g.setStroke(new BasicStroke(STROKE));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, image.getHeight() / 40)));
            drawMask(g, frame.path("mask"));
            for (JsonNode d : frame.path("detections")) {
                String label = d.get("class").asText() + (d.has("track") ? " #" + d.get("track").asInt() : "")
                        + String.format(Locale.ROOT, " %.2f", d.get("score").asDouble());
                drawBox(g, d.get("box"), colour(d.get("class").asText()), label);
            }
            for (JsonNode r : frame.path("regions")) {
                drawBox(g, r.get("box"), colour(r.get("class").asText()), r.get("class").asText());
            }
            for (JsonNode h : frame.path("hotspots")) {
                int x = (int) Math.round(h.get("x").asDouble());
                int y = (int) Math.round(h.get("y").asDouble());
                g.setColor(HOTSPOT);
                g.drawOval(x - 5, y - 5, 10, 10);
                if (h.get("peak_k").isNumber()) {
                    g.drawString(String.format(Locale.ROOT, "%.1f C", h.get("peak_k").asDouble() - 273.15), x + 7, y);
                }
            }
        } finally {
            g.dispose();
        }
    }

    private static void drawBox(Graphics2D g, JsonNode box, Color colour, String label) {
        int x1 = (int) Math.round(box.get(0).asDouble());
        int y1 = (int) Math.round(box.get(1).asDouble());
        int x2 = (int) Math.round(box.get(2).asDouble());
        int y2 = (int) Math.round(box.get(3).asDouble());
        g.setColor(colour);
        g.drawRect(x1, y1, x2 - x1, y2 - y1);
        g.drawString(label, x1 + 2, Math.max(g.getFont().getSize(), y1 - 4));
    }

    /** Tints each class's mask runs (start, length pairs of row-major pixel indexes). */
    private static void drawMask(Graphics2D g, JsonNode mask) {
        if (mask.isMissingNode()) {
            return;
        }
        int width = mask.get("size").get(0).asInt();
        Iterator<Map.Entry<String, JsonNode>> classes = mask.get("runs").fields();
        while (classes.hasNext()) {
            Map.Entry<String, JsonNode> c = classes.next();
            Color base = colour(c.getKey());
            g.setColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), 110));
            JsonNode runs = c.getValue();
            for (int i = 0; i + 1 < runs.size(); i += 2) {
                int start = runs.get(i).asInt();
                g.fillRect(start % width, start / width, runs.get(i + 1).asInt(), 1);
            }
        }
    }

    /** The colour of a class's boxes and mask. */
    static Color colour(String className) {
        return CLASS_COLOURS[Math.floorMod(className.hashCode(), CLASS_COLOURS.length)];
    }
}

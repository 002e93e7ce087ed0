package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.CaptureException;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.config.RegionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The references the benchmark measures linewatch against, other than the bare engine. */
final class Baselines {

    static final Path SEED_PIPELINE = Path.of("bench/seed_pipeline.py");
    private static final Pattern RTIME = Pattern.compile("rtime=([0-9.]+)s");
    private static final Pattern CPU_TIME = Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s");

    private Baselines() {
    }

    /**
     * The seed-style Python pipeline on the same model and clip; its JSON result, or why not.
     *
     * @param regions for a classification model, the camera's fixed regions (empty: the whole frame);
     *                null for a detection model
     */
    static JsonNode seedPython(String python, Path clip, List<RegionConfig> regions, int cameras, int batch,
                               int threads, int frames, boolean freeze) throws IOException, InterruptedException {
        if (!Files.exists(SEED_PIPELINE)) {
            throw new IOException(SEED_PIPELINE + " not found: run the bench from the repository root");
        }
        List<String> command = seedPythonCommand(python, clip, regions, cameras, batch, threads, frames, freeze);
        String out = run(command, 900);
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("no JSON line from " + String.join(" ", command)));
        return new ObjectMapper().readTree(last);
    }

    /** The command line of {@link #seedPython}: a classification model's regions as {@code --region X,Y,W,H}. */
    static List<String> seedPythonCommand(String python, Path clip, List<RegionConfig> regions, int cameras,
                                          int batch, int threads, int frames, boolean freeze) {
        List<String> command = new ArrayList<>(List.of(python, SEED_PIPELINE.toString(), "--clip", clip.toString(),
                "--cameras", Integer.toString(cameras), "--batch", Integer.toString(batch),
                "--threads", Integer.toString(threads), "--frames", Integer.toString(frames)));
        if (regions != null) {
            command.addAll(List.of("--task", "classification"));
            if (regions.isEmpty()) {
                command.add("--whole-frame");
            }
            for (RegionConfig r : regions) {
                command.addAll(List.of("--region", r.x() + "," + r.y() + "," + r.width() + "," + r.height()));
            }
        }
        if (freeze) {
            command.add("--freeze");
        }
        return command;
    }

    /**
     * The FFmpeg command line's decode of {@code clip} to BGR on one decoder thread: frames per
     * second of wall time and per second of its CPU time (user + system, all its threads).
     */
    static double[] ffmpegDecodeRates(Path clip, long frames) throws IOException, InterruptedException {
        String out = run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads", "1", "-i",
                clip.toString(), "-pix_fmt", "bgr24", "-f", "null", "-"), 300);
        Matcher wall = RTIME.matcher(out);
        Matcher cpu = CPU_TIME.matcher(out);
        if (!wall.find() || !cpu.find()) {
            throw new IOException("ffmpeg printed no benchmark line");
        }
        return new double[] {frames / Double.parseDouble(wall.group(1)),
                frames / (Double.parseDouble(cpu.group(1)) + Double.parseDouble(cpu.group(2)))};
    }

    /**
     * Milliseconds a frame of the FFmpeg command line decoding {@code clip} to nothing on one thread
     * (no conversion: the ceiling of any decode), its start-up left out as linewatch's is: the wall
     * time of the whole clip less that of its first frame alone (opening, probing, the decoder's
     * start and the first frame), over the other frames.
     */
    static double ffmpegNullMillisPerFrame(Path clip, long frames) throws IOException, InterruptedException {
        double all = ffmpegNullSeconds(clip, List.of());
        double first = ffmpegNullSeconds(clip, List.of("-frames:v", "1"));
        return 1000 * Math.max(0, all - first) / Math.max(1, frames - 1);
    }

    private static double ffmpegNullSeconds(Path clip, List<String> limit) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-benchmark", "-threads",
                "1", "-i", clip.toString()));
        command.addAll(limit);
        command.addAll(List.of("-f", "null", "-"));
        String out = run(command, 300);
        Matcher m = RTIME.matcher(out);
        if (!m.find()) {
            throw new IOException("ffmpeg printed no benchmark line");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * Frames per second of linewatch's own decode (capture's demuxer and decoder, one thread, BGR),
     * and the frames; {@code keepPackets}: each packet also copied into a packet ring, as with clips on.
     */
    static double[] ourDecodeFps(Path clip, boolean keepPackets) throws CaptureException {
        FileFrameSource source = new FileFrameSource("bench", clip, false);
        if (keepPackets) {
            source.keepPackets(new io.linewatch.pipeline.PacketRing("bench", 15_000_000L, 32L << 20));
        }
        source.open();
        long frames = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try {
            while (source.next() != null) {
                frames++;
            }
        } finally {
            source.close();
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new double[] {frames / wallSeconds, frames, frames / cpuSeconds};
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            String text = new String(out, StandardCharsets.UTF_8).strip();
            String tail = text.length() > 300 ? text.substring(text.length() - 300) : text;
            throw new IOException(command.get(0) + " failed: " + tail.replace('\n', ' '));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}

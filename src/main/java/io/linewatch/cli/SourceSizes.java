package io.linewatch.cli;

import io.linewatch.capture.CaptureException;
import io.linewatch.capture.DecodedPlanes;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.config.ModelConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.preprocess.PreprocessHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacv.Frame;

/**
 * The bench's large sources: the shipped clip scaled up to 1920x1080 and 3840x2160 by the FFmpeg
 * command line (H.264, rendered once into {@code target/bench-clips}, never committed), decoded and
 * letterboxed as a detection camera's capture and preprocess stages do, on one thread, against the
 * FFmpeg command line decoding the same clip to nothing on one thread (the ceiling). Prints one table.
 */
final class SourceSizes {

    /** Where rendered clips are kept between bench runs. */
    static final Path CACHE = Path.of("target", "bench-clips");

    private SourceSizes() {
    }

    /** Heights the bench knows: 1080 (1920x1080) and 2160 (3840x2160). */
    static int widthOf(int height) {
        return switch (height) {
            case 1080 -> 1920;
            case 2160 -> 3840;
            default -> throw new IllegalArgumentException("--source-heights knows 1080 and 2160, got " + height);
        };
    }

    /**
     * Prints the table: per height, decode (into the slot's layout) and preprocess ms a frame, their
     * sum against {@code ffmpeg -threads 1 -i clip -f null -}, medians of {@code rounds}, alternating.
     */
    static void print(Path clip, ModelConfig model, int width, int height, List<Integer> heights, int frames,
                      int rounds, List<FrameEvent.PixelFormat> layouts) {
        System.out.printf(Locale.ROOT, "%n## large sources: the clip scaled up by ffmpeg (H.264, libx264 veryfast, crf 20,"
                + " %d frames, in %s), decode + preprocess on one thread against `ffmpeg -threads 1 -i clip -f null -`"
                + " (the ceiling; its start-up, the first frame's run alone, left out as ours is), medians of %d (the ratio: of each round's own)%n", frames, CACHE, rounds);
        System.out.println("| source | slot layout | decode ms / frame | preprocess ms / frame | decode + preprocess"
                + " | ffmpeg -f null ms / frame | (decode + preprocess) / ffmpeg |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int h : heights) {
            int w = widthOf(h);
            Path big;
            try {
                big = render(clip, w, h, frames);
            } catch (IOException | InterruptedException e) {
                System.out.println("| " + w + "x" + h + " | skipped: " + e.getMessage() + " | | | | | |");
                continue;
            }
            try {
                // Each round measures every layout and the ceiling in turn, so the machine's load hits all alike.
                List<List<double[]>> ours = new ArrayList<>();
                List<List<Double>> ceiling = new ArrayList<>();
                layouts.forEach(l -> {
                    ours.add(new ArrayList<>());
                    ceiling.add(new ArrayList<>());
                });
                for (int r = 0; r < rounds; r++) {
                    for (int l = 0; l < layouts.size(); l++) {
                        double[] run = decodeAndPreprocess(big, model, width, height, layouts.get(l));
                        ours.get(l).add(run);
                        ceiling.get(l).add(Baselines.ffmpegNullMillisPerFrame(big, (long) run[2]));
                    }
                }
                for (int l = 0; l < layouts.size(); l++) {
                    List<double[]> o = ours.get(l);
                    double decode = BenchCommand.median(o.stream().map(x -> x[0]).toList());
                    double pre = BenchCommand.median(o.stream().map(x -> x[1]).toList());
                    double sum = BenchCommand.median(o.stream().map(x -> x[0] + x[1]).toList());
                    double ff = BenchCommand.median(ceiling.get(l));
                    List<Double> ratios = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) { // each round's own ratio: the load changes between rounds
                        ratios.add((o.get(r)[0] + o.get(r)[1]) / ceiling.get(l).get(r));
                    }
                    System.out.printf(Locale.ROOT, "| %dx%d | %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", w, h,
                            layouts.get(l).name().toLowerCase(Locale.ROOT), decode, pre, sum, ff,
                            BenchCommand.median(ratios));
                }
            } catch (Exception e) {
                System.out.println("| " + w + "x" + h + " | skipped: " + e.getMessage() + " | | | | | |");
            }
        }
    }

    /** The clip scaled to {@code w x h}, rendered unless the cache holds it. */
    static Path render(Path clip, int w, int h, int frames) throws IOException, InterruptedException {
        String name = clip.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path out = CACHE.resolve(name + "-" + w + "x" + h + "-" + frames + ".mp4");
        if (Files.isRegularFile(out)) {
            return out;
        }
        Files.createDirectories(CACHE);
        Path partial = CACHE.resolve(out.getFileName() + ".part.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-y", "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                clip.toString(), "-frames:v", Integer.toString(frames), "-vf", "scale=" + w + ":" + h + ":flags=bicubic",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "50", "-pix_fmt", "yuv420p",
                partial.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("ffmpeg could not render " + out + ": " + text.replace('\n', ' '));
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /**
     * Decodes {@code clip} into a slot laid out as {@code layout} and letterboxes each frame into the
     * model's input; returns decode ms a frame, preprocess ms a frame, frames.
     */
    static double[] decodeAndPreprocess(Path clip, ModelConfig model, int inputWidth, int inputHeight,
                                        FrameEvent.PixelFormat layout) throws CaptureException {
        FileFrameSource source = new FileFrameSource("bench", clip, false, layout, null);
        source.handOverPlanes(); // as a camera's capture takes them
        source.open();
        try {
            int w = source.width();
            int h = source.height();
            FrameEvent slot = new FrameEventFactory(1, layout.frameBytes(w, h), 3 * inputWidth * inputHeight,
                    new int[] {1}, 1).newInstance();
            PreprocessHandler preprocess = new PreprocessHandler(LetterboxResampler.of(inputWidth, inputHeight,
                    model.preprocess()), Freshness.unlimited(List.of(new CameraStats("bench"))));
            long decodeNanos = 0;
            long preprocessNanos = 0;
            long frames = 0;
            while (true) {
                long t0 = System.nanoTime();
                Frame frame = source.next();
                if (frame == null) {
                    break;
                }
                if (frame.opaque instanceof DecodedPlanes planes) {
                    planes.copyTo(slot.pixels);
                } else {
                    ((ByteBuffer) frame.image[0]).get(0, slot.pixels, 0, layout.frameBytes(w, h));
                }
                long t1 = System.nanoTime();
                slot.width = w;
                slot.height = h;
                slot.pixelFormat = source.pixelFormat();
                preprocess.onEvent(slot, frames, true);
                long t2 = System.nanoTime();
                if (frames > 0) { // the first frame carries the decoder's and the tables' start-up
                    decodeNanos += t1 - t0;
                    preprocessNanos += t2 - t1;
                }
                frames++;
            }
            long timed = Math.max(1, frames - 1);
            return new double[] {decodeNanos / 1e6 / timed, preprocessNanos / 1e6 / timed, frames};
        } finally {
            source.close();
        }
    }
}

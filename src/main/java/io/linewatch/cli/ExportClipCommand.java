package io.linewatch.cli;

import io.linewatch.sinks.ClipExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code linewatch export-clip EVENT_ID}: finds the evidence clip of an event (the clip whose sidecar
 * lists it, under the config's {@code sinks.clips.dir} or {@code --clips}) and writes a copy with the
 * overlays burnt in, for sharing; progress on stderr, the file written on stdout.
 */
@Command(name = "export-clip", mixinStandardHelpOptions = true,
        description = "Writes an event's evidence clip with its overlays (boxes and track ids, hotspots and "
                + "temperatures, defect regions) burnt in, for sharing.")
final class ExportClipCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EVENT_ID", description = "The id of a raised event (its \"id\" field).")
    String eventId;

    @ArgGroup(multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--config", paramLabel = "FILE", description = "The config whose sinks.clips.dir holds the clip.")
        Path config;

        @Option(names = "--clips", paramLabel = "DIR", description = "The clips folder (instead of --config).")
        Path clips;
    }

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write (default: <clip name>.overlay.mp4, or .mkv for mjpeg/ffv1, here).")
    Path out;

    @Option(names = "--codec", paramLabel = "CODEC", defaultValue = "h264",
            description = "h264 (MP4), mjpeg or ffv1 (lossless; Matroska). Default: ${DEFAULT-VALUE}.")
    ClipExport.Codec codec;

    @Override
    public Integer call() {
        Path dir = where.clips != null ? where.clips : Path.of(Main.loadConfig(where.config).sinks().clips().dir());
        if (!Files.isDirectory(dir)) {
            throw new CliException(Main.EXIT_STARTUP, "no clips folder " + dir);
        }
        try {
            Path clip = ClipExport.find(dir, eventId);
            if (clip == null) {
                throw new CliException(Main.EXIT_STARTUP, "no clip of event " + eventId + " in " + dir
                        + " (none of its sidecars lists it: clips off, not yet written, or deleted by the budget)");
            }
            Path target = out != null ? out : Path.of(defaultName(clip));
            int[] lastTenth = {-1};
            int frames = ClipExport.export(clip, target, codec, (done, total) -> {
                int tenth = total > 0 ? Math.min(10, done * 10 / total) : done / 25;
                if (tenth != lastTenth[0]) {
                    lastTenth[0] = tenth;
                    System.err.printf(Locale.ROOT, "export-clip: %d%s frames%n", done, total > 0 ? "/" + total : "");
                }
            });
            System.err.printf(Locale.ROOT, "export-clip: %d frames from %s%n", frames, clip);
            System.out.println(target);
            return 0;
        } catch (IOException e) {
            throw new CliException(Main.EXIT_STARTUP, "cannot export the clip of event " + eventId + ": "
                    + e.getMessage());
        }
    }

    private String defaultName(Path clip) {
        String name = clip.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.')) + ".overlay" + (codec == ClipExport.Codec.H264 ? ".mp4" : ".mkv");
    }
}

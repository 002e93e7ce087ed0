package io.linewatch.enginebuild;

import io.linewatch.capture.CaptureException;
import io.linewatch.capture.FileFrameSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.javacv.Frame;

/**
 * Frames from files, for calibration and validation, decoded by FFmpeg as the capture stage decodes
 * camera frames: every n-th frame of each clip and every image of each image folder (or single
 * image), in the order given, up to a total. Reads one file at a time.
 */
final class FrameFiles implements AutoCloseable {

    private static final List<String> IMAGE_TYPES = List.of(".png", ".jpg", ".jpeg", ".bmp");

    private final List<Path> files;
    private final int maxFrames;
    private final int everyNthFrame;
    private int nextFile;
    private FileFrameSource source;
    private boolean sourceIsImage;
    private long frameInSource;
    private int delivered;

    /**
     * @param files         clips and images, as {@link #expand(List)} lists them
     * @param maxFrames     most frames delivered
     * @param everyNthFrame of a clip, frames 0, n, 2n, ... are delivered
     */
    FrameFiles(List<Path> files, int maxFrames, int everyNthFrame) {
        this.files = List.copyOf(files);
        this.maxFrames = maxFrames;
        this.everyNthFrame = everyNthFrame;
    }

    /**
     * The clips and images that {@code sources} name: files as they are, folders as the images
     * directly inside them (sorted by name).
     *
     * @throws IOException naming a source that does not exist or a folder without images
     */
    static List<Path> expand(List<Path> sources) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path source : sources) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> entries = Files.list(source)) {
                    List<Path> images = entries.filter(FrameFiles::isImage).sorted().toList();
                    if (images.isEmpty()) {
                        throw new IOException(source + ": no images (png, jpg, bmp) in this folder");
                    }
                    files.addAll(images);
                }
            } else if (Files.isRegularFile(source)) {
                files.add(source);
            } else {
                throw new IOException(source + ": no such file or folder");
            }
        }
        return files;
    }

    /** Reads the next calibration frame into {@code frame}; false when there are no more. */
    boolean next(BgrFrame frame) throws CaptureException {
        while (delivered < maxFrames) {
            if (source == null && !openNext()) {
                return false;
            }
            Frame decoded = source.next();
            if (decoded == null) {
                closeSource();
                continue;
            }
            long n = frameInSource++;
            if (sourceIsImage || n % everyNthFrame == 0) {
                frame.copyFrom(decoded);
                delivered++;
                return true;
            }
        }
        return false;
    }

    private boolean openNext() throws CaptureException {
        if (nextFile >= files.size()) {
            return false;
        }
        Path file = files.get(nextFile++);
        source = new FileFrameSource(file.getFileName().toString(), file, false);
        sourceIsImage = isImage(file);
        frameInSource = 0;
        source.open();
        return true;
    }

    private void closeSource() {
        if (source != null) {
            source.close();
            source = null;
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_TYPES.stream().anyMatch(name::endsWith);
    }

    @Override
    public void close() {
        closeSource();
    }
}

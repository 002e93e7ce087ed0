package io.linewatch.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Snapshots and clips for the page: {@code /evidence/snapshots/CAMERA/FILE} and
 * {@code /evidence/clips/CAMERA/FILE}, read from the sinks' folders. A camera that is not configured,
 * a name that is not a plain file name ({@code ..}, slashes, anything but letters, digits, {@code _},
 * {@code .}, {@code -}) or a file whose real path leaves the folder (a link) is a 404 that reads
 * nothing. Clips answer byte ranges (206), as a video element asks for them. Jetty's threads.
 */
final class EvidenceFiles {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    /** The most bytes one answer carries; a video element asks for the rest. */
    private static final int MAX_CHUNK_BYTES = 4 << 20;

    private final Path snapshots;
    private final Path clips;
    private final List<String> cameras;

    /** @param clips the clips folder, or null when clips are off */
    EvidenceFiles(Path snapshots, Path clips, List<String> cameras) {
        this.snapshots = snapshots.toAbsolutePath().normalize();
        this.clips = clips == null ? null : clips.toAbsolutePath().normalize();
        this.cameras = List.copyOf(cameras);
    }

    /** Answers {@code GET /evidence/KIND/CAMERA/NAME} (the path split already). */
    void serve(String kind, String camera, String name, Request request, Response response, Callback callback)
            throws IOException {
        Path dir = "snapshots".equals(kind) ? snapshots : "clips".equals(kind) ? clips : null;
        Path file = dir == null ? null : resolve(dir, camera, name);
        if (file == null) {
            Console.reply(response, callback, 404, "no such " + kind + " file: " + camera + "/" + name + "\n");
            return;
        }
        long size = Files.size(file);
        long start = 0;
        long end = size - 1;
        String range = request.getHeaders().get(HttpHeader.RANGE);
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            if (start > end) {
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                Console.reply(response, callback, 416, "range not satisfiable\n");
                return;
            }
        }
        end = Math.min(end, start + MAX_CHUNK_BYTES - 1);
        ByteBuffer body = ByteBuffer.allocate((int) (end - start + 1));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (body.hasRemaining() && channel.read(body, start + body.position()) > 0) {
                // read on
            }
        }
        body.flip();
        boolean partial = start > 0 || end < size - 1 || m != null && m.matches();
        response.setStatus(partial ? 206 : 200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type(name));
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private, max-age=3600");
        if (partial) {
            response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
        response.write(true, body, callback);
    }

    /** The file, when the camera is configured, the name plain and the file really inside {@code dir}; else null. */
    private Path resolve(Path dir, String camera, String name) throws IOException {
        if (!cameras.contains(camera) || !NAME.matcher(name).matches() || name.contains("..")) {
            return null;
        }
        Path file = dir.resolve(camera).resolve(name).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            return null;
        }
        return file.toRealPath().startsWith(dir.toRealPath()) ? file : null;
    }

    private static String type(String name) {
        if (name.endsWith(".jpg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".mp4")) {
            return "video/mp4";
        }
        if (name.endsWith(".mkv")) {
            return "video/x-matroska";
        }
        return name.endsWith(".json") ? "application/json" : "application/octet-stream";
    }
}

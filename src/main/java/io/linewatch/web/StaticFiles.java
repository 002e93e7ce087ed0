package io.linewatch.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The page's own files and the chart library, from the class path: a fixed list of names, each read
 * once and kept. No front-end build: plain ES modules, and uPlot from its WebJar (the version pinned in
 * the pom).
 */
final class StaticFiles {

    /** uPlot's WebJar folder; its version is the pom's. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"linewatch/web/index.html", "text/html; charset=utf-8"},
            "/console.js", new String[] {"linewatch/web/console.js", "text/javascript; charset=utf-8"},
            "/overlay.js", new String[] {"linewatch/web/overlay.js", "text/javascript; charset=utf-8"},
            "/console.css", new String[] {"linewatch/web/console.css", "text/css; charset=utf-8"},
            "/lib/uPlot.esm.js", new String[] {UPLOT + "uPlot.esm.js", "text/javascript; charset=utf-8"},
            "/lib/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final Map<String, byte[]> bytes = new java.util.concurrent.ConcurrentHashMap<>();

    /** True when {@code path} is one of the files (and it was answered). */
    boolean serve(String path, Response response, Callback callback) throws IOException {
        String[] file = FILES.get(path);
        if (file == null) {
            return false;
        }
        byte[] body = bytes.get(path);
        if (body == null) {
            try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(file[0])) {
                if (in == null) {
                    throw new IOException("console file missing from the class path: " + file[0]);
                }
                body = in.readAllBytes();
            }
            bytes.put(path, body);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, file[1]);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}

package io.linewatch.bench;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.HttpConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.ops.OpsServer;
import io.linewatch.testing.Shipped;
import io.linewatch.web.Console;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's cost to the daemon: the shipped conveyor clip replayed in real time (25 fps, looped,
 * MQTT off) with the console on, without a viewer and with one (a client asking for the live picture
 * every 200 ms, as the page does). Measures, over 15 s after 5 s of warm-up, the CPU time and the
 * bytes allocated by the daemon's threads ({@code lw-*}: pipeline, HTTP server, live encoder) per
 * inferred frame. Rounds alternate; prints each and the medians. Its main thread opens the model, so
 * it needs the stack {@code linewatch} gives its command thread (-Xss16m). Run from the repository root:
 * {@code mvn -B -ntp -q test-compile && java -Xss16m -cp target/classes:target/test-classes:$(cat
 * target/runtime.classpath) io.linewatch.bench.ConsoleCost [ROUNDS]}.
 */
public final class ConsoleCost {

    private static final long WARMUP_MILLIS = 5_000;
    private static final long MEASURE_MILLIS = 15_000;

    private record Cost(double cpuMicrosPerFrame, double bytesPerFrame, long frames, long pictures) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("linewatch-console-cost");
        LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, null, "loop: false", "loop: true"));
        List<Cost> none = new ArrayList<>();
        List<Cost> one = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (boolean viewer : new boolean[] {false, true}) {
                Cost c = run(config, viewer);
                (viewer ? one : none).add(c);
                System.out.printf(Locale.ROOT, "round %d, %s: %.0f us CPU / frame, %.0f bytes / frame (%d frames, %d"
                        + " pictures)%n", r + 1, viewer ? "one viewer" : "no viewer", c.cpuMicrosPerFrame(),
                        c.bytesPerFrame(), c.frames(), c.pictures());
            }
        }
        System.out.printf(Locale.ROOT, "median, no viewer: %.0f us CPU / frame, %.0f bytes / frame%n",
                median(none, true), median(none, false));
        System.out.printf(Locale.ROOT, "median, one viewer: %.0f us CPU / frame, %.0f bytes / frame%n",
                median(one, true), median(one, false));
        System.exit(0);
    }

    private static Cost run(LinewatchConfig config, boolean viewer) throws Exception {
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
        OpsServer server = OpsServer.start(new HttpConfig("127.0.0.1", 0, true, null, null), pipeline,
                Console.of(config, pipeline));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong pictures = new AtomicLong();
        Thread client = new Thread(() -> watch("http://127.0.0.1:" + server.port() + "/api/cameras/"
                + config.cameras().get(0).id() + "/live.jpg", stop, pictures), "viewer");
        try {
            if (viewer) {
                client.start();
            }
            Thread.sleep(WARMUP_MILLIS);
            java.util.Map<Long, long[]> before = daemonThreads();
            long framesBefore = pipeline.stats().get(0).inferred.get();
            long picturesBefore = pictures.get();
            Thread.sleep(MEASURE_MILLIS);
            java.util.Map<Long, long[]> after = daemonThreads();
            long frames = pipeline.stats().get(0).inferred.get() - framesBefore;
            long cpu = 0;
            long bytes = 0;
            for (java.util.Map.Entry<Long, long[]> t : after.entrySet()) {
                long[] was = before.getOrDefault(t.getKey(), new long[2]);
                cpu += t.getValue()[0] - was[0];
                bytes += t.getValue()[1] - was[1];
            }
            return new Cost(cpu / 1e3 / frames, (double) bytes / frames, frames, pictures.get() - picturesBefore);
        } finally {
            stop.set(true);
            client.join(2_000);
            server.close();
            pipeline.close();
        }
    }

    private static void watch(String url, AtomicBoolean stop, AtomicLong pictures) {
        HttpClient http = HttpClient.newHttpClient();
        while (!stop.get()) {
            long start = System.nanoTime();
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    pictures.incrementAndGet();
                }
                Thread.sleep(Math.max(0, 200 - (System.nanoTime() - start) / 1_000_000));
            } catch (Exception e) {
                return;
            }
        }
    }

    /**
     * CPU nanoseconds and bytes allocated so far by each of the daemon's live threads ({@code lw-*}),
     * by thread id (a thread that ends within the window is not counted).
     */
    private static java.util.Map<Long, long[]> daemonThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        java.util.Map<Long, long[]> byThread = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().startsWith("lw-")) {
                byThread.put(ids[i], new long[] {Math.max(0, threads.getThreadCpuTime(ids[i])), Math.max(0, bytes[i])});
            }
        }
        return byThread;
    }

    private static double median(List<Cost> costs, boolean cpu) {
        List<Double> values = new ArrayList<>();
        for (Cost c : costs) {
            values.add(cpu ? c.cpuMicrosPerFrame() : c.bytesPerFrame());
        }
        Collections.sort(values);
        return values.get(values.size() / 2);
    }
}

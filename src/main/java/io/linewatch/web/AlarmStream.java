package io.linewatch.web;

import io.linewatch.pipeline.AlarmFeed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/alarms/stream}: server-sent events, one {@code alarm} event per accepted alarm (its
 * JSON as published), one {@code clip} per clip message (the alarm's clip is complete on disk and
 * may be played, or was not written) and one {@code ack} per acknowledgement, written without blocking: the sink
 * thread that publishes an alarm only queues it; Jetty writes it, one write at a time per browser.
 * A browser that falls {@link #MAX_QUEUED} events behind is dropped (its page reconnects). A comment
 * every 15 s keeps idle connections open. At most {@link #MAX_CLIENTS} browsers at once (503 beyond).
 */
final class AlarmStream implements AutoCloseable {

    static final int MAX_CLIENTS = 32;
    private static final int MAX_QUEUED = 256;
    private static final long KEEPALIVE_SECONDS = 15;

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AutoCloseable subscription;
    private final ScheduledExecutorService keepalive = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lw-console-keepalive");
        t.setDaemon(true);
        return t;
    });

    AlarmStream(AlarmFeed feed) {
        this.subscription = feed == null ? () -> { } : feed.subscribe((kind, json) ->
                broadcast(kind == AlarmFeed.Kind.CLIP ? "clip" : "alarm", json));
        keepalive.scheduleAtFixedRate(() -> clients.forEach(c -> c.send(": keepalive\n\n")), KEEPALIVE_SECONDS,
                KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** Opens a stream on {@code response}; completes {@code callback} when the browser goes. */
    void open(Response response, Callback callback) {
        if (clients.size() >= MAX_CLIENTS) {
            Console.reply(response, callback, 503, "too many alarm streams open (" + MAX_CLIENTS + ")\n");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Client client = new Client(response, callback);
        clients.add(client);
        client.send(": linewatch alarms\nretry: 1000\n\n");
    }

    /** Sends event {@code name} with {@code data} (one line of JSON) to every browser. */
    void broadcast(String name, String data) {
        String event = "event: " + name + "\ndata: " + data + "\n\n";
        clients.forEach(c -> c.send(event));
    }

    @Override
    public void close() {
        keepalive.shutdownNow();
        try {
            subscription.close();
        } catch (Exception e) {
            // nothing to undo
        }
        clients.forEach(Client::end);
    }

    /** One browser: its queue and whether a write is under way. */
    private final class Client {
        private final Response response;
        private final Callback done;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private boolean writing;
        private boolean ended;

        Client(Response response, Callback done) {
            this.response = response;
            this.done = done;
        }

        void send(String event) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                if (queue.size() >= MAX_QUEUED) {
                    fail(new IllegalStateException("alarm stream: the browser fell " + MAX_QUEUED + " events behind"));
                    return;
                }
                queue.addLast(event);
            }
            flush();
        }

        private void flush() {
            StringBuilder chunk = new StringBuilder();
            synchronized (this) {
                if (writing || queue.isEmpty() || ended) {
                    return;
                }
                writing = true;
                while (!queue.isEmpty()) {
                    chunk.append(queue.removeFirst());
                }
            }
            response.write(false, ByteBuffer.wrap(chunk.toString().getBytes(StandardCharsets.UTF_8)), new Callback() {
                @Override
                public void succeeded() {
                    synchronized (Client.this) {
                        writing = false;
                    }
                    flush();
                }

                @Override
                public void failed(Throwable x) {
                    fail(x);
                }
            });
        }

        private void fail(Throwable x) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            clients.remove(this);
            done.failed(x);
        }

        void end() {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            clients.remove(this);
            done.succeeded();
        }
    }
}

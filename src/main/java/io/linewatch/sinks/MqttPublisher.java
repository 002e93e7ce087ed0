package io.linewatch.sinks;

import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Backoff;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to the broker. Alarm events and camera states are journaled in the {@link
 * Outbox} by the threads that make them ({@link #acceptAlarm}, {@link #onStateChange}); one thread of
 * its own ({@code lw-mqtt}) connects, reconnects with exponential backoff and jitter, publishes
 * what waits in the outbox in order (QoS 1 or 2, a window of messages in flight) and retires a message
 * only when the broker acknowledges it. A message whose delivery is cut by a lost connection is
 * sent again on the next connection: consumers see duplicates (same event id), never gaps.
 *
 * <p>An alarm the outbox refuses (full, or its disk full) is announced by an overflow notice of its
 * camera (past the bound, replacing only that camera's earlier notice still waiting); a notice that
 * cannot be written yet is tried again by the delivery thread, and after a restart, until it is.
 * The refused alarm's {@code seq} is not given again: consumers see the gap.
 *
 * <p>The daemon's availability topic is retained: {@code online} on every connect, {@code offline}
 * as the Last Will (a crash or a cut network), {@code stopped} on a clean shutdown.
 */
public final class MqttPublisher implements SourceStateListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);
    private static final int WINDOW = 64;
    private static final long IDLE_WAIT_MILLIS = 250;
    /** How often the retained status is refreshed. */
    static final long STATUS_INTERVAL_MILLIS = 10_000;
    static final long DRAIN_TIMEOUT_MILLIS = 10_000;

    private final MqttConfig config;
    private final Identity identity;
    private final Outbox outbox;
    private final MqttConnection connection;
    private final Backoff backoff;
    private final SessionTakeover takeover = new SessionTakeover();
    private volatile StatusSource status;
    private long statusDueNanos;
    private final Wakeup wakeup = new Wakeup();
    private final Map<Long, Integer> inFlight = new ConcurrentHashMap<>();
    /** Each camera's last state message, by camera id, stated again after each reconnect; guarded by itself. */
    private final Map<String, byte[]> lastStates = new java.util.LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long drainDeadlineNanos;
    private int generation;

    /** Messages the broker acknowledged, and connections made, in this run. */
    public final AtomicLong acknowledged = new AtomicLong();
    public final AtomicLong connections = new AtomicLong();

    private MqttPublisher(MqttConfig config, Identity identity, Outbox outbox, MqttConnection connection) {
        this.config = config;
        this.identity = identity;
        this.outbox = outbox;
        this.connection = connection;
        this.backoff = new Backoff(config.reconnectMinMs(), config.reconnectMaxMs(), new SplittableRandom());
        this.thread = new Thread(this::run, "lw-mqtt");
        this.thread.setDaemon(true);
        outbox.onAppend(this::wake);
    }

    /**
     * Checks the credentials and TLS files (one-line errors) and starts delivering in the background.
     * The broker need not be reachable yet: messages wait in the outbox until it is.
     */
    public static MqttPublisher start(MqttConfig config, Identity identity, Outbox outbox) throws SinkException {
        String password = MqttConnection.password(config);
        SSLSocketFactory tls = config.url().startsWith("ssl://") ? MqttTls.socketFactory(config.tls()) : null;
        MqttConnection connection = new MqttConnection(config, identity, password, tls);
        MqttPublisher publisher = new MqttPublisher(config, identity, outbox, connection);
        publisher.thread.start();
        return publisher;
    }

    /**
     * Journals an alarm event; true once it is on disk (accepted). False when the outbox refused it
     * (full of alarms, or its disk full or failing): an overflow notice of the camera (itself an
     * alarm, past the bound) tells consumers how many were refused and the last refused {@code seq}.
     */
    public boolean acceptAlarm(AlarmEvent alarm, String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        String topic = config.topicFor(identity, alarm.camera());
        String why;
        try {
            if (outbox.append(Outbox.Entry.alarm(topic, alarm.camera(), alarm.seq(), payload)) != null) {
                return true;
            }
            why = "outbox " + outbox.dir() + " is full of alarms the broker has not taken (" + outbox.waitingBytes()
                    + " bytes)";
        } catch (SinkException e) {
            why = e.getMessage();
        }
        LOG.error("camera {}: alarm {} (seq {}) refused: {} ({} refused in this run)", alarm.camera(), alarm.id(),
                alarm.seq(), why, outbox.refused.get());
        announceRefusals();
        return false;
    }

    /** Journals a clip message (an alarm's clip is on disk, or failed); false when the outbox refused it. */
    public boolean acceptClip(String camera, String json) {
        try {
            if (outbox.append(Outbox.Entry.clip(config.topicFor(identity, camera), json.getBytes(StandardCharsets.UTF_8)))
                    != null) {
                return true;
            }
            LOG.error("camera {}: clip message refused: outbox {} is full", camera, outbox.dir());
        } catch (SinkException e) {
            LOG.error("camera {}: clip message refused: {}", camera, e.getMessage());
        }
        return false;
    }

    /**
     * Journals an acknowledgement of one of {@code camera}'s alarms ({@link AlarmJson#acknowledged}) on
     * its alarm topic, never replaced; false (logged) when the outbox refused it.
     */
    public boolean acceptAcknowledged(String camera, String json) {
        try {
            if (outbox.append(Outbox.Entry.acknowledged(config.topicFor(identity, camera),
                    json.getBytes(StandardCharsets.UTF_8))) != null) {
                return true;
            }
            LOG.error("camera {}: acknowledgement refused: outbox {} is full", camera, outbox.dir());
        } catch (SinkException e) {
            LOG.error("camera {}: acknowledgement refused: {}", camera, e.getMessage());
        }
        return false;
    }

    /** Journals an overflow notice for each camera with refusals no notice counts yet; those that fail wait. */
    private synchronized void announceRefusals() {
        outbox.unannounced().forEach((camera, marks) -> {
            byte[] notice = AlarmJson.overflow(identity, camera, java.time.Instant.now(), marks.refused(),
                    marks.lastRefusedSeq(), outbox.dir().toString()).getBytes(StandardCharsets.UTF_8);
            try {
                outbox.append(Outbox.Entry.overflowNotice(config.topicFor(identity, camera), camera,
                        marks.lastRefusedSeq(), notice));
                outbox.announced(camera, marks.refused());
            } catch (SinkException e) {
                LOG.debug("camera {}: overflow notice not written yet: {}", camera, e.getMessage());
            }
        });
    }

    /**
     * Journals a camera's new state for its retained state topic (an older one still waiting is
     * replaced), and keeps it to state again after a reconnect.
     */
    @Override
    public void onStateChange(String cameraId, SourceState state, String reason) {
        byte[] json = StateJson.toJson(identity, cameraId, state, reason, System.currentTimeMillis())
                .getBytes(StandardCharsets.UTF_8);
        synchronized (lastStates) {
            lastStates.put(cameraId, json);
            journalState(cameraId, json);
        }
    }

    /**
     * After a reconnect, each camera's last state again, as it was (its {@code since} unchanged): a
     * broker restarted from its last save may hold an older retained state, or none. Under the same
     * lock as {@link #onStateChange}, so a newer state is never replaced by an older one.
     */
    private void restateCameras() {
        synchronized (lastStates) {
            lastStates.forEach(this::journalState);
        }
    }

    private void journalState(String cameraId, byte[] json) {
        try {
            outbox.append(Outbox.Entry.state(config.stateTopicFor(identity, cameraId), cameraId, json));
        } catch (SinkException e) {
            LOG.error("camera {}: state not published: {}", cameraId, e.getMessage());
        }
    }

    /**
     * Journals an object lifecycle message of {@code camera} for its objects topic; false (logged) when
     * it could not be written. Object messages give way to alarms like camera states do.
     */
    public boolean acceptObject(String camera, String json) {
        try {
            return outbox.append(Outbox.Entry.object(config.objectTopicFor(identity, camera),
                    json.getBytes(StandardCharsets.UTF_8))) != null;
        } catch (SinkException e) {
            LOG.warn("camera {}: object message not published: {}", camera, e.getMessage());
            return false;
        }
    }

    /**
     * Journals a part's verdict of {@code camera} for its retained verdicts topic; false (logged)
     * when the outbox refused it (full of alarms, or failing).
     */
    public boolean acceptVerdict(String camera, String json) {
        try {
            if (outbox.append(Outbox.Entry.verdict(config.verdictTopicFor(identity, camera),
                    json.getBytes(StandardCharsets.UTF_8))) != null) {
                return true;
            }
            LOG.error("camera {}: verdict refused: outbox {} is full", camera, outbox.dir());
        } catch (SinkException e) {
            LOG.error("camera {}: verdict refused: {}", camera, e.getMessage());
        }
        return false;
    }

    /** Journals a counting line's value for its retained topic (an older value still waiting is replaced). */
    public void publishCount(String camera, String counter, String json) {
        try {
            outbox.append(Outbox.Entry.retainedValue(config.countTopicFor(identity, camera, counter),
                    "count/" + camera + "/" + counter, json.getBytes(StandardCharsets.UTF_8)));
        } catch (SinkException e) {
            LOG.warn("camera {}: count {} not published: {}", camera, counter, e.getMessage());
        }
    }

    /**
     * Journals a region's decided state for its retained topic. Every change is kept, also while the
     * broker is away (none replaces an older one still waiting): each is a change of the process.
     */
    public void publishRegionState(String camera, String region, String json) {
        try {
            outbox.append(Outbox.Entry.retainedChange(config.regionTopicFor(identity, camera, region),
                    json.getBytes(StandardCharsets.UTF_8)));
        } catch (SinkException e) {
            LOG.warn("camera {}: state of region {} not published: {}", camera, region, e.getMessage());
        }
    }

    public boolean isConnected() {
        return connection.isConnected();
    }

    /** Waits until connected; true when it is. */
    public boolean awaitConnected(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!connection.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return connection.isConnected();
    }

    /**
     * Delivers what waits (for at most 10 s, and only while the broker is reachable), publishes
     * {@code stopped} on the availability topic, and disconnects. What is left stays in the outbox
     * for the next start.
     */
    @Override
    public void close() {
        drainDeadlineNanos = System.nanoTime() + DRAIN_TIMEOUT_MILLIS * 1_000_000;
        running = false;
        wake();
        try {
            thread.join(DRAIN_TIMEOUT_MILLIS + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = outbox.waitingCount();
        if (left > 0) {
            LOG.warn("mqtt {}: {} messages wait in the outbox {} for the next start", config.url(), left, outbox.dir());
        }
    }

    // --- the delivery thread ------------------------------------------------------------------

    private void run() {
        boolean wasConnected = false;
        try {
            while (running || draining()) {
                if (running) {
                    publishStatusIfDue();
                }
                if (connection.isConnected() && takeover.held(connection.lifetimeMillis())) {
                    LOG.info("mqtt {}: the session of client id {} has held for {} s: no other client takes it any more",
                            config.url(), connection.clientId(), SessionTakeover.HOLD_TO_CLEAR_MILLIS / 1000);
                }
                if (!connection.isConnected() && takeover.takenOver()) {
                    sleep(SessionTakeover.RETRY_MILLIS);
                    if (!running) {
                        break;
                    }
                }
                if (!outbox.unannounced().isEmpty()) {
                    announceRefusals();
                }
                if (wasConnected && !connection.isConnected()) {
                    backoff.reset(); // a connection that worked was lost: the first attempts come quickly
                }
                wasConnected = connection.isConnected();
                if (!connection.isConnected() && !connect()) {
                    if (!running) {
                        break; // shutting down and the broker is away: leave the rest in the outbox
                    }
                    sleep(backoff.nextDelayMillis());
                    continue;
                }
                sendWindow();
                wakeup.await(IDLE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connection.stop();
        }
    }

    private boolean draining() {
        return outbox.waitingCount() > 0 && System.nanoTime() < drainDeadlineNanos;
    }

    private boolean connect() {
        generation++;
        inFlight.clear();
        try {
            connection.connect(this::connectionLost);
        } catch (MqttException e) {
            takeover.connectFailed();
            LOG.warn("mqtt {}: cannot connect: {} (retrying; {} messages wait in the outbox)", config.url(),
                    MqttConnection.reason(e), outbox.waitingCount());
            return false;
        }
        if (connections.incrementAndGet() > 1) {
            restateCameras();
        }
        backoff.reset();
        LOG.info("mqtt: connected to {} as {} ({} messages wait in the outbox)", config.url(),
                config.clientIdFor(identity), outbox.waitingCount());
        return true;
    }

    /** Publishes waiting messages, oldest first, until {@link #WINDOW} are in flight. */
    private void sendWindow() {
        if (inFlight.size() >= WINDOW) {
            return;
        }
        List<Outbox.Message> waiting = outbox.waitingAfter(0, WINDOW + inFlight.size());
        for (Outbox.Message m : waiting) {
            if (inFlight.size() >= WINDOW || !connection.isConnected()) {
                return;
            }
            if (inFlight.putIfAbsent(m.number(), generation) != null) {
                continue;
            }
            int qos = m.kind() == Outbox.Kind.ALARM ? config.qos() : 1;
            try {
                connection.publish(m.topic(), m.payload(), qos, m.retained(), new Delivery(m.number(), generation));
            } catch (MqttException e) {
                inFlight.remove(m.number());
                LOG.debug("mqtt publish of outbox message {}: {}", m.number(), MqttConnection.reason(e));
                return;
            }
        }
    }

    /** What the retained status topic reports: the cameras' counters and states. */
    private record StatusSource(List<CameraStats> stats, CameraStates states) {
    }

    /**
     * Publishes the daemon's status (each camera's state and alarms active, the outbox depth) on the
     * retained status topic now and every {@link #STATUS_INTERVAL_MILLIS} from the delivery thread.
     */
    public void reportStatus(List<CameraStats> stats, CameraStates states) {
        status = new StatusSource(stats, states);
        wake();
    }

    private void publishStatusIfDue() {
        StatusSource s = status;
        if (s == null || System.nanoTime() - statusDueNanos < 0) {
            return;
        }
        statusDueNanos = System.nanoTime() + STATUS_INTERVAL_MILLIS * 1_000_000;
        String json = StatusJson.toJson(identity, s.stats(), s.states(), outbox.waitingCount(), java.time.Instant.now());
        try {
            outbox.append(Outbox.Entry.status(config.statusTopicFor(identity), json.getBytes(StandardCharsets.UTF_8)));
        } catch (SinkException e) {
            LOG.debug("status not published: {}", e.getMessage());
        }
    }

    /** On Paho's callback thread: a connection the broker had accepted is gone. */
    private void connectionLost() {
        if (takeover.lost(connection.lifetimeMillis())) {
            LOG.error("mqtt {}: the broker closed the session of client id {} {} times in a row within {} s of"
                    + " connecting: another client uses the same client id (two boxes with the same node?); give each"
                    + " box its own node (or mqtt.client_id). Reconnecting every {} s until it stops",
                    config.url(), connection.clientId(), SessionTakeover.TAKEN_AFTER,
                    SessionTakeover.SHORT_MILLIS / 1000, SessionTakeover.RETRY_MILLIS / 1000);
        }
        wake();
    }

    /** True while another client keeps taking this daemon's broker session (see {@link SessionTakeover}). */
    public boolean sessionTakenOver() {
        return takeover.takenOver();
    }

    /** The client id this daemon uses with the broker. */
    public String clientId() {
        return connection.clientId();
    }

    private void wake() {
        wakeup.wake();
    }

    private void sleep(long millis) throws InterruptedException {
        wakeup.sleep(millis, () -> running);
    }

    /** The broker's answer to one publish, on Paho's callback thread. */
    private final class Delivery implements IMqttActionListener {
        private final long number;
        private final int sentGeneration;

        Delivery(long number, int sentGeneration) {
            this.number = number;
            this.sentGeneration = sentGeneration;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            if (outbox.done(number)) { // Paho may report a message resent after a reconnect twice
                acknowledged.incrementAndGet();
            }
            inFlight.remove(number, sentGeneration);
            wake();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            // Sent again on this connection or the next one.
            inFlight.remove(number, sentGeneration);
            wake();
        }
    }
}

package io.linewatch.sinks;

import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.SparkplugConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Backoff;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.PartVerdicts;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import io.linewatch.sinks.SparkplugPayload.DataType;
import io.linewatch.sinks.SparkplugPayload.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Sparkplug B edge node: group {@code sinks.sparkplug.group_id} (the site), edge node id
 * the node, one device per camera. Metrics: per camera {@code State}, {@code FPS}, {@code Frames/In},
 * {@code Frames/Inferred} and {@code Drops/<reason>}; per rule of the camera
 * {@code Rules/<rule>/Active}, {@code /Value} (what decided its last change: a detection's score, a
 * thermal measure in the rule's unit, a defect count) and {@code /Seq} (that event's {@code seq}),
 * and what it measures now ({@code /Value C}, {@code /Max C}, {@code /Avg C}, {@code /Min C} of a
 * thermal rule, {@code /Defect Count}, {@code /Object Count}: its {@link RuleReadings});
 * per counting line {@code Counters/<line>/Count} and {@code /Rate Per Minute}; per inspection camera
 * its last part's {@code Parts/Last Verdict}, {@code /Last Part}, {@code /Last Id}, {@code /Last Defect
 * Count} and the {@code Parts/Ok} and {@code /Nok} counts; on the node
 * {@code bdSeq}, {@code Node Control/Rebirth}, {@code Properties/Version} and {@code Heartbeat}.
 *
 * <p>Changes become DDATA (NDATA for the heartbeat), journaled in the node's own {@link Outbox} by
 * the thread that saw them: alarm changes by the alarm sink's thread ({@link #onAlarm}), counts by
 * the count stage ({@link #onCount}), verdicts by the verdict sink ({@link #onVerdict}), source
 * states by capture ({@link #onStateChange}), and the
 * cameras' counters and the rules' readings by a sampler thread ({@code lw-sparkplug-sample}) every
 * {@code sample_millis} (a temperature only when it moved by {@link #DEADBAND_C} or more).
 * A delivery thread ({@code lw-sparkplug}) connects with the NDEATH (and its {@code bdSeq}) as the
 * will, publishes NBIRTH and every DBIRTH from the values last journaled, then what waits in the
 * outbox in order, numbering each message's {@code seq} as it sends it. What was journaled before
 * the births is sent with every metric {@code is_historical} (the births already carry newer
 * values). A lost connection or a failed publish ends the session; the next one starts with births
 * at {@code seq} 0. An NCMD {@code Node Control/Rebirth} = true publishes the births again.
 *
 * <p>Messages go at QoS 1, the NDEATH will too (Sparkplug 3.0 asks QoS 0 for births and data, QoS 1
 * for the will): the outbox retires a message only once the broker has acknowledged it, and births go
 * at the data's QoS since MQTT orders a client's messages only within one QoS (README, "Sparkplug B").
 */
public final class SparkplugNode implements SourceStateListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SparkplugNode.class);
    private static final String NAMESPACE = "spBv1.0";
    private static final String REBIRTH = "Node Control/Rebirth";
    private static final int WINDOW = 64;
    private static final long IDLE_WAIT_MILLIS = 250;
    private static final long DRAIN_TIMEOUT_MILLIS = 10_000;
    /** A rule's temperature goes out when it moved by this much since it last went (sensor noise stays home). */
    public static final double DEADBAND_C = 0.1;

    private final SparkplugConfig config;
    private final Outbox outbox;
    private final List<CameraStats> stats;
    private final String prefix;
    private final String nodeId;
    private final String url;
    private final SparkplugSession session;
    private final Backoff backoff;
    private final SparkplugMetrics metrics = new SparkplugMetrics();
    private final SparkplugBdSeq bdSeqs;
    private final Map<Long, Integer> inFlight = new ConcurrentHashMap<>();
    private final Wakeup wakeup = new Wakeup();
    private final Thread thread;
    private final ScheduledExecutorService sampler;
    private final long[] lastFramesIn;
    private final double[] reading = new double[4];
    private RuleReadings readings;
    private long lastSampleNanos;
    private long heartbeatDueNanos;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile boolean broken;
    private volatile boolean rebirth;
    /** Each camera's rules, as the lanes run them; guarded by the metrics' lock. */
    private Map<String, java.util.Set<String>> rules = Map.of();
    private volatile long drainDeadlineNanos;
    /** Outbox messages numbered up to this were journaled before the session's births: sent as historical. */
    private long birthNumber;
    private long bdSeq;
    private long seq;
    /**
     * The outbox number sent last on this connection: one at or below it went out already (in flight,
     * acknowledged since the window was read, or failed, which ends the session).
     */
    private long lastSentNumber;
    private volatile int generation;

    /** Messages the broker acknowledged, sessions begun, births published, messages sent as historical. */
    public final AtomicLong acknowledged = new AtomicLong();
    public final AtomicLong connections = new AtomicLong();
    public final AtomicLong births = new AtomicLong();
    public final AtomicLong historicalSent = new AtomicLong();

    private SparkplugNode(SparkplugConfig config, MqttConfig mqtt, Identity identity, Outbox outbox,
                          List<CameraStats> stats, String password, SSLSocketFactory tls) {
        this.config = config;
        this.outbox = outbox;
        this.stats = stats;
        this.prefix = NAMESPACE + "/" + config.groupFor(identity) + "/";
        String node = identity.node();
        this.nodeId = node;
        this.url = mqtt.url();
        this.session = new SparkplugSession(mqtt, config.clientIdFor(identity), prefix + "NDEATH/" + node,
                prefix + "NCMD/" + node, password, tls);
        this.backoff = new Backoff(mqtt.reconnectMinMs(), mqtt.reconnectMaxMs(), new SplittableRandom());
        this.bdSeqs = new SparkplugBdSeq(outbox.dir().resolve("bdseq"));
        this.lastFramesIn = new long[stats.size()];
        this.thread = new Thread(this::run, "lw-sparkplug");
        this.thread.setDaemon(true);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lw-sparkplug-sample");
            t.setDaemon(true);
            return t;
        });
        outbox.onAppend(this::wake);
    }

    /**
     * Checks the broker's credentials and TLS files (one-line errors) and declares the node's and the
     * cameras' metrics; nothing is sent before {@link #start}.
     *
     * @param counters    each camera's counting lines, by camera id
     * @param inspections the cameras that judge parts
     */
    public static SparkplugNode open(SparkplugConfig config, MqttConfig mqtt, Identity identity, Outbox outbox,
                                     List<CameraStats> stats, Map<String, List<String>> counters,
                                     java.util.Set<String> inspections) throws SinkException {
        String password = MqttConnection.password(mqtt);
        SSLSocketFactory tls = mqtt.url().startsWith("ssl://") ? MqttTls.socketFactory(mqtt.tls()) : null;
        SparkplugNode node = new SparkplugNode(config, mqtt, identity, outbox, stats, password, tls);
        node.declare(counters, inspections);
        return node;
    }

    private void declare(Map<String, List<String>> counters, java.util.Set<String> inspections) {
        long now = System.currentTimeMillis();
        String version = SparkplugNode.class.getPackage().getImplementationVersion();
        synchronized (metrics) {
            metrics.declare(SparkplugMetrics.NODE, "bdSeq", DataType.UINT64, 0L, now);
            metrics.declare(SparkplugMetrics.NODE, REBIRTH, DataType.BOOLEAN, false, now);
            metrics.declare(SparkplugMetrics.NODE, "Properties/Version", DataType.STRING,
                    version == null ? "dev" : version, now);
            metrics.declare(SparkplugMetrics.NODE, "Heartbeat", DataType.DATETIME, now, now);
            for (CameraStats s : stats) {
                metrics.declare(s.cameraId, "State", DataType.STRING, "connecting", now);
                metrics.declare(s.cameraId, "FPS", DataType.DOUBLE, 0.0, now);
                cameraCounters(s, now).forEach(m -> metrics.declare(s.cameraId, m.name(), m.type(), m.value(), now));
                for (String line : counters.getOrDefault(s.cameraId, List.of())) {
                    metrics.declare(s.cameraId, "Counters/" + line + "/Count", DataType.INT64, 0L, now);
                    metrics.declare(s.cameraId, "Counters/" + line + "/Rate Per Minute", DataType.DOUBLE, 0.0, now);
                }
                if (inspections.contains(s.cameraId)) {
                    verdictMetrics(null, now).forEach(m -> metrics.declare(s.cameraId, m.name(), m.type(), m.value(), now));
                }
            }
        }
    }

    /**
     * Declares each camera's rules and what they measure, and starts sampling and delivering.
     *
     * @param rules    the names of each camera's alarm rules, by camera id
     * @param readings the rules' latest measures, sampled every {@code sample_millis}
     */
    public void start(Map<String, List<String>> rules, RuleReadings readings) {
        long now = System.currentTimeMillis();
        synchronized (metrics) {
            rules.forEach((camera, names) -> names.forEach(rule -> declareRule(camera, rule, now)));
            this.rules = copyOf(rules);
            for (RuleReadings.Reading r : readings.all()) {
                for (String name : r.kind().names()) {
                    metrics.declare(r.camera(), readingMetric(r, name), readingType(r), readingValue(r, Double.NaN), now);
                }
            }
            this.readings = readings;
        }
        lastSampleNanos = System.nanoTime();
        heartbeatDueNanos = lastSampleNanos + config.heartbeatSeconds() * 1_000_000_000L;
        started = true;
        thread.start();
        sampler.scheduleAtFixedRate(this::sampleLogged, config.sampleMillis(), config.sampleMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void declareRule(String camera, String rule, long now) {
        metrics.declare(camera, "Rules/" + rule + "/Active", DataType.BOOLEAN, false, now);
        metrics.declare(camera, "Rules/" + rule + "/Value", DataType.DOUBLE, Double.NaN, now);
        metrics.declare(camera, "Rules/" + rule + "/Seq", DataType.INT64, 0L, now);
    }

    private static Map<String, java.util.Set<String>> copyOf(Map<String, List<String>> rules) {
        Map<String, java.util.Set<String>> copy = new java.util.HashMap<>();
        rules.forEach((camera, names) -> copy.put(camera, java.util.Set.copyOf(names)));
        return copy;
    }

    /** True when {@code rule} runs on {@code camera} (a reload may have removed it). Holding the metrics' lock. */
    private boolean runs(String camera, String rule) {
        return rules.getOrDefault(camera, java.util.Set.of()).contains(rule);
    }

    /**
     * A reload applied in place changed the rules ({@code next}: each camera's rule names): the
     * metrics of rules gone leave the births, those of rules added are declared, and when anything
     * changed, births with the new set are due. Any thread.
     */
    public void followRules(Map<String, List<String>> next) {
        long now = System.currentTimeMillis();
        boolean changed = false;
        synchronized (metrics) {
            for (String camera : metrics.cameraDevices()) {
                List<String> kept = next.getOrDefault(camera, List.of());
                changed |= metrics.forget(camera, name -> name.startsWith("Rules/")
                        && !kept.contains(name.substring("Rules/".length(), name.lastIndexOf('/'))));
            }
            for (Map.Entry<String, List<String>> camera : next.entrySet()) {
                for (String rule : camera.getValue()) {
                    if (!runs(camera.getKey(), rule)) {
                        declareRule(camera.getKey(), rule, now);
                        changed = true;
                    }
                }
            }
            rules = copyOf(next);
            rebirth |= changed;
        }
        if (changed && started) {
            wake();
        }
    }

    // --- what the pipeline tells the node ------------------------------------------------------

    /**
     * An accepted alarm event: its rule's state, deciding value and {@code seq} go out as DDATA (a
     * rule no birth declared yet, one a reload added, goes out in the next births). On the sink thread.
     */
    public void onAlarm(AlarmEvent e) {
        long time = e.time().toEpochMilli();
        String rule = "Rules/" + e.rule() + "/";
        List<Metric> event = List.of(
                new Metric(rule + "Active", DataType.BOOLEAN, time, e.type() == AlarmEvent.Type.RAISED),
                new Metric(rule + "Value", DataType.DOUBLE, time, decidingValue(e.detail())),
                new Metric(rule + "Seq", DataType.INT64, time, e.seq()));
        synchronized (metrics) {
            if (!runs(e.camera(), e.rule())) {
                return; // in flight while a reload removed the rule: published on MQTT, not a metric any more
            }
            boolean declared = true;
            for (Metric m : event) {
                declared &= metrics.set(e.camera(), m.name(), m.type(), m.value(), time) != null
                        || metrics.knows(e.camera(), m.name());
            }
            if (declared) {
                journal("DDATA", e.camera(), event, time); // all three: an event is a change even when a value repeats
            }
        }
    }

    /** A counting line counted: its total and rate go out as DDATA. On the count stage's thread. */
    public void onCount(String camera, String counter, long timeMillis, Map<String, Long> counts,
                        Map<String, Double> perMinute) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        double rate = perMinute.values().stream().mapToDouble(Double::doubleValue).sum();
        synchronized (metrics) {
            List<Metric> changed = new ArrayList<>(2);
            add(changed, metrics.set(camera, "Counters/" + counter + "/Count", DataType.INT64, total, timeMillis));
            add(changed, metrics.set(camera, "Counters/" + counter + "/Rate Per Minute", DataType.DOUBLE, rate,
                    timeMillis));
            journal("DDATA", camera, changed, timeMillis);
        }
    }

    /**
     * A part was judged: its verdict, number, id and defect count and the camera's ok and nok counts
     * go out as one DDATA. On the verdict sink's thread.
     */
    public void onVerdict(PartVerdicts.Verdict v) {
        List<Metric> verdict = verdictMetrics(v, v.timeMillis());
        synchronized (metrics) {
            boolean declared = true;
            for (Metric m : verdict) {
                declared &= metrics.set(v.camera(), m.name(), m.type(), m.value(), v.timeMillis()) != null
                        || metrics.knows(v.camera(), m.name());
            }
            if (declared) {
                journal("DDATA", v.camera(), verdict, v.timeMillis()); // all: a verdict is news even when a value repeats
            }
        }
    }

    /** The metrics of a verdict; before the first ({@code v} null): no verdict, part 0, counts 0. */
    private static List<Metric> verdictMetrics(PartVerdicts.Verdict v, long time) {
        return List.of(
                new Metric("Parts/Last Verdict", DataType.STRING, time, v == null ? "" : v.verdict()),
                new Metric("Parts/Last Part", DataType.INT64, time, v == null ? 0L : (long) v.part()),
                new Metric("Parts/Last Id", DataType.STRING, time, v == null ? "" : v.id()),
                new Metric("Parts/Last Defect Count", DataType.INT64, time, v == null ? 0L : (long) v.defectCount()),
                new Metric("Parts/Ok", DataType.INT64, time, v == null ? 0L : v.okCount()),
                new Metric("Parts/Nok", DataType.INT64, time, v == null ? 0L : v.nokCount()));
    }

    /** A camera's source state changed: DDATA of its {@code State}. On the thread that changed it. */
    @Override
    public void onStateChange(String cameraId, SourceState state, String reason) {
        long now = System.currentTimeMillis();
        synchronized (metrics) {
            List<Metric> changed = new ArrayList<>(1);
            add(changed, metrics.set(cameraId, "State", DataType.STRING, state.name().toLowerCase(Locale.ROOT), now));
            journal("DDATA", cameraId, changed, now);
        }
    }

    private static double decidingValue(AlarmEvent.Detail detail) {
        if (detail instanceof AlarmEvent.ThermalDetail t) {
            return t.value();
        }
        if (detail instanceof AlarmEvent.DetectionDetail d) {
            return d.score();
        }
        if (detail instanceof AlarmEvent.DefectDetail d) {
            return d.count();
        }
        return Double.NaN;
    }

    /** A sample whose failure is logged: an exception would end the scheduled sampling for good. */
    private void sampleLogged() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.error("sparkplug: sample failed (sampling goes on): {}", e.toString());
        }
    }

    /** On the sampler's thread: the cameras' counters and frame rates, and the heartbeat when due. */
    private void sample() {
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        double seconds = Math.max(1e-3, (nanos - lastSampleNanos) / 1e9);
        lastSampleNanos = nanos;
        synchronized (metrics) {
            for (int i = 0; i < stats.size(); i++) {
                CameraStats s = stats.get(i);
                long in = s.framesIn.get();
                double fps = Math.round((in - lastFramesIn[i]) / seconds * 10) / 10.0;
                lastFramesIn[i] = in;
                List<Metric> changed = new ArrayList<>();
                add(changed, metrics.set(s.cameraId, "FPS", DataType.DOUBLE, fps, now));
                for (Metric m : cameraCounters(s, now)) {
                    add(changed, metrics.set(s.cameraId, m.name(), m.type(), m.value(), now));
                }
                journal("DDATA", s.cameraId, changed, now);
            }
            sampleReadings(now);
            if (nanos - heartbeatDueNanos >= 0) {
                heartbeatDueNanos = nanos + config.heartbeatSeconds() * 1_000_000_000L;
                List<Metric> beat = new ArrayList<>(1);
                add(beat, metrics.set(SparkplugMetrics.NODE, "Heartbeat", DataType.DATETIME, now, now));
                journal("NDATA", SparkplugMetrics.NODE, beat, now);
            }
            if (metrics.takeUndeclared()) {
                rebirth = true; // a rule a reload added: births with it are due
                wake();
            }
        }
    }

    /**
     * Each rule's measure that moved since it last went out (a temperature by {@link #DEADBAND_C} or
     * more, a count at all): one DDATA per camera. Called holding the metrics' lock.
     */
    private void sampleReadings(long now) {
        Map<String, List<Metric>> byCamera = new java.util.LinkedHashMap<>();
        for (RuleReadings.Reading r : readings.all()) {
            if (!runs(r.camera(), r.rule()) || r.read(reading) == 0) {
                continue; // a rule a reload removed keeps its reading, not its metrics
            }
            List<String> names = r.kind().names();
            for (int i = 0; i < names.size(); i++) {
                String name = readingMetric(r, names.get(i));
                if (moved(metrics.value(r.camera(), name), reading[i], r.kind())) {
                    Metric m = metrics.set(r.camera(), name, readingType(r), readingValue(r, reading[i]), now);
                    if (m != null) {
                        byCamera.computeIfAbsent(r.camera(), c -> new ArrayList<>()).add(m);
                    }
                }
            }
        }
        byCamera.forEach((camera, changed) -> journal("DDATA", camera, changed, now));
    }

    private static boolean moved(Object last, double now, RuleReadings.Kind kind) {
        if (!(last instanceof Number n)) {
            return true;
        }
        double before = n.doubleValue();
        if (Double.isNaN(before) || Double.isNaN(now)) {
            return Double.isNaN(before) != Double.isNaN(now);
        }
        return kind == RuleReadings.Kind.TEMPERATURE ? Math.abs(now - before) >= DEADBAND_C - 1e-9 : now != before;
    }

    /** {@code Rules/<rule>/Max C} for the reading's {@code MaxC}, {@code /Defect Count} for {@code DefectCount}. */
    private static String readingMetric(RuleReadings.Reading r, String name) {
        return "Rules/" + r.rule() + "/" + name.replaceAll("(?<=[a-z])(?=[A-Z])", " ");
    }

    private static DataType readingType(RuleReadings.Reading r) {
        return r.kind() == RuleReadings.Kind.TEMPERATURE ? DataType.DOUBLE : DataType.INT64;
    }

    private static Object readingValue(RuleReadings.Reading r, double value) {
        if (r.kind() == RuleReadings.Kind.TEMPERATURE) {
            return value;
        }
        return Double.isNaN(value) ? 0L : (long) value;
    }

    private static List<Metric> cameraCounters(CameraStats s, long now) {
        return List.of(
                new Metric("Frames/In", DataType.INT64, now, s.framesIn.get()),
                new Metric("Frames/Inferred", DataType.INT64, now, s.inferred.get()),
                new Metric("Drops/Ring Full", DataType.INT64, now, s.droppedRingFull.get()),
                new Metric("Drops/Backlog", DataType.INT64, now, s.droppedBacklog.get()),
                new Metric("Drops/Too Large", DataType.INT64, now, s.droppedTooLarge.get()),
                new Metric("Drops/Too Old", DataType.INT64, now, s.droppedTooOld.get()),
                new Metric("Drops/Decode Error", DataType.INT64, now, s.droppedDecodeError.get()),
                new Metric("Drops/Failed", DataType.INT64, now, s.failed.get()));
    }

    private static void add(List<Metric> changed, Metric m) {
        if (m != null) {
            changed.add(m);
        }
    }

    /** Journals a data message of the changed metrics (none: nothing). Called holding the metrics' lock. */
    private void journal(String type, String device, List<Metric> changed, long timeMillis) {
        if (changed.isEmpty()) {
            return;
        }
        String topic = prefix + type + "/" + nodeId + (device.isEmpty() ? "" : "/" + device);
        try {
            if (outbox.append(Outbox.Entry.sparkplug(topic, SparkplugPayload.encode(timeMillis, changed))) == null) {
                LOG.warn("sparkplug: {} of {} not journaled: outbox {} is full", type, device, outbox.dir());
            }
        } catch (SinkException e) {
            LOG.warn("sparkplug: {} of {} not journaled: {}", type, device, e.getMessage());
        }
    }

    // --- the delivery thread ------------------------------------------------------------------

    private void run() {
        try {
            while (running || draining()) {
                if (broken) {
                    broken = false;
                    session.drop();
                }
                if (!session.isConnected() && !connect()) {
                    if (!running) {
                        break;
                    }
                    sleep(backoff.nextDelayMillis());
                    continue;
                }
                if (rebirth && !publishBirths()) {
                    continue;
                }
                sendWindow();
                wakeup.await(IDLE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.stop();
        }
    }

    private boolean draining() {
        return outbox.waitingCount() > 0 && System.nanoTime() < drainDeadlineNanos;
    }

    private boolean connect() {
        generation++;
        inFlight.clear();
        lastSentNumber = 0;
        bdSeq = bdSeqs.next();
        byte[] death = SparkplugPayload.encode(System.currentTimeMillis(),
                List.of(new Metric("bdSeq", DataType.UINT64, System.currentTimeMillis(), bdSeq)));
        try {
            session.connect(death, this::wake, this::onCommand);
        } catch (MqttException e) {
            LOG.warn("sparkplug {}: cannot connect: {} (retrying; {} messages wait in the outbox)", url,
                    MqttConnection.reason(e), outbox.waitingCount());
            return false;
        }
        connections.incrementAndGet();
        backoff.reset();
        LOG.info("sparkplug: connected to {} (bdSeq {}; {} messages wait in the outbox)", url, bdSeq,
                outbox.waitingCount());
        return publishBirths();
    }

    /** NBIRTH ({@code seq} 0) and every DBIRTH, from the values last journaled; false when the session broke. */
    private boolean publishBirths() {
        rebirth = false;
        long now = System.currentTimeMillis();
        List<String> topics = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        synchronized (metrics) {
            metrics.declare(SparkplugMetrics.NODE, "bdSeq", DataType.UINT64, bdSeq, now);
            metrics.takeUndeclared();
            topics.add(prefix + "NBIRTH/" + nodeId);
            payloads.add(SparkplugPayload.encode(now, metrics.birth(SparkplugMetrics.NODE)));
            for (String camera : metrics.cameraDevices()) {
                topics.add(prefix + "DBIRTH/" + nodeId + "/" + camera);
                payloads.add(SparkplugPayload.encode(now, metrics.birth(camera)));
            }
            birthNumber = outbox.lastNumber();
        }
        seq = 0;
        int sentGeneration = generation;
        for (int i = 0; i < topics.size(); i++) {
            try {
                session.publish(topics.get(i), SparkplugPayload.withSeq(payloads.get(i), nextSeq()),
                        new Delivery(-1, sentGeneration));
            } catch (MqttException e) {
                LOG.warn("sparkplug: birth not published: {}", MqttConnection.reason(e));
                broken = true;
                return false;
            }
        }
        births.incrementAndGet();
        return true;
    }

    private long nextSeq() {
        long s = seq;
        seq = (seq + 1) % 256;
        return s;
    }

    /**
     * Publishes the waiting messages not yet sent on this connection, oldest first, until
     * {@link #WINDOW} are in flight.
     */
    private void sendWindow() {
        if (inFlight.size() >= WINDOW) {
            return;
        }
        for (Outbox.Message m : outbox.waitingAfter(lastSentNumber, WINDOW - inFlight.size())) {
            if (inFlight.size() >= WINDOW || broken || !session.isConnected()) {
                return;
            }
            if (m.number() <= lastSentNumber) {
                continue; // sent on this connection: never twice (an ack may have come since the window was read)
            }
            inFlight.put(m.number(), generation);
            lastSentNumber = m.number();
            boolean historical = m.number() <= birthNumber;
            byte[] payload = historical ? SparkplugPayload.historical(m.payload()) : m.payload();
            try {
                session.publish(m.topic(), SparkplugPayload.withSeq(payload, nextSeq()),
                        new Delivery(m.number(), generation));
            } catch (MqttException e) {
                inFlight.remove(m.number());
                broken = true; // a seq was used: the next session starts over with births
                return;
            }
            if (historical) {
                historicalSent.incrementAndGet();
            }
        }
    }

    /** On Paho's thread: an NCMD. {@code Node Control/Rebirth} = true asks for the births again. */
    private void onCommand(byte[] payload) {
        try {
            for (Metric m : SparkplugPayload.decode(payload).metrics()) {
                if (REBIRTH.equals(m.name()) && Boolean.TRUE.equals(m.value())) {
                    LOG.info("sparkplug: rebirth asked by NCMD");
                    rebirth = true;
                    wake();
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("sparkplug: an NCMD that is not a Sparkplug B payload was ignored: {}", e.getMessage());
        }
    }

    public boolean isConnected() {
        return session.isConnected();
    }

    /**
     * Stops sampling (one last sample first), delivers what waits for at most 10 s while the broker
     * is reachable, publishes the NDEATH and disconnects. What is left stays in the outbox.
     */
    @Override
    public void close() {
        sampler.shutdown();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            if (started) {
                sample();
            }
            drainDeadlineNanos = System.nanoTime() + DRAIN_TIMEOUT_MILLIS * 1_000_000;
            running = false;
            wake();
            if (started) {
                thread.join(DRAIN_TIMEOUT_MILLIS + 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = outbox.waitingCount();
        if (left > 0) {
            LOG.warn("sparkplug: {} messages wait in the outbox {} for the next start", left, outbox.dir());
        }
    }

    private void wake() {
        wakeup.wake();
    }

    private void sleep(long millis) throws InterruptedException {
        wakeup.sleep(millis, () -> running);
    }

    /** The broker's answer to one publish (a birth when {@code number} is -1), on Paho's thread. */
    private final class Delivery implements IMqttActionListener {
        private final long number;
        private final int sentGeneration;

        Delivery(long number, int sentGeneration) {
            this.number = number;
            this.sentGeneration = sentGeneration;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            if (number >= 0) {
                if (outbox.done(number)) { // Paho may report a message resent after a reconnect twice
                    acknowledged.incrementAndGet();
                }
                inFlight.remove(number, sentGeneration);
            }
            wake();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            if (sentGeneration == generation) {
                broken = true; // its seq is spent: a new session with births, then it goes again
            }
            if (number >= 0) {
                inFlight.remove(number, sentGeneration);
            }
            wake();
        }
    }
}

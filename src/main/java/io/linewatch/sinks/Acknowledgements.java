package io.linewatch.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' acknowledgements of alarms: the one path by which the console and OPC UA acknowledge.
 * Follows every accepted alarm event ({@link #follow}, on the lanes' sink threads, before any
 * listener hears of it) to know each of the last {@link #KEPT} raised alarms: open, cleared (a
 * {@code cleared} event of its rule, camera and track came) or acknowledged; at start it reads
 * back what the event log's end said ({@link #readBack}). {@link #acknowledge}
 * accepts one acknowledgement per alarm: it journals one {@code acknowledged} message
 * ({@link AlarmJson#acknowledged}: user, comment, {@code via}) into the MQTT outbox on the camera's
 * alarm topic, then the event log, then tells every subscriber (the console's pages, the OPC UA
 * conditions) on the caller's thread. Owned by the pipeline; thread-safe; holds no native resource.
 */
public final class Acknowledgements {

    /** How many of the latest raised alarms are remembered. */
    public static final int KEPT = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    /** Where an acknowledgement comes from, and whether it may acknowledge an alarm that has cleared. */
    public enum Via {
        /** The browser console: a cleared alarm needs no acknowledgement there and is refused. */
        CONSOLE("console", false),
        /**
         * OPC UA's {@code Acknowledge}: Alarms &amp; Conditions keep a cleared, unacknowledged
         * condition retained until it is acknowledged, so a cleared alarm may be acknowledged.
         */
        OPCUA("opcua", true);

        private final String label;
        private final boolean mayAcknowledgeCleared;

        Via(String label, boolean mayAcknowledgeCleared) {
            this.label = label;
            this.mayAcknowledgeCleared = mayAcknowledgeCleared;
        }

        /** As written in the {@code via} field: {@code console} or {@code opcua}. */
        public String label() {
            return label;
        }
    }

    /** An accepted acknowledgement of the raised event {@code alarmId}, as published ({@code json}). */
    public record Acknowledged(String camera, String rule, String alarmId, long alarmSeq, String user,
                               String comment, String via, Instant time, String json) {
    }

    /** Why an acknowledgement was refused; nothing was published for it. */
    public enum Reason { UNKNOWN, ALREADY_ACKNOWLEDGED, CLEARED, NOT_RECORDED }

    /** A refused acknowledgement, with a one-line message naming the alarm and why. */
    public static final class Refused extends Exception {
        private final Reason reason;

        Refused(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** A raised alarm as remembered: what identifies it, whether it cleared, its acknowledgement. */
    private static final class Alarm {
        final String id;
        final String camera;
        final String rule;
        final long seq;
        boolean cleared;
        Acknowledged ack;

        Alarm(String id, String camera, String rule, long seq) {
            this.id = id;
            this.camera = camera;
            this.rule = rule;
            this.seq = seq;
        }
    }

    private final Identity identity;
    private final MqttPublisher mqtt;
    private final EventLog eventLog;
    private final Map<String, Alarm> byId = latest();
    /** The open raise of each scope; bounded like {@link #byId} (a raise whose rule a reload removed never clears). */
    private final Map<String, Alarm> openByScope = latest();
    private final List<Consumer<Acknowledged>> subscribers = new CopyOnWriteArrayList<>();

    /** A map that keeps its latest {@link #KEPT} entries. */
    private static Map<String, Alarm> latest() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Alarm> eldest) {
                return size() > KEPT;
            }
        };
    }

    /**
     * @param mqtt     the MQTT publisher, or null when MQTT is off
     * @param eventLog the event log, or null for none
     */
    public Acknowledgements(Identity identity, MqttPublisher mqtt, EventLog eventLog) {
        this.identity = identity;
        this.mqtt = mqtt;
        this.eventLog = eventLog;
    }

    /** Takes an accepted alarm event: a raise is remembered as open, a clear closes its rule's open raise. */
    public synchronized void follow(AlarmEvent event) {
        String part = event.detail() instanceof AlarmEvent.DetectionDetail d ? "#" + d.trackId()
                : event.detail() instanceof AlarmEvent.StateDetail s ? "@" + s.region() : "";
        follow(event.type() == AlarmEvent.Type.RAISED, event.id(), event.camera(), event.rule(), event.seq(), part);
    }

    /**
     * Takes what the event log's end said before this start ({@link EventLogTail}): its alarm
     * events, then its acknowledgements, so that the console shows them after a restart and an
     * alarm acknowledged before it is not acknowledged twice. Lines it cannot read are skipped.
     */
    public synchronized void readBack(EventLogTail tail) {
        for (String line : tail.alarms()) {
            JsonNode m = EventLogTail.parse(line);
            String part = "detection".equals(m.path("task").asText()) ? "#" + m.path("track").asInt(0)
                    : m.has("region") && "classification".equals(m.path("task").asText()) ? "@" + m.path("region").asText() : "";
            follow("raised".equals(m.path("type").asText()), m.path("id").asText(), m.path("camera").asText(),
                    m.path("rule").asText(), m.path("seq").asLong(), part);
        }
        for (JsonNode m : tail.acknowledged()) {
            Alarm alarm = byId.get(m.path("alarm_id").asText());
            if (alarm != null && alarm.ack == null) {
                alarm.ack = new Acknowledged(alarm.camera, alarm.rule, alarm.id, alarm.seq, m.path("user").asText(),
                        m.path("comment").asText(), m.path("via").asText(), readTime(m), m.toString());
            }
        }
    }

    private static Instant readTime(JsonNode m) {
        try {
            return Instant.parse(m.path("time").asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** A raise of scope {@code camera/rule part} is remembered as open; a clear closes the scope's open raise. */
    private void follow(boolean raised, String id, String camera, String rule, long seq, String part) {
        String scope = camera + "/" + rule + part;
        if (raised) {
            Alarm alarm = new Alarm(id, camera, rule, seq);
            byId.put(alarm.id, alarm);
            openByScope.put(scope, alarm);
        } else {
            Alarm open = openByScope.remove(scope);
            if (open != null) {
                open.cleared = true;
            }
        }
    }

    /**
     * Acknowledges the raised event {@code alarmId} for {@code user} with {@code comment}: publishes
     * one {@code acknowledged} message and tells the subscribers (on this thread).
     *
     * @throws Refused for an alarm not among the recent ones, one already acknowledged, one that has
     *                 cleared (unless {@code via} may acknowledge those), or when the outbox refused
     *                 the message
     */
    public Acknowledged acknowledge(String alarmId, String user, String comment, Via via) throws Refused {
        Acknowledged ack;
        synchronized (this) {
            Alarm alarm = byId.get(alarmId);
            if (alarm == null) {
                throw new Refused(Reason.UNKNOWN, "no such alarm among the recent ones: " + alarmId);
            }
            if (alarm.ack != null) {
                throw new Refused(Reason.ALREADY_ACKNOWLEDGED, "alarm " + alarmId + " was already acknowledged by "
                        + alarm.ack.user() + " (" + alarm.ack.via() + ") at " + alarm.ack.time());
            }
            if (alarm.cleared && !via.mayAcknowledgeCleared) {
                throw new Refused(Reason.CLEARED, "alarm " + alarmId + " (" + alarm.rule + " on " + alarm.camera
                        + ") has cleared: nothing left to acknowledge");
            }
            Instant now = Instant.now();
            String json = AlarmJson.acknowledged(identity, alarm.camera, alarm.rule, alarm.id, alarm.seq, user,
                    comment, via.label(), now);
            ack = new Acknowledged(alarm.camera, alarm.rule, alarm.id, alarm.seq, user, comment, via.label(), now, json);
            alarm.ack = ack; // taken: a second request now is refused, whatever the journal says
        }
        journal(ack);
        subscribers.forEach(s -> s.accept(ack));
        LOG.info("camera {}: alarm {} ({}) acknowledged by {} via {}{}", ack.camera(), ack.alarmId(), ack.rule(),
                ack.user(), ack.via(), ack.comment().isEmpty() ? "" : ": " + ack.comment());
        return ack;
    }

    /** The outbox first (an acknowledgement it refuses is undone), then the event log. */
    private void journal(Acknowledged ack) throws Refused {
        if (mqtt != null && !mqtt.acceptAcknowledged(ack.camera(), ack.json())) {
            synchronized (this) {
                Alarm alarm = byId.get(ack.alarmId());
                if (alarm != null) {
                    alarm.ack = null;
                }
            }
            throw new Refused(Reason.NOT_RECORDED, "alarm " + ack.alarmId()
                    + " not acknowledged: the MQTT outbox refused the message (see the daemon's log)");
        }
        if (eventLog != null) {
            try {
                eventLog.append(ack.json());
            } catch (UncheckedIOException e) {
                LOG.error("camera {}: acknowledgement of {} published but not logged: {}", ack.camera(),
                        ack.alarmId(), e.getMessage());
            }
        }
    }

    /** The acknowledgement of {@code alarmId}, or null when it is unknown or not acknowledged. */
    public synchronized Acknowledged acknowledgementOf(String alarmId) {
        Alarm alarm = byId.get(alarmId);
        return alarm == null ? null : alarm.ack;
    }

    /** The acknowledgements of the remembered alarms, oldest alarm first. */
    public synchronized List<Acknowledged> acknowledged() {
        return byId.values().stream().filter(a -> a.ack != null).map(a -> a.ack).toList();
    }

    /**
     * From now on, tells {@code subscriber} of each accepted acknowledgement, on the acknowledging
     * thread (a Jetty or OPC UA thread): it must return at once. Close the result to stop.
     */
    public AutoCloseable subscribe(Consumer<Acknowledged> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}

package io.linewatch.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.sinks.Acknowledgements;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.LimitAlarmTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.NonExclusiveLimitAlarmTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.OffNormalAlarmTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.variables.TwoStateVariableTypeNode;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * One rule on one camera as an OPC UA alarm condition (an {@code OffNormalAlarmType} for detection,
 * defect and state rules, a {@code NonExclusiveLevelAlarmType} with its {@code HighLimit} for
 * temperature rules): active while the rule's alarm is raised (a per-object rule: while any of its
 * objects is; a state rule: while any of the camera's regions it watches is),
 * unacknowledged from each raise until an operator acknowledges it (OPC UA's {@code Acknowledge}, or
 * the console), retained while active or
 * unacknowledged. Each change fires the condition as an event through the server. Called only on
 * the alarm feed's thread and the server's method-call threads; synchronized on itself.
 */
final class RuleCondition {

    /** What a rule watches, which sets its condition type and severity. */
    enum Kind {
        DETECTION(500), DEFECT(600), STATE(600), THERMAL(700);

        final int severity;

        Kind(int severity) {
            this.severity = severity;
        }
    }

    private static final SecureRandom IDS = new SecureRandom();

    private final OpcUaServer server;
    private final AlarmConditionTypeNode node;
    private final String camera;
    private final String rule;
    private final Set<Object> activeTracks = new HashSet<>();
    private boolean active;
    private boolean acked = true;
    private AlarmEvent lastRaised;

    RuleCondition(OpcUaServer server, AlarmConditionTypeNode node, String camera, String rule, Kind kind,
                  NodeId sourceNode) {
        this.server = server;
        this.node = node;
        this.camera = camera;
        this.rule = rule;
        node.setSourceNode(sourceNode);
        node.setSourceName(camera);
        node.setConditionName(rule);
        node.setSeverity(ushort(kind.severity));
        node.setLastSeverity(ushort(kind.severity));
        node.setQuality(StatusCode.GOOD);
        node.setBranchId(NodeId.NULL_VALUE);
        node.setRetain(false);
        node.setSuppressedOrShelved(false);
        node.setComment(LocalizedText.english(""));
        node.setClientUserId("");
        twoState(node.getEnabledStateNode(), true, "Enabled", "Disabled");
        twoState(node.getActiveStateNode(), false, "Active", "Inactive");
        twoState(node.getAckedStateNode(), true, "Acknowledged", "Unacknowledged");
        if (node instanceof OffNormalAlarmTypeNode offNormal) {
            offNormal.setNormalState(NodeId.NULL_VALUE);
        }
        node.setMessage(LocalizedText.english(rule + " on " + camera + ": normal"));
        node.setEventId(newEventId());
        node.setTime(DateTime.now());
        node.setReceiveTime(DateTime.now());
    }

    /** The rule this condition stands for. */
    String rule() {
        return rule;
    }

    /** Applies a raised or cleared event of the rule and fires the condition. */
    synchronized void apply(AlarmEvent event) {
        Object track = event.detail() instanceof AlarmEvent.DetectionDetail d ? (Object) d.trackId()
                : event.detail() instanceof AlarmEvent.StateDetail s ? s.region() : (Object) 0;
        if (event.type() == AlarmEvent.Type.RAISED) {
            activeTracks.add(track);
            lastRaised = event;
            acked = false;
        } else {
            activeTracks.remove(track);
        }
        active = !activeTracks.isEmpty();
        twoState(node.getActiveStateNode(), active, "Active", "Inactive");
        twoState(node.getAckedStateNode(), acked, "Acknowledged", "Unacknowledged");
        if (node instanceof NonExclusiveLimitAlarmTypeNode limit && limit.getHighStateNode() != null) {
            twoState(limit.getHighStateNode(), active, "High", "");
        }
        String what = event.type() == AlarmEvent.Type.RAISED ? "raised" : "cleared";
        fire(event.time().toEpochMilli(), rule + " on " + camera + " " + what + describe(event));
    }

    /**
     * The id of the raised event that an {@code Acknowledge} of {@code eventId} (the latest event
     * this condition fired) refers to.
     *
     * @throws UaException {@code Bad_EventIdUnknown} for another event, {@code
     *                     Bad_ConditionBranchAlreadyAcked} when nothing waits for an acknowledgement
     */
    synchronized String awaitingAcknowledgement(ByteString eventId) throws UaException {
        if (!node.getEventId().equals(eventId)) {
            throw new UaException(StatusCodes.Bad_EventIdUnknown, "not the condition's latest event");
        }
        if (acked || lastRaised == null) {
            throw new UaException(StatusCodes.Bad_ConditionBranchAlreadyAcked, "already acknowledged");
        }
        return lastRaised.id();
    }

    /**
     * An accepted acknowledgement (over OPC UA or from the console): when it is of the raised event
     * this condition waits on, the condition turns acknowledged, with the user and comment, and
     * fires; otherwise (an older raise of a per-object rule, or already acknowledged) nothing changes.
     */
    synchronized void acknowledged(Acknowledgements.Acknowledged ack) {
        if (acked || lastRaised == null || !lastRaised.id().equals(ack.alarmId())) {
            return;
        }
        acked = true;
        twoState(node.getAckedStateNode(), true, "Acknowledged", "Unacknowledged");
        node.setComment(LocalizedText.english(ack.comment()));
        node.setClientUserId(ack.user());
        fire(System.currentTimeMillis(), rule + " on " + camera + " acknowledged by " + ack.user() + " (" + ack.via()
                + ")" + (ack.comment().isEmpty() ? "" : ": " + ack.comment()));
    }

    private void fire(long timeMillis, String message) {
        node.setRetain(active || !acked);
        node.setEventId(newEventId());
        node.setTime(new DateTime(java.time.Instant.ofEpochMilli(timeMillis)));
        node.setReceiveTime(DateTime.now());
        node.setMessage(LocalizedText.english(message));
        server.getEventNotifier().fire(node);
    }

    /**
     * The rule is gone (a reload removed it): when the condition is active or waits for an
     * acknowledgement, it fires once more inactive, acknowledged and not retained, so that clients'
     * alarm lists drop it before its node is deleted.
     */
    synchronized void retire() {
        if (!active && acked) {
            return;
        }
        activeTracks.clear();
        active = false;
        acked = true;
        twoState(node.getActiveStateNode(), false, "Active", "Inactive");
        twoState(node.getAckedStateNode(), true, "Acknowledged", "Unacknowledged");
        if (node instanceof NonExclusiveLimitAlarmTypeNode limit && limit.getHighStateNode() != null) {
            twoState(limit.getHighStateNode(), false, "High", "");
        }
        fire(System.currentTimeMillis(), rule + " on " + camera + " removed by a reload");
    }

    /**
     * A reload changed the rule's settings and the pipeline runs it anew, with nothing raised: an
     * active condition fires once more inactive; its acknowledged state stays.
     */
    synchronized void restart() {
        if (!active) {
            return;
        }
        activeTracks.clear();
        active = false;
        twoState(node.getActiveStateNode(), false, "Active", "Inactive");
        if (node instanceof NonExclusiveLimitAlarmTypeNode limit && limit.getHighStateNode() != null) {
            twoState(limit.getHighStateNode(), false, "High", "");
        }
        fire(System.currentTimeMillis(), rule + " on " + camera + ": settings changed by a reload, started anew");
    }

    private static String describe(AlarmEvent event) {
        if (event.detail() instanceof AlarmEvent.ThermalDetail t) {
            return String.format(java.util.Locale.ROOT, ": %s %s %.1f", t.zone(), t.measure(), t.value());
        }
        if (event.detail() instanceof AlarmEvent.DefectDetail d) {
            return ": " + d.count() + " defect(s)";
        }
        if (event.detail() instanceof AlarmEvent.DetectionDetail d) {
            return ": " + d.className() + (d.trackId() > 0 ? " #" + d.trackId() : "");
        }
        if (event.detail() instanceof AlarmEvent.StateDetail s) {
            return String.format(java.util.Locale.ROOT, ": %s %s %.2f", s.region(), String.join("+", s.states()),
                    s.probability());
        }
        return "";
    }

    private static void twoState(TwoStateVariableTypeNode state, boolean id, String trueName, String falseName) {
        state.setValue(new org.eclipse.milo.opcua.stack.core.types.builtin.DataValue(
                new org.eclipse.milo.opcua.stack.core.types.builtin.Variant(
                        LocalizedText.english(id ? trueName : falseName))));
        state.setId(id);
    }

    private static ByteString newEventId() {
        byte[] id = new byte[16];
        IDS.nextBytes(id);
        return ByteString.of(id);
    }

    /** Takes a reloaded temperature rule's {@code raise_at_c} (NaN: none) as the high limit; others have none. */
    void highLimit(double limitC) {
        if (!Double.isNaN(limitC)) {
            highLimit(node, limitC);
        }
    }

    /** Sets a limit alarm's high limit (temperature rules with a level). */
    static void highLimit(AlarmConditionTypeNode node, double limit) {
        if (node instanceof LimitAlarmTypeNode l) {
            l.setHighLimit(limit);
        }
    }
}

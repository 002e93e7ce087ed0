package io.linewatch.opcua;

import io.linewatch.config.Identity;
import io.linewatch.daemon.PipelineView;
import io.linewatch.sinks.AlarmJson;
import io.linewatch.sinks.EventLog;
import io.linewatch.sinks.MqttPublisher;
import java.time.Instant;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.Identity.UsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.objects.AcknowledgeableConditionType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPC UA's {@code Acknowledge} on a condition: the condition is acknowledged, and an {@code
 * acknowledged} message (who, their comment, the alarm it refers to) goes into the MQTT outbox on
 * the camera's alarm topic and into the event log. Only an operator or admin of the users file may
 * acknowledge (others get {@code Bad_UserAccessDenied}). Runs on the server's method-call thread.
 */
final class Acknowledgements implements SiteModel.Acknowledger {

    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    private final Identity identity;
    private final PipelineView view;
    private final Users users;

    Acknowledgements(Identity identity, PipelineView view, Users users) {
        this.identity = identity;
        this.view = view;
        this.users = users;
    }

    @Override
    public MethodInvocationHandler handler(UaMethodNode method, RuleCondition condition) {
        return new AcknowledgeableConditionType.AcknowledgeMethod(method) {
            @Override
            protected void invoke(AbstractMethodInvocationHandler.InvocationContext context, ByteString eventId,
                                  LocalizedText comment) throws UaException {
                String named = context.getSession().map(Acknowledgements::user).orElse(null);
                if (!users.mayAcknowledge(named)) {
                    LOG.warn("OPC UA: {} may not acknowledge {} (needs the operator or admin role)",
                            named == null ? "an anonymous session" : "user " + named, condition.rule());
                    throw new UaException(StatusCodes.Bad_UserAccessDenied);
                }
                String user = named == null ? "anonymous" : named;
                String text = comment == null || comment.text() == null ? "" : comment.text();
                publish(condition.acknowledge(eventId, user, text));
            }
        };
    }

    private void publish(RuleCondition.Acknowledged ack) {
        String json = AlarmJson.acknowledged(identity, ack.camera(), ack.rule(), ack.alarmId(), ack.alarmSeq(),
                ack.user(), ack.comment(), "opcua", Instant.now());
        MqttPublisher mqtt = view.mqtt();
        boolean accepted = mqtt == null || mqtt.acceptAcknowledged(ack.camera(), json);
        EventLog log = view.eventLog();
        if (log != null) {
            log.append(json);
        }
        LOG.info("camera {}: {} acknowledged by {} over OPC UA{}{}", ack.camera(), ack.rule(), ack.user(),
                ack.comment().isEmpty() ? "" : ": " + ack.comment(), accepted ? "" : " (not published: outbox refused)");
    }

    private static String user(Session session) {
        return session.getIdentity() instanceof UsernameIdentity named ? named.getUsername() : null;
    }
}

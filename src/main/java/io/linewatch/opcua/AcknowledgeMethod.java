package io.linewatch.opcua;

import io.linewatch.sinks.Acknowledgements;
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
 * OPC UA's {@code Acknowledge} on a condition: the raised event the condition waits on is
 * acknowledged through the pipeline's {@link Acknowledgements} (the same path as the console's: one
 * {@code acknowledged} message, via {@code opcua}, who and their comment, on MQTT and in the event
 * log, and the console's pages told), then the condition turns acknowledged. Only an operator or
 * admin of the users file may acknowledge (others get {@code Bad_UserAccessDenied}); an alarm
 * already acknowledged (from the console, say) gets {@code Bad_ConditionBranchAlreadyAcked}, one the
 * outbox refused {@code Bad_ResourceUnavailable}. Runs on the server's method-call thread.
 */
final class AcknowledgeMethod implements SiteModel.Acknowledger {

    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgeMethod.class);

    private final Acknowledgements acknowledgements;
    private final Users users;

    /** {@code acknowledgements}: the pipeline's, or null when it has none (every Acknowledge is then refused). */
    AcknowledgeMethod(Acknowledgements acknowledgements, Users users) {
        this.acknowledgements = acknowledgements;
        this.users = users;
    }

    @Override
    public MethodInvocationHandler handler(UaMethodNode method, RuleCondition condition) {
        return new AcknowledgeableConditionType.AcknowledgeMethod(method) {
            @Override
            protected void invoke(AbstractMethodInvocationHandler.InvocationContext context, ByteString eventId,
                                  LocalizedText comment) throws UaException {
                String named = context.getSession().map(AcknowledgeMethod::user).orElse(null);
                if (!users.mayAcknowledge(named)) {
                    LOG.warn("OPC UA: {} may not acknowledge {} (needs the operator or admin role)",
                            named == null ? "an anonymous session" : "user " + named, condition.rule());
                    throw new UaException(StatusCodes.Bad_UserAccessDenied);
                }
                if (acknowledgements == null) {
                    throw new UaException(StatusCodes.Bad_NotSupported, "this daemon keeps no acknowledgements");
                }
                String alarmId = condition.awaitingAcknowledgement(eventId);
                String text = comment == null || comment.text() == null ? "" : comment.text();
                condition.acknowledged(acknowledge(alarmId, named == null ? "anonymous" : named, text));
            }
        };
    }

    private Acknowledgements.Acknowledged acknowledge(String alarmId, String user, String comment) throws UaException {
        try {
            return acknowledgements.acknowledge(alarmId, user, comment, Acknowledgements.Via.OPCUA);
        } catch (Acknowledgements.Refused e) {
            long status = switch (e.reason()) {
                case ALREADY_ACKNOWLEDGED -> StatusCodes.Bad_ConditionBranchAlreadyAcked;
                case NOT_RECORDED -> StatusCodes.Bad_ResourceUnavailable;
                case UNKNOWN, CLEARED -> StatusCodes.Bad_EventIdUnknown;
            };
            LOG.warn("OPC UA: {}", e.getMessage());
            throw new UaException(status, e.getMessage());
        }
    }

    private static String user(Session session) {
        return session.getIdentity() instanceof UsernameIdentity named ? named.getUsername() : null;
    }
}

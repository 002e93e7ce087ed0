package io.linewatch.opcua;

/** The OPC UA server cannot start; the message is one line naming the key, file or port and what is wrong. */
public final class OpcUaStartException extends Exception {

    OpcUaStartException(String message) {
        super(message);
    }

    OpcUaStartException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.linewatch.sinks;

/** A sink that cannot start; the message is one line naming the sink and the cause. */
public final class SinkException extends Exception {

    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}

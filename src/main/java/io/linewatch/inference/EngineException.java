package io.linewatch.inference;

/** A model that cannot be loaded or run; the message is one line naming the model and the cause. */
public final class EngineException extends Exception {

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }

    public EngineException(String message) {
        super(message);
    }
}

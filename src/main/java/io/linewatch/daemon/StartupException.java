package io.linewatch.daemon;

/** The pipeline cannot start; the message is one line naming the camera, model or sink at fault. */
public final class StartupException extends Exception {

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}

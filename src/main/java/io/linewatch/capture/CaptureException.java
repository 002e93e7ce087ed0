package io.linewatch.capture;

/** A source that cannot be opened or read; the message names the camera and the cause in one line. */
public final class CaptureException extends Exception {

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}

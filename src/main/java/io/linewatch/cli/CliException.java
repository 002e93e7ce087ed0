package io.linewatch.cli;

/** Ends a command with an exit code and the one line {@code linewatch: error: MESSAGE} on stderr. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

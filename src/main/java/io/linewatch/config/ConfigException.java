package io.linewatch.config;

/** A configuration that cannot be used; the message is one line naming the file and field. */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}

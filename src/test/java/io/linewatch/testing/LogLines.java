package io.linewatch.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects the warning and error lines that linewatch logs while it is open. */
public final class LogLines implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogLines() {
        appender.start();
        root.addAppender(appender);
    }

    /** The formatted messages at WARN or above, in order. */
    public synchronized List<String> warnings() {
        return List.copyOf(appender.list).stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** The warnings that contain {@code text}. */
    public List<String> containing(String text) {
        return warnings().stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}

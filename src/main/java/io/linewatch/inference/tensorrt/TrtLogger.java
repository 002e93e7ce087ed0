package io.linewatch.inference.tensorrt;

import java.util.function.Consumer;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's log, into linewatch's: errors and warnings as such, information at debug level and to
 * an optional listener (build progress). Remembers the last error for one-line failure messages.
 * TensorRT calls it from its own threads.
 */
final class TrtLogger extends ILogger {

    private static final Logger LOG = LoggerFactory.getLogger("io.linewatch.inference.tensorrt.TensorRT");

    private final Consumer<String> info;
    private volatile String lastError;

    /** @param info told every information line, or null */
    TrtLogger(Consumer<String> info) {
        this.info = info;
    }

    @Override
    public void log(Severity severity, String message) {
        switch (severity.intern()) {
            case kINTERNAL_ERROR, kERROR -> {
                lastError = message;
                LOG.error("TensorRT: {}", message);
            }
            case kWARNING -> LOG.warn("TensorRT: {}", message);
            case kINFO -> {
                LOG.debug("TensorRT: {}", message);
                if (info != null) {
                    info.accept(message);
                }
            }
            default -> LOG.trace("TensorRT: {}", message);
        }
    }

    /** The last error TensorRT reported, as {@code ": MESSAGE"}, or an empty string. */
    String lastErrorSuffix() {
        String e = lastError;
        return e == null ? "" : ": " + e.lines().findFirst().orElse("").trim();
    }
}

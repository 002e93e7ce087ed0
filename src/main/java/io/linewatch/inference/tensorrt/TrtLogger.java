package io.linewatch.inference.tensorrt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's log, into linewatch's: errors and warnings as such, information at debug level. One
 * per process, created on first use (after {@link TensorRtAvailability} said yes) and never closed:
 * TensorRT keeps one logger pointer per process and needs it to outlive every builder, parser,
 * runtime and engine made with it (NvInferRuntime.h on {@code ILogger}), and the presets never free
 * those objects (bytedeco/javacpp-presets#1699). Each build, load or engine opens an {@link
 * Operation} that receives the information lines (build progress) and remembers the last error
 * while it is open; operations open at the same time each see every line. TensorRT calls it from
 * its own threads.
 */
final class TrtLogger extends ILogger {

    private static final Logger LOG = LoggerFactory.getLogger("io.linewatch.inference.tensorrt.TensorRT");
    /** Held for the whole process: TensorRT holds the native pointer. */
    private static TrtLogger process;

    private final List<Operation> operations = new CopyOnWriteArrayList<>();

    private TrtLogger() {
    }

    /** The process's logger, created on the first call. */
    static synchronized TrtLogger process() {
        if (process == null) {
            process = new TrtLogger();
        }
        return process;
    }

    /**
     * Starts routing TensorRT's lines to a new operation until it is closed.
     *
     * @param info told every information line, or null
     */
    Operation open(Consumer<String> info) {
        Operation op = new Operation(info);
        operations.add(op);
        return op;
    }

    @Override
    public void log(Severity severity, String message) {
        switch (severity.intern()) {
            case kINTERNAL_ERROR, kERROR -> {
                LOG.error("TensorRT: {}", message);
                operations.forEach(op -> op.lastError = message);
            }
            case kWARNING -> LOG.warn("TensorRT: {}", message);
            case kINFO -> {
                LOG.debug("TensorRT: {}", message);
                operations.forEach(op -> op.info(message));
            }
            default -> LOG.trace("TensorRT: {}", message);
        }
    }

    /** What one build, load or engine hears of TensorRT's log while it is open. */
    final class Operation implements AutoCloseable {

        private final Consumer<String> info;
        private volatile String lastError;

        private Operation(Consumer<String> info) {
            this.info = info;
        }

        private void info(String message) {
            if (info != null) {
                info.accept(message);
            }
        }

        /** The last error TensorRT reported during this operation, as {@code ": MESSAGE"}, or an empty string. */
        String lastErrorSuffix() {
            String e = lastError;
            return e == null ? "" : ": " + e.lines().findFirst().orElse("").trim();
        }

        /** Whether TensorRT reported an error during this operation. */
        boolean failed() {
            return lastError != null;
        }

        @Override
        public void close() {
            operations.remove(this);
        }
    }
}

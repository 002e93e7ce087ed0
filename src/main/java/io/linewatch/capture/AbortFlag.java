package io.linewatch.capture;

import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A native flag that FFmpeg's interrupt callback reads: once raised, FFmpeg gives up the blocking
 * operation it is in wherever it consults the callback (RTP over UDP polls it every 100 ms) and
 * returns an error. Raised from any thread (the watchdog, shutdown), cleared and attached by the
 * capture thread; owns its native int until {@link #close()}.
 */
final class AbortFlag implements AutoCloseable {

    /** One callback for every context (JavaCPP callbacks are few): the opaque pointer is the flag. */
    private static final AVIOInterruptCB.Callback_Pointer CALLBACK = new Callback().retainReference();

    private IntPointer flag = new IntPointer(1L).put(0);

    /** Lets FFmpeg operations on {@code context} be aborted by this flag. */
    synchronized void attach(AVFormatContext context) {
        if (flag != null) {
            context.interrupt_callback().callback(CALLBACK).opaque(flag);
        }
    }

    synchronized void raise() {
        if (flag != null) {
            flag.put(1);
        }
    }

    synchronized void clear() {
        if (flag != null) {
            flag.put(0);
        }
    }

    /** Frees the flag; only once no context it is attached to is open any more. */
    @Override
    public synchronized void close() {
        if (flag != null) {
            flag.close();
            flag = null;
        }
    }

    private static final class Callback extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            return opaque == null || opaque.isNull() ? 0 : new IntPointer(opaque).get();
        }
    }
}

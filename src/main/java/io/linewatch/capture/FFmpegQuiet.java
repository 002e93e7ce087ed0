package io.linewatch.capture;

import org.bytedeco.ffmpeg.global.avutil;

/** Keeps FFmpeg's own chatter off stderr; our log lines say what went wrong. */
final class FFmpegQuiet {

    private static volatile boolean installed;

    private FFmpegQuiet() {
    }

    static void install() {
        if (!installed) {
            avutil.av_log_set_level(avutil.AV_LOG_FATAL);
            installed = true;
        }
    }

    /** One line from an FFmpeg failure. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}

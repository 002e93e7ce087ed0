package io.linewatch.capture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/** Keeps FFmpeg's own chatter off stderr; our log lines say what went wrong. */
final class FFmpegQuiet {

    private static final Pattern ERROR_CODE = Pattern.compile("\\w+\\(\\) error (-\\d+)");
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

    /**
     * FFmpeg's own words for the error code in a JavaCV failure ("Connection refused", "No such file
     * or directory"), or {@link #reason} when the message holds no code.
     */
    static String cause(Throwable e) {
        String line = reason(e);
        Matcher m = ERROR_CODE.matcher(line);
        if (!m.find()) {
            return line;
        }
        byte[] text = new byte[256];
        if (avutil.av_strerror(Integer.parseInt(m.group(1)), text, text.length) < 0) {
            return line;
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}

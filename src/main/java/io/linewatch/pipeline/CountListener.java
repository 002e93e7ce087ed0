package io.linewatch.pipeline;

import java.util.Map;

/**
 * Told each time a counting line counts a track: the line's counts so far by class, and the
 * crossings of the last minute of video time by class. Called on the count stage's thread.
 */
public interface CountListener {

    void onCount(String camera, String counter, long timeMillis, Map<String, Long> counts,
                 Map<String, Double> perMinute);
}

package io.linewatch.pipeline;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Each inspection camera's last part verdict, with how many parts it judged ok and nok since the
 * start: written by the lanes' verdict sink as each part is judged (one verdict per part, not per
 * frame), read by the servers that show a running daemon (OPC UA); any thread.
 */
public final class PartVerdicts {

    /**
     * A camera's last verdict.
     *
     * @param part        the part's number (its track) on the camera
     * @param id          the verdict's id, as in its MQTT message and the event log
     * @param nok         true for {@code nok}
     * @param defectCount the part's defects (each class and size, counting or not)
     * @param timeMillis  when it was judged, epoch milliseconds
     * @param okCount     parts judged ok on the camera so far, this one included
     * @param nokCount    parts judged nok on the camera so far, this one included
     */
    public record Verdict(String camera, int part, String id, boolean nok, int defectCount, long timeMillis,
                          long okCount, long nokCount) {

        /** {@code ok} or {@code nok}. */
        public String verdict() {
            return nok ? "nok" : "ok";
        }
    }

    private final ConcurrentHashMap<String, Verdict> latest = new ConcurrentHashMap<>();

    /** Records a part's verdict on {@code camera}; returns it with the camera's counts. */
    public Verdict record(String camera, int part, String id, boolean nok, int defectCount, long timeMillis) {
        return latest.compute(camera, (c, last) -> new Verdict(camera, part, id, nok, defectCount, timeMillis,
                (last == null ? 0 : last.okCount()) + (nok ? 0 : 1), (last == null ? 0 : last.nokCount()) + (nok ? 1 : 0)));
    }

    /** The camera's last verdict, or null before its first. */
    public Verdict latest(String camera) {
        return latest.get(camera);
    }
}

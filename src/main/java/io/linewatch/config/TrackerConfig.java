package io.linewatch.config;

/**
 * The multi-object tracker of a detection model's cameras (ByteTrack's association).
 *
 * @param highScore     detections at or above this score are matched first and may start tracks
 * @param lowScore      detections from this score up to {@code highScore} only keep existing tracks alive
 * @param newTrackScore lowest score of an unmatched detection that starts a new track
 * @param matchIou      lowest overlap (IoU with the track's predicted box) of a first-round match
 * @param trackBuffer   frames a track survives unmatched (occluded, missed) before it ends
 * @param minHits       matched frames before a track is confirmed and gets its id
 * @param maxTracks     most tracks kept per camera (live and lost)
 * @param events        classes whose objects are published on MQTT ({@code new}, {@code update},
 *                      {@code end}); null: every class, empty: none
 * @param updateSeconds least time between two {@code update} messages of one object
 */
public record TrackerConfig(
        Double highScore,
        Double lowScore,
        Double newTrackScore,
        Double matchIou,
        Integer trackBuffer,
        Integer minHits,
        Integer maxTracks,
        java.util.List<String> events,
        Double updateSeconds) {

    public TrackerConfig {
        events = events == null ? null : java.util.List.copyOf(events);
        updateSeconds = updateSeconds == null ? 1.0 : updateSeconds;
        if (updateSeconds < 0) {
            throw new IllegalArgumentException("needs update_seconds >= 0, got " + updateSeconds);
        }
        highScore = highScore == null ? 0.5 : highScore;
        lowScore = lowScore == null ? 0.1 : lowScore;
        newTrackScore = newTrackScore == null ? 0.6 : newTrackScore;
        matchIou = matchIou == null ? 0.2 : matchIou;
        trackBuffer = trackBuffer == null ? 30 : trackBuffer;
        minHits = minHits == null ? 3 : minHits;
        maxTracks = maxTracks == null ? 256 : maxTracks;
        if (lowScore < 0 || lowScore > highScore || highScore > 1) {
            throw new IllegalArgumentException("needs 0 <= low_score <= high_score <= 1, got low_score " + lowScore
                    + ", high_score " + highScore);
        }
        if (newTrackScore < 0 || newTrackScore > 1 || matchIou <= 0 || matchIou > 1) {
            throw new IllegalArgumentException("needs new_track_score within 0..1 and match_iou within (0, 1], got "
                    + newTrackScore + " and " + matchIou);
        }
        if (trackBuffer < 0 || minHits < 1 || maxTracks < 1 || maxTracks > 4096) {
            throw new IllegalArgumentException("needs track_buffer >= 0, min_hits >= 1 and 1 <= max_tracks <= 4096, got "
                    + trackBuffer + ", " + minHits + " and " + maxTracks);
        }
    }

    /** A tracker publishing every class's objects, updates at most once a second. */
    public TrackerConfig(Double highScore, Double lowScore, Double newTrackScore, Double matchIou, Integer trackBuffer,
                         Integer minHits, Integer maxTracks) {
        this(highScore, lowScore, newTrackScore, matchIou, trackBuffer, minHits, maxTracks, null, null);
    }

    public static TrackerConfig defaults() {
        return new TrackerConfig(null, null, null, null, null, null, null);
    }

    /** True when objects of {@code className} are published. */
    public boolean publishes(String className) {
        return events == null || events.contains(className);
    }
}

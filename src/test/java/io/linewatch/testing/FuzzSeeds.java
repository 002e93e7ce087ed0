package io.linewatch.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The seeds a fuzz test runs: a fixed set, the same in every run (a failure there is reproducible
 * at once), and one drawn afresh each run and printed, to widen coverage over time. {@code
 * -Dfuzz.seed=N} runs seed N alone (to replay a printed failure).
 */
public final class FuzzSeeds {

    /** Fixed seeds: picked once, never changed, so that CI sees the same cases every run. */
    private static final List<Long> FIXED = List.of(20_261_122L, 7_340_033L);

    private FuzzSeeds() {
    }

    /** The fixed seeds and one random seed (printed), or only {@code fuzz.seed} when it is set. */
    public static List<Long> seeds(String test) {
        Long only = Long.getLong("fuzz.seed");
        if (only != null) {
            return List.of(only);
        }
        long random = System.nanoTime();
        System.out.println(test + " random seed " + random + " (-Dfuzz.seed=" + random + " replays it)");
        List<Long> seeds = new ArrayList<>(FIXED);
        seeds.add(random);
        return seeds;
    }
}

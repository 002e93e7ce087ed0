package io.linewatch.cli;

import java.util.Locale;

/**
 * Where a pipeline run falls short of the cores' bound, as three factors whose product is the run's
 * pipeline / bound when the cores (not the bare engine's speed) set the bound:
 * <ul>
 * <li>{@code coresBusy}: the share of the cores' time the process used (the rest was idle);</li>
 * <li>{@code engineFactor}: (bare engine CPU + other stages' CPU) over (the engine's CPU in the
 *     pipeline + other stages' CPU), below 1 when the engine's threads spent more per frame in the
 *     pipeline than alone (at 2 intra-op threads, mostly the caller spinning while its worker is
 *     woken, BENCHMARKS runs L and M);</li>
 * <li>{@code outsideFactor}: the stages' CPU over the whole process's CPU, below 1 by what the JVM's
 *     own threads (collector, compiler) and the bench's poller spent ({@code pollerCpuMillis}, part of
 *     {@code outsideCpuMillis}).</li>
 * </ul>
 * All CPU figures are milliseconds per frame over a run's steady part.
 */
record BoundShortfall(double coresBusy, double engineFactor, double outsideFactor, double engineCpuMillis,
                      double outsideCpuMillis, double pollerCpuMillis) {

    static BoundShortfall of(double fps, int cores, double processCpuMillis, double engineCpuMillis,
                             double bareEngineCpuMillis, double otherCpuMillis, double pollerCpuMillis) {
        return new BoundShortfall(fps * processCpuMillis / (cores * 1000.0),
                (bareEngineCpuMillis + otherCpuMillis) / (engineCpuMillis + otherCpuMillis),
                (engineCpuMillis + otherCpuMillis) / processCpuMillis, engineCpuMillis,
                processCpuMillis - engineCpuMillis - otherCpuMillis, pollerCpuMillis);
    }

    /** The product of the factors: pipeline / bound where the cores are the bound. */
    double ratio() {
        return coresBusy * engineFactor * outsideFactor;
    }

    /** One table row for {@code cameras}, with the bare engine's CPU per frame in brackets. */
    String row(int cameras, double bareEngineCpuMillis) {
        return String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.2f (%.2f) | %.3f | %.2f (%.2f) | %.3f |", cameras,
                ratio(), coresBusy, engineCpuMillis, bareEngineCpuMillis, engineFactor, outsideCpuMillis, pollerCpuMillis,
                outsideFactor);
    }
}

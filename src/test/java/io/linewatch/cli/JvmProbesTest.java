package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bench counts only the collections that stop the application, whichever collector the JVM runs. */
class JvmProbesTest {

    /** Bean names as JDK 17's collectors register them. */
    @Test
    void countsPausesNotConcurrentCycles() {
        assertThat(JvmProbes.isPause("G1 Young Generation")).isTrue();
        assertThat(JvmProbes.isPause("G1 Old Generation")).isTrue();
        assertThat(JvmProbes.isPause("ZGC Pauses")).isTrue();
        assertThat(JvmProbes.isPause("Shenandoah Pauses")).isTrue();
        assertThat(JvmProbes.isPause("G1 Concurrent GC")).isFalse();
        assertThat(JvmProbes.isPause("ZGC Cycles")).isFalse();
        assertThat(JvmProbes.isPause("Shenandoah Cycles")).isFalse();
    }
}

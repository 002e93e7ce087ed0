package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One value a second (the hottest of that second's frames), the last hour only. */
class ThermalTrendTest {

    @Test
    void keepsTheHottestOfEachSecondForAnHour() {
        ThermalTrend trend = new ThermalTrend(2);
        assertThat(trend.series(0)).isNull();
        trend.record(0, 100, 40f);
        trend.record(0, 100, 45f);
        trend.record(0, 100, 42f);
        trend.record(0, 101, 81f);
        ThermalTrend.Series s = trend.series(0);
        assertThat(s.epochSeconds()).containsExactly(100, 101);
        assertThat(s.celsius()).containsExactly(45f, 81f);
        assertThat(trend.series(1)).as("another camera").isNull();
        for (int i = 0; i < ThermalTrend.SECONDS + 10; i++) {
            trend.record(0, 1_000 + i, i);
        }
        s = trend.series(0);
        assertThat(s.epochSeconds()).hasSize(ThermalTrend.SECONDS);
        assertThat(s.epochSeconds()[0]).isEqualTo(1_010);
        assertThat(s.epochSeconds()[ThermalTrend.SECONDS - 1]).isEqualTo(1_000 + ThermalTrend.SECONDS + 9);
    }
}

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

    /** A rule's line is the same for the same camera and rule (a reload's rebuilt rule goes on with it); bounded. */
    @Test
    void ruleLinesAreKeptPerCameraAndRuleAndBounded() {
        ThermalTrend trend = new ThermalTrend(2);
        ThermalTrend.Line overheat = trend.line(1, "overheat");
        assertThat(trend.line(1, "overheat")).isSameAs(overheat);
        assertThat(trend.line(0, "overheat")).isNotSameAs(overheat);
        assertThat(trend.lines()).as("lines without a value are not shown").isEmpty();
        overheat.record(100, 70f);
        overheat.record(100, 85f);
        overheat.record(101, 60f);
        assertThat(trend.lines()).hasSize(1);
        ThermalTrend.Named line = trend.lines().get(0);
        assertThat(line.cameraIndex()).isEqualTo(1);
        assertThat(line.rule()).isEqualTo("overheat");
        assertThat(line.series().epochSeconds()).containsExactly(100, 101);
        assertThat(line.series().celsius()).containsExactly(85f, 60f);
        for (int i = 0; i < ThermalTrend.MAX_LINES; i++) {
            trend.line(0, "rule" + i);
        }
        assertThat(trend.line(0, "one-too-many")).isNull();
        assertThat(trend.line(1, "overheat")).as("an existing line is still found").isSameAs(overheat);
    }
}

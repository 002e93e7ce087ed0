package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-free fixed-point writer prints what {@code String.format("%.Nf")} prints. */
class DecimalsTest {

    @Test
    void sameTextAsStringFormatForScoresTimesAndNegatives() {
        Random random = new Random(14);
        for (int i = 0; i < 20_000; i++) {
            float score = random.nextFloat();
            double seconds = random.nextDouble() * 1e5 - 100;
            assertThat(Decimals.append(new StringBuilder(), score, 4).toString())
                    .isEqualTo(String.format(Locale.ROOT, "%.4f", score));
            assertThat(Decimals.append(new StringBuilder(), seconds, 6).toString())
                    .isEqualTo(String.format(Locale.ROOT, "%.6f", seconds));
        }
        assertThat(Decimals.append(new StringBuilder(), -0.00001, 4).toString()).isEqualTo("0.0000");
        assertThat(Decimals.append(new StringBuilder(), 1.0, 0).toString()).isEqualTo("1");
        assertThat(Decimals.append(new StringBuilder(), Double.NaN, 4).toString()).isEqualTo("null");
    }
}

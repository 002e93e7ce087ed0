package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalCameraConfig.TemperatureUnit;
import org.junit.jupiter.api.Test;

/** Counts to apparent, object and published temperatures, against values worked out by hand. */
class ThermalCalibrationTest {

    private static ThermalCalibration calibration(double scale, double offset, double emissivity, double reflectedC,
                                                  TemperatureUnit unit) {
        return new ThermalCalibration(new ThermalCameraConfig(scale, offset, emissivity, reflectedC, unit));
    }

    @Test
    void aBlackBodyReadsItsApparentTemperature() {
        // e = 1: T_obj^4 = (T_app^4 - 0 * T_refl^4) / 1, so T_obj = T_app.
        // 30000 counts * 0.01 K + 0 K = 300.00 K = 26.85 degC.
        ThermalCalibration c = calibration(0.01, 0.0, 1.0, 20.0, TemperatureUnit.CELSIUS);
        assertThat(c.apparentKelvin(30000)).isCloseTo(300.0, within(1e-9));
        assertThat(c.objectKelvinOf(30000)).isCloseTo(300.0, within(1e-9));
        assertThat(c.toUnit(300.0)).isCloseTo(26.85, within(1e-9));
        assertThat(c.unitName()).isEqualTo("celsius");
    }

    @Test
    void emissivityCorrectionAgainstAHandCalculation() {
        // Lepton TLinear, e = 0.95, surroundings 20 degC; 30000 counts:
        //   T_app        = 30000 * 0.01             = 300.00 K
        //   T_app^4      = 300^4                    = 8 100 000 000
        //   T_refl       = 20 + 273.15              = 293.15 K
        //   T_refl^4     = 293.15^4                 = 7 385 154 648.771
        //   (1-e)T_refl^4 = 0.05 * 7 385 154 648.771 =   369 257 732.439
        //   T_obj^4      = (8 100 000 000 - 369 257 732.439) / 0.95
        //                = 7 730 742 267.561 / 0.95 = 8 137 623 439.538
        //   T_obj        = 8 137 623 439.538^(1/4)  = 300.34776 K  (check: 300.34776^2 = 90 208.78,
        //                                                            90 208.78^2 = 8.13762e9)
        //   published    = 300.34776 - 273.15       = 27.19776 degC
        // A surface that emits less than a black body reads colder than it is: the object is 0.35 K
        // warmer than the camera's apparent reading.
        ThermalCalibration c = calibration(0.01, 0.0, 0.95, 20.0, TemperatureUnit.CELSIUS);
        assertThat(c.apparentKelvin(30000)).isCloseTo(300.0, within(1e-9));
        assertThat(c.objectKelvinOf(30000)).isCloseTo(300.34776, within(1e-5));
        assertThat(c.toUnit(c.objectKelvinOf(30000))).isCloseTo(27.19776, within(1e-5));
        assertThat(c.kelvinAt(30000)).isCloseTo(300.34776f, within(1e-4f));
    }

    @Test
    void offsetEmissivityAndKelvinOutput() {
        // scale 0.01, offset -10 K, e = 0.8, surroundings 30 degC; 35000 counts:
        //   T_app         = 35000 * 0.01 - 10          = 340.00 K
        //   T_app^4       = 340^4                      = 13 363 360 000
        //   T_refl^4      = 303.15^4                   =  8 445 595 755.506
        //   (1-e)T_refl^4 = 0.2 * 8 445 595 755.506    =  1 689 119 151.101
        //   T_obj^4       = (13 363 360 000 - 1 689 119 151.101) / 0.8
        //                 = 11 674 240 848.899 / 0.8   = 14 592 801 061.123
        //   T_obj         = 14 592 801 061.123^(1/4)   = 347.56390 K  (74.41390 degC)
        ThermalCalibration c = calibration(0.01, -10.0, 0.8, 30.0, TemperatureUnit.KELVIN);
        assertThat(c.apparentKelvin(35000)).isCloseTo(340.0, within(1e-9));
        assertThat(c.objectKelvinOf(35000)).isCloseTo(347.56390, within(1e-5));
        assertThat(c.toUnit(347.56390)).isEqualTo(347.56390);
        assertThat(c.unitName()).isEqualTo("kelvin");
        assertThat(c.unitSymbol()).isEqualTo("K");
    }

    @Test
    void anApparentTemperatureBelowTheReflectionAloneReadsZeroKelvin() {
        // e = 0.5, surroundings 20 degC: the reflection alone gives T_app^4 = 0.5 * 293.15^4, i.e.
        // T_app = 293.15 * 0.5^(1/4) = 246.51 K; 200 K (20000 counts) is below it.
        ThermalCalibration c = calibration(0.01, 0.0, 0.5, 20.0, TemperatureUnit.CELSIUS);
        assertThat(c.objectKelvinOf(20000)).isZero();
        assertThat(c.objectKelvinOf(24700)).isGreaterThan(0.0);
    }

    @Test
    void theTablesHoldTheDoublePrecisionValuesRoundedOnce() {
        ThermalCalibration c = calibration(0.01, 0.0, 0.95, 20.0, TemperatureUnit.CELSIUS);
        float[] input = c.normalisedTable(273.15, 100.0);
        for (int counts : new int[] {0, 1, 25000, 29315, 30000, 35315, 65535}) {
            double objectK = c.objectKelvinOf(counts);
            assertThat(c.kelvinAt(counts)).isEqualTo((float) objectK);
            assertThat(input[counts]).isEqualTo((float) ((objectK - 273.15) / 100.0));
        }
        byte[] frame = {(byte) 0x30, (byte) 0x75, (byte) 0xff, (byte) 0xff}; // 30000 and 65535, little-endian
        assertThat(ThermalCalibration.counts(frame, 0)).isEqualTo(30000);
        assertThat(ThermalCalibration.counts(frame, 1)).isEqualTo(65535);
        assertThat(c.kelvinAt(frame, 0)).isEqualTo(c.kelvinAt(30000));
    }
}

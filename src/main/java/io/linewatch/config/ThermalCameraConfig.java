package io.linewatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a radiometric camera's 16-bit samples become temperatures: {@code kelvin = counts * scale +
 * offset} gives the apparent (radiometric) temperature, then the emissivity correction gives the
 * object's: {@code T_obj^4 = (T_app^4 - (1 - e) * T_refl^4) / e} (kelvin).
 *
 * @param scaleKPerCount kelvin per count (0.01 for a Lepton in TLinear mode)
 * @param offsetK        kelvin at count 0
 * @param emissivity     the surface's emissivity, (0, 1]
 * @param reflectedC     the reflected apparent temperature, degrees Celsius
 * @param unit           the unit of published temperatures
 */
public record ThermalCameraConfig(@JsonProperty("scale_k_per_count") Double scaleKPerCount, Double offsetK,
                                  Double emissivity, Double reflectedC, TemperatureUnit unit) {

    /** Units temperatures are published in. */
    public enum TemperatureUnit { CELSIUS, KELVIN }

    public ThermalCameraConfig {
        scaleKPerCount = scaleKPerCount == null ? 0.01 : scaleKPerCount;
        offsetK = offsetK == null ? 0.0 : offsetK;
        emissivity = emissivity == null ? 1.0 : emissivity;
        reflectedC = reflectedC == null ? 20.0 : reflectedC;
        unit = unit == null ? TemperatureUnit.CELSIUS : unit;
        if (!(scaleKPerCount > 0)) {
            throw new IllegalArgumentException("scale_k_per_count must be > 0, got " + scaleKPerCount);
        }
        if (!(emissivity > 0 && emissivity <= 1)) {
            throw new IllegalArgumentException("emissivity must be in (0, 1], got " + emissivity);
        }
    }

    /** The calibration of a camera that configures none. */
    public static ThermalCameraConfig defaults() {
        return new ThermalCameraConfig(null, null, null, null, null);
    }
}

package io.linewatch.pipeline;

import io.linewatch.config.ThermalCameraConfig;
import java.util.Locale;

/**
 * How one radiometric camera's 16-bit counts become temperatures:
 *
 * <pre>
 *   apparent K  T_app = counts * scale_k_per_count + offset_k
 *   object K    T_obj = ((T_app^4 - (1 - e) * T_refl^4) / e)^(1/4)      (grey body, kelvin)
 *   published   T_obj - 273.15 (celsius) or T_obj (kelvin)
 * </pre>
 *
 * The camera measures the radiance of the object (a share e of a black body at T_obj) plus what the
 * surface reflects of its surroundings (1 - e of a black body at T_refl); by Stefan-Boltzmann each
 * share goes with the fourth power of its temperature. An apparent temperature below what the
 * reflection alone gives has no object temperature and reads 0 K. The object temperature of all
 * 65536 counts is computed once, in double precision, so a pixel costs one table lookup. Immutable.
 */
public final class ThermalCalibration {

    /** 0 degrees Celsius in kelvin. */
    public static final double ZERO_CELSIUS_K = 273.15;
    private static final int COUNTS = 1 << 16;

    private final ThermalCameraConfig config;
    private final double reflectedK4;
    private final float[] objectKelvinByCount = new float[COUNTS];

    public ThermalCalibration(ThermalCameraConfig config) {
        this.config = config;
        double reflectedK = config.reflectedC() + ZERO_CELSIUS_K;
        this.reflectedK4 = reflectedK * reflectedK * reflectedK * reflectedK;
        for (int counts = 0; counts < COUNTS; counts++) {
            objectKelvinByCount[counts] = (float) objectKelvinOf(counts);
        }
    }

    /** The radiometric temperature the camera reports for {@code counts}, kelvin. */
    public double apparentKelvin(int counts) {
        return counts * config.scaleKPerCount() + config.offsetK();
    }

    /** The object temperature behind an apparent temperature, kelvin, by the emissivity correction. */
    public double objectKelvin(double apparentK) {
        double e = config.emissivity();
        double objectK4 = (apparentK * apparentK * apparentK * apparentK - (1 - e) * reflectedK4) / e;
        return objectK4 <= 0 ? 0 : Math.sqrt(Math.sqrt(objectK4));
    }

    /** The object temperature of {@code counts}, kelvin, computed in double precision. */
    public double objectKelvinOf(int counts) {
        return objectKelvin(apparentKelvin(counts));
    }

    /** The object temperature of {@code counts} (0..65535), kelvin, from the table. */
    public float kelvinAt(int counts) {
        return objectKelvinByCount[counts];
    }

    /** The object temperature of pixel {@code i} of a 16-bit little-endian frame, kelvin. */
    public float kelvinAt(byte[] gray16le, int i) {
        return objectKelvinByCount[counts(gray16le, i)];
    }

    /** The sample of pixel {@code i} of a 16-bit little-endian frame. */
    public static int counts(byte[] gray16le, int i) {
        return (gray16le[2 * i] & 0xff) | (gray16le[2 * i + 1] & 0xff) << 8;
    }

    /**
     * A table of {@code (T_obj - offsetK) / scaleK} for every count, computed in double precision
     * and rounded once to float: a thermal model's normalised input.
     */
    public float[] normalisedTable(double offsetK, double scaleK) {
        float[] table = new float[COUNTS];
        for (int counts = 0; counts < COUNTS; counts++) {
            table[counts] = (float) ((objectKelvinOf(counts) - offsetK) / scaleK);
        }
        return table;
    }

    /** A temperature in kelvin in the camera's published unit. */
    public double toUnit(double kelvin) {
        return config.unit() == ThermalCameraConfig.TemperatureUnit.CELSIUS ? kelvin - ZERO_CELSIUS_K : kelvin;
    }

    /** The published unit's name, as in the config: {@code celsius} or {@code kelvin}. */
    public String unitName() {
        return config.unit().name().toLowerCase(Locale.ROOT);
    }

    /** The published unit's symbol: {@code °C} or {@code K}. */
    public String unitSymbol() {
        return config.unit() == ThermalCameraConfig.TemperatureUnit.CELSIUS ? "\u00b0C" : "K";
    }

    /** The calibration as configured. */
    public ThermalCameraConfig config() {
        return config;
    }
}

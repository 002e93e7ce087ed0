package io.linewatch.postprocess;

import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
import io.linewatch.pipeline.ThermalTrend;
import java.util.List;
import java.util.Locale;

/**
 * A temperature alarm rule on one thermal camera, fed one decoded frame at a time:
 *
 * <pre>
 *   idle --(measure &gt;= raise_at, or rising &gt;= rate_of_rise, held on_delay; cooldown over)--&gt; raised
 *   raised --(measure &lt; clear_at and rise below rate_of_rise, held off_delay)------------&gt; idle
 * </pre>
 *
 * The measure is the max, avg or min of the rule's zone (the calibrated object temperatures of the
 * pixels inside its polygon, measured here, so that a reload changes a zone with its rule) or,
 * without a zone, of the whole frame as the model estimates it (denoised: a single noisy pixel does
 * not raise it). The rate of rise is the least-squares slope of the measure over the last
 * {@code rate_window_seconds} of media time, known once samples cover the window. Raising at one
 * level and clearing below a lower one (hysteresis) keeps a temperature that hovers at the limit
 * from flapping; the delays count media time, so a replay raises the same alarms at any speed. A
 * frame whose measure is unknown (a zone outside the frame) changes nothing. Each known measure also
 * goes to the rule's trend line (wall-clock seconds, degrees Celsius), when it has one. Not
 * thread-safe: driven by the alarm stage's thread.
 */
public final class TemperatureRule implements AlarmRule {

    private static final long NEVER = Long.MIN_VALUE;

    private final Settings settings;
    private final String name;
    private final TemperatureAlarmConfig.Measure measure;
    private final ZoneMeter zone;
    private final ThermalCalibration calibration;
    private final double raiseAtK;
    private final double clearAtK;
    private final double rateKPerMin;
    private final long onDelayMicros;
    private final long offDelayMicros;
    private final long cooldownMicros;
    private final RateOfRise rate;
    private final ThermalTrend.Line trend;

    private boolean raised;
    private long conditionSinceMicros = NEVER;
    private long clearSinceMicros = NEVER;
    private long clearedAtMicros = NEVER;
    /** The latest frame's readings, kelvin, and where its hotspot is. */
    private double value;
    private double max;
    private double avg;
    private double min;
    private float hotspotX;
    private float hotspotY;
    private double slope;
    private boolean slopeKnown;

    /** A rule's config without its camera list, and the calibration of the camera it watches. */
    private record Settings(TemperatureAlarmConfig config, ThermalCameraConfig calibration) {
    }

    /**
     * @param calibration the watched camera's: counts to temperatures for the zone, the unit and the
     *                    event
     */
    public TemperatureRule(TemperatureAlarmConfig config, ThermalCalibration calibration) {
        this(config, calibration, null);
    }

    /** @param trend where each known measure goes for the console's trend, or null */
    public TemperatureRule(TemperatureAlarmConfig config, ThermalCalibration calibration, ThermalTrend.Line trend) {
        this.trend = trend;
        this.settings = new Settings(new TemperatureAlarmConfig(config.name(), null, config.zone(),
                config.zoned() ? config.zoneName() : null, config.measure(), config.raiseAtC(), config.clearAtC(),
                config.rateOfRiseKPerMin(), config.rateWindowSeconds(), config.onDelaySeconds(),
                config.offDelaySeconds(), config.cooldownSeconds()), calibration.config());
        this.name = config.name();
        this.measure = config.measure();
        this.zone = config.zoned() ? new ZoneMeter(new ThermalZone(config.zoneName(), config.zone())) : null;
        this.calibration = calibration;
        // Readings are float kelvin: the limits are rounded the same way, so 80.0 degC reaches 80.0.
        this.raiseAtK = config.raiseAtC() == null ? Double.NaN : asReading(config.raiseAtC());
        this.clearAtK = config.raiseAtC() == null ? Double.NaN : asReading(config.clearAtC());
        this.rateKPerMin = config.rateOfRiseKPerMin() == null ? Double.NaN : config.rateOfRiseKPerMin();
        this.onDelayMicros = Math.round(config.onDelaySeconds() * 1e6);
        this.offDelayMicros = Math.round(config.offDelaySeconds() * 1e6);
        this.cooldownMicros = Math.round(config.cooldownSeconds() * 1e6);
        this.rate = new RateOfRise(Math.round(config.rateWindowSeconds() * 1e6));
    }

    /** A limit in degC as a reading of it would be: float kelvin. */
    private static double asReading(double celsius) {
        return (float) (celsius + ThermalCalibration.ZERO_CELSIUS_K);
    }

    /** Feeds one decoded frame: its pixels (a zone) or its model results (the whole frame). */
    @Override
    public Transition onFrame(FrameEvent frame) {
        if (zone != null) {
            zone.measure(frame, calibration);
            return onReadings(zone.maxK, zone.avgK, zone.minK, zone.maxX, zone.maxY, frame.mediaMicros);
        }
        return onFrame(frame.thermal, frame.mediaMicros);
    }

    /**
     * Feeds one frame of a whole-frame rule, taken at {@code mediaMicros}: the model's max, avg and
     * min, and the hottest hotspot (the hottest pixel when the model found none).
     */
    public Transition onFrame(ThermalResult r, long mediaMicros) {
        int hot = r.hottestHotspot();
        return onReadings(r.maxK, r.avgK, r.minK, hot >= 0 ? r.hotspotX[hot] : r.pixelMaxX,
                hot >= 0 ? r.hotspotY[hot] : r.pixelMaxY, mediaMicros);
    }

    private Transition onReadings(float maxK, float avgK, float minK, float x, float y, long mediaMicros) {
        max = maxK;
        avg = avgK;
        min = minK;
        hotspotX = x;
        hotspotY = y;
        value = switch (measure) {
            case MAX -> max;
            case AVG -> avg;
            case MIN -> min;
        };
        if (Double.isNaN(value)) {
            return Transition.NONE;
        }
        if (trend != null) {
            trend.record(System.currentTimeMillis() / 1000, (float) (value - ThermalCalibration.ZERO_CELSIUS_K));
        }
        rate.add(mediaMicros, value);
        slopeKnown = false;
        return raised ? whileRaised(mediaMicros) : whileIdle(mediaMicros);
    }

    private Transition whileIdle(long t) {
        boolean hot = value >= raiseAtK;
        boolean rising = !Double.isNaN(rateKPerMin) && slope() >= rateKPerMin;
        if (!hot && !rising) {
            conditionSinceMicros = NEVER;
            return Transition.NONE;
        }
        if (conditionSinceMicros == NEVER) {
            conditionSinceMicros = t;
        }
        boolean cooled = clearedAtMicros == NEVER || t - clearedAtMicros >= cooldownMicros;
        if (t - conditionSinceMicros < onDelayMicros || !cooled) {
            return Transition.NONE;
        }
        raised = true;
        clearSinceMicros = NEVER;
        return Transition.RAISED;
    }

    private Transition whileRaised(long t) {
        boolean cool = Double.isNaN(raiseAtK) || value < clearAtK;
        boolean steady = Double.isNaN(rateKPerMin) || !(slope() >= rateKPerMin);
        if (!cool || !steady) {
            clearSinceMicros = NEVER;
            return Transition.NONE;
        }
        if (clearSinceMicros == NEVER) {
            clearSinceMicros = t;
        }
        if (t - clearSinceMicros < offDelayMicros) {
            return Transition.NONE;
        }
        raised = false;
        clearedAtMicros = t;
        conditionSinceMicros = NEVER;
        return Transition.CLEARED;
    }

    private double slope() {
        if (!slopeKnown) {
            slope = rate.kelvinPerMinute();
            slopeKnown = true;
        }
        return slope;
    }

    @Override
    public RuleReadings.Kind readingKind() {
        return RuleReadings.Kind.TEMPERATURE;
    }

    /** The latest frame's measure, max, avg and min, degrees Celsius (NaN: a zone outside the frame). */
    @Override
    public void read(RuleReadings.Reading out) {
        out.write(celsius(value), celsius(max), celsius(avg), celsius(min));
    }

    /** Kelvin to degrees Celsius, to 0.01 (a float reading's noise left out). */
    private static double celsius(double kelvin) {
        return Double.isNaN(kelvin) ? kelvin : Math.round((kelvin - ThermalCalibration.ZERO_CELSIUS_K) * 100) / 100.0;
    }

    /** The readings of the frame that raised or cleared, in the camera's unit. */
    @Override
    public AlarmEvent.Detail detail() {
        return new AlarmEvent.ThermalDetail(zone == null ? "frame" : zone.zone().name(),
                zone == null ? List.of() : zone.zone().points(), measure.name().toLowerCase(Locale.ROOT),
                calibration.toUnit(value), calibration.toUnit(max), calibration.toUnit(avg), calibration.toUnit(min),
                hotspotX, hotspotY, slope(), calibration.config(), calibration.unitName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object settings() {
        return settings;
    }

    public boolean raised() {
        return raised;
    }

    /** The latest frame's measure, kelvin. */
    public double valueK() {
        return value;
    }
}

package io.linewatch.postprocess;

import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
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
 * The measure is the max, avg or min of the rule's zone (the calibrated pixels inside its polygon)
 * or, without a zone, of the whole frame as the model estimates it (denoised: a single noisy pixel
 * does not raise it). The rate of rise is the least-squares slope of the measure over the last
 * {@code rate_window_seconds} of media time, known once samples cover the window. Raising at one
 * level and clearing below a lower one (hysteresis) keeps a temperature that hovers at the limit
 * from flapping; the delays count media time, so a replay raises the same alarms at any speed. A
 * frame whose measure is unknown (a zone outside the frame) changes nothing. Not thread-safe:
 * driven by the alarm stage's thread.
 */
public final class TemperatureRule implements AlarmRule {

    private static final long NEVER = Long.MIN_VALUE;

    private final String name;
    private final TemperatureAlarmConfig.Measure measure;
    private final int zoneIndex;
    private final ThermalZone zone;
    private final ThermalCalibration calibration;
    private final double raiseAtK;
    private final double clearAtK;
    private final double rateKPerMin;
    private final long onDelayMicros;
    private final long offDelayMicros;
    private final long cooldownMicros;
    private final RateOfRise rate;

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

    /**
     * @param zoneIndex   the rule's zone among its camera's zones (see {@link ThermalResult}), or -1
     *                    for the whole frame
     * @param zone        that zone, or null for the whole frame
     * @param calibration the camera's, for the unit and the event
     */
    public TemperatureRule(TemperatureAlarmConfig config, int zoneIndex, ThermalZone zone,
                           ThermalCalibration calibration) {
        this.name = config.name();
        this.measure = config.measure();
        this.zoneIndex = zoneIndex;
        this.zone = zone;
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

    @Override
    public Transition onFrame(FrameEvent frame) {
        return onFrame(frame.thermal, frame.mediaMicros);
    }

    /** Feeds one frame's thermal results, taken at {@code mediaMicros}. */
    public Transition onFrame(ThermalResult r, long mediaMicros) {
        if (!read(r)) {
            return Transition.NONE;
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

    /** Takes the zone's or the frame's readings; false when the measure is unknown. */
    private boolean read(ThermalResult r) {
        if (zoneIndex < 0) {
            max = r.maxK;
            avg = r.avgK;
            min = r.minK;
            int hot = r.hottestHotspot();
            hotspotX = hot >= 0 ? r.hotspotX[hot] : r.pixelMaxX;
            hotspotY = hot >= 0 ? r.hotspotY[hot] : r.pixelMaxY;
        } else {
            max = r.zoneMaxK[zoneIndex];
            avg = r.zoneAvgK[zoneIndex];
            min = r.zoneMinK[zoneIndex];
            hotspotX = r.zoneMaxX[zoneIndex];
            hotspotY = r.zoneMaxY[zoneIndex];
        }
        value = switch (measure) {
            case MAX -> max;
            case AVG -> avg;
            case MIN -> min;
        };
        return !Double.isNaN(value);
    }

    private double slope() {
        if (!slopeKnown) {
            slope = rate.kelvinPerMinute();
            slopeKnown = true;
        }
        return slope;
    }

    /** The readings of the frame that raised or cleared, in the camera's unit. */
    @Override
    public AlarmEvent.Detail detail() {
        return new AlarmEvent.ThermalDetail(zone == null ? "frame" : zone.name(),
                zone == null ? List.of() : zone.points(), measure.name().toLowerCase(Locale.ROOT),
                calibration.toUnit(value), calibration.toUnit(max), calibration.toUnit(avg), calibration.toUnit(min),
                hotspotX, hotspotY, slope(), calibration.config(), calibration.unitName());
    }

    @Override
    public String name() {
        return name;
    }

    public boolean raised() {
        return raised;
    }

    /** The latest frame's measure, kelvin. */
    public double valueK() {
        return value;
    }
}

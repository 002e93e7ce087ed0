package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalTrend;

/**
 * A sink stage of thermal lanes, on its own thread: hands each frame's hottest calibrated pixel (in
 * degrees Celsius, by wall-clock second) to the {@link ThermalTrend} the console draws. Reads the
 * slot's thermal results; writes nothing into it; allocates nothing.
 */
public final class ThermalTrendHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "trend";
    private static final float KELVIN_AT_0C = 273.15f;

    private final ThermalTrend trend;

    public ThermalTrendHandler(ThermalTrend trend) {
        this.trend = trend;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.skipped() || event.thermal == null) {
            return;
        }
        trend.record(event.cameraIndex, System.currentTimeMillis() / 1000, event.thermal.pixelMaxK - KELVIN_AT_0C);
    }
}

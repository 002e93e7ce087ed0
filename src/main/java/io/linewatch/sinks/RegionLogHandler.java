package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Optional stage beside the alarm sinks of a segmentation lane, the detections log's counterpart:
 * writes every frame's defect regions and its mask at source pixels as one JSON line,
 * <pre>
 * {"camera":..,"frame":..,"regions":[{"class":..,"area_px":..,"area_mm2":..,"box":[x1,y1,x2,y2],
 *   "mean_probability":..}],"mask":{"size":[w,h],"runs":{"scratch":[start,length,...],...}}}
 * </pre>
 * where each class's runs are the row-major source pixel indexes at or above the threshold (the
 * mask read back through the letterbox, as the snapshot draws it), each run within one row. A
 * replay tool (mask accuracy against ground truth), not a hot-path sink. Reads the slot's camera,
 * frame number, size, letterbox, regions and mask output.
 */
public final class RegionLogHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "regions-log";

    private final FrameLines output;
    private final String[] quotedClassNames;
    private final int maskOutput;
    private final float threshold;
    private final MaskSampler sampler;
    private final StringBuilder line = new StringBuilder(1 << 16);
    private float[] row = new float[0];

    /**
     * @param output     the file the lanes' logs share
     * @param maskOutput index of the mask among the slot's outputs, or -1 for none (instance
     *                   segmentation: no runs are written)
     * @param threshold  lowest probability that marks a pixel
     */
    public RegionLogHandler(FrameLines output, List<String> classNames, int maskOutput, int maskWidth,
                            int maskHeight, float threshold) {
        this.output = output;
        this.quotedClassNames = classNames.stream().map(n -> "\"" + n.replace("\"", "\\\"") + "\"")
                .toArray(String[]::new);
        this.maskOutput = maskOutput;
        this.threshold = threshold;
        this.sampler = new MaskSampler(maskWidth, maskHeight);
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws IOException {
        if (event.skipped()) {
            return;
        }
        line.setLength(0);
        line.append("{\"camera\":\"").append(event.cameraId).append("\",\"frame\":").append(event.frameNumber)
                .append(",\"regions\":[");
        appendRegions(event.defects);
        line.append("],\"mask\":{\"size\":[").append(event.width).append(',').append(event.height)
                .append("],\"runs\":{");
        appendRuns(event);
        line.append("}}}\n");
        output.write(event, line);
    }

    private void appendRegions(DefectRegions d) {
        for (int i = 0; i < d.count(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append("{\"class\":").append(quotedClassNames[d.classId[i]])
                    .append(String.format(Locale.ROOT, ",\"area_px\":%.1f,\"area_mm2\":%.3f", d.areaPx[i], d.areaMm2[i]))
                    .append(",\"box\":[").append(d.x1[i]).append(',').append(d.y1[i]).append(',')
                    .append(d.x2[i]).append(',').append(d.y2[i]).append(']')
                    .append(String.format(Locale.ROOT, ",\"mean_probability\":%.4f}", d.meanProbability[i]));
        }
    }

    private void appendRuns(FrameEvent e) {
        if (maskOutput < 0) {
            return;
        }
        if (row.length != e.width) {
            row = new float[e.width];
        }
        FloatBuffer mask = e.outputs[maskOutput];
        sampler.prepare(e);
        for (int c = 0; c < quotedClassNames.length; c++) {
            line.append(c > 0 ? "," : "").append(quotedClassNames[c]).append(":[");
            boolean first = true;
            for (int y = 0; y < e.height; y++) {
                sampler.sampleRow(mask, c, y, row);
                first = appendRowRuns(y * e.width, first);
            }
            line.append(']');
        }
    }

    /** Appends the runs of one row at or above the threshold; returns whether none was written yet. */
    private boolean appendRowRuns(int rowStart, boolean noneYet) {
        boolean first = noneYet;
        int x = 0;
        while (x < row.length) {
            if (row[x] < threshold) {
                x++;
                continue;
            }
            int start = x;
            while (x < row.length && row[x] >= threshold) {
                x++;
            }
            line.append(first ? "" : ",").append(rowStart + start).append(',').append(x - start);
            first = false;
        }
        return first;
    }
}

package io.linewatch.postprocess;

import io.linewatch.config.PartsConfig;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;

/**
 * Finds the parts (panels) in a BGR frame from the frame itself: parts are brighter than the belt
 * that carries them. Inside the configured zone the frame is cut into 4x4 blocks; a block is part
 * when the mean of its pixels' brightest channel reaches {@code min_brightness}; 8-connected part
 * blocks form one part ({@link DefectRegionFinder} on the block plane), kept when at least
 * {@code min_area_px} large. Boxes are in source pixels, on block edges. Working memory is sized
 * at the first frame and again only when the frame size changes. Not thread-safe.
 */
public final class PartFinder {

    static final int BLOCK = 4;

    private final PartsConfig config;
    private final int maxParts;
    private int width = -1;
    private int height = -1;
    private int x0;
    private int y0;
    private int blocksWide;
    private int blocksHigh;
    private float[] plane;
    private FloatBuffer planeBuffer;
    private DefectRegionFinder finder;
    private DefectRegions regions;

    public PartFinder(PartsConfig config) {
        this.config = config;
        this.maxParts = config.maxParts();
    }

    /** The parts of a {@code width} x {@code height} BGR frame into {@code out} (cleared first), largest first. */
    public void find(byte[] bgr, int frameWidth, int frameHeight, Detections out) {
        out.clear();
        if (frameWidth != width || frameHeight != height) {
            size(frameWidth, frameHeight);
        }
        if (blocksWide < 1 || blocksHigh < 1) {
            return;
        }
        fillPlane(bgr);
        finder.find(planeBuffer, 0, 0, blocksWide, blocksHigh, regions);
        for (int i = 0; i < regions.count(); i++) {
            out.add(x0 + regions.x1[i] * BLOCK, y0 + regions.y1[i] * BLOCK, x0 + regions.x2[i] * BLOCK,
                    y0 + regions.y2[i] * BLOCK, 1f, 0);
        }
    }

    /** Left edge of the zone, source pixels: a part touching it may be entering the view. */
    public int zoneLeft() {
        return x0;
    }

    /** Right edge of the zone's last whole block, source pixels. */
    public int zoneRight() {
        return x0 + blocksWide * BLOCK;
    }

    private void size(int frameWidth, int frameHeight) {
        width = frameWidth;
        height = frameHeight;
        int x1 = 0;
        int y1 = 0;
        int x2 = frameWidth;
        int y2 = frameHeight;
        if (config.zone() != null) {
            x1 = clamp(config.zone().get(0), frameWidth);
            y1 = clamp(config.zone().get(1), frameHeight);
            x2 = clamp(config.zone().get(2), frameWidth);
            y2 = clamp(config.zone().get(3), frameHeight);
        }
        x0 = x1;
        y0 = y1;
        blocksWide = Math.max(0, (x2 - x1) / BLOCK);
        blocksHigh = Math.max(0, (y2 - y1) / BLOCK);
        plane = new float[Math.max(1, blocksWide * blocksHigh)];
        planeBuffer = FloatBuffer.wrap(plane);
        int minBlocks = Math.max(1, config.minAreaPx() / (BLOCK * BLOCK));
        finder = new DefectRegionFinder(1, Math.max(1, blocksHigh), Math.max(1, blocksWide), 0.5f, minBlocks, maxParts);
        regions = new DefectRegions(maxParts);
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, Math.round(v)));
    }

    /** 1 for a block at least as bright as the threshold, else 0. */
    private void fillPlane(byte[] bgr) {
        int threshold = config.minBrightness() * BLOCK * BLOCK;
        for (int by = 0; by < blocksHigh; by++) {
            for (int bx = 0; bx < blocksWide; bx++) {
                int sum = 0;
                for (int y = 0; y < BLOCK; y++) {
                    int p = ((y0 + by * BLOCK + y) * width + x0 + bx * BLOCK) * 3;
                    for (int x = 0; x < BLOCK; x++, p += 3) {
                        sum += Math.max(bgr[p] & 0xff, Math.max(bgr[p + 1] & 0xff, bgr[p + 2] & 0xff));
                    }
                }
                plane[by * blocksWide + bx] = sum >= threshold ? 1f : 0f;
            }
        }
    }
}

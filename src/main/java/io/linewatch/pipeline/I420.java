package io.linewatch.pipeline;

/**
 * The colour of a slot's {@link FrameEvent.PixelFormat#I420} frame: planar 8-bit Y, then U and V at
 * half width and height (rounded up), BT.601 limited range, chroma shared by each 2x2 block of pixels
 * (nearest, as FFmpeg's and OpenCV's converters do). The arithmetic is OpenCV's
 * {@code COLOR_YUV2BGR_I420} (20-bit fixed point, rounded), so a pixel is the byte OpenCV gives.
 * Stateless; any thread.
 */
public final class I420 {

    private static final int SHIFT = 20;
    private static final int HALF = 1 << (SHIFT - 1);
    private static final int CY = 1220542;
    private static final int CUB = 2116026;
    private static final int CUG = -409993;
    private static final int CVG = -852492;
    private static final int CVR = 1673527;

    /** Per sample value: the terms of the fixed-point sums, and a clamp by lookup (no branches). */
    private static final int[] LUMA = table(y -> Math.max(0, y - 16) * CY + HALF);
    private static final int[] U_BLUE = table(u -> CUB * (u - 128));
    private static final int[] U_GREEN = table(u -> CUG * (u - 128));
    private static final int[] V_GREEN = table(v -> CVG * (v - 128));
    private static final int[] V_RED = table(v -> CVR * (v - 128));
    private static final int CLAMP_ZERO = 1024;
    private static final int[] CLAMP = clampTable();

    private I420() {
    }

    /** Bytes of a {@code width x height} frame. */
    public static int frameBytes(int width, int height) {
        return width * height + 2 * chromaWidth(width) * ((height + 1) / 2);
    }

    /** Samples in a row of the U or V plane. */
    public static int chromaWidth(int width) {
        return (width + 1) / 2;
    }

    /** Where the U plane starts. */
    public static int uOffset(int width, int height) {
        return width * height;
    }

    /** Where the V plane starts. */
    public static int vOffset(int width, int height) {
        return width * height + chromaWidth(width) * ((height + 1) / 2);
    }

    /** The luma term of a Y sample, shared by the three channels (rounding included). */
    public static int luma(int y) {
        return LUMA[y];
    }

    /** Blue, 0..255, of a pixel with luma term {@code l} (see {@link #luma}) and chroma {@code u}. */
    public static int blue(int l, int u) {
        return CLAMP[((l + U_BLUE[u]) >> SHIFT) + CLAMP_ZERO];
    }

    /** Green, 0..255. */
    public static int green(int l, int u, int v) {
        return CLAMP[((l + U_GREEN[u] + V_GREEN[v]) >> SHIFT) + CLAMP_ZERO];
    }

    /** Red, 0..255. */
    public static int red(int l, int v) {
        return CLAMP[((l + V_RED[v]) >> SHIFT) + CLAMP_ZERO];
    }

    private static int[] table(java.util.function.IntUnaryOperator f) {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            t[i] = f.applyAsInt(i);
        }
        return t;
    }

    /** 0..255 at index {@code c + CLAMP_ZERO}, for every {@code c} a pixel can reach before clamping. */
    private static int[] clampTable() {
        int[] t = new int[2 * CLAMP_ZERO];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.max(0, Math.min(255, i - CLAMP_ZERO));
        }
        return t;
    }

    /**
     * Converts the whole frame into packed BGR ({@code width * 3} bytes a row) in {@code bgr}: for the
     * few consumers that need full-size pixels (snapshots, live pictures), never per inferred frame.
     */
    public static void toBgr(byte[] yuv, int width, int height, byte[] bgr) {
        int uBase = uOffset(width, height);
        int vBase = vOffset(width, height);
        int cw = chromaWidth(width);
        for (int y = 0; y < height; y++) {
            int row = y * width;
            int chroma = (y >> 1) * cw;
            int out = row * 3;
            for (int x = 0; x < width; x++) {
                int l = luma(yuv[row + x] & 0xff);
                int u = yuv[uBase + chroma + (x >> 1)] & 0xff;
                int v = yuv[vBase + chroma + (x >> 1)] & 0xff;
                bgr[out++] = (byte) blue(l, u);
                bgr[out++] = (byte) green(l, u, v);
                bgr[out++] = (byte) red(l, v);
            }
        }
    }
}

package io.linewatch.preprocess;

/**
 * Where a source frame lands in a model input of another size when its aspect ratio is kept
 * (Ultralytics' letterbox): scaled by {@code scale}, resized to {@code newWidth x newHeight}, and
 * centred with {@code padLeft}/{@code padTop} pixels of border. A source point {@code (x, y)} maps to
 * {@code (x * scale + padLeft, y * scale + padTop)} in the input.
 */
public record LetterboxGeometry(
        int sourceWidth, int sourceHeight, int inputWidth, int inputHeight,
        float scale, int newWidth, int newHeight, int padLeft, int padTop) {

    /** The letterbox of a {@code sourceWidth x sourceHeight} frame into an input of the given size. */
    public static LetterboxGeometry of(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight) {
        if (sourceWidth <= 0 || sourceHeight <= 0) {
            throw new IllegalArgumentException("frame size must be positive, got " + sourceWidth + "x" + sourceHeight);
        }
        double r = Math.min((double) inputWidth / sourceWidth, (double) inputHeight / sourceHeight);
        int newWidth = Math.min(inputWidth, (int) Math.round(sourceWidth * r));
        int newHeight = Math.min(inputHeight, (int) Math.round(sourceHeight * r));
        double dw = (inputWidth - newWidth) / 2.0;
        double dh = (inputHeight - newHeight) / 2.0;
        int padLeft = (int) Math.round(dw - 0.1);
        int padTop = (int) Math.round(dh - 0.1);
        return new LetterboxGeometry(sourceWidth, sourceHeight, inputWidth, inputHeight,
                (float) r, newWidth, newHeight, padLeft, padTop);
    }
}

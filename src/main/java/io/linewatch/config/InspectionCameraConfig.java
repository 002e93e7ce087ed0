package io.linewatch.config;

/**
 * What an inspection camera's pixels measure on the product surface, and its parts.
 *
 * @param mmPerPixel millimetres one source pixel spans on the surface (areas in mm^2 use its square)
 * @param parts      one verdict per part passing the camera; null: none (defect alarms only)
 */
public record InspectionCameraConfig(Double mmPerPixel, PartsConfig parts) {

    public InspectionCameraConfig {
        mmPerPixel = mmPerPixel == null ? 1.0 : mmPerPixel;
        if (!(mmPerPixel > 0)) {
            throw new IllegalArgumentException("mm_per_pixel must be > 0, got " + mmPerPixel);
        }
    }

    /** A surface scale without parts. */
    public InspectionCameraConfig(Double mmPerPixel) {
        this(mmPerPixel, null);
    }

    /** The scale of a camera that configures none: 1 mm a pixel. */
    public static InspectionCameraConfig defaults() {
        return new InspectionCameraConfig(null, null);
    }
}

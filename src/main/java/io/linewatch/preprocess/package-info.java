/**
 * The stage before inference: each frame's pixels become the model's input in its slot, without
 * allocation. {@link io.linewatch.preprocess.PreprocessHandler} letterboxes BGR frames (aspect kept,
 * BGR to RGB, normalised, HWC to CHW); {@link io.linewatch.preprocess.ThermalPreprocessHandler} turns
 * 16-bit counts into normalised object temperature; {@link io.linewatch.preprocess.ClassifyPreprocessHandler}
 * crops each fixed region of a classification camera and resizes it (aspect not kept), the regions of
 * a frame one after the other in its slot. All run the frame through the lane's freshness gate and the camera's inference gate ({@code infer_fps}, motion) first. Imports only the ground and {@code config}.
 */
package io.linewatch.preprocess;

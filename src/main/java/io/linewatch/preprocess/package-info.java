/**
 * The stage before inference: each frame's pixels become the model's input in its slot, without
 * allocation. {@link io.linewatch.preprocess.PreprocessHandler} letterboxes BGR frames (aspect kept,
 * BGR to RGB, normalised, HWC to CHW); {@link io.linewatch.preprocess.ThermalPreprocessHandler} turns
 * 16-bit counts into normalised object temperature. Both run the frame through the lane's
 * freshness gate first. Imports only the ground and {@code config}.
 */
package io.linewatch.preprocess;

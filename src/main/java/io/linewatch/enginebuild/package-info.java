/**
 * Building and gating engines offline ({@code linewatch build-engine}, and a TensorRT engine built
 * at a daemon's start): INT8 calibration frames made by the model's own preprocess
 * ({@link io.linewatch.enginebuild.CalibrationSet}, handed to TensorRT's calibrator as
 * {@code CalibrationBatches}), and the accuracy replay and gate that compare a new engine with ONNX
 * Runtime on clips before it is installed. Sits above the stages: it uses capture, preprocess,
 * inference and postprocess so that {@code inference/tensorrt/} knows tensors only.
 */
package io.linewatch.enginebuild;

/**
 * TensorRT engines for GPU hosts, behind the same {@link io.linewatch.inference.InferenceEngine}
 * interface as ONNX Runtime (see {@code docs/gpu.md}).
 *
 * <pre>
 *  linewatch build-engine                                  daemon start (engine: tensorrt)
 *        |                                                          |
 *        v                                                          v
 *  TensorRtAvailability (probe once) --- missing: one line -> fail, or fallback: onnxruntime
 *        |
 *  BuildPlan (signature via ONNX Runtime, batch profile, key, calibration) ----+
 *        |                                                                     |
 *  EngineBuilder (ONNX parser, profile, fp16/int8 + EntropyCalibrator          |
 *        |        fed by CalibrationSet = frames + the model's preprocess)     |
 *        v                                                                     v
 *  [AccuracyReplay + AccuracyGate] --refused--> EngineCache.setAside    EngineCache.lookup (key)
 *        |                                                                     | hit
 *        +--accepted--> EngineCache.store (engine + manifest, atomic)          v
 *                                                                        TensorRtEngine (one context,
 *                                                                        one stream, pinned buffers)
 * </pre>
 *
 * Nothing here touches a TensorRT or CUDA class before {@link
 * io.linewatch.inference.tensorrt.TensorRtAvailability#probe()} said yes. The classes that call
 * TensorRT or CUDA ({@code EngineBuilder}, {@code EntropyCalibrator}, {@code TensorRtEngine},
 * {@code CudaStream}, {@code DeviceMemory}, {@code PinnedMemory}) have not run on a GPU yet.
 */
package io.linewatch.inference.tensorrt;

/**
 * TensorRT engines for GPU hosts, behind the same {@link io.linewatch.inference.InferenceEngine}
 * interface as ONNX Runtime (see {@code docs/gpu.md}). Tensors only: calibration frames come ready
 * as {@link io.linewatch.inference.tensorrt.CalibrationBatches} from {@code io.linewatch.enginebuild},
 * which also replays and gates a new engine's accuracy.
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
 *        |        fed by CalibrationBatches, cache in CalibrationCache)        |
 *        v                                                                     v
 *  [enginebuild: AccuracyReplay + AccuracyGate] --refused--> EngineCache.setAside   EngineCache.lookup
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

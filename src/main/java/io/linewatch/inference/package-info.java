/**
 * Engines that run tensors and nothing else: the {@link io.linewatch.inference.InferenceEngine}
 * interface, the ONNX Runtime backend (the CPU default) and the TensorRT backend ({@code tensorrt/}).
 * An engine never knows YOLO, thermal or mask logic; the decoders in {@code postprocess} never know
 * the engine. {@link io.linewatch.inference.InferenceHandler} is the batched stage: one engine call
 * per Disruptor batch (capped at the model's batch size), in place on the slots' contiguous input
 * and output arenas. Imports only the ground and {@code config}.
 */
package io.linewatch.inference;

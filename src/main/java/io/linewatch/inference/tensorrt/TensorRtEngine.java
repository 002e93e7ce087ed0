package io.linewatch.inference.tensorrt;

import io.linewatch.config.BatchProfile;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.ModelMetadata;
import io.linewatch.inference.ModelSignature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

/**
 * A deserialized TensorRT engine with one execution context, for the one inference thread that
 * owns it. Device buffers and pinned host buffers for the profile's largest batch are allocated
 * once and bound to the tensors by name (TensorRT 10 I/O); a run copies the batch into pinned
 * memory, queues the upload, {@code enqueueV3} and the downloads on its CUDA stream, waits, and
 * copies the outputs into the caller's buffers. A batch below the profile's minimum is padded.
 * Native objects are released in reverse order of creation (see {@link EngineBuilder} for why
 * TensorRT's own objects are not freed by the presets yet).
 */
public final class TensorRtEngine implements InferenceEngine {

    private final String what;
    private final NativeStack natives;
    private final TrtLogger.Operation logger;
    private final IExecutionContext context;
    private final ModelSignature signature;
    private final BatchProfile profile;
    private final int[] outputFloats;
    private final CudaStream stream;
    private final DeviceMemory input;
    private final PinnedMemory hostInput;
    private final DeviceMemory[] outputs;
    private final PinnedMemory[] hostOutputs;
    private final Dims64 inputShape;
    private final List<ModelSignature.Output> reportedOutputs;
    private ModelMetadata metadata = ModelMetadata.NONE;

    private TensorRtEngine(String what, NativeStack natives, TrtLogger.Operation logger, IExecutionContext context,
                           ModelSignature signature, BatchProfile profile) throws EngineException {
        this.what = what;
        this.natives = natives;
        this.logger = logger;
        this.context = context;
        this.signature = signature;
        this.profile = profile;
        this.outputFloats = signature.outputFloatsEach();
        this.stream = natives.push(new CudaStream(), "CUDA stream");
        long inputBytes = 4L * profile.max() * signature.inputFloats();
        this.input = natives.push(new DeviceMemory(inputBytes, signature.inputName()), "device input");
        this.hostInput = natives.push(new PinnedMemory(inputBytes, signature.inputName()), "pinned input");
        bind(signature.inputName(), input);
        this.outputs = new DeviceMemory[outputFloats.length];
        this.hostOutputs = new PinnedMemory[outputFloats.length];
        for (int o = 0; o < outputFloats.length; o++) {
            String name = signature.outputs().get(o).name();
            long bytes = 4L * profile.max() * outputFloats[o];
            outputs[o] = natives.push(new DeviceMemory(bytes, name), "device output");
            hostOutputs[o] = natives.push(new PinnedMemory(bytes, name), "pinned output");
            bind(name, outputs[o]);
        }
        this.inputShape = natives.push(EngineBuilder.inputDims(signature, profile.max()), "input shape");
        if (!context.setInputShape(signature.inputName(), inputShape)) {
            throw new EngineException(what + ": batch " + profile.max() + " refused" + logger.lastErrorSuffix());
        }
        this.reportedOutputs = EngineTensors.checkOutputs(context, signature, what);
    }

    /**
     * Loads an engine file.
     *
     * @param expected the model's tensors as ONNX Runtime reads them; the engine must have the same
     * @param profile  the batch profile it was built for
     * @param dlaCore  the DLA core it was built for, or null
     */
    public static TensorRtEngine open(Path engineFile, ModelSignature expected, BatchProfile profile, Integer dlaCore)
            throws EngineException {
        ByteBuffer plan;
        try (FileChannel file = FileChannel.open(engineFile, StandardOpenOption.READ)) {
            plan = ByteBuffer.allocateDirect(Math.toIntExact(file.size()));
            while (plan.hasRemaining() && file.read(plan) >= 0) {
                // read it all
            }
            plan.flip();
        } catch (IOException e) {
            throw new EngineException("engine " + engineFile + ": cannot read it: " + e.getMessage(), e);
        }
        return load("engine " + engineFile, plan, expected, profile, dlaCore);
    }

    /** Loads a serialized engine held in memory (a fresh build, before it is validated and stored). */
    static TensorRtEngine load(String what, ByteBuffer plan, ModelSignature expected, BatchProfile profile,
                               Integer dlaCore) throws EngineException {
        NativeStack natives = new NativeStack();
        try {
            TrtLogger.Operation logger = natives.push(TrtLogger.process().open(null), "logger");
            IRuntime runtime = natives.push(nvinfer.createInferRuntime(TrtLogger.process()), "createInferRuntime failed");
            if (dlaCore != null) {
                runtime.setDLACore(dlaCore);
            }
            BytePointer bytes = natives.push(new BytePointer(plan), "engine bytes");
            ICudaEngine engine = runtime.deserializeCudaEngine(bytes, plan.remaining());
            natives.push(engine, "TensorRT cannot deserialize it" + logger.lastErrorSuffix());
            EngineTensors.check(engine, expected, profile, what);
            IExecutionContext context = natives.push(engine.createExecutionContext(), "createExecutionContext failed");
            return new TensorRtEngine(what, natives, logger, context, expected, profile);
        } catch (EngineException e) {
            natives.close();
            throw e;
        } catch (NullPointerException | IllegalStateException e) {
            natives.close();
            throw new EngineException(what + ": " + e.getMessage(), e);
        }
    }

    private void bind(String tensor, DeviceMemory memory) throws EngineException {
        if (!context.setTensorAddress(tensor, memory.address())) {
            throw new EngineException(what + ": cannot bind tensor '" + tensor + "'" + logger.lastErrorSuffix());
        }
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    /**
     * The outputs' per-frame shapes as TensorRT's execution context reports them at the profile's
     * largest batch (not the signature it was checked against).
     */
    public List<ModelSignature.Output> reportedOutputs() {
        return reportedOutputs;
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    /** This engine, reporting the metadata of the ONNX file it was built from. */
    TensorRtEngine describedBy(ModelMetadata fileMetadata) {
        this.metadata = fileMetadata;
        return this;
    }

    /** The batch sizes this engine runs. */
    public BatchProfile profile() {
        return profile;
    }

    @Override
    public void run(FloatBuffer in, FloatBuffer[] out, int batch) throws EngineException {
        if (batch < 1 || batch > profile.max() || out.length != outputFloats.length) {
            throw new IllegalArgumentException(what + ": batch " + batch + " with " + out.length
                    + " output buffers; the engine runs batches " + profile + " with " + outputFloats.length);
        }
        int runBatch = Math.max(batch, profile.min());
        int inputFloats = signature.inputFloats();
        FloatBuffer pinned = hostInput.floats();
        pinned.put(0, in, 0, batch * inputFloats);
        for (int i = batch * inputFloats; i < runBatch * inputFloats; i++) {
            pinned.put(i, 0f);
        }
        try {
            inputShape.d(0, runBatch);
            if (!context.setInputShape(signature.inputName(), inputShape)) {
                throw new EngineException(what + ": batch " + runBatch + " refused" + logger.lastErrorSuffix());
            }
            input.copyFrom(hostInput, 4L * runBatch * inputFloats, stream);
            if (!context.enqueueV3(stream.handle())) {
                throw new EngineException(what + ": enqueueV3 failed" + logger.lastErrorSuffix());
            }
            for (int o = 0; o < outputs.length; o++) {
                outputs[o].copyTo(hostOutputs[o], 4L * batch * outputFloats[o], stream);
            }
            stream.synchronize();
        } catch (IllegalStateException e) {
            throw new EngineException(what + ": " + e.getMessage(), e);
        }
        for (int o = 0; o < outputs.length; o++) {
            out[o].put(0, hostOutputs[o].floats(), 0, batch * outputFloats[o]);
        }
    }

    @Override
    public void close() {
        natives.close();
    }

    @Override
    public String toString() {
        return what + " (batch " + profile + ", outputs " + Arrays.toString(outputFloats) + " floats a frame)";
    }
}

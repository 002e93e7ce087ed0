package io.linewatch.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.linewatch.config.ModelConfig;
import io.linewatch.pipeline.NativeThreads;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Runtime on the CPU. Input and output tensors are wrapped around the caller's direct buffers
 * (no copies); the session is built once and used from one thread.
 */
public final class OnnxRuntimeEngine implements InferenceEngine {

    /** How the names of ONNX Runtime's worker threads begin ({@code ort-<model file>}, cut to 15 bytes). */
    public static final String WORKER_PREFIX = "ort-";

    private final Path model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSignature signature;
    private final long[] inputShape;
    private final long[][] outputShapes;
    private final ModelMetadata metadata;

    private OnnxRuntimeEngine(Path model, OrtEnvironment env, OrtSession session, ModelSignature signature,
                              ModelMetadata metadata) {
        this.model = model;
        this.metadata = metadata;
        this.env = env;
        this.session = session;
        this.signature = signature;
        this.inputShape = new long[] {0, signature.channels(), signature.height(), signature.width()};
        this.outputShapes = new long[signature.outputs().size()][];
        for (int i = 0; i < outputShapes.length; i++) {
            long[] dims = signature.outputs().get(i).dims();
            outputShapes[i] = new long[dims.length + 1];
            System.arraycopy(dims, 0, outputShapes[i], 1, dims.length);
        }
    }

    /**
     * Loads a configured model: its path, intra-op threads, whether they spin and, for a dynamic
     * input, its size.
     */
    public static OnnxRuntimeEngine open(ModelConfig model) throws EngineException {
        int w = model.input() == null ? 0 : model.input().width();
        int h = model.input() == null ? 0 : model.input().height();
        return open(Path.of(model.path()), model.intraOpThreads(), model.intraOpSpinning(), w, h);
    }

    /** Loads {@code model} with idle intra-op threads sleeping (see below). */
    public static OnnxRuntimeEngine open(Path model, int intraOpThreads, int width, int height) throws EngineException {
        return open(model, intraOpThreads, false, width, height);
    }

    /**
     * Loads {@code model}.
     *
     * @param intraOpThreads threads inside one run; 0 lets ONNX Runtime choose
     * @param spinning       idle intra-op threads spin for work inside a run
     *                       ({@code session.intra_op.allow_spinning}), and sleep as soon as it ends
     *                       ({@code session.force_spinning_stop}); false lets them sleep between the
     *                       run's parallel sections too
     * @param width          input width to use when the model's own is dynamic, else 0
     * @param height         input height to use when the model's own is dynamic, else 0
     */
    public static OnnxRuntimeEngine open(Path model, int intraOpThreads, boolean spinning, int width, int height)
            throws EngineException {
        if (!Files.isRegularFile(model)) {
            throw new EngineException("model " + model + ": no such file");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            // Spinning only inside a run: at its end the workers sleep at once, leaving the cores between
            // batches to decode and the other stages (not to spin for the next request, as servers do).
            options.addConfigEntry("session.force_spinning_stop", spinning ? "1" : "0");
            Set<Integer> before = NativeThreads.ids();
            session = env.createSession(model.toString(), options);
            nameWorkerThreads(before, model);
        } catch (OrtException e) {
            throw new EngineException("model " + model + ": cannot load: " + oneLine(e), e);
        }
        try {
            ModelSignature signature = probe(model, env, session, width, height);
            ModelMetadata metadata = ModelMetadata.of(model, session.getMetadata().getCustomMetadata());
            return new OnnxRuntimeEngine(model, env, session, signature, metadata);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new EngineException("model " + model + ": cannot read its metadata: " + oneLine(e), e);
        } catch (EngineException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Names the intra-op worker threads the session just started {@code ort-<model>}, so that
     * {@code top -H}, {@code ps -L} and the bench tell them from the rest of the process: they are
     * native threads, born with the name of the thread that opened the session.
     */
    private static void nameWorkerThreads(Set<Integer> before, Path model) {
        Set<Integer> started = NativeThreads.ids();
        started.removeAll(before);
        String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        NativeThreads.rename(started, NativeThreads.currentName(), WORKER_PREFIX + stem);
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    @Override
    public void run(FloatBuffer input, FloatBuffer[] outputs, int batch) throws EngineException {
        if (outputs.length != outputShapes.length) {
            throw new IllegalArgumentException("model " + model + " has " + outputShapes.length + " outputs, got "
                    + outputs.length + " buffers");
        }
        inputShape[0] = batch;
        Map<String, OnnxTensor> pinned = new HashMap<>(outputs.length * 2);
        try (OnnxTensor in = OnnxTensor.createTensor(env, input, inputShape)) {
            for (int i = 0; i < outputs.length; i++) {
                outputShapes[i][0] = batch;
                pinned.put(signature.outputs().get(i).name(), OnnxTensor.createTensor(env, outputs[i], outputShapes[i]));
            }
            try (OrtSession.Result result = session.run(Map.of(signature.inputName(), in), pinned)) {
                assert result.size() == outputs.length;
            }
        } catch (OrtException e) {
            throw new EngineException("model " + model + ": run failed: " + oneLine(e), e);
        } finally {
            pinned.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    /** Checks the model's tensors and learns the output shape from one run on a blank frame. */
    private static ModelSignature probe(Path model, OrtEnvironment env, OrtSession session, int width, int height)
            throws EngineException {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (inputs.size() != 1 || outputs.isEmpty()) {
                throw new EngineException("model " + model + ": needs one image input and an output, has inputs "
                        + inputs.keySet() + " and outputs " + outputs.keySet());
            }
            String inputName = inputs.keySet().iterator().next();
            TensorInfo in = tensorInfo(model, inputs.get(inputName));
            long[] shape = in.getShape();
            if (shape.length != 4 || (shape[1] != 3 && shape[1] != 1)) {
                throw new EngineException("model " + model + ": input '" + inputName + "' has shape "
                        + Arrays.toString(shape) + "; expected [batch, 3 or 1, height, width]");
            }
            int channels = (int) shape[1];
            int h = dimension(model, "height", shape[2], height);
            int w = dimension(model, "width", shape[3], width);
            int fixedBatch = shape[0] > 0 ? (int) shape[0] : 0;
            for (NodeInfo out : outputs.values()) {
                tensorInfo(model, out);
            }
            List<ModelSignature.Output> dims = runBlank(env, session, inputName, outputs.keySet(),
                    Math.max(1, fixedBatch), channels, h, w);
            return new ModelSignature(inputName, channels, h, w, dims, fixedBatch);
        } catch (OrtException e) {
            throw new EngineException("model " + model + ": " + oneLine(e), e);
        }
    }

    private static int dimension(Path model, String what, long fromModel, int fromConfig) throws EngineException {
        if (fromModel > 0) {
            if (fromConfig > 0 && fromConfig != fromModel) {
                throw new EngineException("model " + model + ": input " + what + " is " + fromModel
                        + " but the config's input " + what + " is " + fromConfig);
            }
            return (int) fromModel;
        }
        if (fromConfig <= 0) {
            throw new EngineException("model " + model + ": input " + what
                    + " is dynamic; set the model's input width and height in the config");
        }
        return fromConfig;
    }

    private static TensorInfo tensorInfo(Path model, NodeInfo node) throws EngineException {
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new EngineException("model " + model + ": tensor '" + node.getName() + "' is not float32: "
                    + node.getInfo());
        }
        return info;
    }

    /** Every output's per-frame shape, learnt from one run on a blank batch (outputs may be dynamic). */
    private static List<ModelSignature.Output> runBlank(OrtEnvironment env, OrtSession session, String inputName,
                                                        java.util.Set<String> outputNames, int batch, int channels,
                                                        int h, int w) throws OrtException {
        FloatBuffer blank = FloatBuffer.allocate(batch * channels * h * w);
        List<ModelSignature.Output> outputs = new ArrayList<>();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, blank, new long[] {batch, channels, h, w});
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            for (String name : outputNames) {
                long[] shape = ((TensorInfo) result.get(name).orElseThrow().getInfo()).getShape();
                outputs.add(new ModelSignature.Output(name, Arrays.copyOfRange(shape, 1, shape.length)));
            }
        }
        return outputs;
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to release
        }
    }

    private static String oneLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}

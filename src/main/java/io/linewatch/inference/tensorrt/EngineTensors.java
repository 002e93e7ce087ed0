package io.linewatch.inference.tensorrt;

import io.linewatch.config.BatchProfile;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * Checks that an engine's I/O tensors are the model's: names, float32, per-frame shapes. The engine
 * reports -1 for a dynamic dimension, so the input is checked against the optimisation profile's
 * shapes (its batch against the batch profile), and the outputs against the execution context's
 * shapes once an input shape is set.
 */
final class EngineTensors {

    private EngineTensors() {
    }

    static void check(ICudaEngine engine, ModelSignature expected, BatchProfile profile, String what)
            throws EngineException {
        List<String> inputs = new ArrayList<>();
        Set<String> outputs = new HashSet<>();
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            if (engine.getTensorDataType(name).intern() != DataType.kFLOAT) {
                throw new EngineException(what + ": tensor '" + name + "' is " + engine.getTensorDataType(name)
                        + ", not float32");
            }
            TensorIOMode mode = engine.getTensorIOMode(name).intern();
            if (mode == TensorIOMode.kINPUT) {
                inputs.add(name);
            } else if (mode == TensorIOMode.kOUTPUT) {
                outputs.add(name);
            }
        }
        Set<String> wanted = new HashSet<>();
        expected.outputs().forEach(o -> wanted.add(o.name()));
        if (!inputs.equals(List.of(expected.inputName())) || !outputs.equals(wanted)) {
            throw new EngineException(what + ": engine tensors " + inputs + " -> " + outputs + " are not the model's "
                    + expected.inputName() + " -> " + wanted);
        }
        long[] want = {expected.channels(), expected.height(), expected.width()};
        Dims64 declared = engine.getTensorShape(expected.inputName());
        if (isStatic(declared)) {
            long[] in = perFrame(declared);
            if (!Arrays.equals(in, want) || declared.d(0) != profile.max()) {
                throw new EngineException(what + ": engine input is batch " + declared.d(0) + " of " + Arrays.toString(in)
                        + ", the model's batch " + profile.max() + " of " + Arrays.toString(want));
            }
            return;
        }
        OptProfileSelector[] selectors = {OptProfileSelector.kMIN, OptProfileSelector.kOPT, OptProfileSelector.kMAX};
        int[] batches = {profile.min(), profile.opt(), profile.max()};
        for (int k = 0; k < selectors.length; k++) {
            Dims64 shape = engine.getProfileShape(expected.inputName(), 0, selectors[k]);
            long[] in = perFrame(shape);
            if (!Arrays.equals(in, want) || shape.d(0) != batches[k]) {
                throw new EngineException(what + ": engine input profile " + selectors[k] + " is batch " + shape.d(0)
                        + " of " + Arrays.toString(in) + ", the model's batch " + batches[k] + " of "
                        + Arrays.toString(want));
            }
        }
    }

    /**
     * Checks the outputs' per-frame shapes as {@code context} reports them after its input shape was
     * set; returns them as the engine reports them, in the signature's output order.
     */
    static List<ModelSignature.Output> checkOutputs(IExecutionContext context, ModelSignature expected, String what)
            throws EngineException {
        List<ModelSignature.Output> reported = new ArrayList<>();
        for (ModelSignature.Output o : expected.outputs()) {
            long[] dims = perFrame(context.getTensorShape(o.name()));
            if (!Arrays.equals(dims, o.dims())) {
                throw new EngineException(what + ": engine output '" + o.name() + "' is " + Arrays.toString(dims)
                        + " a frame, the model's " + Arrays.toString(o.dims()));
            }
            reported.add(new ModelSignature.Output(o.name(), dims));
        }
        return reported;
    }

    private static boolean isStatic(Dims64 dims) {
        for (int i = 0; i < dims.nbDims(); i++) {
            if (dims.d(i) < 0) {
                return false;
            }
        }
        return dims.nbDims() > 0;
    }

    /** A shape without its batch dimension. */
    private static long[] perFrame(Dims64 dims) {
        long[] d = new long[Math.max(0, dims.nbDims() - 1)];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.d(i + 1);
        }
        return d;
    }
}

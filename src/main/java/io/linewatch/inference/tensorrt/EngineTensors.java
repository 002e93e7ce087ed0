package io.linewatch.inference.tensorrt;

import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.tensorrt.global.nvinfer.DataType;
import org.bytedeco.tensorrt.global.nvinfer.TensorIOMode;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;

/** Checks that an engine's I/O tensors are the model's: names, float32, per-frame shapes. */
final class EngineTensors {

    private EngineTensors() {
    }

    static void check(ICudaEngine engine, ModelSignature expected, String what) throws EngineException {
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
        long[] in = perFrame(engine.getTensorShape(expected.inputName()));
        long[] want = {expected.channels(), expected.height(), expected.width()};
        if (!Arrays.equals(in, want)) {
            throw new EngineException(what + ": engine input is " + Arrays.toString(in) + " a frame, the model's "
                    + Arrays.toString(want));
        }
        for (ModelSignature.Output o : expected.outputs()) {
            long[] dims = perFrame(engine.getTensorShape(o.name()));
            if (!Arrays.equals(dims, o.dims())) {
                throw new EngineException(what + ": engine output '" + o.name() + "' is " + Arrays.toString(dims)
                        + " a frame, the model's " + Arrays.toString(o.dims()));
            }
        }
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

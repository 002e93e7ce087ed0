package io.linewatch.inference.tensorrt;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.tensorrt.nvinfer.IInt8EntropyCalibrator2;

/**
 * TensorRT's INT8 entropy calibrator (v2), fed by {@link CalibrationBatches}: each batch is written
 * into pinned host memory by the batches' source and copied to one device buffer, which is handed to
 * TensorRT as the input binding. The calibration cache goes through a {@link CalibrationCache}. TensorRT calls
 * it on the building thread. TensorRT 10 deprecates implicit INT8 calibration but keeps it (TensorRT
 * 11 removed it: docs/gpu.md).
 */
@SuppressWarnings({"deprecation", "rawtypes"})
final class EntropyCalibrator extends IInt8EntropyCalibrator2 {

    private final CalibrationBatches batches;
    private final int batchSize;
    private final CalibrationCache cacheFile;
    private final NativeStack natives = new NativeStack();
    private final PinnedMemory host;
    private final DeviceMemory device;
    private final CudaStream stream;
    private final long batchBytes;
    /** The cache handed to TensorRT; it must stay valid until the next call. */
    private BytePointer cache;
    private volatile RuntimeException failure;

    /**
     * @param batchSize   frames per batch (the profile's opt size: TensorRT calibrates at it)
     * @param inputFloats floats of one frame's input
     */
    EntropyCalibrator(CalibrationBatches batches, int batchSize, int inputFloats, CalibrationCache cacheFile) {
        this.batches = batches;
        this.batchSize = batchSize;
        this.cacheFile = cacheFile;
        this.batchBytes = 4L * batchSize * inputFloats;
        this.host = natives.push(new PinnedMemory(batchBytes, "calibration batch"), "pinned memory");
        this.device = natives.push(new DeviceMemory(batchBytes, "calibration batch"), "device memory");
        this.stream = natives.push(new CudaStream(), "CUDA stream");
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }

    @Override
    public boolean getBatch(PointerPointer bindings, PointerPointer names, int nbBindings) {
        try {
            if (!batches.nextBatch(host.floats())) {
                return false;
            }
            device.copyFrom(host, batchBytes, stream);
            stream.synchronize();
            bindings.put(0, device.address());
            return true;
        } catch (Throwable t) {
            failure = t instanceof RuntimeException e ? e : new IllegalStateException(t.toString(), t);
            return false;
        }
    }

    /**
     * TensorRT's call for a cache to reuse. Catches everything, as every callback here must: a Java
     * exception thrown back into TensorRT's native frame stays pending and surfaces somewhere else.
     * An unreadable cache is a recorded failure (the build fails, nothing is written).
     */
    @Override
    public Pointer readCalibrationCache(LongPointer length) {
        try {
            byte[] bytes = cacheFile.read();
            if (bytes == null) {
                length.put(0L);
                return null;
            }
            cache = new BytePointer(bytes);
            length.put((long) bytes.length);
            return cache;
        } catch (Throwable t) {
            failure = new IllegalStateException("calibration cache " + cacheFile.file() + " cannot be read: " + t, t);
            length.put(0L);
            return null;
        }
    }

    /** TensorRT's computed calibration, kept in memory until the build succeeds; catches everything. */
    @Override
    public void writeCalibrationCache(Pointer data, long length) {
        try {
            byte[] bytes = new byte[Math.toIntExact(length)];
            new BytePointer(data).capacity(length).get(bytes);
            cacheFile.write(bytes);
        } catch (Throwable t) {
            failure = new IllegalStateException("calibration cache could not be kept: " + t, t);
        }
    }

    /** What went wrong in a callback (reading calibration frames or the cache), or null. */
    RuntimeException failure() {
        return failure;
    }

    /** The build's calibration cache: committed to its file only after a successful build. */
    CalibrationCache cache() {
        return cacheFile;
    }

    @Override
    public void close() {
        natives.close();
        super.close();
    }
}

package io.linewatch.inference.tensorrt;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/** A block of GPU memory, allocated once. */
final class DeviceMemory implements AutoCloseable {

    private final Pointer address = new Pointer();
    private final long bytes;

    DeviceMemory(long bytes, String what) {
        this.bytes = bytes;
        Cuda.require(cudart.cudaMalloc(address, bytes), "cudaMalloc of " + bytes + " bytes for " + what);
    }

    Pointer address() {
        return address;
    }

    long bytes() {
        return bytes;
    }

    /** Queues a copy of {@code count} bytes from pinned host memory to here. */
    void copyFrom(PinnedMemory host, long count, CudaStream stream) {
        Cuda.require(cudart.cudaMemcpyAsync(address, host.address(), count, cudart.cudaMemcpyHostToDevice,
                stream.handle()), "cudaMemcpyAsync to the device");
    }

    /** Queues a copy of {@code count} bytes from here to pinned host memory. */
    void copyTo(PinnedMemory host, long count, CudaStream stream) {
        Cuda.require(cudart.cudaMemcpyAsync(host.address(), address, count, cudart.cudaMemcpyDeviceToHost,
                stream.handle()), "cudaMemcpyAsync to the host");
    }

    @Override
    public void close() {
        cudart.cudaFree(address);
    }
}

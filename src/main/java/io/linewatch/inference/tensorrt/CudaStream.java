package io.linewatch.inference.tensorrt;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;

/** One CUDA stream: copies and the engine's work on it run in order. */
final class CudaStream implements AutoCloseable {

    private final CUstream_st stream = new CUstream_st();

    CudaStream() {
        Cuda.require(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
    }

    CUstream_st handle() {
        return stream;
    }

    /** Waits until everything queued on the stream is done. */
    void synchronize() {
        Cuda.require(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    @Override
    public void close() {
        cudart.cudaStreamDestroy(stream);
    }
}

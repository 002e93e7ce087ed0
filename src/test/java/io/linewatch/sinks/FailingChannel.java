package io.linewatch.sinks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel whose writes fail as a full disk does: once {@code bytesLeft} bytes have been
 * written, a write puts down what still fits and throws "No space left on device". Reads, truncation
 * and everything else go to the real file.
 */
final class FailingChannel extends FileChannel {

    private final FileChannel file;
    private long bytesLeft;

    FailingChannel(FileChannel file, long bytesLeft) {
        this.file = file;
        this.bytesLeft = bytesLeft;
    }

    /** Lets {@code bytes} more bytes through before the next failure ({@link Long#MAX_VALUE}: no failure). */
    void allow(long bytes) {
        bytesLeft = bytes;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (src.remaining() <= bytesLeft) {
            int n = file.write(src);
            bytesLeft -= n;
            return n;
        }
        ByteBuffer fits = src.slice().limit((int) bytesLeft);
        int n = file.write(fits);
        src.position(src.position() + n);
        bytesLeft = 0;
        throw new IOException("No space left on device");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += write(srcs[i]);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        throw new UnsupportedOperationException("the outbox appends at its position");
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("not used by the outbox");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}

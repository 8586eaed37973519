package io.heliosdb.lsm.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A file of the storage engine: positional reads and writes, durability on {@link #sync}. */
public interface StorageFile extends AutoCloseable {
    /** Writes all of {@code src} at {@code position} (an I/O error may leave a prefix written). */
    void write(ByteBuffer src, long position) throws IOException;

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; returns bytes read, -1 at end. */
    int read(ByteBuffer dst, long position) throws IOException;

    long size() throws IOException;

    void truncate(long size) throws IOException;

    /** Makes everything written so far durable (fdatasync). */
    void sync() throws IOException;

    @Override
    void close() throws IOException;
}

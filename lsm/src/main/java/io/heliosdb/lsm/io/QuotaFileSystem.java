package io.heliosdb.lsm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real file system with a settable amount of free space, to show what a full disk does to a
 * running server (tests only): a write that does not fit writes what fits, then fails with
 * ENOSPC's message, like the kernel. Thread-safe.
 */
public final class QuotaFileSystem implements FileSystem {
    private final FileSystem inner;
    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE);

    public QuotaFileSystem(FileSystem inner) {
        this.inner = inner;
    }

    /** Bytes that later writes may still add (Long.MAX_VALUE: unlimited). */
    public void setFreeBytes(long bytes) {
        free.set(bytes);
    }

    @Override
    public StorageFile open(Path path) throws IOException {
        StorageFile f = inner.open(path);
        return new StorageFile() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                int want = src.remaining();
                long left = free.getAndUpdate(v -> v == Long.MAX_VALUE ? v : Math.max(0, v - want));
                if (left != Long.MAX_VALUE && left < want) {
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + (int) left);
                    f.write(part, position);
                    throw new IOException("No space left on device");
                }
                f.write(src, position);
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return f.read(dst, position);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public void sync() throws IOException {
                f.sync();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public boolean exists(Path path) {
        return inner.exists(path);
    }

    @Override
    public void delete(Path path) throws IOException {
        inner.delete(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return inner.list(dir);
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        inner.createDirectories(dir);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        inner.syncDirectory(dir);
    }
}

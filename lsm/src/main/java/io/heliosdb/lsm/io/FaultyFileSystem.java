package io.heliosdb.lsm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * An in-memory file system for tests that models what a crash does to a real one: bytes written
 * but not yet synced may be lost, or survive only as a prefix (a torn tail); and it injects faults
 * on demand: no space left (ENOSPC, after a short partial write), and flipped bits. Directory
 * entries are modelled as durable at once (the real file system needs {@link #syncDirectory}).
 * Thread-safe by a single monitor (tests only).
 */
public final class FaultyFileSystem implements FileSystem {
    private final Map<Path, MemFile> files = new TreeMap<>();
    private long freeBytes = Long.MAX_VALUE;
    private long writes;
    private long writesLeft = Long.MAX_VALUE;

    private static final class MemFile {
        byte[] data = new byte[0];
        /** Bytes [0, durable) survive a crash; the rest only partly, or not at all. */
        int durable;
    }

    /** Limits how many more bytes may be written (ENOSPC beyond); Long.MAX_VALUE for no limit. */
    public synchronized void setFreeBytes(long bytes) {
        this.freeBytes = bytes;
    }

    /** Writes made so far (each call of a file's write). */
    public synchronized long writes() {
        return writes;
    }

    /**
     * Simulates a process that dies after {@code more} further writes: from then on every write,
     * sync, truncation and deletion fails, and what was written stays (a process crash keeps the page cache;
     * follow with {@link #crash} for a power loss too). Long.MAX_VALUE: never.
     */
    public synchronized void stopWritingAfter(long more) {
        this.writesLeft = more;
    }

    /** Whether the writes {@link #stopWritingAfter} allowed are used up. */
    public synchronized boolean stoppedWriting() {
        return writesLeft <= 0;
    }

    private void checkWritable() throws IOException {
        if (writesLeft <= 0) {
            throw new IOException("the process is gone (test)");
        }
    }

    /** Simulates a power loss: every file keeps its synced bytes plus a random prefix of the rest. */
    public synchronized void crash(RandomGenerator random) {
        for (MemFile f : files.values()) {
            int unsynced = f.data.length - f.durable;
            int kept = unsynced == 0 ? 0 : random.nextInt(unsynced + 1);
            f.data = Arrays.copyOf(f.data, f.durable + kept);
            f.durable = f.data.length;
        }
    }

    /** Flips one bit of a file (silent corruption on the medium). */
    public synchronized void flipBit(Path path, long offset, int bit) {
        MemFile f = files.get(path);
        f.data[(int) offset] ^= (byte) (1 << bit);
    }

    public synchronized long size(Path path) {
        MemFile f = files.get(path);
        return f == null ? -1 : f.data.length;
    }

    @Override
    public synchronized StorageFile open(Path path) {
        MemFile f = files.computeIfAbsent(path, p -> new MemFile());
        return new StorageFile() {
            private boolean closed;

            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                synchronized (FaultyFileSystem.this) {
                    check();
                    checkWritable();
                    writes++;
                    if (writesLeft != Long.MAX_VALUE) {
                        writesLeft--;
                    }
                    int n = src.remaining();
                    long end = position + n;
                    long growth = Math.max(0, end - f.data.length);
                    if (growth > freeBytes) {
                        // Like a real disk filling up: part of the write lands, then ENOSPC.
                        int partial = (int) Math.max(0, Math.min(n, freeBytes + (f.data.length - position)));
                        put(f, src, position, partial);
                        freeBytes = 0;
                        throw new IOException("No space left on device");
                    }
                    freeBytes -= growth;
                    put(f, src, position, n);
                }
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                synchronized (FaultyFileSystem.this) {
                    check();
                    if (position >= f.data.length) {
                        return -1;
                    }
                    int n = (int) Math.min(dst.remaining(), f.data.length - position);
                    dst.put(f.data, (int) position, n);
                    return n;
                }
            }

            @Override
            public long size() throws IOException {
                synchronized (FaultyFileSystem.this) {
                    check();
                    return f.data.length;
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                synchronized (FaultyFileSystem.this) {
                    check();
                    checkWritable();
                    if (size < f.data.length) {
                        freeBytes = freeBytes == Long.MAX_VALUE ? freeBytes : freeBytes + (f.data.length - size);
                        f.data = Arrays.copyOf(f.data, (int) size);
                        f.durable = Math.min(f.durable, (int) size);
                    }
                }
            }

            @Override
            public void sync() throws IOException {
                synchronized (FaultyFileSystem.this) {
                    check();
                    checkWritable();
                    f.durable = f.data.length;
                }
            }

            @Override
            public void close() {
                closed = true;
            }

            private void check() throws IOException {
                if (closed) {
                    throw new IOException("file closed");
                }
            }
        };
    }

    private static void put(MemFile f, ByteBuffer src, long position, int n) {
        int end = (int) position + n;
        if (end > f.data.length) {
            f.data = Arrays.copyOf(f.data, end);
        }
        src.get(f.data, (int) position, n);
    }

    @Override
    public synchronized boolean exists(Path path) {
        return files.containsKey(path);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        checkWritable();
        files.remove(path);
    }

    @Override
    public synchronized List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public void syncDirectory(Path dir) {
        // directory entries are modelled as always durable here (see the class comment)
    }

    @Override
    public void createDirectories(Path dir) {
        // directories are implicit here
    }
}

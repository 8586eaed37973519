package io.heliosdb.lsm.engine;

import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Writes applied together: one log record, consecutive sequence numbers, all or nothing after a
 * crash (the record's CRC covers the whole batch). Reusable: {@link #clear} keeps the buffer, so a
 * shard that commits a batch per event-loop turn allocates nothing in steady state.
 *
 * <p>Layout of each operation: {@code op u8, keyLength u32, valueLength i32 (-1 = delete), key,
 * value} (little-endian). Callers reserve space and write key and value bytes in place
 * ({@link #reservePut}), like a flyweight, instead of building arrays first.
 */
public final class WriteBatch {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final int OP_HEADER = 9;

    private MemorySegment buffer;
    private Arena arena;
    private long used;
    private int count;

    public WriteBatch() {
        arena = Arena.ofShared();
        buffer = arena.allocate(64 * 1024);
    }

    public void clear() {
        used = 0;
        count = 0;
        if (buffer.byteSize() > 16 << 20) { // one huge batch should not pin its buffer forever
            arena.close();
            arena = Arena.ofShared();
            buffer = arena.allocate(64 * 1024);
        }
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return used;
    }

    /** The buffer the reserved space lives in (valid until the next reserve). */
    public MemorySegment segment() {
        return buffer;
    }

    /**
     * Adds a put of a {@code keyLength}-byte key and {@code valueLength}-byte value; returns the
     * offset in {@link #segment()} where the key goes (the value follows it). The caller fills both.
     */
    public long reservePut(int keyLength, int valueLength) {
        assert keyLength >= 0 && valueLength >= 0;
        return reserve(PUT, keyLength, valueLength, keyLength + valueLength);
    }

    public void put(byte[] key, byte[] value) {
        long at = reservePut(key.length, value.length);
        MemorySegment.copy(MemorySegment.ofArray(key), 0, buffer, at, key.length);
        MemorySegment.copy(MemorySegment.ofArray(value), 0, buffer, at + key.length, value.length);
    }

    /** Adds a delete of a {@code keyLength}-byte key; returns the offset where the caller writes the key. */
    public long reserveDelete(int keyLength) {
        return reserve(DELETE, keyLength, -1, keyLength);
    }

    public void delete(MemorySegment key, long off, int len) {
        long at = reserve(DELETE, len, -1, len);
        MemorySegment.copy(key, off, buffer, at, len);
    }

    public void delete(byte[] key) {
        delete(MemorySegment.ofArray(key), 0, key.length);
    }

    /**
     * Appends {@code ops} operations already in this class's layout (bytes a batch's
     * {@link #segment()} held, kept elsewhere meanwhile, e.g. in a commit record).
     */
    public void appendRaw(MemorySegment src, long off, long len, int ops) {
        ensure(len);
        MemorySegment.copy(src, off, buffer, used, len);
        used += len;
        count += ops;
    }

    private void ensure(long need) {
        if (used + need > buffer.byteSize()) {
            Arena bigger = Arena.ofShared();
            MemorySegment b = bigger.allocate(Math.max(buffer.byteSize() * 2, used + need));
            MemorySegment.copy(buffer, 0, b, 0, used);
            arena.close();
            arena = bigger;
            buffer = b;
        }
    }

    private long reserve(byte op, int keyLength, int valueLength, long payload) {
        long need = OP_HEADER + payload;
        ensure(need);
        buffer.set(NativeMemory.BYTE, used, op);
        buffer.set(NativeMemory.INT, used + 1, keyLength);
        buffer.set(NativeMemory.INT, used + 5, valueLength);
        long keyAt = used + OP_HEADER;
        used += need;
        count++;
        return keyAt;
    }
}

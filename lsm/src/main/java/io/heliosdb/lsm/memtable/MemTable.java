package io.heliosdb.lsm.memtable;

import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The mutable in-memory part of the LSM tree: a skiplist whose nodes live off-heap in chunks of one
 * arena (bump allocated, freed all at once when the flushed table is dropped). Entries are ordered
 * by key (unsigned bytes) and then by sequence number, newest first, so several versions of a key
 * coexist and a read at a snapshot sees the newest version not newer than it. A delete is a
 * tombstone version. Owned by one shard thread; not thread-safe.
 *
 * <p>Node layout (little-endian): keyLength u32, valueLength i32 (-1: tombstone), sequence u64,
 * height u8, 7 bytes padding, then {@code height} next-handles (u64), key bytes, value bytes.
 */
public final class MemTable implements AutoCloseable {
    static final int MAX_HEIGHT = 12;
    private static final int KEY_LENGTH = 0;
    private static final int VALUE_LENGTH = 4;
    private static final int SEQUENCE = 8;
    private static final int HEIGHT = 16;
    private static final int NEXT = 24;
    private static final int CHUNK = 1 << 20;
    public static final int TOMBSTONE = -1;

    private final Arena arena = Arena.ofShared();
    private final List<MemorySegment> chunks = new ArrayList<>();
    private MemorySegment current;
    private long used;
    private long bytes;
    private long entries;
    private final long head;
    private int height = 1;
    private long seed = 0x9E3779B97F4A7C15L;
    /** Scratch for {@link #add} (single-threaded: reused, so a write allocates nothing on the heap). */
    private final long[] prev = new long[MAX_HEIGHT];

    public MemTable() {
        head = allocateNode(0, 0, 0, MAX_HEIGHT);
    }

    // ---- allocation -----------------------------------------------------------------------

    /**
     * Node handles are native addresses, read through {@link NativeMemory#ALL}: no chunk lookup and
     * no shared-session check per field (this loop dominates a write). Safe because a memtable is
     * closed only when no reader can reach it (the engine installs its replacement under a write
     * lock first).
     */
    private long allocate(long size) {
        size = (size + 7) & ~7L;
        if (current == null || used + size > current.byteSize()) {
            current = arena.allocate(Math.max(CHUNK, size), 8);
            chunks.add(current);
            used = 0;
        }
        long handle = current.address() + used;
        used += size;
        bytes += size;
        return handle;
    }

    private static MemorySegment seg(long node) {
        return NativeMemory.ALL;
    }

    private static long off(long node) {
        return node;
    }

    private long allocateNode(int keyLength, int valueLength, long sequence, int h) {
        long node = allocate(NEXT + 8L * h + keyLength + Math.max(0, valueLength));
        MemorySegment s = seg(node);
        long o = off(node);
        s.set(NativeMemory.INT, o + KEY_LENGTH, keyLength);
        s.set(NativeMemory.INT, o + VALUE_LENGTH, valueLength);
        s.set(NativeMemory.LONG, o + SEQUENCE, sequence);
        s.set(NativeMemory.BYTE, o + HEIGHT, (byte) h);
        for (int i = 0; i < h; i++) {
            s.set(NativeMemory.LONG, o + NEXT + 8L * i, -1L);
        }
        return node;
    }

    private long next(long node, int level) {
        return seg(node).get(NativeMemory.LONG, off(node) + NEXT + 8L * level);
    }

    private void setNext(long node, int level, long to) {
        seg(node).set(NativeMemory.LONG, off(node) + NEXT + 8L * level, to);
    }

    private int heightOf(long node) {
        return seg(node).get(NativeMemory.BYTE, off(node) + HEIGHT);
    }

    // ---- node fields (for iterators and readers) -------------------------------------------

    public MemorySegment segment(long node) {
        return seg(node);
    }

    public int keyLength(long node) {
        return seg(node).get(NativeMemory.INT, off(node) + KEY_LENGTH);
    }

    public long keyOffset(long node) {
        return off(node) + NEXT + 8L * heightOf(node);
    }

    /** Value length, or {@link #TOMBSTONE} for a delete. */
    public int valueLength(long node) {
        return seg(node).get(NativeMemory.INT, off(node) + VALUE_LENGTH);
    }

    public long valueOffset(long node) {
        return keyOffset(node) + keyLength(node);
    }

    public long sequence(long node) {
        return seg(node).get(NativeMemory.LONG, off(node) + SEQUENCE);
    }

    // ---- ordering --------------------------------------------------------------------------

    /** Compares a node with (key, sequence): key ascending, then sequence descending. */
    private int compare(long node, MemorySegment key, long keyOff, int keyLen, long sequence) {
        int c = ByteStrings.compare(seg(node), keyOffset(node), keyLength(node), key, keyOff, keyLen);
        if (c != 0) {
            return c;
        }
        return Long.compare(sequence, sequence(node)); // newer (larger) sequence sorts first
    }

    /** The last node before (key, sequence) on each level. */
    private long findGreaterOrEqual(MemorySegment key, long keyOff, int keyLen, long sequence, long[] prev) {
        long x = head;
        for (int level = height - 1; level >= 0; level--) {
            long n;
            while ((n = next(x, level)) != -1 && compare(n, key, keyOff, keyLen, sequence) < 0) {
                x = n;
            }
            if (prev != null) {
                prev[level] = x;
            }
        }
        return next(x, 0);
    }

    private int randomHeight() {
        int h = 1;
        while (h < MAX_HEIGHT) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            if ((seed & 3) != 0) {
                break; // branching factor 4, as in LevelDB
            }
            h++;
        }
        return h;
    }

    // ---- writes ----------------------------------------------------------------------------

    /** Adds a version of {@code key}: a value, or a tombstone when {@code valueLen == TOMBSTONE}. */
    public void add(MemorySegment key, long keyOff, int keyLen, long sequence, MemorySegment value, long valueOff, int valueLen) {
        assert valueLen >= TOMBSTONE;
        long found = findGreaterOrEqual(key, keyOff, keyLen, sequence, prev);
        if (found != -1 && compare(found, key, keyOff, keyLen, sequence) == 0) {
            throw new IllegalArgumentException("sequence " + sequence + " already written for this key");
        }
        int h = randomHeight();
        if (h > height) {
            for (int level = height; level < h; level++) {
                prev[level] = head;
            }
            height = h;
        }
        long node = allocateNode(keyLen, valueLen, sequence, h);
        MemorySegment s = seg(node);
        MemorySegment.copy(key, keyOff, s, keyOffset(node), keyLen);
        if (valueLen > 0) {
            MemorySegment.copy(value, valueOff, s, valueOffset(node), valueLen);
        }
        for (int level = 0; level < h; level++) {
            setNext(node, level, next(prev[level], level));
            setNext(prev[level], level, node);
        }
        entries++;
    }

    // ---- reads -----------------------------------------------------------------------------

    /**
     * The newest version of {@code key} with a sequence not above {@code snapshot}: a node (check
     * {@link #valueLength} for a tombstone), or -1 when this table has no such version.
     */
    public long get(MemorySegment key, long keyOff, int keyLen, long snapshot) {
        long n = findGreaterOrEqual(key, keyOff, keyLen, snapshot, null);
        if (n != -1 && ByteStrings.compare(seg(n), keyOffset(n), keyLength(n), key, keyOff, keyLen) == 0) {
            return n;
        }
        return -1;
    }

    /** The first node at or after {@code key} (all versions, newest first per key); -1 at the end. */
    public long seek(MemorySegment key, long keyOff, int keyLen) {
        return findGreaterOrEqual(key, keyOff, keyLen, Long.MAX_VALUE, null);
    }

    public long first() {
        return next(head, 0);
    }

    /** The node after {@code node} in order, or -1. */
    public long next(long node) {
        return next(node, 0);
    }

    public long entries() {
        return entries;
    }

    /** Off-heap bytes used by nodes (what decides when the table is frozen and flushed). */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}

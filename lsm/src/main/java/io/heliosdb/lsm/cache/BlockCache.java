package io.heliosdb.lsm.cache;

import io.heliosdb.memory.NativeMemory;
import io.heliosdb.memory.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded (checked and decompressed) SSTable blocks kept off-heap, least recently used first out,
 * within a byte limit. Keyed by (table, block). A returned segment is valid until the next
 * {@link #put} or eviction on this cache. Owned by one shard thread; not thread-safe.
 */
public final class BlockCache implements AutoCloseable {
    private final SlabAllocator memory = new SlabAllocator("block-cache");
    private final long capacity;
    private final LinkedHashMap<Long, long[]> lru = new LinkedHashMap<>(64, 0.75f, true); // key -> {handle, length}
    private long used;
    private long hits;
    private long misses;

    public BlockCache(long capacityBytes) {
        this.capacity = capacityBytes;
    }

    private static long key(long table, int block) {
        assert block >= 0 && block < (1 << 24);
        return (table << 24) | block;
    }

    /** The cached block, or null (counted as a miss). */
    public MemorySegment get(long table, int block) {
        long[] e = lru.get(key(table, block));
        if (e == null) {
            misses++;
            return null;
        }
        hits++;
        return memory.segment(e[0]).asSlice(SlabAllocator.offset(e[0]), e[1]);
    }

    /** Caches a block (evicting the least recently used as needed) and returns the cached copy. */
    public MemorySegment put(long table, int block, byte[] raw, int length) {
        if (length > capacity) {
            return MemorySegment.ofArray(raw).asSlice(0, length); // larger than the whole cache: not kept
        }
        evictTo(capacity - length);
        long handle = memory.allocate(Math.max(1, length));
        MemorySegment.copy(raw, 0, memory.segment(handle), NativeMemory.BYTE, SlabAllocator.offset(handle), length);
        long[] old = lru.put(key(table, block), new long[]{handle, length});
        if (old != null) {
            free(old);
        }
        used += length;
        return memory.segment(handle).asSlice(SlabAllocator.offset(handle), length);
    }

    /** Drops every block of a table (it was deleted by a compaction). */
    public void evictTable(long table) {
        Iterator<Map.Entry<Long, long[]>> it = lru.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, long[]> e = it.next();
            if ((e.getKey() >>> 24) == table) {
                free(e.getValue());
                it.remove();
            }
        }
    }

    private void evictTo(long limit) {
        Iterator<Map.Entry<Long, long[]>> it = lru.entrySet().iterator();
        while (used > limit && it.hasNext()) {
            free(it.next().getValue());
            it.remove();
        }
    }

    private void free(long[] e) {
        memory.free(e[0]);
        used -= e[1];
    }

    public long usedBytes() {
        return used;
    }

    public long capacity() {
        return capacity;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    @Override
    public void close() {
        memory.close();
    }
}

package io.heliosdb.keyspace;

import io.heliosdb.keyspace.collection.CollectionValue;
import java.util.Arrays;

/**
 * The collections of one shard (hashes, lists, sets, sorted sets), shared by its keyspaces like
 * its allocator. A collection entry's value area holds its slot here (4 bytes, encoding
 * {@link ValueEncoding#OBJECT}); the slot is freed with the entry. Owned by the shard's thread.
 */
public final class ObjectTable {
    private CollectionValue[] slots = new CollectionValue[64];
    private long[] accounted = new long[64];
    private int[] free = new int[64];
    private int freeCount;
    private int next;
    private long bytes;

    public int add(CollectionValue value) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (next == slots.length) {
                slots = Arrays.copyOf(slots, next * 2);
                accounted = Arrays.copyOf(accounted, next * 2);
            }
            slot = next++;
        }
        assert slots[slot] == null;
        slots[slot] = value;
        accounted[slot] = value.memoryBytes();
        bytes += accounted[slot];
        return slot;
    }

    public CollectionValue get(int slot) {
        return slots[slot];
    }

    /** Re-reads the collection's size after a change (for INFO used_memory and maxmemory). */
    public void resized(int slot) {
        long now = slots[slot].memoryBytes();
        bytes += now - accounted[slot];
        accounted[slot] = now;
    }

    /**
     * Told of every collection stored element by element that is dropped (deleted, overwritten,
     * flushed; in RAM or on disk only): the elements stored under that version are garbage.
     */
    public interface ReleaseListener {
        void released(long version);
    }

    private ReleaseListener releases;

    public void onRelease(ReleaseListener l) {
        releases = l;
    }

    public void free(int slot) {
        assert slots[slot] != null : "slot freed twice";
        releaseVersion(slots[slot].version());
        forget(slot);
    }

    /** A dropped collection that was on disk only: its stored elements are garbage. */
    public void releaseVersion(long version) {
        if (releases != null && version != 0) {
            releases.released(version);
        }
    }

    /** Frees the slot of a collection whose stored form stays (moved to disk only): nothing is released. */
    public void forget(int slot) {
        assert slots[slot] != null : "slot freed twice";
        bytes -= accounted[slot];
        slots[slot] = null;
        accounted[slot] = 0;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = slot;
    }

    /** Approximate heap bytes of all collections. */
    public long bytes() {
        return bytes;
    }
}

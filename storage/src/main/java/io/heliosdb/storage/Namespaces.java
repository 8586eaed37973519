package io.heliosdb.storage;

import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The namespaces of one shard's tree. A namespace is one key range (a u32 prefix, see
 * {@link StoredKey}) with one owner: each Redis database now, each SQL table and index later. An
 * owner is dropped in O(1): it continues in a fresh namespace (one small record), and compaction
 * drops the old namespace's entries. Each owner brings its compaction filter for the entries of its
 * live namespace (Redis: values expired long ago).
 *
 * <p>A dropped namespace's entries become garbage only once the new map is in the log
 * ({@link #publish}): before that a crash would bring the old map back, and its entries with it.
 *
 * <p>Owned by the shard's thread, except {@link #isDead}, which compaction threads call.
 */
final class Namespaces {
    /** Decides whether an entry of a live namespace is garbage (compaction threads call it). */
    @FunctionalInterface
    interface EntryFilter {
        boolean isDead(byte[] key, byte[] value, long now);
    }

    /** Ids above this are the tree's own ranges (element records, metadata: see StoredKey). */
    private static final long LAST_ID = Integer.toUnsignedLong(StoredKey.ELEMENT_SPACE) - 1;

    private int[] idOf;
    private EntryFilter[] filterOf;
    private int owners;
    private int next;
    /** What compaction sees: the published live ids (sorted) and their filters (same order). */
    private volatile Snapshot published = new Snapshot(new int[0], new EntryFilter[0]);

    private record Snapshot(int[] ids, EntryFilter[] filters) {}

    /** {@code initial} owners (0..initial-1), each in the namespace of its own number. */
    Namespaces(int initial, EntryFilter filter) {
        idOf = new int[Math.max(4, initial)];
        filterOf = new EntryFilter[idOf.length];
        for (int i = 0; i < initial; i++) {
            register(filter);
        }
    }

    /** A new owner in a fresh namespace; returns the owner's number. Call before {@link #decode}. */
    int register(EntryFilter filter) {
        if (owners == idOf.length) {
            idOf = Arrays.copyOf(idOf, owners * 2);
            filterOf = Arrays.copyOf(filterOf, owners * 2);
        }
        filterOf[owners] = filter;
        idOf[owners] = fresh();
        return owners++;
    }

    int owners() {
        return owners;
    }

    /** The namespace owner {@code owner} writes to now. */
    int id(int owner) {
        return idOf[owner];
    }

    /** Drops everything of {@code owner} in O(1): it continues in a fresh namespace. Persist with {@link #encode}. */
    void drop(int owner) {
        idOf[owner] = fresh();
    }

    private int fresh() {
        assert Integer.toUnsignedLong(next) <= LAST_ID : "namespace ids exhausted";
        return next++;
    }

    /** Makes the current map the one compaction follows. Call once the map is in the log. */
    void publish() {
        int[] ids = Arrays.copyOf(idOf, owners);
        int[] order = sortedOwners(ids);
        int[] sorted = new int[owners];
        EntryFilter[] filters = new EntryFilter[owners];
        for (int i = 0; i < owners; i++) {
            sorted[i] = ids[order[i]];
            filters[i] = filterOf[order[i]];
        }
        published = new Snapshot(sorted, filters);
    }

    private static int[] sortedOwners(int[] ids) {
        Integer[] o = new Integer[ids.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        Arrays.sort(o, (a, b) -> Integer.compare(ids[a], ids[b]));
        int[] r = new int[o.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = o[i];
        }
        return r;
    }

    /** True when the entry belongs to no published namespace, or its owner's filter says so. Any thread. */
    boolean isDead(int namespace, byte[] key, byte[] value, long now) {
        Snapshot s = published;
        int i = Arrays.binarySearch(s.ids, namespace);
        return i < 0 || s.filters[i].isDead(key, value, now);
    }

    /**
     * The map as a record: next id u32, count u32, then the id of each position. Positions are
     * owners, except that {@code ownerAt} maps a position to the owner serving it now (SWAPDB
     * exchanges which database object serves an index: the map follows the index).
     */
    byte[] encode(IntUnaryOperator ownerAt) {
        byte[] m = new byte[8 + 4 * owners];
        MemorySegment s = MemorySegment.ofArray(m);
        s.set(NativeMemory.INT, 0, next);
        s.set(NativeMemory.INT, 4, owners);
        for (int pos = 0; pos < owners; pos++) {
            s.set(NativeMemory.INT, 8 + 4L * pos, idOf[ownerAt.applyAsInt(pos)]);
        }
        return m;
    }

    /** Restores a map written by {@link #encode} (identity positions: loading starts unswapped). */
    void decode(byte[] meta) {
        MemorySegment m = MemorySegment.ofArray(meta);
        next = m.get(NativeMemory.INT, 0);
        int stored = m.get(NativeMemory.INT, 4);
        for (int pos = 0; pos < owners; pos++) {
            // owners the record does not know yet (registered since) start in a fresh namespace
            idOf[pos] = pos < stored ? m.get(NativeMemory.INT, 8 + 4L * pos) : fresh();
        }
    }
}

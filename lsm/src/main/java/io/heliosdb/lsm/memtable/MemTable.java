package io.heliosdb.lsm.memtable;

import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The mutable in-memory part of the LSM tree: versions appended off-heap in chunks of one arena
 * (bump allocated, freed all at once when the flushed table is dropped); a hash index from each key
 * to its newest version and the key order are both built only when a read needs them.
 *
 * <p>Why not a skiplist: a write is one append instead of ~20 key comparisons at random addresses
 * (measured: the skiplist insert was half of a shard thread's time under durable pipelined SET).
 * The keyspace above keeps the latest state in RAM, so reads of the live table are rare (cold
 * values, metadata, recovery). A point read first indexes the versions added since the last one;
 * an ordered read (a flush, on the background thread, or a scan) sorts them and merges them in.
 *
 * <p>Versions of a key are chained newest first, so a read at a snapshot sees the newest version
 * not newer than it; a delete is a tombstone version. Order is by key (unsigned bytes), then
 * sequence, newest first. Owned by one shard thread; once frozen (no more adds), {@link #cursor}
 * may be called from any thread.
 *
 * <p>Node layout (little-endian): keyLength u32, valueLength i32 (-1: tombstone), sequence u64,
 * older version (native address, or -1) u64, then key bytes, value bytes.
 */
public final class MemTable implements AutoCloseable {
    private static final int KEY_LENGTH = 0;
    private static final int VALUE_LENGTH = 4;
    private static final int SEQUENCE = 8;
    private static final int OLDER = 16;
    private static final int HEADER = 24;
    private static final int CHUNK = 1 << 20;
    /** Ranges this short are sorted by insertion (fewer moves than merging). */
    private static final int INSERTION_SORT_MAX = 16;
    public static final int TOMBSTONE = -1;

    private final Arena arena = Arena.ofShared();
    private MemorySegment current;
    private long used;
    private long bytes;

    // The newest version of each key: open addressing, linear probing, 0 = empty slot.
    private long[] slots = new long[1024];
    private int[] slotHashes = new int[1024];
    private int keys;
    private final Walk toIndex = new Walk(); // the versions not in the index yet start here
    private final Walk toSort = new Walk(); // the versions not in `sorted` yet start here

    /**
     * The chunks in order, with the bytes used in each: versions lie back to back in them in the
     * order they were added, so walking the chunks visits them in that order (no list of handles
     * to grow per write). Grown by the owner only; read by the flush once the table is frozen.
     */
    private long[] chunkStart = new long[8];
    private long[] chunkUsed = new long[8];
    private int chunks;
    private int count;
    private long[] sorted = new long[0]; // guarded by this: a frozen table is read by two threads

    // ---- allocation -----------------------------------------------------------------------

    /**
     * Node handles are native addresses, read through {@link NativeMemory#ALL}: no chunk lookup and
     * no shared-session check per field. Safe because a memtable is closed only when no reader can
     * reach it (the engine installs its replacement under a write lock first).
     */
    private long allocate(long size) {
        size = (size + 7) & ~7L;
        if (current == null || used + size > current.byteSize()) {
            current = arena.allocate(Math.max(CHUNK, size), 8);
            used = 0;
            if (chunks == chunkStart.length) {
                chunkStart = Arrays.copyOf(chunkStart, chunks * 2);
                chunkUsed = Arrays.copyOf(chunkUsed, chunks * 2);
            }
            chunkStart[chunks++] = current.address();
        }
        long handle = current.address() + used;
        used += size;
        chunkUsed[chunks - 1] = used;
        bytes += size;
        return handle;
    }

    private static final MemorySegment M = NativeMemory.ALL;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    // ---- node fields (for iterators and readers) -------------------------------------------

    public MemorySegment segment(long node) {
        return M;
    }

    public int keyLength(long node) {
        return M.get(NativeMemory.INT, node + KEY_LENGTH);
    }

    public long keyOffset(long node) {
        return node + HEADER;
    }

    /** Value length, or {@link #TOMBSTONE} for a delete. */
    public int valueLength(long node) {
        return M.get(NativeMemory.INT, node + VALUE_LENGTH);
    }

    public long valueOffset(long node) {
        return node + HEADER + keyLength(node);
    }

    public long sequence(long node) {
        return M.get(NativeMemory.LONG, node + SEQUENCE);
    }

    private static long older(long node) {
        return M.get(NativeMemory.LONG, node + OLDER);
    }

    private static void older(long node, long to) {
        M.set(NativeMemory.LONG, node + OLDER, to);
    }

    // ---- writes ----------------------------------------------------------------------------

    /**
     * Adds a version of {@code key}: a value, or a tombstone when {@code valueLen == TOMBSTONE}.
     * Only an append: the hash index takes it in at the next point read (see {@link #indexAdded}).
     */
    public void add(MemorySegment key, long keyOff, int keyLen, long sequence, MemorySegment value, long valueOff, int valueLen) {
        assert valueLen >= TOMBSTONE;
        long node = allocate(HEADER + keyLen + Math.max(0, valueLen));
        M.set(NativeMemory.INT, node + KEY_LENGTH, keyLen);
        M.set(NativeMemory.INT, node + VALUE_LENGTH, valueLen);
        M.set(NativeMemory.LONG, node + SEQUENCE, sequence);
        MemorySegment.copy(key, keyOff, M, node + HEADER, keyLen);
        if (valueLen > 0) {
            MemorySegment.copy(value, valueOff, M, node + HEADER + keyLen, valueLen);
        }
        count++;
    }

    private static long sizeOf(long node) {
        int valueLength = M.get(NativeMemory.INT, node + VALUE_LENGTH);
        return (HEADER + M.get(NativeMemory.INT, node + KEY_LENGTH) + Math.max(0, valueLength) + 7) & ~7L;
    }

    /** A position in the chunks: the next version to visit, in the order versions were added. */
    private final class Walk {
        private int chunk;
        private long offset;
        private int visited;

        boolean hasNext() {
            return visited < count;
        }

        long next() {
            while (offset >= chunkUsed[chunk]) { // a chunk ends where its last version ends
                chunk++;
                offset = 0;
            }
            long node = chunkStart[chunk] + offset;
            offset += sizeOf(node);
            visited++;
            return node;
        }
    }

    /**
     * Brings the hash index up to date with every version added. Point reads of the live table are
     * rare for the keyspace (cold values, metadata), so a write does not pay for the index; each
     * version is indexed once. Point reads come from the owner thread only.
     */
    private void indexAdded() {
        while (toIndex.hasNext()) {
            long node = toIndex.next();
            int keyLen = keyLength(node);
            long sequence = sequence(node);
            int hash = hashOf(M, node + HEADER, keyLen);
            int slot = find(M, node + HEADER, keyLen, hash);
            long newest = slots[slot];
            long after = -1; // the version the new one goes behind (older sequence), -1: it is the newest
            for (long v = newest == 0 ? -1 : newest; v != -1 && sequence(v) >= sequence; v = older(v)) {
                if (sequence(v) == sequence) {
                    throw new IllegalArgumentException("sequence " + sequence + " written twice for one key");
                }
                after = v;
            }
            if (after == -1) {
                older(node, newest == 0 ? -1 : newest);
                slots[slot] = node;
                if (newest == 0) {
                    slotHashes[slot] = hash;
                    if (++keys * 2 > slots.length) {
                        growIndex();
                    }
                }
            } else { // written out of sequence order (not by the engine, which numbers in order)
                older(node, older(after));
                older(after, node);
            }
        }
    }

    private static int hashOf(MemorySegment key, long off, int len) {
        long h = ByteStrings.hash(key, off, len);
        return (int) (h ^ (h >>> 32));
    }

    /** The slot of {@code key}: the one holding it, or the empty one where it would go. */
    private int find(MemorySegment key, long keyOff, int keyLen, int hash) {
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long n = slots[i];
            if (n == 0 || (slotHashes[i] == hash
                    && ByteStrings.equals(M, n + HEADER, keyLength(n), key, keyOff, keyLen))) {
                return i;
            }
        }
    }

    private void growIndex() {
        long[] oldSlots = slots;
        int[] oldHashes = slotHashes;
        slots = new long[oldSlots.length * 2];
        slotHashes = new int[oldSlots.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != 0) {
                int j = oldHashes[i] & mask;
                while (slots[j] != 0) {
                    j = (j + 1) & mask;
                }
                slots[j] = oldSlots[i];
                slotHashes[j] = oldHashes[i];
            }
        }
    }

    // ---- reads -----------------------------------------------------------------------------

    /**
     * The newest version of {@code key} with a sequence not above {@code snapshot}: a node (check
     * {@link #valueLength} for a tombstone), or -1 when this table has no such version.
     */
    public long get(MemorySegment key, long keyOff, int keyLen, long snapshot) {
        if (toIndex.hasNext()) {
            indexAdded();
        }
        long v = slots[find(key, keyOff, keyLen, hashOf(key, keyOff, keyLen))];
        if (v == 0) {
            return -1;
        }
        while (v != -1 && sequence(v) > snapshot) {
            v = older(v);
        }
        return v;
    }

    /** Every version in order (all versions of a key, newest first), as of now. */
    public Cursor cursor() {
        return new Cursor(sortedVersions(), 0);
    }

    /** The versions at or after {@code key} in order, as of now. */
    public Cursor seek(MemorySegment key, long keyOff, int keyLen) {
        long[] s = sortedVersions();
        int lo = 0, hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ByteStrings.compare(M, s[mid] + HEADER, keyLength(s[mid]), key, keyOff, keyLen) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return new Cursor(s, lo);
    }

    /** A position in the versions in order; it does not see versions added after it was made. */
    public static final class Cursor {
        private final long[] versions;
        private int at;

        private Cursor(long[] versions, int at) {
            this.versions = versions;
            this.at = at;
        }

        public boolean valid() {
            return at < versions.length;
        }

        /** The current version's node (read it with the table's accessors). */
        public long node() {
            return versions[at];
        }

        public void next() {
            at++;
        }
    }

    /** Sorts what was added since the last ordered read and merges it into the sorted versions. */
    private synchronized long[] sortedVersions() {
        long[] old = sorted;
        if (old.length == count) {
            return old;
        }
        long[] fresh = new long[count - old.length];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = toSort.next();
        }
        sort(fresh);
        long[] merged = new long[count]; // a new array: cursors over the old one stay valid
        int i = 0, j = 0, k = 0;
        while (i < old.length && j < fresh.length) {
            merged[k++] = compare(old[i], fresh[j]) <= 0 ? old[i++] : fresh[j++];
        }
        System.arraycopy(old, i, merged, k, old.length - i);
        System.arraycopy(fresh, j, merged, k + old.length - i, fresh.length - j);
        assert isSorted(merged);
        sorted = merged;
        return merged;
    }

    /** Key ascending, then sequence descending (newest first). */
    private int compare(long a, long b) {
        int c = ByteStrings.compare(M, a + HEADER, keyLength(a), M, b + HEADER, keyLength(b));
        return c != 0 ? c : Long.compare(sequence(b), sequence(a));
    }

    /**
     * Sorts versions by (key, newest first). Each is paired with the eight key bytes that follow the
     * prefix all of them share (keys of one database and of one naming scheme share long prefixes),
     * so most comparisons read two longs from an array instead of two nodes at random addresses.
     */
    private void sort(long[] nodes) {
        int n = nodes.length;
        if (n < 2) {
            return;
        }
        int shared = sharedPrefix(nodes);
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = wordAt(nodes[i], shared);
        }
        sort(words, nodes, new long[n], new long[n], 0, n);
    }

    /** The length of the prefix every key of {@code nodes} starts with. */
    private int sharedPrefix(long[] nodes) {
        long first = nodes[0];
        int shared = keyLength(first);
        for (int i = 1; i < nodes.length && shared > 0; i++) {
            long k = nodes[i];
            long m = MemorySegment.mismatch(M, first + HEADER, first + HEADER + shared, M, k + HEADER, k + HEADER + keyLength(k));
            if (m >= 0) {
                shared = (int) m;
            }
        }
        return shared;
    }

    /** The eight key bytes from {@code at} as an unsigned big-endian word, zero-padded past the end. */
    private long wordAt(long node, int at) {
        int len = keyLength(node);
        if (len - at >= 8) {
            return M.get(LONG_BE, node + HEADER + at);
        }
        long w = 0;
        for (int i = 0; i < 8; i++) {
            w = (w << 8) | (at + i < len ? M.get(NativeMemory.BYTE, node + HEADER + at + i) & 0xFF : 0);
        }
        return w;
    }

    private int compare(long[] words, long[] nodes, int i, int j) {
        int c = Long.compareUnsigned(words[i], words[j]);
        return c != 0 ? c : compare(nodes[i], nodes[j]);
    }

    /** Merge sort of the pairs in {@code [from, to)}; {@code tw}, {@code tn}: scratch as long as the input. */
    private void sort(long[] words, long[] nodes, long[] tw, long[] tn, int from, int to) {
        if (to - from <= INSERTION_SORT_MAX) {
            for (int i = from + 1; i < to; i++) {
                long w = words[i];
                long x = nodes[i];
                int j = i - 1;
                while (j >= from) {
                    int c = Long.compareUnsigned(words[j], w);
                    if (c < 0 || (c == 0 && compare(nodes[j], x) <= 0)) {
                        break;
                    }
                    words[j + 1] = words[j];
                    nodes[j + 1] = nodes[j];
                    j--;
                }
                words[j + 1] = w;
                nodes[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(words, nodes, tw, tn, from, mid);
        sort(words, nodes, tw, tn, mid, to);
        if (compare(words, nodes, mid - 1, mid) <= 0) {
            return; // already in order (common: keys written in order)
        }
        System.arraycopy(words, from, tw, from, to - from);
        System.arraycopy(nodes, from, tn, from, to - from);
        int i = from, j = mid, k = from;
        while (i < mid && j < to) {
            int c = Long.compareUnsigned(tw[i], tw[j]);
            boolean left = c < 0 || (c == 0 && compare(tn[i], tn[j]) <= 0);
            int from2 = left ? i++ : j++;
            words[k] = tw[from2];
            nodes[k++] = tn[from2];
        }
        for (; i < mid; i++, k++) {
            words[k] = tw[i];
            nodes[k] = tn[i];
        }
        for (; j < to; j++, k++) {
            words[k] = tw[j];
            nodes[k] = tn[j];
        }
    }

    private boolean isSorted(long[] s) {
        for (int i = 1; i < s.length; i++) {
            if (compare(s[i - 1], s[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    public long entries() {
        return count;
    }

    /** Off-heap bytes used by versions (what decides when the table is frozen and flushed). */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        arena.close();
    }
}

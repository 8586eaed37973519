package io.heliosdb.keyspace.collection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A hash table of byte-string keys and values with no Java object per element: records
 * ({@code varint keyLen, varint valueLen, key, value}) are packed into byte pages, entries are
 * dense indexes {@code 0..size-1} into an array of record addresses, and an open-addressing slot
 * array (linear probing, backward-shift deletion) maps a key to its entry. A slot holds the key's
 * hash beside the entry index, so a probe touches one array until the hash matches (then the
 * record address and the record: three cache lines per lookup, as Redis' bucket, entry and sds).
 *
 * <p>Dense entries give O(1) random picks (SPOP, HRANDFIELD) and insertion-ordered iteration until
 * an unordered removal moves the last entry into the hole. Replaced or removed records leave
 * garbage in their page; the pages are rewritten when garbage exceeds the live bytes.
 *
 * <p>Owned by one shard thread, like the collection holding it.
 */
public final class PackedDict {
    /** Pages grow by doubling up to this size; records larger than it get a page of their own. */
    static final int PAGE_MAX = 1 << 20;
    private static final int FIRST_PAGE = 32;
    private static final int MIN_SLOTS = 8;

    private byte[][] pages = new byte[1][];
    private int pageCount;
    /** Write position in the last page. */
    private int tail;
    private long liveBytes;
    private long garbageBytes;
    /** Sum of the page arrays' lengths, for {@link #memoryBytes} in O(1). */
    private long pageBytes;

    /** Record address per entry: page index in the high 32 bits, offset in the low. */
    private long[] addr = new long[4];
    private int size;
    /** Per slot: the key's hash in the high 32 bits, entry index + 1 in the low; 0 when empty. */
    private long[] slots = new long[MIN_SLOTS];

    public int size() {
        return size;
    }

    /** A well-spread 32-bit hash of the key (murmur3's finalizer over its cached polynomial hash). */
    public static int hash(ByteKey key) {
        return mix(key.hashCode());
    }

    /** {@link #hash(ByteKey)} of bytes in a segment (a request's argument), without copying them. */
    public static int hash(MemorySegment seg, long off, int len) {
        int h = 1;
        for (int i = 0; i < len; i++) {
            h = 31 * h + seg.get(ValueLayout.JAVA_BYTE, off + i);
        }
        return mix(h);
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /** The entry holding {@code key}, or -1. */
    public int find(byte[] key, int hash) {
        int mask = slots.length - 1;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            long v = slots[s];
            if (v == 0) {
                return -1;
            }
            if ((int) (v >>> 32) == hash && keyEquals((int) v - 1, key)) {
                return (int) v - 1;
            }
        }
    }

    /** As {@link #find(byte[], int)} for a key in a segment (no copy). */
    public int find(MemorySegment seg, long off, int len, int hash) {
        int mask = slots.length - 1;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            long v = slots[s];
            if (v == 0) {
                return -1;
            }
            if ((int) (v >>> 32) == hash && keyEquals((int) v - 1, seg, off, len)) {
                return (int) v - 1;
            }
        }
    }

    /** As {@link #insert(byte[], int, byte[])} from a request's segment (no copies besides the record). */
    public int insert(MemorySegment seg, long keyOff, int keyLen, int hash, long valueOff, int valueLen) {
        int e = newEntry(hash);
        addr[e] = reserveRecord(keyLen, valueLen);
        int at = keyOffset(e);
        byte[] page = pages[page(e)];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, keyOff, page, at, keyLen);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, valueOff, page, at + keyLen, valueLen);
        return e;
    }

    /** Inserts a key from a request's segment with an 8-byte value (a sorted set's score bits). */
    public int insertLong(MemorySegment seg, long keyOff, int keyLen, int hash, long value) {
        int e = newEntry(hash);
        addr[e] = reserveRecord(keyLen, 8);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, keyOff, pages[page(e)], keyOffset(e), keyLen);
        setValueLong(e, value);
        return e;
    }

    /** As {@link #setValue(int, byte[])} from a request's segment. */
    public void setValue(int e, MemorySegment seg, long off, int len) {
        if (valueLength(e) != len) {
            relocate(e, len);
        }
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, pages[page(e)], valueOffset(e), len);
    }

    /** Moves entry {@code e}'s record to a fresh one with room for a value of {@code len} bytes (key kept). */
    private void relocate(int e, int len) {
        byte[] oldPage = pages[page(e)];
        int oldKey = keyOffset(e);
        int klen = keyLength(e);
        int old = recordSize(klen, valueLength(e));
        addr[e] = reserveRecord(klen, len);
        System.arraycopy(oldPage, oldKey, pages[page(e)], keyOffset(e), klen);
        retire(old);
    }

    private boolean keyEquals(int e, MemorySegment seg, long off, int len) {
        byte[] page = pages[page(e)];
        int o = offset(e);
        int klen = readVarint(page, o);
        if (klen != len) {
            return false;
        }
        int p = o + varintSize(klen);
        p += varintSize(readVarint(page, p));
        for (int i = 0; i < len; i++) {
            if (page[p + i] != seg.get(ValueLayout.JAVA_BYTE, off + i)) {
                return false;
            }
        }
        return true;
    }

    /** Appends an entry for a key known to be absent; returns its index. */
    public int insert(byte[] key, int hash, byte[] value) {
        assert find(key, hash) < 0 : "insert of a present key";
        int e = newEntry(hash);
        addr[e] = write(key, value, 0, value.length);
        return e;
    }

    /** Appends an entry and links its slot; the caller sets its record address. */
    private int newEntry(int hash) {
        if ((size + 1) * 4L > slots.length * 3L) {
            resizeSlots(slots.length * 2);
        }
        if (size == addr.length) {
            addr = Arrays.copyOf(addr, size + (size >> 1) + 1);
        }
        int e = size++;
        int mask = slots.length - 1;
        int s = hash & mask;
        while (slots[s] != 0) {
            s = (s + 1) & mask;
        }
        slots[s] = slot(hash, e);
        return e;
    }

    /** Replaces an entry's value (in place when the length is unchanged). */
    public void setValue(int e, byte[] value) {
        if (valueLength(e) != value.length) {
            relocate(e, value.length);
        }
        System.arraycopy(value, 0, pages[page(e)], valueOffset(e), value.length);
    }

    /**
     * Removes an entry. Unordered: the last entry moves into the hole (O(1)); returns its old index
     * ({@code size} after the call) or -1 when the removed entry was the last. Ordered: later entries
     * shift down by one (O(size), for small insertion-ordered collections); returns -1.
     */
    public int remove(int e, boolean keepOrder) {
        assert e >= 0 && e < size;
        int old = recordSize(keyLength(e), valueLength(e));
        unlinkSlot(e, storedHash(e));
        int last = size - 1;
        int moved = -1;
        if (keepOrder && e < last) {
            System.arraycopy(addr, e + 1, addr, e, last - e);
            for (int s = 0; s < slots.length; s++) {
                if ((int) slots[s] > e + 1) {
                    slots[s]--; // a later entry moved down by one
                }
            }
        } else if (e < last) {
            int h = storedHash(last);
            int s = slotOf(last, h);
            addr[e] = addr[last];
            slots[s] = slot(h, e);
            moved = last;
        }
        size--;
        retire(old);
        if (size == 0) {
            clear();
        } else if (slots.length > MIN_SLOTS && size * 8L < slots.length) {
            resizeSlots(slots.length / 2);
        }
        return moved;
    }

    private void clear() {
        resetPages();
        addr = new long[4];
        slots = new long[MIN_SLOTS];
    }

    private void resetPages() {
        pages = new byte[1][];
        pageCount = 0;
        pageBytes = 0;
        tail = 0;
        liveBytes = 0;
        garbageBytes = 0;
    }

    private static long slot(int hash, int e) {
        return ((long) hash << 32) | (e + 1);
    }

    /** The hash of entry {@code e}'s key, computed again from its record (as {@link #hash}). */
    private int storedHash(int e) {
        byte[] page = pages[page(e)];
        int o = keyOffset(e);
        int h = 1;
        for (int i = o, end = o + keyLength(e); i < end; i++) {
            h = 31 * h + page[i];
        }
        return mix(h);
    }

    private int slotOf(int e, int hash) {
        int mask = slots.length - 1;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            if ((int) slots[s] == e + 1) {
                return s;
            }
            assert slots[s] != 0 : "entry missing from its probe chain";
        }
    }

    /** Backward-shift deletion: later members of the probe run move up so lookups never see a hole. */
    private void unlinkSlot(int e, int hash) {
        int mask = slots.length - 1;
        int hole = slotOf(e, hash);
        slots[hole] = 0;
        for (int s = (hole + 1) & mask; slots[s] != 0; s = (s + 1) & mask) {
            int home = (int) (slots[s] >>> 32) & mask;
            // move the entry at s into the hole unless its home lies cyclically in (hole, s]
            boolean stays = hole <= s ? (home > hole && home <= s) : (home > hole || home <= s);
            if (!stays) {
                slots[hole] = slots[s];
                slots[s] = 0;
                hole = s;
            }
        }
    }

    private void resizeSlots(int n) {
        long[] fresh = new long[n];
        int mask = n - 1;
        for (long v : slots) {
            if (v != 0) {
                int s = (int) (v >>> 32) & mask;
                while (fresh[s] != 0) {
                    s = (s + 1) & mask;
                }
                fresh[s] = v;
            }
        }
        slots = fresh;
    }

    // --- record access -------------------------------------------------------------------------

    private int page(int e) {
        return (int) (addr[e] >>> 32);
    }

    private int offset(int e) {
        return (int) addr[e];
    }

    /** The page holding entry {@code e}'s bytes (for writing them out without a copy). */
    public byte[] pageOf(int e) {
        return pages[page(e)];
    }

    public int keyLength(int e) {
        return readVarint(pages[page(e)], offset(e));
    }

    public int keyOffset(int e) {
        byte[] page = pages[page(e)];
        int off = offset(e);
        int klen = readVarint(page, off);
        int p = off + varintSize(klen);
        return p + varintSize(readVarint(page, p));
    }

    public int valueLength(int e) {
        byte[] page = pages[page(e)];
        int off = offset(e);
        return readVarint(page, off + varintSize(readVarint(page, off)));
    }

    public int valueOffset(int e) {
        return keyOffset(e) + keyLength(e);
    }

    public byte[] key(int e) {
        int o = keyOffset(e);
        return Arrays.copyOfRange(pages[page(e)], o, o + keyLength(e));
    }

    public byte[] value(int e) {
        int o = valueOffset(e);
        return Arrays.copyOfRange(pages[page(e)], o, o + valueLength(e));
    }

    public boolean keyEquals(int e, byte[] key) {
        byte[] page = pages[page(e)];
        int off = offset(e);
        int klen = readVarint(page, off);
        if (klen != key.length) {
            return false;
        }
        int p = off + varintSize(klen);
        p += varintSize(readVarint(page, p));
        return Arrays.equals(page, p, p + klen, key, 0, klen);
    }

    /** Unsigned comparison of entry {@code e}'s key with {@code key}, as memcmp then length. */
    public int compareKey(int e, byte[] key) {
        int o = keyOffset(e);
        return Arrays.compareUnsigned(pages[page(e)], o, o + keyLength(e), key, 0, key.length);
    }

    public int compareKeys(int a, int b) {
        int oa = keyOffset(a);
        int ob = keyOffset(b);
        return Arrays.compareUnsigned(pages[page(a)], oa, oa + keyLength(a), pages[page(b)], ob, ob + keyLength(b));
    }

    /** An 8-byte value read as a big-endian long (sorted-set scores). */
    public long valueLong(int e) {
        byte[] page = pages[page(e)];
        int o = valueOffset(e);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (page[o + i] & 0xFF);
        }
        return v;
    }

    public void setValueLong(int e, long v) {
        assert valueLength(e) == 8;
        byte[] page = pages[page(e)];
        int o = valueOffset(e);
        for (int i = 7; i >= 0; i--) {
            page[o + i] = (byte) v;
            v >>>= 8;
        }
    }

    // --- pages ---------------------------------------------------------------------------------

    private static int recordSize(int klen, int vlen) {
        return varintSize(klen) + varintSize(vlen) + klen + vlen;
    }

    private long write(byte[] key, byte[] value, int voff, int vlen) {
        long a = reserveRecord(key.length, vlen);
        byte[] page = pages[(int) (a >>> 32)];
        int w = (int) a + varintSize(key.length) + varintSize(vlen);
        System.arraycopy(key, 0, page, w, key.length);
        System.arraycopy(value, voff, page, w + key.length, vlen);
        return a;
    }

    /** Room for a record with its two lengths written; returns its address (key and value to fill in). */
    private long reserveRecord(int klen, int vlen) {
        int need = recordSize(klen, vlen);
        int p = reserve(need);
        byte[] page = pages[p];
        int off = tail;
        writeVarint(page, writeVarint(page, off, klen), vlen);
        tail = off + need;
        liveBytes += need;
        return ((long) p << 32) | off;
    }

    /** Makes room for {@code need} bytes at {@code tail} of the last page; returns that page's index. */
    private int reserve(int need) {
        if (pageCount > 0 && tail + need <= pages[pageCount - 1].length) {
            return pageCount - 1;
        }
        if (pageCount == 1 && pages[0].length < PAGE_MAX && tail + need <= PAGE_MAX) {
            int n = pages[0].length;
            while (n < tail + need) {
                n *= 2;
            }
            n = Math.min(n, PAGE_MAX);
            pageBytes += n - pages[0].length;
            pages[0] = Arrays.copyOf(pages[0], n);
            return 0;
        }
        if (pageCount == pages.length) {
            pages = Arrays.copyOf(pages, pages.length * 2);
        }
        int size = Math.max(PAGE_MAX, need);
        if (pageCount == 0) {
            size = FIRST_PAGE;
            while (size < need && size < PAGE_MAX) {
                size *= 2;
            }
            size = Math.max(size, need);
        }
        pages[pageCount++] = new byte[size];
        pageBytes += 16 + size;
        tail = 0;
        return pageCount - 1;
    }

    private void retire(int recordBytes) {
        liveBytes -= recordBytes;
        garbageBytes += recordBytes;
        if (garbageBytes > 4096 && garbageBytes > liveBytes) {
            repack();
        }
    }

    /** Rewrites every live record into fresh pages in entry order, dropping the garbage. */
    private void repack() {
        byte[][] oldPages = pages;
        long[] oldAddr = addr.clone();
        resetPages();
        for (int e = 0; e < size; e++) {
            byte[] page = oldPages[(int) (oldAddr[e] >>> 32)];
            int off = (int) oldAddr[e];
            int klen = readVarint(page, off);
            int p = off + varintSize(klen);
            int vlen = readVarint(page, p);
            int need = recordSize(klen, vlen);
            int np = reserve(need);
            System.arraycopy(page, off, pages[np], tail, need);
            addr[e] = ((long) np << 32) | tail;
            tail += need;
            liveBytes += need;
        }
    }

    /** Heap bytes held: pages, entry arrays and slots. */
    public long memoryBytes() {
        return 72 + 16L + 8L * pages.length + pageBytes + 16 + 8L * addr.length + 16 + 8L * slots.length;
    }

    public PackedDict copy() {
        PackedDict d = new PackedDict();
        d.pages = new byte[Math.max(1, pageCount)][];
        for (int i = 0; i < pageCount; i++) {
            d.pages[i] = pages[i].clone();
        }
        d.pageCount = pageCount;
        d.pageBytes = pageBytes;
        d.tail = tail;
        d.liveBytes = liveBytes;
        d.garbageBytes = garbageBytes;
        d.addr = addr.clone();
        d.size = size;
        d.slots = slots.clone();
        return d;
    }

    static int readVarint(byte[] b, int off) {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[off++];
            v |= (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    static int varintSize(int v) {
        return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
    }

    static int writeVarint(byte[] b, int off, int v) {
        while ((v & ~0x7F) != 0) {
            b[off++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[off++] = (byte) v;
        return off;
    }
}

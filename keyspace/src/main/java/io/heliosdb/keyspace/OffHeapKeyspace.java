package io.heliosdb.keyspace;

import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.Clock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import static io.heliosdb.keyspace.EntryLayout.*;

/**
 * The in-memory keyspace: a chained hash table whose bucket arrays and entries live off-heap. Like
 * Redis' dict it grows and shrinks by incremental rehashing (each operation moves a bucket), so no
 * single command pays for a whole resize. Keys with a TTL are also listed in a dense array, so that
 * active expiry samples them uniformly in O(1).
 */
public final class OffHeapKeyspace implements Keyspace {
    private static final int MIN_BUCKETS = 16;

    private final SlabAllocator memory;
    private final Clock clock;

    private final Table[] tables = {new Table(MIN_BUCKETS), null};
    private long rehashIndex = -1;
    private long size;

    /** Handles of entries with a TTL; each such entry stores its index here. */
    private long[] volatileEntries = new long[16];
    private int volatileCount;

    /** Told of every change when persistence is on (null for a pure in-memory keyspace). */
    private ChangeLog changes;
    /**
     * Counts entries that left their handle (freed, moved to another block, detached, FLUSHDB): a
     * handle the change log noted while this was n is still its key's entry while it is n.
     */
    private long handleChanges;
    /** Told of every change, not once per commit (WATCH, keyspace notifications); usually null. */
    private ChangeLog watcher;
    private int tag;

    /** The shard's collections (hash, list, set, zset values); shared by the shard's keyspaces. */
    private final ObjectTable objects;

    public OffHeapKeyspace(SlabAllocator memory, Clock clock) {
        this(memory, clock, new ObjectTable());
    }

    public OffHeapKeyspace(SlabAllocator memory, Clock clock, ObjectTable objects) {
        this.memory = memory;
        this.clock = clock;
        this.objects = objects;
    }

    // ---- collection values ---------------------------------------------------------------------

    @Override
    public long putObject(MemorySegment key, long keyOff, int keyLen, byte type, CollectionValue value, long expireAt) {
        int slot = objects.add(value);
        long e = putUninitialized(key, keyOff, keyLen, type, ValueEncoding.OBJECT, 4, expireAt);
        seg(e).set(NativeMemory.INT, valueOffset(e), slot);
        return e;
    }

    @Override
    public CollectionValue object(long e) {
        assert encoding(e) == ValueEncoding.OBJECT;
        return objects.get(seg(e).get(NativeMemory.INT, valueOffset(e)));
    }

    @Override
    public void objectChanged(long e) {
        assert encoding(e) == ValueEncoding.OBJECT;
        objects.resized(seg(e).get(NativeMemory.INT, valueOffset(e)));
        changed(e);
    }

    public ObjectTable objects() {
        return objects;
    }

    /**
     * Gives back the collection of an entry whose value is about to be dropped or overwritten: its
     * slot, or when it is on disk only, the version its elements are stored under.
     */
    private void releaseObject(long e) {
        if (encoding(e) == ValueEncoding.OBJECT) {
            objects.free(seg(e).get(NativeMemory.INT, valueOffset(e)));
            seg(e).set(NativeMemory.BYTE, SlabAllocator.offset(e) + ENCODING, ValueEncoding.RAW);
        } else if (encoding(e) == ValueEncoding.ON_DISK && valueLength(e) == 8) {
            objects.releaseVersion(onDiskVersion(e));
        }
    }

    /** The element version of a collection that is on disk only (0: stored whole). */
    public long onDiskVersion(long e) {
        assert encoding(e) == ValueEncoding.ON_DISK && valueLength(e) == 8 : "not a collection on disk";
        return seg(e).get(NativeMemory.LONG, valueOffset(e));
    }

    /**
     * Drops a clean collection from RAM (its stored form is on disk); the entry keeps its key, type,
     * TTL and the collection's element version. Returns the moved entry. Not a change.
     */
    public long evictObject(long e) {
        assert !isDirty(e) && encoding(e) == ValueEncoding.OBJECT;
        int slot = seg(e).get(NativeMemory.INT, valueOffset(e));
        long version = objects.get(slot).version();
        objects.forget(slot);
        long moved = resizeValue(e, ValueEncoding.ON_DISK, 8);
        seg(moved).set(NativeMemory.LONG, valueOffset(moved), version);
        onDiskEntries++;
        return moved;
    }

    /** Puts a collection read back from disk into its ON_DISK entry; returns the moved entry. Not a change. */
    public long restoreObject(long e, CollectionValue value) {
        assert encoding(e) == ValueEncoding.ON_DISK && valueLength(e) == 8;
        int slot = objects.add(value);
        long moved = resizeValue(e, ValueEncoding.OBJECT, 4);
        seg(moved).set(NativeMemory.INT, valueOffset(moved), slot);
        onDiskEntries--;
        return moved;
    }

    /** Moves an entry to a block with a value area of {@code len} bytes (header and key kept). */
    private long resizeValue(long e, byte encoding, int len) {
        int keyLen = keyLength(e);
        long moved = memory.allocate(HEADER + keyLen + len);
        MemorySegment.copy(seg(e), SlabAllocator.offset(e), seg(moved), SlabAllocator.offset(moved), HEADER + keyLen);
        MemorySegment ms = seg(moved);
        long mo = SlabAllocator.offset(moved);
        ms.set(NativeMemory.INT, mo + VALUE_LENGTH, len);
        ms.set(NativeMemory.BYTE, mo + ENCODING, encoding);
        relink(e, moved);
        memory.free(e);
        handleChanges++;
        return moved;
    }

    /** Creates a collection {@code key} that is on disk only, its elements under {@code version} (loading). */
    public long putCollectionOnDisk(MemorySegment key, long keyOff, int keyLen, byte type, long expireAt, long version) {
        long e = putUninitialized(key, keyOff, keyLen, type, ValueEncoding.ON_DISK, 8, expireAt);
        seg(e).set(NativeMemory.LONG, valueOffset(e), version);
        onDiskEntries++;
        return e;
    }

    /**
     * Reports every change (each one, unlike {@link #track}) to {@code w}, or to nobody with null. Its
     * {@code cleared} is called <em>before</em> FLUSHDB empties the keyspace, so it can still look.
     */
    public void watch(ChangeLog w) {
        this.watcher = w;
    }

    private void tellWatcher(long e) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        watcher.changed(this, s, o + HEADER, s.get(NativeMemory.INT, o + KEY_LENGTH));
    }

    private void tellCreated(long e) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        watcher.created(this, s, o + HEADER, s.get(NativeMemory.INT, o + KEY_LENGTH));
    }

    /** True while an expired key is being deleted (the watcher hears "expired", not "removed"). */
    private boolean expiring;

    private void deleteExpired(long e) {
        expiring = true;
        try {
            deleteEntry(e);
        } finally {
            expiring = false;
        }
    }

    /** Reports changes to {@code log} from now on; {@code tag} names this keyspace to it. */
    public void track(ChangeLog log, int tag) {
        this.changes = log;
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /**
     * Reports a created or modified entry once per commit: the dirty flag stays set until the
     * change log has written the entry ({@link #clearDirty}), so a key changed many times between
     * two commits is written once, with its final state.
     */
    private void changed(long e) {
        if (watcher != null) {
            tellWatcher(e);
        }
        if (changes == null) {
            return;
        }
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        byte flags = s.get(NativeMemory.BYTE, o + FLAGS);
        if ((flags & FLAG_DIRTY) == 0) {
            s.set(NativeMemory.BYTE, o + FLAGS, (byte) (flags | FLAG_DIRTY));
            changes.changedEntry(this, e, s, o + HEADER, s.get(NativeMemory.INT, o + KEY_LENGTH));
        } else if (noteEveryChange) {
            changes.changedEntry(this, e, s, o + HEADER, s.get(NativeMemory.INT, o + KEY_LENGTH));
        }
    }

    private boolean noteEveryChange;

    /**
     * While on, a change of a key already noted since its last write is noted again: the change
     * log wants every key a piece of work changed (a cross-shard step's part), not just new ones.
     */
    public void noteEveryChange(boolean on) {
        noteEveryChange = on;
    }

    /** Reports an entry about to leave this keyspace (always: its flag leaves with it). */
    private void removing(long e) {
        if (watcher != null) {
            MemorySegment ws = seg(e);
            long wo = SlabAllocator.offset(e);
            int wl = ws.get(NativeMemory.INT, wo + KEY_LENGTH);
            if (expiring) {
                watcher.expired(this, ws, wo + HEADER, wl);
            } else {
                watcher.removed(this, ws, wo + HEADER, wl);
            }
        }
        if (changes == null) {
            return;
        }
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        s.set(NativeMemory.BYTE, o + FLAGS, (byte) (s.get(NativeMemory.BYTE, o + FLAGS) & ~FLAG_DIRTY));
        changes.changed(this, s, o + HEADER, s.get(NativeMemory.INT, o + KEY_LENGTH));
    }

    /** True (and cleared) when the entry changed since it was last written by the change log. */
    public boolean clearDirty(long e) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        byte flags = s.get(NativeMemory.BYTE, o + FLAGS);
        s.set(NativeMemory.BYTE, o + FLAGS, (byte) (flags & ~FLAG_DIRTY));
        return (flags & FLAG_DIRTY) != 0;
    }

    /** Marks the entry changed again (its write failed and must be retried). */
    public void markDirty(long e) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        s.set(NativeMemory.BYTE, o + FLAGS, (byte) (s.get(NativeMemory.BYTE, o + FLAGS) | FLAG_DIRTY));
    }

    /** See {@link #handleChanges}: the count a noted handle is checked against. */
    public long handleChanges() {
        return handleChanges;
    }

    /**
     * {@link #peek} for a key noted with its entry {@code e} while {@link #handleChanges()} was
     * {@code at}: the noted entry itself when no entry has left its handle since (no second walk of
     * the bucket chain), else a lookup.
     */
    public long peekNoted(long e, long at, MemorySegment key, long off, int len) {
        if (e == NONE || at != handleChanges) {
            return peek(key, off, len);
        }
        assert e == peek(key, off, len) : "a noted entry is no longer its key's entry";
        return e;
    }

    /** The entry of {@code key} whether expired or not, without side effects (no expiry, no rehash step). */
    public long peek(MemorySegment key, long off, int len) {
        return lookup(hash32(key, off, len), key, off, len);
    }

    // ---- values on disk (tiering) ----------------------------------------------------------------

    /** Reads evicted values back from disk; set when persistence is on. */
    public interface ColdValues {
        /** Brings the value of ON_DISK entry {@code e} back into RAM ({@link #restoreValue}); returns the entry. */
        long load(OffHeapKeyspace keyspace, long e);
    }

    private ColdValues cold;
    private long onDiskEntries;

    public void coldValues(ColdValues c) {
        cold = c;
    }

    /** Entries whose value is on disk only. */
    public long onDiskEntries() {
        return onDiskEntries;
    }

    public boolean isDirty(long e) {
        return (seg(e).get(NativeMemory.BYTE, SlabAllocator.offset(e) + FLAGS) & FLAG_DIRTY) != 0;
    }

    /**
     * Drops the value from RAM (it is on disk: the caller checked the entry is clean); the entry
     * shrinks to its header and key. Returns the moved entry. Not a change: nothing is logged.
     */
    public long evictValue(long e) {
        assert !isDirty(e) && encoding(e) != ValueEncoding.ON_DISK;
        long moved = resizeValue(e, ValueEncoding.ON_DISK, 0);
        onDiskEntries++;
        return moved;
    }

    /** Creates {@code key} with its value on disk only (loading a keyspace larger than its RAM budget). */
    public long putOnDisk(MemorySegment key, long keyOff, int keyLen, byte type, long expireAt) {
        long e = putUninitialized(key, keyOff, keyLen, type, ValueEncoding.ON_DISK, 0, expireAt);
        onDiskEntries++;
        return e;
    }

    /** Puts a value read from disk back into ON_DISK entry {@code e}; returns the moved entry. Not a change. */
    public long restoreValue(long e, byte encoding, MemorySegment value, long off, int len) {
        assert encoding(e) == ValueEncoding.ON_DISK;
        long moved = resizeValue(e, encoding, len);
        MemorySegment.copy(value, off, seg(moved), valueOffset(moved), len);
        onDiskEntries--;
        return moved;
    }

    /** Flag bit: changed since the change log last wrote this entry. */
    private static final byte FLAG_DIRTY = 1;

    /** A bucket array in its own arena, so that a finished rehash can give it back at once. */
    private static final class Table {
        final Arena arena = Arena.ofShared();
        final MemorySegment buckets;
        final long mask;
        long used;

        Table(long n) {
            buckets = arena.allocate(n * 8, 8);
            mask = n - 1;
        }

        long head(long i) {
            return buckets.getAtIndex(ValueLayout.JAVA_LONG, i);
        }

        void setHead(long i, long e) {
            buckets.setAtIndex(ValueLayout.JAVA_LONG, i, e);
        }

        long bytes() {
            return buckets.byteSize();
        }
    }

    // ---- entry field access ------------------------------------------------------------------

    private MemorySegment seg(long e) {
        return memory.segment(e);
    }

    private long next(long e) {
        return seg(e).get(NativeMemory.LONG, SlabAllocator.offset(e) + NEXT);
    }

    private void setNext(long e, long n) {
        seg(e).set(NativeMemory.LONG, SlabAllocator.offset(e) + NEXT, n);
    }

    private int hashOf(long e) {
        return seg(e).get(NativeMemory.INT, SlabAllocator.offset(e) + HASH);
    }

    @Override
    public byte type(long e) {
        return seg(e).get(NativeMemory.BYTE, SlabAllocator.offset(e) + TYPE);
    }

    @Override
    public byte encoding(long e) {
        return seg(e).get(NativeMemory.BYTE, SlabAllocator.offset(e) + ENCODING);
    }

    @Override
    public long expireAt(long e) {
        return seg(e).get(NativeMemory.LONG, SlabAllocator.offset(e) + EXPIRE_AT);
    }

    @Override
    public MemorySegment segment(long e) {
        return seg(e);
    }

    @Override
    public long keyOffset(long e) {
        return SlabAllocator.offset(e) + HEADER;
    }

    @Override
    public int keyLength(long e) {
        return seg(e).get(NativeMemory.INT, SlabAllocator.offset(e) + KEY_LENGTH);
    }

    @Override
    public long valueOffset(long e) {
        return SlabAllocator.offset(e) + HEADER + keyLength(e);
    }

    @Override
    public int valueLength(long e) {
        return seg(e).get(NativeMemory.INT, SlabAllocator.offset(e) + VALUE_LENGTH);
    }

    @Override
    public long longValue(long e) {
        assert encoding(e) == ValueEncoding.INT;
        return seg(e).get(NativeMemory.LONG, valueOffset(e));
    }

    @Override
    public void touch(long e) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        s.set(NativeMemory.INT, o + LRU, (int) (clock.millis() / 1000));
        int counter = s.get(NativeMemory.BYTE, o + LFU) & 0xFF;
        if (counter < 255) {
            // Redis' logarithmic counter with lfu-log-factor 10, starting at LFU_INIT_VAL 5.
            double base = Math.max(0, counter - 5);
            if (ThreadLocalRandomHolder.next() < 1.0 / (base * 10 + 1)) {
                s.set(NativeMemory.BYTE, o + LFU, (byte) (counter + 1));
            }
        }
    }

    @Override
    public int idleSeconds(long e) {
        int lru = seg(e).get(NativeMemory.INT, SlabAllocator.offset(e) + LRU);
        return Math.max(0, (int) (clock.millis() / 1000) - lru);
    }

    @Override
    public void setAccess(long e, int idleSeconds, int lfuCounter) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        if (idleSeconds >= 0) {
            s.set(NativeMemory.INT, o + LRU, (int) (clock.millis() / 1000) - idleSeconds);
        }
        if (lfuCounter >= 0) {
            s.set(NativeMemory.BYTE, o + LFU, (byte) lfuCounter);
        }
    }

    @Override
    public int lfuCounter(long e) {
        return seg(e).get(NativeMemory.BYTE, SlabAllocator.offset(e) + LFU) & 0xFF;
    }

    private static final class ThreadLocalRandomHolder {
        static double next() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }

    // ---- lookup ------------------------------------------------------------------------------

    private static int hash32(MemorySegment key, long off, int len) {
        long h = ByteStrings.hash(key, off, len);
        return (int) (h ^ (h >>> 32));
    }

    private boolean keyEquals(long e, int hash, MemorySegment key, long off, int len) {
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        return s.get(NativeMemory.INT, o + HASH) == hash
                && s.get(NativeMemory.INT, o + KEY_LENGTH) == len
                && MemorySegment.mismatch(s, o + HEADER, o + HEADER + len, key, off, off + len) < 0;
    }

    private long lookup(int hash, MemorySegment key, long off, int len) {
        for (int t = 0; t <= 1; t++) {
            Table table = tables[t];
            if (table == null) {
                break;
            }
            long bucket = hash & table.mask;
            if (t == 0 && bucket < rehashIndex) {
                continue; // already moved to the new table
            }
            for (long e = table.head(bucket); e != 0; e = next(e)) {
                if (keyEquals(e, hash, key, off, len)) {
                    return e;
                }
            }
        }
        return NONE;
    }

    @Override
    public long find(MemorySegment key, long off, int len) {
        rehashStep();
        long e = lookup(hash32(key, off, len), key, off, len);
        if (e != NONE && isExpired(e)) {
            deleteExpired(e);
            return NONE;
        }
        if (e != NONE && encoding(e) == ValueEncoding.ON_DISK) {
            e = cold.load(this, e);
        }
        return e;
    }

    private boolean isExpired(long e) {
        long at = expireAt(e);
        return at != 0 && at <= clock.millis();
    }

    // ---- insert / delete ---------------------------------------------------------------------

    private void link(long e, int hash) {
        Table table = rehashIndex >= 0 ? tables[1] : tables[0];
        long bucket = hash & table.mask;
        setNext(e, table.head(bucket));
        table.setHead(bucket, e);
        table.used++;
        size++;
        growIfNeeded();
    }

    private boolean unlink(long e) {
        int hash = hashOf(e);
        for (int t = 0; t <= 1; t++) {
            Table table = tables[t];
            if (table == null) {
                break;
            }
            long bucket = hash & table.mask;
            long prev = NONE;
            for (long cur = table.head(bucket); cur != 0; prev = cur, cur = next(cur)) {
                if (cur == e) {
                    if (prev == NONE) {
                        table.setHead(bucket, next(cur));
                    } else {
                        setNext(prev, next(cur));
                    }
                    table.used--;
                    size--;
                    return true;
                }
            }
        }
        return false;
    }

    /** Replaces {@code old} by {@code moved} at the same chain position (after a realloc). */
    private void relink(long old, long moved) {
        int hash = hashOf(moved);
        for (int t = 0; t <= 1; t++) {
            Table table = tables[t];
            if (table == null) {
                break;
            }
            long bucket = hash & table.mask;
            long prev = NONE;
            for (long cur = table.head(bucket); cur != 0; prev = cur, cur = next(cur)) {
                if (cur == old) {
                    if (prev == NONE) {
                        table.setHead(bucket, moved);
                    } else {
                        setNext(prev, moved);
                    }
                    int vi = volatileIndex(moved);
                    if (vi >= 0) {
                        volatileEntries[vi] = moved;
                    }
                    return;
                }
            }
        }
        throw new AssertionError("relink: entry not found in its bucket");
    }

    private long newEntry(int hash, MemorySegment key, long keyOff, int keyLen, byte type, byte encoding, int valueLen) {
        long e = memory.allocate(HEADER + keyLen + Math.max(valueLen, 0));
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        s.set(NativeMemory.LONG, o + NEXT, 0L);
        s.set(NativeMemory.LONG, o + EXPIRE_AT, 0L);
        s.set(NativeMemory.INT, o + HASH, hash);
        s.set(NativeMemory.INT, o + KEY_LENGTH, keyLen);
        s.set(NativeMemory.INT, o + VALUE_LENGTH, valueLen);
        s.set(NativeMemory.BYTE, o + TYPE, type);
        s.set(NativeMemory.BYTE, o + ENCODING, encoding);
        s.set(NativeMemory.BYTE, o + LFU, (byte) 5);
        s.set(NativeMemory.BYTE, o + FLAGS, (byte) 0);
        s.set(NativeMemory.INT, o + LRU, (int) (clock.millis() / 1000));
        s.set(NativeMemory.INT, o + VOLATILE_INDEX, -1);
        MemorySegment.copy(key, keyOff, s, o + HEADER, keyLen);
        return e;
    }

    @Override
    public long putUninitialized(MemorySegment key, long keyOff, int keyLen, byte type, byte encoding, int valueLen, long expireAt) {
        rehashStep();
        int hash = hash32(key, keyOff, keyLen);
        long old = lookup(hash, key, keyOff, keyLen);
        boolean existed = old != NONE && !isExpired(old);
        long keepTtl = 0;
        if (old != NONE) {
            releaseObject(old);
            if (encoding(old) == ValueEncoding.ON_DISK) {
                onDiskEntries--; // overwritten (in place or replaced below): its value no longer matters
                forgetDiskValue(old);
            }
            long oldAt = expireAt(old);
            if (expireAt == KEEP_TTL && !(oldAt != 0 && oldAt <= clock.millis())) {
                keepTtl = oldAt;
            }
            int needed = HEADER + keyLen + valueLen;
            if (memory.blockSize(old) >= needed && needed * 2 > memory.blockSize(old)) {
                // Overwrite in place: same block, same chain position.
                MemorySegment s = seg(old);
                long o = SlabAllocator.offset(old);
                s.set(NativeMemory.INT, o + VALUE_LENGTH, valueLen);
                s.set(NativeMemory.BYTE, o + TYPE, type);
                s.set(NativeMemory.BYTE, o + ENCODING, encoding);
                setExpireAt(old, expireAt == KEEP_TTL ? keepTtl : expireAt);
                changed(old);
                return old;
            }
            deleteEntry(old);
        }
        long e = newEntry(hash, key, keyOff, keyLen, type, encoding, valueLen);
        link(e, hash);
        if (watcher != null && !existed) {
            tellCreated(e);
        }
        long at = expireAt == KEEP_TTL ? keepTtl : expireAt;
        if (at != 0) {
            setExpireAt(e, at);
        }
        changed(e);
        return e;
    }

    @Override
    public long putBytes(MemorySegment key, long keyOff, int keyLen, MemorySegment value, long valueOff, int valueLen, long expireAt) {
        long e = putUninitialized(key, keyOff, keyLen, ValueType.STRING, ValueEncoding.RAW, valueLen, expireAt);
        MemorySegment.copy(value, valueOff, seg(e), valueOffset(e), valueLen);
        return e;
    }

    @Override
    public long putLong(MemorySegment key, long keyOff, int keyLen, long value, long expireAt) {
        long e = putUninitialized(key, keyOff, keyLen, ValueType.STRING, ValueEncoding.INT, 8, expireAt);
        seg(e).set(NativeMemory.LONG, valueOffset(e), value);
        return e;
    }

    @Override
    public void setLong(long e, long value) {
        assert encoding(e) == ValueEncoding.INT;
        seg(e).set(NativeMemory.LONG, valueOffset(e), value);
        changed(e);
    }

    @Override
    public long resizeRaw(long e, int newLength) {
        if (encoding(e) == ValueEncoding.INT) {
            long v = longValue(e);
            int digits = ByteStrings.decimalLength(v);
            long moved = ensureCapacity(e, Math.max(digits, newLength));
            MemorySegment ms = seg(moved);
            ByteStrings.writeDecimal(ms, valueOffset(moved), v);
            ms.set(NativeMemory.BYTE, SlabAllocator.offset(moved) + ENCODING, ValueEncoding.RAW);
            ms.set(NativeMemory.INT, SlabAllocator.offset(moved) + VALUE_LENGTH, digits);
            e = moved;
        }
        int oldLength = valueLength(e);
        long moved = ensureCapacity(e, newLength);
        MemorySegment ms = seg(moved);
        long mo = SlabAllocator.offset(moved);
        if (newLength > oldLength) {
            ms.asSlice(valueOffset(moved) + oldLength, newLength - oldLength).fill((byte) 0);
        }
        ms.set(NativeMemory.INT, mo + VALUE_LENGTH, newLength);
        ms.set(NativeMemory.BYTE, mo + ENCODING, ValueEncoding.RAW_MUTABLE);
        changed(moved);
        return moved;
    }

    /** Makes room for a value of {@code valueLen} bytes, moving the entry if its block is too small. */
    private long ensureCapacity(long e, int valueLen) {
        int needed = HEADER + keyLength(e) + valueLen;
        if (memory.blockSize(e) >= needed) {
            return e;
        }
        // Grow by at least half again, like Redis' sds greedy preallocation for APPEND/SETRANGE.
        int target = needed < 1024 * 1024 ? Math.max(needed, needed + needed / 2) : needed + 1024 * 1024;
        long moved = memory.allocate(target);
        int used = HEADER + keyLength(e) + valueLength(e);
        MemorySegment.copy(seg(e), SlabAllocator.offset(e), seg(moved), SlabAllocator.offset(moved), used);
        relink(e, moved);
        memory.free(e);
        handleChanges++;
        return moved;
    }

    @Override
    public boolean delete(MemorySegment key, long off, int len) {
        rehashStep();
        long e = lookup(hash32(key, off, len), key, off, len);
        if (e == NONE) {
            return false;
        }
        boolean live = !isExpired(e);
        if (live) {
            deleteEntry(e);
        } else {
            deleteExpired(e);
        }
        return live;
    }

    @Override
    public void deleteEntry(long e) {
        detach(e);
        releaseObject(e);
        memory.free(e);
    }

    /** An ON_DISK entry about to be overwritten: its encoding changes now, so deleteEntry must not count it again. */
    private void forgetDiskValue(long e) {
        seg(e).set(NativeMemory.BYTE, SlabAllocator.offset(e) + ENCODING, ValueEncoding.RAW);
    }

    @Override
    public long detach(long e) {
        if (encoding(e) == ValueEncoding.ON_DISK) {
            onDiskEntries--;
        }
        removing(e);
        handleChanges++;
        boolean found = unlink(e);
        assert found : "detach of an entry not in this keyspace";
        if (volatileIndex(e) >= 0) {
            removeVolatile(e);
        }
        shrinkIfNeeded();
        return e;
    }

    @Override
    public void attach(long e) {
        assert lookup(hashOf(e), seg(e), keyOffset(e), keyLength(e)) == NONE;
        long at = expireAt(e);
        seg(e).set(NativeMemory.INT, SlabAllocator.offset(e) + VOLATILE_INDEX, -1);
        seg(e).set(NativeMemory.LONG, SlabAllocator.offset(e) + EXPIRE_AT, 0L);
        link(e, hashOf(e));
        if (watcher != null) {
            tellCreated(e);
        }
        if (encoding(e) == ValueEncoding.ON_DISK) {
            onDiskEntries++;
        }
        if (at != 0) {
            setExpireAt(e, at);
        }
        changed(e);
    }

    // ---- TTL index ---------------------------------------------------------------------------

    private int volatileIndex(long e) {
        return seg(e).get(NativeMemory.INT, SlabAllocator.offset(e) + VOLATILE_INDEX);
    }

    @Override
    public void setExpireAt(long e, long at) {
        assert at >= 0;
        MemorySegment s = seg(e);
        long o = SlabAllocator.offset(e);
        if (s.get(NativeMemory.LONG, o + EXPIRE_AT) != at) {
            s.set(NativeMemory.LONG, o + EXPIRE_AT, at);
            changed(e);
        } else if (watcher != null) {
            tellWatcher(e); // the same deadline again is still a touch (WATCH, notifications), as in Redis
        }
        int vi = s.get(NativeMemory.INT, o + VOLATILE_INDEX);
        if (at != 0 && vi < 0) {
            if (volatileCount == volatileEntries.length) {
                volatileEntries = Arrays.copyOf(volatileEntries, volatileCount * 2);
            }
            volatileEntries[volatileCount] = e;
            s.set(NativeMemory.INT, o + VOLATILE_INDEX, volatileCount++);
        } else if (at == 0 && vi >= 0) {
            removeVolatile(e);
        }
    }

    private void removeVolatile(long e) {
        int vi = volatileIndex(e);
        long last = volatileEntries[--volatileCount];
        volatileEntries[vi] = last;
        seg(last).set(NativeMemory.INT, SlabAllocator.offset(last) + VOLATILE_INDEX, vi);
        seg(e).set(NativeMemory.INT, SlabAllocator.offset(e) + VOLATILE_INDEX, -1);
        if (volatileEntries.length > 64 && volatileCount < volatileEntries.length / 4) {
            volatileEntries = Arrays.copyOf(volatileEntries, volatileEntries.length / 2);
        }
    }

    @Override
    public int expireSample(int samples, RandomGenerator random) {
        int expired = 0;
        long now = clock.millis();
        for (int i = 0; i < samples && volatileCount > 0; i++) {
            long e = volatileEntries[random.nextInt(volatileCount)];
            long at = expireAt(e);
            if (at != 0 && at <= now) {
                deleteExpired(e);
                expired++;
            }
        }
        return expired;
    }

    @Override
    public long volatileCount() {
        return volatileCount;
    }

    // ---- resizing ----------------------------------------------------------------------------

    private void growIfNeeded() {
        if (rehashIndex < 0 && size > tables[0].mask + 1) {
            startRehash((tables[0].mask + 1) * 2);
        }
    }

    private void shrinkIfNeeded() {
        long buckets = tables[0].mask + 1;
        if (rehashIndex < 0 && buckets > MIN_BUCKETS && size * 8 < buckets) {
            long target = Math.max(MIN_BUCKETS, Long.highestOneBit(Math.max(1, size)) * 2);
            startRehash(target);
        }
    }

    private void startRehash(long buckets) {
        tables[1] = new Table(buckets);
        rehashIndex = 0;
        rehashStep();
    }

    /** Moves one bucket (and skips up to ten empty ones) from the old table to the new one. */
    private void rehashStep() {
        if (rehashIndex < 0) {
            return;
        }
        Table from = tables[0];
        Table to = tables[1];
        int emptyVisits = 10;
        while (rehashIndex <= from.mask && from.head(rehashIndex) == 0) {
            rehashIndex++;
            if (--emptyVisits == 0) {
                return;
            }
        }
        if (rehashIndex <= from.mask) {
            long e = from.head(rehashIndex);
            while (e != 0) {
                long nextEntry = next(e);
                long bucket = hashOf(e) & to.mask;
                setNext(e, to.head(bucket));
                to.setHead(bucket, e);
                from.used--;
                to.used++;
                e = nextEntry;
            }
            from.setHead(rehashIndex, 0);
            rehashIndex++;
        }
        if (rehashIndex > from.mask) {
            assert from.used == 0 : "rehash finished with entries left behind";
            from.arena.close();
            tables[0] = to;
            tables[1] = null;
            rehashIndex = -1;
        }
    }

    // ---- whole-keyspace operations -----------------------------------------------------------

    @Override
    public long size() {
        return size;
    }

    @Override
    public void clear() {
        if (watcher != null && size > 0) {
            watcher.cleared(this);
        }
        for (int t = 0; t <= 1; t++) {
            Table table = tables[t];
            if (table == null) {
                continue;
            }
            for (long b = 0; b <= table.mask; b++) {
                long e = table.head(b);
                while (e != 0) {
                    long n = next(e);
                    releaseObject(e);
                    memory.free(e);
                    e = n;
                }
            }
            table.arena.close();
        }
        tables[0] = new Table(MIN_BUCKETS);
        tables[1] = null;
        rehashIndex = -1;
        handleChanges++;
        size = 0;
        onDiskEntries = 0;
        if (changes != null) {
            changes.cleared(this);
        }
        volatileCount = 0;
        volatileEntries = new long[16];
    }

    @Override
    public long memoryUsage(long e) {
        if (encoding(e) == ValueEncoding.OBJECT) {
            return memory.blockSize(e) + 8 + object(e).memoryBytes();
        }
        return memory.blockSize(e) + 8;
    }

    /** Off-heap bytes held by the bucket arrays. */
    public long tableBytes() {
        return tables[0].bytes() + (tables[1] == null ? 0 : tables[1].bytes());
    }

    @Override
    public long scan(long cursor, int count, EntryVisitor visitor) {
        long v = cursor;
        int maxBuckets = Math.max(1, count) * 10;
        int visited = 0;
        int emitted = 0;
        do {
            long[] counters = {0};
            v = scanStep(v, visitor, counters);
            emitted += (int) counters[0];
            visited++;
        } while (v != 0 && emitted < count && visited < maxBuckets);
        return v;
    }

    private long scanStep(long v, EntryVisitor visitor, long[] emitted) {
        if (rehashIndex < 0) {
            Table t0 = tables[0];
            emitted[0] += emitBucket(t0, v & t0.mask, visitor);
            v |= ~t0.mask;
            return Long.reverse(Long.reverse(v) + 1);
        }
        // While rehashing: visit the cursor's bucket in the small table, then all of its expansions
        // in the large one (the old table's moved buckets are empty, so nothing is lost).
        Table small = tables[0];
        Table large = tables[1];
        if (small.mask > large.mask) {
            Table t = small;
            small = large;
            large = t;
        }
        long m0 = small.mask;
        long m1 = large.mask;
        emitted[0] += emitBucket(small, v & m0, visitor);
        do {
            emitted[0] += emitBucket(large, v & m1, visitor);
            v |= ~m1;
            v = Long.reverse(Long.reverse(v) + 1);
        } while ((v & (m0 ^ m1)) != 0);
        return v;
    }

    private int emitBucket(Table table, long bucket, EntryVisitor visitor) {
        // Collect first: the visitor may delete expired entries and so change the chain.
        long e = table.head(bucket);
        if (e == 0) {
            return 0;
        }
        long[] chain = new long[8];
        int n = 0;
        for (; e != 0; e = next(e)) {
            if (n == chain.length) {
                chain = Arrays.copyOf(chain, n * 2);
            }
            chain[n++] = e;
        }
        int emitted = 0;
        long now = clock.millis();
        for (int i = 0; i < n; i++) {
            long at = expireAt(chain[i]);
            if (at == 0 || at > now) {
                visitor.visit(this, chain[i]);
                emitted++;
            }
        }
        return emitted;
    }

    /** A random entry with a TTL (volatile-* eviction), or NONE. */
    public long randomVolatileEntry(RandomGenerator random) {
        return volatileCount == 0 ? NONE : volatileEntries[random.nextInt(volatileCount)];
    }

    @Override
    public long randomEntry(RandomGenerator random) {
        if (size == 0) {
            return NONE;
        }
        long now = clock.millis();
        for (int attempt = 0; attempt < 1000; attempt++) {
            Table table = tables[0];
            long bucket;
            if (rehashIndex >= 0 && random.nextBoolean()) {
                table = tables[1];
                bucket = random.nextLong(table.mask + 1);
            } else {
                long lo = rehashIndex >= 0 ? rehashIndex : 0;
                if (lo > table.mask) {
                    continue;
                }
                bucket = lo + random.nextLong(table.mask + 1 - lo);
            }
            int chainLength = 0;
            for (long e = table.head(bucket); e != 0; e = next(e)) {
                chainLength++;
            }
            if (chainLength == 0) {
                continue;
            }
            long e = table.head(bucket);
            for (int k = random.nextInt(chainLength); k > 0; k--) {
                e = next(e);
            }
            long at = expireAt(e);
            if (at == 0 || at > now) {
                return e;
            }
        }
        // Sparse or mostly expired: fall back to a scan for any live key.
        long[] found = {NONE};
        long cursor = 0;
        do {
            cursor = scan(cursor, 16, (ks, e) -> {
                if (found[0] == NONE) {
                    found[0] = e;
                }
            });
        } while (cursor != 0 && found[0] == NONE);
        return found[0];
    }
}

package io.heliosdb.keyspace;

import io.heliosdb.keyspace.collection.CollectionValue;
import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * One logical database (SELECT n) of one shard: the store every Redis command works on. Owned by
 * the shard's thread. Entries are named by {@code long} handles that stay valid until the next
 * mutating call on this keyspace.
 *
 * <p>This is the seam the persistent engine plugs into: the in-memory implementation is
 * {@link OffHeapKeyspace}; a tiered one keeps it as the hot tier and reads through to the LSM.
 */
public interface Keyspace {
    long NONE = 0;
    /** Pass as expireAt to keep an existing key's TTL (SET KEEPTTL). */
    long KEEP_TTL = -1;

    /** Finds a live key; an expired one is deleted on the way (lazy expiry) and reported absent. */
    long find(MemorySegment key, long off, int len);

    byte type(long entry);

    byte encoding(long entry);

    /** Absolute expiry in unix ms, 0 when the key has no TTL. */
    long expireAt(long entry);

    /** Sets (ms &gt; 0) or removes (0) the TTL. */
    void setExpireAt(long entry, long expireAtMs);

    MemorySegment segment(long entry);

    long keyOffset(long entry);

    int keyLength(long entry);

    long valueOffset(long entry);

    int valueLength(long entry);

    /** The integer of an INT-encoded string. */
    long longValue(long entry);

    /** Records an access for OBJECT IDLETIME / FREQ and eviction. */
    void touch(long entry);

    int idleSeconds(long entry);

    int lfuCounter(long entry);

    /** Sets the access data (RESTORE IDLETIME / FREQ); a negative argument leaves that part alone. */
    void setAccess(long entry, int idleSeconds, int lfuCounter);

    /** Creates or overwrites {@code key} as a raw string; returns the entry. */
    long putBytes(MemorySegment key, long keyOff, int keyLen, MemorySegment value, long valueOff, int valueLen, long expireAt);

    /** Creates or overwrites {@code key} as an INT-encoded string; returns the entry. */
    long putLong(MemorySegment key, long keyOff, int keyLen, long value, long expireAt);

    /** Overwrites the integer of an INT-encoded string in place (INCR on an existing counter). */
    void setLong(long entry, long value);

    /**
     * Makes the entry a raw string of {@code newLength} bytes, keeping the first bytes of the old
     * value (an INT value is first converted to its decimal text). Returns the entry (it may move).
     */
    long resizeRaw(long entry, int newLength);

    /** Creates or replaces {@code key} with a value area of {@code valueLen} uninitialised bytes. */
    long putUninitialized(MemorySegment key, long keyOff, int keyLen, byte type, byte encoding, int valueLen, long expireAt);

    boolean delete(MemorySegment key, long off, int len);

    /** Creates or replaces {@code key} with a collection value (encoding {@link ValueEncoding#OBJECT}). */
    long putObject(MemorySegment key, long keyOff, int keyLen, byte type, CollectionValue value, long expireAt);

    /** The collection of an OBJECT-encoded entry. */
    CollectionValue object(long entry);

    /** Notes that the collection of this entry changed in place (persistence, memory accounting). */
    void objectChanged(long entry);

    void deleteEntry(long entry);

    /** Unlinks the entry without freeing it, for {@link #attach} into another keyspace of the same shard. */
    long detach(long entry);

    /** Links an entry detached from a keyspace sharing this one's allocator. No key of that name may exist. */
    void attach(long entry);

    long size();

    long volatileCount();

    void clear();

    /** Bytes this key occupies (entry block plus its share of the table). */
    long memoryUsage(long entry);

    /**
     * Visits the entries of the next buckets (Redis' reverse-binary cursor: every key present for
     * the whole scan is visited at least once, even across resizes). Returns the next cursor, 0 at
     * the end.
     */
    long scan(long cursor, int count, EntryVisitor visitor);

    /** A random live entry, or NONE when empty. */
    long randomEntry(RandomGenerator random);

    /**
     * One round of active expiry: samples up to {@code samples} keys with a TTL and deletes the
     * expired ones. Returns how many were deleted.
     */
    int expireSample(int samples, RandomGenerator random);

    interface EntryVisitor {
        void visit(Keyspace keyspace, long entry);
    }
}

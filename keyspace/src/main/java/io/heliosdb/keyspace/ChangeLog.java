package io.heliosdb.keyspace;

import java.lang.foreign.MemorySegment;

/**
 * Where a tracked {@link OffHeapKeyspace} reports its changes (the persistence of its shard).
 * Called on the shard's thread, in the middle of a command: implementations only note the key
 * (its bytes are valid during the call only) and write the entry's final state later, once per
 * commit.
 */
public interface ChangeLog {
    /** The key was created, modified, or removed (or moved out) in {@code keyspace}. */
    void changed(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength);

    /**
     * {@link #changed} for a created or modified key, with its entry: a log that notes {@code entry}
     * and {@link OffHeapKeyspace#handleChanges()} can find it again without a lookup
     * ({@link OffHeapKeyspace#peekNoted}).
     */
    default void changedEntry(OffHeapKeyspace keyspace, long entry, MemorySegment segment, long keyOffset, int keyLength) {
        changed(keyspace, segment, keyOffset, keyLength);
    }

    /** The key is about to be removed (a change too, unless told apart). */
    default void removed(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
        changed(keyspace, segment, keyOffset, keyLength);
    }

    /** The key is about to be removed because it expired. */
    default void expired(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
        removed(keyspace, segment, keyOffset, keyLength);
    }

    /** The key did not exist and now does (told before its {@link #changed}). */
    default void created(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
    }

    /** Every key of {@code keyspace} was removed at once (FLUSHDB / FLUSHALL). */
    void cleared(OffHeapKeyspace keyspace);
}

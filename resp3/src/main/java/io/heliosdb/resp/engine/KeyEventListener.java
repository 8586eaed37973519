package io.heliosdb.resp.engine;

import io.heliosdb.keyspace.OffHeapKeyspace;
import java.lang.foreign.MemorySegment;

/**
 * A feature that hears about the keys of its shard: blocked clients, WATCH, client tracking and
 * keyspace notifications register one each ({@link ShardState#listen}), so the shard state names
 * none of them. The shard installs its keyspace hook only while some listener is
 * {@link #active}, so ordinary writes pay a null check. Key bytes are valid during the call only.
 * Shard thread.
 */
public interface KeyEventListener {
    /** Why a key changed. */
    enum Cause {
        /** A command changed its value. */
        CHANGED,
        /** A command deleted it. */
        REMOVED,
        /** Its TTL passed. */
        EXPIRED,
        /** maxmemory eviction deleted it. */
        EVICTED
    }

    /** Whether it needs to hear about changes now (re-read by {@link ShardState#refreshKeyHooks}). */
    boolean active();

    default void created(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len) {}

    default void changed(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len, Cause cause) {}

    /** FLUSHDB / FLUSHALL emptied database {@code db}. */
    default void cleared(int db, OffHeapKeyspace ks) {}

    /** SWAPDB is about to exchange databases {@code a} and {@code b} (called whether or not active). */
    default void swapping(int a, int b) {}

    /** SWAPDB exchanged them (called whether or not active). */
    default void swapped(int a, int b) {}

    /** A command's read found no key (Redis' keymiss). Called whether or not the listener is active. */
    default void missed(int db, MemorySegment seg, long off, int len) {}

    /** Periodic housekeeping from the active-expire cycle. */
    default void housekeeping() {}
}

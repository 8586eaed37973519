package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import java.lang.foreign.MemorySegment;

/**
 * How an operation looks up a key it reads: RESP counts hits and misses, refreshes LRU/LFU and
 * announces "keymiss" (Redis' lookupKeyRead); an SQL scan or an internal copy reads directly.
 */
@FunctionalInterface
public interface KeyReads {
    /** A plain lookup with no statistics. */
    KeyReads DIRECT = Keyspace::find;

    /** The entry of the key, or {@link Keyspace#NONE}. */
    long lookupRead(Keyspace ks, MemorySegment seg, long off, int len);
}

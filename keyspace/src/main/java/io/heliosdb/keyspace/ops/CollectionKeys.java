package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;

/** Elements as keys of the collection structures (whose removals and lookups by copy take a ByteKey). */
final class CollectionKeys {
    private CollectionKeys() {}

    /** A copy of an element. */
    static ByteKey key(MemorySegment seg, long off, int len) {
        return new ByteKey(ByteStrings.toBytes(seg, off, len));
    }
}

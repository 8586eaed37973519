package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;

/** What every collection operation does with its key: an emptied collection is deleted, as in Redis. */
final class CollectionKeys {
    private CollectionKeys() {}

    /** After a change: deletes the key if the collection is empty, else notes the change. */
    static void changed(Keyspace ks, long e) {
        if (ks.object(e).size() == 0) {
            ks.deleteEntry(e);
        } else {
            ks.objectChanged(e);
        }
    }

    /** A copy of an element as a key of the collection structures. */
    static ByteKey key(MemorySegment seg, long off, int len) {
        return new ByteKey(ByteStrings.toBytes(seg, off, len));
    }
}

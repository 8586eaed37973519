package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * A key's value copied out of one shard so that it can be installed in another (RENAME, COPY):
 * the bytes of a string, or a private copy of a collection.
 */
record EntrySnapshot(byte type, byte encoding, byte[] value, CollectionValue collection, long expireAt) {
    static EntrySnapshot take(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.OBJECT) {
            return new EntrySnapshot(ks.type(e), ks.encoding(e), null, ks.object(e).copy(), ks.expireAt(e));
        }
        byte[] v = new byte[ks.valueLength(e)];
        MemorySegment.copy(ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), v, 0, v.length);
        return new EntrySnapshot(ks.type(e), ks.encoding(e), v, null, ks.expireAt(e));
    }

    void install(Keyspace ks, MemorySegment key, long off, int len, boolean keepTtl) {
        if (collection != null) {
            ks.putObject(key, off, len, type, collection, keepTtl ? expireAt : 0);
            return;
        }
        long e = ks.putUninitialized(key, off, len, type, encoding, value.length, keepTtl ? expireAt : 0);
        MemorySegment.copy(value, 0, ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), value.length);
    }
}

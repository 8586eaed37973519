package io.heliosdb.resp.keys;

import io.heliosdb.index.Keyspace;
import java.lang.foreign.MemorySegment;

/** A key's value copied out of one shard so that it can be installed in another (RENAME, COPY). */
record EntrySnapshot(byte type, byte encoding, byte[] value, long expireAt) {
    static EntrySnapshot take(Keyspace ks, long e) {
        byte[] v = new byte[ks.valueLength(e)];
        MemorySegment.copy(ks.segment(e), io.heliosdb.memory.NativeMemory.BYTE, ks.valueOffset(e), v, 0, v.length);
        return new EntrySnapshot(ks.type(e), ks.encoding(e), v, ks.expireAt(e));
    }

    void install(Keyspace ks, MemorySegment key, long off, int len, boolean keepTtl) {
        long e = ks.putUninitialized(key, off, len, type, encoding, value.length, keepTtl ? expireAt : 0);
        MemorySegment.copy(value, 0, ks.segment(e), io.heliosdb.memory.NativeMemory.BYTE, ks.valueOffset(e), value.length);
    }
}

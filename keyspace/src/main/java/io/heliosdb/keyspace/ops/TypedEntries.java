package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import java.lang.foreign.MemorySegment;

/**
 * How collection operations find and finish their key, as every Redis collection command does: a
 * key of another type is WRONGTYPE, a missing key reads as empty, and a collection left empty is
 * deleted.
 */
public final class TypedEntries {
    /** The key holds another type (entries are never negative). */
    public static final long WRONG = -1;

    private TypedEntries() {}

    /** The entry of a key to change: NONE when absent, {@link #WRONG} when of another type. */
    public static long write(Keyspace ks, MemorySegment seg, long off, int len, byte type) {
        return typed(ks, ks.find(seg, off, len), type);
    }

    /** Like {@link #write} for a key that is only read (through {@code reads}: statistics, LRU). */
    public static long read(KeyReads reads, Keyspace ks, MemorySegment seg, long off, int len, byte type) {
        return typed(ks, reads.lookupRead(ks, seg, off, len), type);
    }

    private static long typed(Keyspace ks, long e, byte type) {
        return e != Keyspace.NONE && ks.type(e) != type ? WRONG : e;
    }

    /** After a change: deletes the key if its collection is empty, else notes the change. */
    public static void changed(Keyspace ks, long e) {
        if (ks.object(e).size() == 0) {
            ks.deleteEntry(e);
        } else {
            ks.objectChanged(e);
        }
    }
}

package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * The values a multi-key operation reads (SINTERSTORE, ZUNIONSTORE, BITOP, ...) and how it stores
 * its result. A source is gathered as null (missing), {@link #WRONG_TYPE}, a {@link CollectionValue}
 * or a string's bytes; across shards the gatherer asks for copies, so the operation may run on
 * another shard than its sources'.
 */
public final class KeySources {
    /** A source key that holds a value of a type the operation cannot read. */
    public static final Object WRONG_TYPE = new Object() {
        @Override
        public String toString() {
            return "WRONGTYPE";
        }
    };

    /** Which types an operation reads. */
    @FunctionalInterface
    public interface Types {
        boolean accepts(byte type);
    }

    private KeySources() {}

    /** The source at the key: null, {@link #WRONG_TYPE}, its collection (a copy when {@code copy}) or its string's bytes. */
    public static Object read(KeyReads reads, Keyspace ks, MemorySegment seg, long off, int len, Types types, boolean copy) {
        long e = reads.lookupRead(ks, seg, off, len);
        if (e == Keyspace.NONE) {
            return null;
        }
        if (!types.accepts(ks.type(e))) {
            return WRONG_TYPE;
        }
        if (ks.encoding(e) == ValueEncoding.OBJECT) {
            return copy ? ks.object(e).copy() : ks.object(e);
        }
        return stringBytes(ks, e);
    }

    /** Whether one of the gathered sources is {@link #WRONG_TYPE}. */
    public static boolean anyWrongType(Object[] sources) {
        for (Object v : sources) {
            if (v == WRONG_TYPE) {
                return true;
            }
        }
        return false;
    }

    /** A string entry's bytes (an INT-encoded one as its decimal text). */
    public static byte[] stringBytes(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            return Long.toString(ks.longValue(e)).getBytes();
        }
        byte[] b = new byte[ks.valueLength(e)];
        MemorySegment.copy(ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), b, 0, b.length);
        return b;
    }

    /** Stores a computed collection at the key, replacing what is there; an empty or null one deletes the key. */
    public static void storeCollection(Keyspace ks, MemorySegment seg, long off, int len, byte type, CollectionValue value) {
        if (value == null || value.size() == 0) {
            ks.delete(seg, off, len);
            return;
        }
        ks.putObject(seg, off, len, type, value, 0); // a new key signals its waiters, an overwrite does not (Redis' setKey)
    }

    /** Stores a computed string at the key (null deletes it), keeping the key's TTL when {@code keepTtl}. */
    public static void storeString(Keyspace ks, MemorySegment seg, long off, int len, byte[] value, boolean keepTtl) {
        if (value == null) {
            ks.delete(seg, off, len);
            return;
        }
        // A computed string is "raw" at any size in Redis (it was not created from a reply argument).
        long e = ks.putUninitialized(seg, off, len, ValueType.STRING, ValueEncoding.RAW_MUTABLE, value.length,
                keepTtl ? Keyspace.KEEP_TTL : 0);
        MemorySegment.copy(value, 0, ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), value.length);
    }
}

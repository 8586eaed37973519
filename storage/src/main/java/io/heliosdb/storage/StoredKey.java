package io.heliosdb.storage;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * How a keyspace entry is stored in a shard's LSM tree.
 *
 * <pre>
 * key   = space u32 (big-endian, so one keyspace is one key range) ++ the Redis key
 * value = type u8, encoding u8, expireAt i64 (unix ms, 0 = none), then the value area as in RAM
 *         (raw bytes; an INT-encoded string is its 8-byte integer)
 * </pre>
 *
 * A space is one incarnation of one database: FLUSHDB moves the database to a fresh space (one
 * record, O(1)) and compaction drops the old space's entries; SWAPDB swaps two databases' spaces.
 * The space map itself is the entry under {@link #META_SPACE}.
 */
final class StoredKey {
    static final int PREFIX = 4;
    static final int VALUE_HEADER = 10;
    static final int META_SPACE = 0xFFFFFFFF;
    /** Element records of large collections: space ++ version u64 ++ member (see ShardStore#writeElements). */
    static final int ELEMENT_SPACE = 0xFFFFFFFE;
    /** First byte of a collection record stored element by element (never an RDB type byte). */
    static final byte ELEMENT_FORM = (byte) 0xFF;
    static final ValueLayout.OfLong VERSION = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A large collection created by {@link #load} whose elements follow in a second pass. */
    record Pending(OffHeapKeyspace keyspace, byte[] key, long version,
                   CollectionValue value) {}
    static final ValueLayout.OfInt SPACE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private StoredKey() {}

    static int valueLength(Keyspace ks, long e) {
        return VALUE_HEADER + ks.valueLength(e);
    }

    /** Writes the entry's value record at {@code at}. */
    static void writeValue(Keyspace ks, long e, MemorySegment dst, long at) {
        dst.set(NativeMemory.BYTE, at, ks.type(e));
        dst.set(NativeMemory.BYTE, at + 1, ks.encoding(e));
        dst.set(NativeMemory.LONG, at + 2, ks.expireAt(e));
        MemorySegment.copy(ks.segment(e), ks.valueOffset(e), dst, at + VALUE_HEADER, ks.valueLength(e));
    }

    /** Writes a collection entry's record: header, then the collection in RDB form. */
    static void writeCollection(Keyspace ks, long e, byte[] rdb, MemorySegment dst, long at) {
        dst.set(NativeMemory.BYTE, at, ks.type(e));
        dst.set(NativeMemory.BYTE, at + 1, ks.encoding(e));
        dst.set(NativeMemory.LONG, at + 2, ks.expireAt(e));
        MemorySegment.copy(MemorySegment.ofArray(rdb), 0, dst, at + VALUE_HEADER, rdb.length);
    }

    static int space(byte[] key) {
        return MemorySegment.ofArray(key).get(SPACE, 0);
    }

    static byte[] spacePrefix(int space) {
        byte[] p = new byte[PREFIX];
        MemorySegment.ofArray(p).set(SPACE, 0, space);
        return p;
    }

    static long expireAt(byte[] value) {
        return value.length >= VALUE_HEADER ? MemorySegment.ofArray(value).get(NativeMemory.LONG, 2) : 0;
    }

    /** The version a collection record stores its elements under, 0 when it holds the collection whole. */
    static long elementVersion(byte[] value) {
        if (value.length == VALUE_HEADER + 9 && value[VALUE_HEADER] == ELEMENT_FORM) {
            return MemorySegment.ofArray(value).get(VERSION, VALUE_HEADER + 1);
        }
        return 0;
    }

    /**
     * The collection of a record: decoded when stored whole (with Redis 7.0's default encoding
     * thresholds), else empty, its elements to be read from their version.
     */
    static CollectionValue emptyOrDecoded(byte[] key, byte[] value) {
        if (elementVersion(value) != 0) {
            return switch (value[0]) {
                case ValueType.HASH -> new HashValue();
                case ValueType.LIST -> new ListValue();
                case ValueType.SET -> new SetValue();
                case ValueType.ZSET -> new ZSetValue();
                case ValueType.STREAM -> new StreamValue();
                default -> throw new IllegalStateException("stored collection of unknown type " + value[0]);
            };
        }
        RdbValues.Decoded d;
        try {
            d = RdbValues.decode(value, VALUE_HEADER, value.length - VALUE_HEADER);
        } catch (RdbValues.BadFormat bad) {
            throw new IllegalStateException("stored collection of key " + new String(key, PREFIX, key.length - PREFIX,
                    StandardCharsets.UTF_8) + " does not decode: " + bad.getMessage());
        }
        RdbValues.chooseEncoding(d.collection(), 512, 64, 512, 128, 64); // Redis 7.0's defaults
        return d.collection();
    }

    /**
     * Recreates the stored entry in {@code ks}, with its value in RAM or (when {@code valueInRam} is
     * false) on disk only; false when it had expired meanwhile.
     */
    static boolean load(OffHeapKeyspace ks, byte[] key, byte[] value, long now, boolean valueInRam,
                        Map<Long, Pending> large, Set<Long> onDisk) {
        long expireAt = expireAt(value);
        if (expireAt != 0 && expireAt <= now) {
            return false;
        }
        MemorySegment k = MemorySegment.ofArray(key);
        if (value[1] == ValueEncoding.OBJECT && !valueInRam) {
            long version = elementVersion(value);
            ks.putCollectionOnDisk(k, PREFIX, key.length - PREFIX, value[0], expireAt, version);
            if (version != 0) {
                onDisk.add(version); // its elements are not orphans
            }
            return true;
        }
        if (value[1] == ValueEncoding.OBJECT) {
            CollectionValue c = emptyOrDecoded(key, value);
            ks.putObject(k, PREFIX, key.length - PREFIX, value[0], c, expireAt);
            long version = elementVersion(value);
            if (version != 0) {
                large.put(version, new Pending(ks, Arrays.copyOfRange(key, PREFIX, key.length), version, c));
            }
            return true;
        }
        if (!valueInRam) {
            ks.putOnDisk(k, PREFIX, key.length - PREFIX, value[0], expireAt);
            return true;
        }
        MemorySegment v = MemorySegment.ofArray(value);
        int payload = value.length - VALUE_HEADER;
        long e = ks.putUninitialized(k, PREFIX, key.length - PREFIX, value[0], value[1], payload, expireAt);
        MemorySegment.copy(v, VALUE_HEADER, ks.segment(e), ks.valueOffset(e), payload);
        return true;
    }
}

package io.heliosdb.keyspace;

/** How a value is held. Strings: INT keeps a 64-bit integer in 8 bytes; RAW keeps bytes. */
public final class ValueEncoding {
    public static final byte RAW = 0;
    public static final byte INT = 1;
    /** Raw bytes changed in place (APPEND, SETRANGE): Redis reports these as "raw" at any size. */
    public static final byte RAW_MUTABLE = 2;
    /**
     * The value lives only on disk (evicted from RAM under maxmemory with persistence on); the entry
     * keeps key, type, TTL and access data. {@link OffHeapKeyspace#find} reads the value back.
     */
    public static final byte ON_DISK = 3;

    /** A collection (hash, list, set, zset): the value area holds its slot in the shard's {@link ObjectTable}. */
    public static final byte OBJECT = 4;

    /** Redis reports strings up to this length as "embstr". */
    public static final int EMBSTR_LIMIT = 44;

    private ValueEncoding() {}
}

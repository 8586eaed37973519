package io.heliosdb.keyspace;

/**
 * Byte layout of one keyspace entry in slab memory (all fields unaligned little-endian):
 * <pre>
 *  0  long  next        chain link to the next entry in the bucket (handle, 0 = end)
 *  8  long  expireAt    absolute unix ms, 0 = no TTL
 * 16  int   hash        low 32 bits of the key hash (rehash without rereading the key)
 * 20  int   keyLength
 * 24  int   valueLength bytes used in the value area
 * 28  byte  type        {@link ValueType}
 * 29  byte  encoding    {@link ValueEncoding}
 * 30  byte  lfu         logarithmic access counter (Redis' LFU)
 * 31  byte  flags       reserved
 * 32  int   lru         last access, seconds (Redis' LRU clock)
 * 36  int   volatileIdx slot in the keyspace's TTL index, -1 when no TTL
 * 40  ...   key bytes, then the value area
 * </pre>
 */
final class EntryLayout {
    static final int NEXT = 0;
    static final int EXPIRE_AT = 8;
    static final int HASH = 16;
    static final int KEY_LENGTH = 20;
    static final int VALUE_LENGTH = 24;
    static final int TYPE = 28;
    static final int ENCODING = 29;
    static final int LFU = 30;
    static final int FLAGS = 31;
    static final int LRU = 32;
    static final int VOLATILE_INDEX = 36;
    static final int HEADER = 40;

    private EntryLayout() {}
}

package io.heliosdb.keyspace.collection;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string used as a hash key (field, member), its hash computed on first use
 * (most made for replies are never hashed).
 */
public final class ByteKey implements Comparable<ByteKey> {
    public final byte[] bytes;
    private int hash;
    private boolean hashed;

    public ByteKey(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ByteKey of(String s) {
        return new ByteKey(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && k.hashCode() == hashCode() && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        if (!hashed) {
            hash = Arrays.hashCode(bytes);
            hashed = true;
        }
        return hash;
    }

    /** Unsigned lexicographic order, as Redis' memcmp. */
    @Override
    public int compareTo(ByteKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Heap bytes of one such key (object headers, array, hash). */
    public static long overhead(int length) {
        return 16 + 16 + ((length + 7) & ~7);
    }
}

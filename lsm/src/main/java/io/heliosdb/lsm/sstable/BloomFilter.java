package io.heliosdb.lsm.sstable;

import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;

/** A bloom filter over user keys (double hashing of one 64-bit hash; ~1% false positives at 10 bits/key). */
final class BloomFilter {
    static final int BITS_PER_KEY = 10;
    private final long[] bits;
    private final int hashes;

    BloomFilter(int keys) {
        int nbits = Math.max(64, keys * BITS_PER_KEY);
        this.bits = new long[(nbits + 63) / 64];
        this.hashes = Math.max(1, (int) Math.round(BITS_PER_KEY * 0.69));
    }

    private BloomFilter(long[] bits, int hashes) {
        this.bits = bits;
        this.hashes = hashes;
    }

    void add(MemorySegment key, long off, int len) {
        probe(key, off, len, true);
    }

    boolean mightContain(MemorySegment key, long off, int len) {
        return probe(key, off, len, false);
    }

    /** Visits the key's bit positions (double hashing); sets them, or tells whether all are set. */
    private boolean probe(MemorySegment key, long off, int len, boolean set) {
        long h = ByteStrings.hash(key, off, len);
        long delta = (h >>> 33) | 1;
        long n = (long) bits.length * 64;
        for (int i = 0; i < hashes; i++) {
            long bit = Long.remainderUnsigned(h, n);
            long mask = 1L << (bit & 63);
            if (set) {
                bits[(int) (bit >>> 6)] |= mask;
            } else if ((bits[(int) (bit >>> 6)] & mask) == 0) {
                return false;
            }
            h += delta;
        }
        return true;
    }

    long[] words() {
        return bits;
    }

    int hashes() {
        return hashes;
    }

    static BloomFilter of(long[] words, int hashes) {
        return new BloomFilter(words, hashes);
    }
}

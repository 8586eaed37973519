package io.heliosdb.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Operations on byte strings held in memory segments: hashing, comparison and the exact number
 * parsing and formatting rules Redis applies to string values. Stateless; allocation-free except
 * where the method name says it makes a Java object.
 */
public final class ByteStrings {
    private static final long M1 = 0xa0761d6478bd642fL;
    private static final long M2 = 0xe7037ed1a0b428dbL;

    private ByteStrings() {}

    /** 64-bit hash of {@code len} bytes (a wyhash-style mix; not for adversarial keys). */
    public static long hash(MemorySegment seg, long off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = mix(h ^ seg.get(NativeMemory.LONG, off + i), M1);
        }
        if (i < len) {
            long tail = 0;
            for (int shift = 0; i < len; i++, shift += 8) {
                tail |= (seg.get(NativeMemory.BYTE, off + i) & 0xFFL) << shift;
            }
            h = mix(h ^ tail, M2);
        }
        return mix(h, M1 ^ M2);
    }

    private static long mix(long a, long b) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b);
        return lo ^ hi;
    }

    public static boolean equals(MemorySegment a, long aOff, int aLen, MemorySegment b, long bOff, int bLen) {
        return aLen == bLen && MemorySegment.mismatch(a, aOff, aOff + aLen, b, bOff, bOff + bLen) < 0;
    }

    /** Lexicographic unsigned comparison, like memcmp followed by length (Redis' sdscmp). */
    public static int compare(MemorySegment a, long aOff, int aLen, MemorySegment b, long bOff, int bLen) {
        // Eight bytes at a time as big-endian words: LSM keys share long prefixes (space, collection
        // version), and this runs for every hop of a memtable insert; mismatch()'s fixed cost dominated.
        int n = Math.min(aLen, bLen);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = a.get(LONG_BE, aOff + i);
            long y = b.get(LONG_BE, bOff + i);
            if (x != y) {
                return Long.compareUnsigned(x, y) < 0 ? -1 : 1;
            }
        }
        for (; i < n; i++) {
            int x = a.get(NativeMemory.BYTE, aOff + i) & 0xFF;
            int y = b.get(NativeMemory.BYTE, bOff + i) & 0xFF;
            if (x != y) {
                return x < y ? -1 : 1;
            }
        }
        return Integer.compare(aLen, bLen);
    }

    private static final ValueLayout.OfLong LONG_BE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** ASCII case-insensitive equality against a lower-case literal. */
    public static boolean equalsIgnoreCase(MemorySegment seg, long off, int len, byte[] lowerAscii) {
        if (len != lowerAscii.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int c = seg.get(NativeMemory.BYTE, off + i);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerAscii[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when the bytes are a decimal 64-bit integer by Redis' string2ll rules: optional '-', no
     * '+', no leading zeros, no spaces, in range.
     */
    public static boolean isLong(MemorySegment seg, long off, int len) {
        if (len == 0 || len > 20) {
            return false;
        }
        int i = 0;
        boolean negative = seg.get(NativeMemory.BYTE, off) == '-';
        if (negative) {
            if (len == 1) {
                return false;
            }
            i = 1;
        }
        byte first = seg.get(NativeMemory.BYTE, off + i);
        if (first == '0') {
            return len == 1;
        }
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long v = 0; // accumulated negatively so that Long.MIN_VALUE fits
        for (; i < len; i++) {
            byte c = seg.get(NativeMemory.BYTE, off + i);
            if (c < '0' || c > '9') {
                return false;
            }
            int d = c - '0';
            if (v < limit / 10 || v * 10 < limit + d) {
                return false;
            }
            v = v * 10 - d;
        }
        return true;
    }

    /** Parses text that {@link #isLong} accepted. */
    public static long parseLong(MemorySegment seg, long off, int len) {
        assert isLong(seg, off, len);
        int i = 0;
        boolean negative = seg.get(NativeMemory.BYTE, off) == '-';
        if (negative) {
            i = 1;
        }
        long v = 0;
        for (; i < len; i++) {
            v = v * 10 - (seg.get(NativeMemory.BYTE, off + i) - '0');
        }
        return negative ? v : -v;
    }

    /** Number of ASCII bytes needed to print {@code v}. */
    public static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        long x = Math.abs(v);
        while (x >= 10) {
            x /= 10;
            n++;
        }
        return n;
    }

    /** Writes {@code v} in decimal at {@code off}; returns bytes written. */
    public static int writeDecimal(MemorySegment seg, long off, long v) {
        int len = decimalLength(v);
        long pos = off + len - 1;
        if (v == Long.MIN_VALUE) {
            seg.set(NativeMemory.BYTE, pos--, (byte) '8');
            v /= 10;
        }
        boolean negative = v < 0;
        long x = Math.abs(v);
        do {
            seg.set(NativeMemory.BYTE, pos--, (byte) ('0' + x % 10));
            x /= 10;
        } while (x != 0);
        if (negative) {
            seg.set(NativeMemory.BYTE, pos, (byte) '-');
        }
        return len;
    }

    /** Makes a Java string (allocates; not for hot paths). */
    public static String toString(MemorySegment seg, long off, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(seg, NativeMemory.BYTE, off, b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Copies bytes out (allocates; not for hot paths). */
    public static byte[] toBytes(MemorySegment seg, long off, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(seg, NativeMemory.BYTE, off, b, 0, len);
        return b;
    }
}

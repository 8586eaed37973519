package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Bit operations on string values (SETBIT, GETBIT, BITCOUNT, BITPOS). Bit 0 is the most significant
 * bit of the first byte, as in Redis. Offsets are validated by the caller (below 2^32 bits).
 */
public final class BitmapOps {
    /** A range was given (else the whole string). */
    public static final int RANGE = 1;
    /** The range counts bits (BIT), not bytes (BYTE, the default). */
    public static final int BIT_UNIT = 2;
    /** BITPOS: the end of the range was given explicitly. */
    public static final int END_GIVEN = 4;

    /** BITOP's operations. */
    public static final int AND = 0, OR = 1, XOR = 2, NOT = 3;

    private BitmapOps() {}

    /** The string's bytes for reading (a copy for INT values, else the stored bytes in place). */
    public record View(MemorySegment seg, long off, int len) {
        public int at(long i) {
            return seg.get(NativeMemory.BYTE, off + i) & 0xFF;
        }
    }

    public static View view(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            byte[] b = Long.toString(ks.longValue(e)).getBytes(StandardCharsets.US_ASCII);
            return new View(MemorySegment.ofArray(b), 0, b.length);
        }
        return new View(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
    }

    /** Grows the string entry {@code e} (zero-filled) to at least {@code bytes}; creates it when NONE. Returns the entry. */
    public static long ensureLength(Keyspace ks, long e, MemorySegment kSeg, long kOff, int kLen, long bytes) {
        if (e == Keyspace.NONE) {
            e = ks.putUninitialized(kSeg, kOff, kLen, ValueType.STRING, ValueEncoding.RAW_MUTABLE, 0, 0);
        }
        int len = StringOps.length(ks, e);
        return ks.resizeRaw(e, (int) Math.max(len, bytes));
    }

    /** SETBIT: the bit's old value to {@code out}; the string grows (or is created) as needed. WRONGTYPE otherwise. */
    public static OpStatus setbit(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long offset, boolean on, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        e = ensureLength(ks, e, kSeg, kOff, kLen, (offset >> 3) + 1);
        MemorySegment s = ks.segment(e);
        long at = ks.valueOffset(e) + (offset >> 3);
        int b = s.get(NativeMemory.BYTE, at) & 0xFF;
        int mask = 1 << (7 - (int) (offset & 7));
        s.set(NativeMemory.BYTE, at, (byte) (on ? b | mask : b & ~mask));
        out.integer((b & mask) != 0 ? 1 : 0);
        return OpStatus.OK;
    }

    /** GETBIT: the bit (0 beyond the end) to {@code out}; NOT_FOUND (nothing written) or WRONGTYPE. */
    public static OpStatus getbit(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long offset, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        View v = view(ks, e);
        long i = offset >> 3;
        out.integer(i < v.len && (v.at(i) & (1 << (7 - (int) (offset & 7)))) != 0 ? 1 : 0);
        return OpStatus.OK;
    }

    /**
     * BITCOUNT over the whole string, or with {@link #RANGE} over {@code start..end} (Redis' index
     * rules; {@link #BIT_UNIT} for bits): the count to {@code out}. NOT_FOUND (nothing written) or
     * WRONGTYPE.
     */
    public static OpStatus bitcount(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                                    long start, long end, int flags, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        View v = view(ks, e);
        long totalBits = (long) v.len * 8;
        long from = 0, to = totalBits - 1;
        if ((flags & RANGE) != 0) {
            boolean bits = (flags & BIT_UNIT) != 0;
            if (start < 0 && end < 0 && start > end) {
                out.integer(0); // Redis checks this before converting negative indexes
                return OpStatus.OK;
            }
            long size = bits ? totalBits : v.len;
            from = clampStart(start, size);
            to = clampEnd(end, size);
            if (from > to) {
                out.integer(0);
                return OpStatus.OK;
            }
            if (!bits) {
                from *= 8;
                to = to * 8 + 7;
            }
        }
        out.integer(countBits(v, from, to));
        return OpStatus.OK;
    }

    /**
     * BITPOS: the position of the first {@code bit} (0 or 1) in the string or, with {@link #RANGE},
     * in {@code start..end}, to {@code out}; -1 when there is none, except that a 0 sought past a
     * run of ones without {@link #END_GIVEN} is found just after the string (it continues with
     * zeros). NOT_FOUND (nothing written) or WRONGTYPE.
     */
    public static OpStatus bitpos(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                                  int bit, long start, long end, int flags, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        View v = view(ks, e);
        boolean bits = (flags & BIT_UNIT) != 0;
        long size = bits ? (long) v.len * 8 : v.len;
        long from = 0, to = size - 1;
        if ((flags & RANGE) != 0) {
            from = clampStart(start, size);
            to = clampEnd(end, size);
        }
        if (from > to) {
            out.integer(-1);
            return OpStatus.OK;
        }
        long first = bits ? from : from * 8;
        long last = bits ? to : to * 8 + 7;
        for (long b = first; b <= last; b++) {
            if (bitAt(v, b) == bit) {
                out.integer(b);
                return OpStatus.OK;
            }
        }
        out.integer(bit == 0 && (flags & END_GIVEN) == 0 && !bits ? last + 1 : -1);
        return OpStatus.OK;
    }

    /** Redis' start index rule for BITCOUNT and BITPOS: negative from the end, then at least 0. */
    private static long clampStart(long start, long size) {
        return Math.max(0, start < 0 ? start + size : start);
    }

    /** The end index rule: negative from the end, then within 0..size-1. */
    private static long clampEnd(long end, long size) {
        return Math.min(Math.max(0, end < 0 ? end + size : end), size - 1);
    }

    /** The number of set bits from {@code startBit} to {@code endBit} inclusive. */
    public static long countBits(View v, long startBit, long endBit) {
        long count = 0;
        long bit = startBit;
        while (bit <= endBit && (bit & 7) != 0) {
            count += bitAt(v, bit++);
        }
        long lastFull = (endBit + 1) >> 3; // exclusive
        long i = bit >> 3;
        for (; i + 8 <= lastFull; i += 8) {
            count += Long.bitCount(v.seg.get(ValueLayout.JAVA_LONG_UNALIGNED, v.off + i));
        }
        for (; i < lastFull; i++) {
            count += Integer.bitCount(v.at(i));
        }
        for (bit = Math.max(bit, lastFull * 8); bit <= endBit; bit++) {
            count += bitAt(v, bit);
        }
        return count;
    }

    private static int bitAt(View v, long bit) {
        return (v.at(bit >> 3) >> (7 - (int) (bit & 7))) & 1;
    }

    /**
     * BITOP's computation over the source values (null for a missing key, which reads as zeros): a
     * result as long as the longest source. NOT takes one source.
     */
    public static byte[] bitop(int op, byte[][] sources) {
        int max = 0;
        for (byte[] v : sources) {
            max = v == null ? max : Math.max(max, v.length);
        }
        byte[] out = new byte[max];
        for (int i = 0; i < max; i++) {
            int acc = byteOf(sources[0], i);
            for (int k = 1; k < sources.length; k++) {
                int b = byteOf(sources[k], i);
                acc = op == AND ? acc & b : op == OR ? acc | b : acc ^ b;
            }
            out[i] = (byte) (op == NOT ? ~acc : acc);
        }
        return out;
    }

    /**
     * BITOP: {@link #bitop} over gathered sources ({@link KeySources}: null = missing, reading as
     * zeros) stored at the key as a raw string, replacing it (deleting it when the result is empty);
     * the result's length to {@code out}. WRONGTYPE (nothing stored) when a source is not a string.
     */
    public static OpStatus bitopStore(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, int op, Object[] sources, ValueSink out) {
        byte[][] values = new byte[sources.length][];
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == KeySources.WRONG_TYPE) {
                return OpStatus.WRONGTYPE;
            }
            values[i] = (byte[]) sources[i];
        }
        byte[] result = bitop(op, values);
        KeySources.storeString(ks, kSeg, kOff, kLen, result.length == 0 ? null : result, false);
        out.integer(result.length);
        return OpStatus.OK;
    }

    private static int byteOf(byte[] v, int i) {
        return v != null && i < v.length ? v[i] & 0xFF : 0;
    }
}

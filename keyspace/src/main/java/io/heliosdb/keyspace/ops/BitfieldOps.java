package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** BITFIELD: integers of 1..64 bits at any bit offset of a string, with Redis' overflow rules. */
public final class BitfieldOps {
    public static final int GET = 0, SET = 1, INCRBY = 2;
    public static final int WRAP = 0, SAT = 1, FAIL = 2;
    private static final BitmapOps.View EMPTY = new BitmapOps.View(MemorySegment.ofArray(new byte[0]), 0, 0);

    /**
     * One subcommand, validated: {@code kind} GET, SET or INCRBY, a signed or unsigned type of
     * {@code bits} bits at bit {@code offset}, the value or increment, and the OVERFLOW mode in force.
     */
    public record Step(int kind, boolean signed, int bits, long offset, long value, int overflow) {}

    private BitfieldOps() {}

    /**
     * Runs {@code steps} in order: an array of one reply each to {@code out} (the value read, SET's
     * old value, INCRBY's new one, or nullBulk when FAIL refused a write). A call with a SET or
     * INCRBY creates or grows the string as needed. WRONGTYPE, nothing written.
     */
    public static OpStatus run(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, List<Step> steps, ValueSink out) {
        boolean writes = false;
        long maxByte = 0;
        for (Step st : steps) {
            if (st.kind != GET) {
                writes = true;
                maxByte = Math.max(maxByte, ((st.offset + st.bits - 1) >> 3) + 1);
            }
        }
        long e = writes ? ks.find(kSeg, kOff, kLen) : reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        if (writes) {
            e = BitmapOps.ensureLength(ks, e, kSeg, kOff, kLen, maxByte);
        }
        out.array(steps.size());
        for (Step st : steps) {
            BitmapOps.View v = e == Keyspace.NONE ? EMPTY : BitmapOps.view(ks, e);
            long raw = read(v, st.offset, st.bits);
            long old = st.signed ? signExtend(raw, st.bits) : raw;
            if (st.kind == GET) {
                out.integer(old);
                continue;
            }
            long from = st.kind == SET ? st.value : old, incr = st.kind == SET ? 0 : st.value;
            long[] result = st.signed ? signedOverflow(from, incr, st.bits, st.overflow) : unsignedOverflow(from, incr, st.bits, st.overflow);
            if (result == null) {
                out.nullBulk(); // FAIL: nothing written
                continue;
            }
            write(ks.segment(e), ks.valueOffset(e), st.offset, st.bits, result[0]);
            out.integer(st.kind == SET ? old : result[0]);
        }
        return OpStatus.OK;
    }

    private static long read(BitmapOps.View v, long offset, int bits) {
        long r = 0;
        for (int i = 0; i < bits; i++) {
            long bit = offset + i;
            long byteIndex = bit >> 3;
            int b = byteIndex < v.len() ? v.at(byteIndex) : 0;
            r = (r << 1) | ((b >> (7 - (int) (bit & 7))) & 1);
        }
        return r;
    }

    private static void write(MemorySegment s, long base, long offset, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            long bit = offset + i;
            long at = base + (bit >> 3);
            int mask = 1 << (7 - (int) (bit & 7));
            int b = s.get(NativeMemory.BYTE, at) & 0xFF;
            boolean on = ((value >>> (bits - 1 - i)) & 1) != 0;
            s.set(NativeMemory.BYTE, at, (byte) (on ? b | mask : b & ~mask));
        }
    }

    private static long signExtend(long v, int bits) {
        return bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
    }

    /** Redis' checkUnsignedBitfieldOverflow; returns {new value}, or null for FAIL on overflow. */
    private static long[] unsignedOverflow(long value, long incr, int bits, int how) {
        long max = (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        boolean up = Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr);
        boolean down = !up && incr < 0 && incr < minIncr;
        if (!up && !down) {
            return new long[]{value + incr};
        }
        return switch (how) {
            case FAIL -> null;
            case SAT -> new long[]{up ? max : 0};
            default -> new long[]{(value + incr) & max};
        };
    }

    /** Redis' checkSignedBitfieldOverflow. */
    private static long[] signedOverflow(long value, long incr, int bits, int how) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        boolean up = value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr);
        boolean down = !up && (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr));
        if (!up && !down) {
            return new long[]{value + incr};
        }
        return switch (how) {
            case FAIL -> null;
            case SAT -> new long[]{up ? max : min};
            default -> {
                long c = value + incr;
                if (bits < 64) {
                    long msb = 1L << (bits - 1);
                    long mask = -1L << bits;
                    c = (c & msb) != 0 ? c | mask : c & ~mask;
                }
                yield new long[]{c};
            }
        };
    }
}

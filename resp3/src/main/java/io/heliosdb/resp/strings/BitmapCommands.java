package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** Bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. */
public final class BitmapCommands {
    private static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    private static final byte[] BYTE = "byte".getBytes();
    private static final byte[] BIT = "bit".getBytes();

    private BitmapCommands() {}

    public static void register(CommandTable t) {
        t.register("setbit", Routing.KEYS, BitmapCommands::setbit);
        t.register("getbit", Routing.KEYS, BitmapCommands::getbit);
        t.register("bitcount", Routing.KEYS, BitmapCommands::bitcount);
        t.register("bitpos", Routing.KEYS, BitmapCommands::bitpos);
        t.register("bitop", Routing.KEYS, new BitOp());
        t.register("bitfield", Routing.KEYS, ctx -> BitField.run(ctx, false));
        t.register("bitfield_ro", Routing.KEYS, ctx -> BitField.run(ctx, true));
    }

    /** The entry of a string key for writing in place (INT values become raw), or NONE; -1 after WRONGTYPE. */
    static long writable(CommandContext ctx, Keyspace ks, int arg) {
        long e = ctx.lookupWrite(ks, arg);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return -1;
        }
        return e;
    }

    /** Grows the string (zero-filled) to at least {@code bytes}; creates it when absent. */
    static long ensureLength(CommandContext ctx, Keyspace ks, long e, int arg, long bytes) {
        Args a = ctx.args();
        if (e == Keyspace.NONE) {
            e = ks.putUninitialized(a.segment(), a.offset(arg), a.length(arg), ValueType.STRING, ValueEncoding.RAW_MUTABLE, 0, 0);
        }
        int len = StringValues.length(ks, e);
        return ks.resizeRaw(e, (int) Math.max(len, bytes));
    }

    /** A bit offset in Redis' range (below 2^32 bits = 512 MB); -1 when invalid. */
    static long bitOffset(Args a, int i) {
        if (!a.isLong(i)) {
            return -1;
        }
        long v = a.parseLong(i);
        return v < 0 || (v >> 3) >= 512L * 1024 * 1024 ? -1 : v;
    }

    static void setbit(CommandContext ctx) {
        Args a = ctx.args();
        long offset = bitOffset(a, 2);
        if (offset < 0) {
            ctx.out().error(BIT_OFFSET);
            return;
        }
        if (!(a.length(3) == 1 && (a.segment().get(NativeMemory.BYTE, a.offset(3)) == '0' || a.segment().get(NativeMemory.BYTE, a.offset(3)) == '1'))) {
            ctx.out().error("ERR bit is not an integer or out of range");
            return;
        }
        boolean on = a.segment().get(NativeMemory.BYTE, a.offset(3)) == '1';
        Keyspace ks = ctx.db();
        long e = writable(ctx, ks, 1);
        if (e < 0) {
            return;
        }
        e = ensureLength(ctx, ks, e, 1, (offset >> 3) + 1);
        MemorySegment s = ks.segment(e);
        long at = ks.valueOffset(e) + (offset >> 3);
        int b = s.get(NativeMemory.BYTE, at) & 0xFF;
        int mask = 1 << (7 - (int) (offset & 7));
        int old = (b & mask) != 0 ? 1 : 0;
        s.set(NativeMemory.BYTE, at, (byte) (on ? b | mask : b & ~mask));
        ctx.out().integer(old);
    }

    /** The string's bytes for reading (a copy for INT values, else the stored bytes in place). */
    record View(MemorySegment seg, long off, int len) {
        int at(long i) {
            return seg.get(NativeMemory.BYTE, off + i) & 0xFF;
        }
    }

    static View view(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            byte[] b = Long.toString(ks.longValue(e)).getBytes();
            return new View(MemorySegment.ofArray(b), 0, b.length);
        }
        return new View(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
    }

    /** The entry of a string read, NONE when absent, -1 after WRONGTYPE. */
    static long readable(CommandContext ctx, Keyspace ks, int arg) {
        long e = ctx.lookupRead(ks, arg);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return -1;
        }
        return e;
    }

    static void getbit(CommandContext ctx) {
        Args a = ctx.args();
        long offset = bitOffset(a, 2);
        if (offset < 0) {
            ctx.out().error(BIT_OFFSET);
            return;
        }
        Keyspace ks = ctx.db();
        long e = readable(ctx, ks, 1);
        if (e < 0) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        View v = view(ks, e);
        long i = offset >> 3;
        ctx.out().integer(i < v.len && (v.at(i) & (1 << (7 - (int) (offset & 7)))) != 0 ? 1 : 0);
    }

    /** Parses "start end [BYTE|BIT]" at {@code i}; returns {start, end, isBit} or null after an error reply. */
    private static long[] range(CommandContext ctx, int i) {
        return range(ctx, i, false);
    }

    /** {@code unitBeforeEnd}: BITPOS checks BYTE|BIT before it reads the end (BITCOUNT reads both numbers first). */
    private static long[] range(CommandContext ctx, int i, boolean unitBeforeEnd) {
        Args a = ctx.args();
        if (unitBeforeEnd && a.isLong(i) && i + 2 < a.count() && !a.is(i + 2, BIT) && !a.is(i + 2, BYTE)) {
            ctx.out().error(Errors.SYNTAX);
            return null;
        }
        if (!a.isLong(i) || (i + 1 < a.count() && !a.isLong(i + 1))) {
            ctx.out().error(Errors.NOT_INTEGER);
            return null;
        }
        long start = a.parseLong(i);
        long end = i + 1 < a.count() ? a.parseLong(i + 1) : Long.MAX_VALUE;
        long isBit = 0;
        if (!unitBeforeEnd && start < 0 && end < 0 && start > end) {
            return new long[]{start, end, 0}; // BITCOUNT answers 0 for this range before it reads BYTE|BIT
        }
        if (i + 2 < a.count()) {
            if (a.is(i + 2, BIT)) {
                isBit = 1;
            } else if (!a.is(i + 2, BYTE) || i + 3 < a.count()) {
                ctx.out().error(Errors.SYNTAX);
                return null;
            }
        }
        return new long[]{start, end, isBit};
    }

    static void bitcount(CommandContext ctx) {
        Args a = ctx.args();
        long[] r = null;
        Keyspace ks = ctx.db();
        long e = readable(ctx, ks, 1); // Redis: the key first (a missing one counts 0 whatever follows), then the range
        if (e < 0) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        if (a.count() >= 4 && a.count() <= 5 && (r = range(ctx, 2)) == null) {
            return;
        }
        if (a.count() == 3 || a.count() > 5) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        View v = view(ks, e);
        long totalBits = (long) v.len * 8;
        long start = 0, end = totalBits - 1;
        boolean bits = r != null && r[2] == 1;
        if (r != null) {
            long size = bits ? totalBits : v.len;
            if (r[0] < 0 && r[1] < 0 && r[0] > r[1]) {
                ctx.out().integer(0); // Redis checks this before converting negative indexes
                return;
            }
            long[] n = normalize(r[0], r[1], size);
            start = n[0];
            end = n[1];
            if (start > end) {
                ctx.out().integer(0);
                return;
            }
            if (!bits) {
                start *= 8;
                end = end * 8 + 7;
            }
        }
        ctx.out().integer(countBits(v, start, end));
    }

    /** Redis' start/end rules for BITCOUNT and BITPOS (negative from the end, then clamped). */
    private static long[] normalize(long start, long end, long size) {
        if (start < 0) {
            start += size;
        }
        if (end < 0) {
            end += size;
        }
        start = Math.max(0, start);
        end = Math.max(0, end);
        end = Math.min(end, size - 1);
        return new long[]{start, end};
    }

    static long countBits(View v, long startBit, long endBit) {
        long count = 0;
        long bit = startBit;
        while (bit <= endBit && (bit & 7) != 0) {
            count += bitAt(v, bit++);
        }
        long firstByte = bit >> 3;
        long lastFull = (endBit + 1) >> 3; // exclusive
        long i = firstByte;
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

    static void bitpos(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long want = a.parseLong(2);
        if (want != 0 && want != 1) {
            ctx.out().error("ERR The bit argument must be 1 or 0.");
            return;
        }
        long[] r = null;
        boolean endGiven = a.count() >= 5;
        Keyspace ks = ctx.db();
        long e = readable(ctx, ks, 1); // Redis: the bit, the key, then the range
        if (e < 0) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(want == 1 ? -1 : 0);
            return;
        }
        if (a.count() >= 4 && a.count() <= 6 && (r = range(ctx, 3, true)) == null) {
            return;
        }
        if (a.count() > 6) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        View v = view(ks, e);
        boolean bits = r != null && r[2] == 1;
        long size = bits ? (long) v.len * 8 : v.len;
        long start = 0, end = size - 1;
        if (r != null) {
            long[] n = normalize(r[0], r[1], size);
            start = n[0];
            end = n[1];
        }
        if (start > end) {
            ctx.out().integer(-1);
            return;
        }
        long from = bits ? start : start * 8;
        long to = bits ? end : end * 8 + 7;
        for (long b = from; b <= to; b++) {
            if (bitAt(v, b) == want) {
                ctx.out().integer(b);
                return;
            }
        }
        // Looking for a 0 past a string of ones without an explicit end: the string continues with zeros.
        ctx.out().integer(want == 0 && !endGiven && !bits ? to + 1 : -1);
    }

    /** BITOP AND|OR|XOR|NOT destkey key [key ...]. */
    static final class BitOp extends KeyGather {
        @Override
        protected int[] sources(Args a) {
            int[] s = new int[a.count() - 3];
            for (int i = 0; i < s.length; i++) {
                s[i] = 3 + i;
            }
            return s;
        }

        @Override
        protected int destination(Args a) {
            return 2;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.STRING;
        }

        @Override
        protected Outcome compute(Args a, Object[] values) {
            String op = a.lower(1);
            if (!List.of("and", "or", "xor", "not").contains(op)) {
                return Outcome.error(Errors.SYNTAX);
            }
            if (op.equals("not") && values.length != 1) {
                return Outcome.error("ERR BITOP NOT must be called with a single source key.");
            }
            int max = 0;
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
                if (v != null) {
                    max = Math.max(max, ((byte[]) v).length);
                }
            }
            byte[] out = new byte[max];
            for (int i = 0; i < max; i++) {
                int acc = byteOf(values[0], i);
                switch (op) {
                    case "not" -> acc = ~acc;
                    case "and" -> {
                        for (int k = 1; k < values.length; k++) {
                            acc &= byteOf(values[k], i);
                        }
                    }
                    case "or" -> {
                        for (int k = 1; k < values.length; k++) {
                            acc |= byteOf(values[k], i);
                        }
                    }
                    default -> {
                        for (int k = 1; k < values.length; k++) {
                            acc ^= byteOf(values[k], i);
                        }
                    }
                }
                out[i] = (byte) acc;
            }
            int n = max;
            return Outcome.string(w -> w.integer(n), max == 0 ? null : out);
        }

        private static int byteOf(Object v, int i) {
            byte[] b = (byte[]) v;
            return b != null && i < b.length ? b[i] & 0xFF : 0;
        }
    }
}

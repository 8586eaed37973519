package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.BitmapOps;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** BITFIELD and BITFIELD_RO: integers of 1..64 bits at any bit offset, with Redis' overflow rules. */
final class BitField {
    private static final String BAD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    private static final int WRAP = 0, SAT = 1, FAIL = 2;

    private record Op(int kind, boolean signed, int bits, long offset, long value, int overflow) {} // kind 0 get, 1 set, 2 incrby

    private BitField() {}

    static void run(CommandContext ctx, boolean readOnly) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        List<Op> ops = new ArrayList<>();
        int overflow = WRAP;
        boolean writes = false;
        // Redis limits bit offsets by proto-max-bulk-len; values here are at most 2 GiB long.
        long maxBytes = Math.min(ctx.server().protoMaxBulkLen(), Integer.MAX_VALUE - 16);
        for (int i = 2; i < a.count(); ) {
            String sub = a.lower(i);
            int args = switch (sub) {
                case "get" -> 2;
                case "set", "incrby" -> 3;
                case "overflow" -> 1;
                default -> -1;
            };
            if (args < 0 || i + args >= a.count()) {
                out.error(Errors.SYNTAX);
                return;
            }
            if (sub.equals("overflow")) {
                switch (a.lower(i + 1)) {
                    case "wrap" -> overflow = WRAP;
                    case "sat" -> overflow = SAT;
                    case "fail" -> overflow = FAIL;
                    default -> {
                        out.error("ERR Invalid OVERFLOW type specified");
                        return;
                    }
                }
                i += 2;
                continue;
            }
            // getBitfieldTypeFromArgument: a lowercase i or u, then string2ll digits
            int tl = a.length(i + 1);
            byte t0 = tl == 0 ? 0 : a.segment().get(NativeMemory.BYTE, a.offset(i + 1));
            boolean signed = t0 == 'i';
            if ((!signed && t0 != 'u') || !ByteStrings.isLong(a.segment(), a.offset(i + 1) + 1, tl - 1)) {
                out.error(BAD_TYPE);
                return;
            }
            long bits = ByteStrings.parseLong(a.segment(), a.offset(i + 1) + 1, tl - 1);
            if (bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
                out.error(BAD_TYPE);
                return;
            }
            // Redis' getBitOffsetFromArgument: string2ll rules, "#n" counts in units of the type
            // (the product wraps as in C), then the offset alone is checked against the limit.
            boolean scaled = a.length(i + 2) > 0 && a.segment().get(NativeMemory.BYTE, a.offset(i + 2)) == '#';
            int skip = scaled ? 1 : 0;
            if (!ByteStrings.isLong(a.segment(), a.offset(i + 2) + skip, a.length(i + 2) - skip)) {
                out.error("ERR bit offset is not an integer or out of range");
                return;
            }
            long offset = ByteStrings.parseLong(a.segment(), a.offset(i + 2) + skip, a.length(i + 2) - skip);
            if (scaled) {
                offset *= bits;
            }
            if (offset < 0 || (offset >> 3) >= maxBytes) {
                out.error("ERR bit offset is not an integer or out of range");
                return;
            }
            long value = 0;
            if (args == 3) {
                if (!a.isLong(i + 3)) {
                    out.error(Errors.NOT_INTEGER);
                    return;
                }
                value = a.parseLong(i + 3);
                writes = true;
            }
            ops.add(new Op(sub.equals("get") ? 0 : sub.equals("set") ? 1 : 2, signed, (int) bits, offset, value, overflow));
            i += args + 1;
        }
        if (readOnly && writes) {
            out.error("ERR BITFIELD_RO only supports the GET subcommand"); // after parsing everything, as Redis
            return;
        }
        Keyspace ks = ctx.db();
        long e = writes ? BitmapCommands.writable(ctx, ks, 1) : BitmapCommands.readable(ctx, ks, 1);
        if (e < 0) {
            return;
        }
        if (writes) {
            long maxByte = 0;
            for (Op op : ops) {
                if (op.kind != 0) {
                    maxByte = Math.max(maxByte, ((op.offset + op.bits - 1) >> 3) + 1);
                }
            }
            e = BitmapCommands.ensureLength(ctx, ks, e, 1, maxByte);
        }
        out.array(ops.size());
        for (Op op : ops) {
            BitmapOps.View v = e == Keyspace.NONE ? new BitmapOps.View(MemorySegment.ofArray(new byte[0]), 0, 0) : BitmapOps.view(ks, e);
            long raw = read(v, op.offset, op.bits);
            long old = op.signed ? signExtend(raw, op.bits) : raw;
            if (op.kind == 0) {
                out.integer(old);
                continue;
            }
            long[] result = op.signed ? signedOverflow(op.kind == 1 ? op.value : old, op.kind == 1 ? 0 : op.value, op.bits, op.overflow)
                    : unsignedOverflow(op.kind == 1 ? op.value : old, op.kind == 1 ? 0 : op.value, op.bits, op.overflow);
            if (result == null) {
                out.nullBulk(); // FAIL: nothing written
                continue;
            }
            write(ks.segment(e), ks.valueOffset(e), op.offset, op.bits, result[0]);
            out.integer(op.kind == 1 ? old : result[0]);
        }
    }

    static long read(BitmapOps.View v, long offset, int bits) {
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

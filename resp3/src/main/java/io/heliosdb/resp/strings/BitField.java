package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.ops.BitfieldOps;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.StatusErrors;
import java.util.ArrayList;
import java.util.List;

/** BITFIELD and BITFIELD_RO: integers of 1..64 bits at any bit offset, with Redis' overflow rules. */
final class BitField {
    private static final String BAD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
    private static final int WRAP = BitfieldOps.WRAP, SAT = BitfieldOps.SAT, FAIL = BitfieldOps.FAIL;

    private BitField() {}

    static void run(CommandContext ctx, boolean readOnly) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        List<BitfieldOps.Step> ops = new ArrayList<>();
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
            ops.add(new BitfieldOps.Step(sub.equals("get") ? BitfieldOps.GET : sub.equals("set") ? BitfieldOps.SET : BitfieldOps.INCRBY, signed, (int) bits, offset, value, overflow));
            i += args + 1;
        }
        if (readOnly && writes) {
            out.error("ERR BITFIELD_RO only supports the GET subcommand"); // after parsing everything, as Redis
            return;
        }
        OpStatus s = BitfieldOps.run(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ops, out);
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }
}

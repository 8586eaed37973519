package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.ops.BitmapOps;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import io.heliosdb.resp.engine.ServerContext;

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
        OpStatus s = BitmapOps.setbit(ctx.db(), a.segment(), a.offset(1), a.length(1), offset, on, ctx.out());
        if (s != OpStatus.OK) {
            ctx.out().error(StatusErrors.text(s));
        }
    }

    static void getbit(CommandContext ctx) {
        Args a = ctx.args();
        long offset = bitOffset(a, 2);
        if (offset < 0) {
            ctx.out().error(BIT_OFFSET);
            return;
        }
        OpStatus s = BitmapOps.getbit(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), offset, ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().integer(0);
        } else if (s != OpStatus.OK) {
            ctx.out().error(StatusErrors.text(s));
        }
    }

    /**
     * Redis' error for "start end [BYTE|BIT]" at {@code i}, or null when it is valid. Not replied at
     * once: Redis reads the key first, and a missing key answers whatever the range says.
     * {@code unitBeforeEnd}: BITPOS checks BYTE|BIT before it reads the end (BITCOUNT reads both numbers first).
     */
    private static String rangeError(Args a, int i, boolean unitBeforeEnd) {
        if (unitBeforeEnd && a.isLong(i) && i + 2 < a.count() && !a.is(i + 2, BIT) && !a.is(i + 2, BYTE)) {
            return Errors.SYNTAX;
        }
        if (!a.isLong(i) || (i + 1 < a.count() && !a.isLong(i + 1))) {
            return Errors.NOT_INTEGER;
        }
        long start = a.parseLong(i);
        long end = i + 1 < a.count() ? a.parseLong(i + 1) : Long.MAX_VALUE;
        if (!unitBeforeEnd && start < 0 && end < 0 && start > end) {
            return null; // BITCOUNT answers 0 for this range before it reads BYTE|BIT
        }
        if (i + 2 < a.count() && !a.is(i + 2, BIT) && (!a.is(i + 2, BYTE) || i + 3 < a.count())) {
            return Errors.SYNTAX;
        }
        return null;
    }

    /** The flags of a valid range at {@code i}: RANGE, with BIT_UNIT when its unit is BIT. */
    private static int rangeFlags(Args a, int i) {
        return BitmapOps.RANGE | (i + 2 < a.count() && a.is(i + 2, BIT) ? BitmapOps.BIT_UNIT : 0);
    }

    /**
     * Replies for a command whose arguments after the key are invalid: Redis still looks the key up
     * first, so a missing key answers {@code missing}, another type WRONGTYPE, a string the error.
     */
    private static void errorAfterKey(CommandContext ctx, String error, long missing) {
        Args a = ctx.args();
        OpStatus s = StringOps.check(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().integer(missing);
        } else {
            ctx.out().error(s == OpStatus.OK ? error : StatusErrors.text(s));
        }
    }

    static void bitcount(CommandContext ctx) {
        Args a = ctx.args();
        String error = null;
        int flags = 0;
        long start = 0, end = 0;
        if (a.count() >= 4 && a.count() <= 5) {
            error = rangeError(a, 2, false);
            flags = rangeFlags(a, 2);
            start = a.isLong(2) ? a.parseLong(2) : 0;
            end = a.isLong(3) ? a.parseLong(3) : 0;
        } else if (a.count() == 3 || a.count() > 5) {
            error = Errors.SYNTAX;
        }
        if (error != null) {
            errorAfterKey(ctx, error, 0);
            return;
        }
        OpStatus s = BitmapOps.bitcount(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), start, end, flags, ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().integer(0);
        } else if (s != OpStatus.OK) {
            ctx.out().error(StatusErrors.text(s));
        }
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
        // Redis: the bit, the key, then the range
        String error = null;
        int flags = 0;
        long start = 0, end = 0;
        if (a.count() >= 4 && a.count() <= 6) {
            error = rangeError(a, 3, true);
            flags = rangeFlags(a, 3) | (a.count() >= 5 ? BitmapOps.END_GIVEN : 0);
            start = a.isLong(3) ? a.parseLong(3) : 0;
            end = a.count() >= 5 ? (a.isLong(4) ? a.parseLong(4) : 0) : Long.MAX_VALUE;
        } else if (a.count() > 6) {
            error = Errors.SYNTAX;
        }
        if (error != null) {
            errorAfterKey(ctx, error, want == 1 ? -1 : 0);
            return;
        }
        OpStatus s = BitmapOps.bitpos(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), (int) want, start, end, flags, ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().integer(want == 1 ? -1 : 0);
        } else if (s != OpStatus.OK) {
            ctx.out().error(StatusErrors.text(s));
        }
    }

    /** BITOP AND|OR|XOR|NOT destkey key [key ...]: the parsed operation, run by {@link BitmapOps#bitopStore} on the destination's shard. */
    static final class BitOp extends KeyGather {
        private static final byte[] AND = "and".getBytes(), OR = "or".getBytes(), XOR = "xor".getBytes(), NOT = "not".getBytes();

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
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            int op = operation(a);
            if (op < 0) {
                return Outcome.error(Errors.SYNTAX);
            }
            if (op == BitmapOps.NOT && values.length != 1) {
                return Outcome.error("ERR BITOP NOT must be called with a single source key.");
            }
            return Outcome.storing((ks, seg, off, len, out) -> BitmapOps.bitopStore(ks, seg, off, len, op, values, out));
        }

        /** BITOP's operation word (any case) as a BitmapOps code, or -1. */
        private static int operation(Args a) {
            if (a.is(1, AND)) {
                return BitmapOps.AND;
            }
            if (a.is(1, OR)) {
                return BitmapOps.OR;
            }
            if (a.is(1, XOR)) {
                return BitmapOps.XOR;
            }
            return a.is(1, NOT) ? BitmapOps.NOT : -1;
        }
    }
}

package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** The string family: GET/SET and friends, counters, ranges. Each handler runs on the key's shard. */
public final class StringCommands {
    private static final byte[] PERSIST = {'p', 'e', 'r', 's', 'i', 's', 't'};

    private StringCommands() {}

    public static void register(CommandTable t) {
        t.register("get", Routing.KEYS, StringCommands::get);
        t.register("set", Routing.KEYS, new SetCommand());
        t.register("getset", Routing.KEYS, StringCommands::getset);
        t.register("getdel", Routing.KEYS, StringCommands::getdel);
        t.register("getex", Routing.KEYS, StringCommands::getex);
        t.register("setnx", Routing.KEYS, StringCommands::setnx);
        t.register("setex", Routing.KEYS, ctx -> setWithTtl(ctx, 1000, "setex"));
        t.register("psetex", Routing.KEYS, ctx -> setWithTtl(ctx, 1, "psetex"));
        t.register("incr", Routing.KEYS, ctx -> incrBy(ctx, 1));
        t.register("decr", Routing.KEYS, ctx -> incrBy(ctx, -1));
        t.register("incrby", Routing.KEYS, ctx -> incrByArg(ctx, false));
        t.register("decrby", Routing.KEYS, ctx -> incrByArg(ctx, true));
        t.register("incrbyfloat", Routing.KEYS, StringCommands::incrbyfloat);
        t.register("append", Routing.KEYS, StringCommands::append);
        t.register("strlen", Routing.KEYS, StringCommands::strlen);
        t.register("getrange", Routing.KEYS, StringCommands::getrange);
        t.register("substr", Routing.KEYS, StringCommands::getrange);
        t.register("setrange", Routing.KEYS, StringCommands::setrange);
        t.register("lcs", Routing.KEYS, new LcsCommand());
        MultiKeyStringCommands.register(t);
        BitmapCommands.register(t);
    }

    /** The entry for a read of a string key, or NONE; writes WRONGTYPE and returns -1 otherwise. */
    static long readString(CommandContext ctx, Keyspace ks, int arg) {
        long e = ctx.lookupRead(ks, arg);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return -1;
        }
        return e;
    }

    static void get(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = StringOps.get(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    static void getset(CommandContext ctx) {
        Keyspace ks = ctx.db();
        Args a = ctx.args();
        long e = readString(ctx, ks, 1);
        if (e < 0) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
        } else {
            StringValues.reply(ks, e, ctx.out());
        }
        StringValues.store(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), 0);
    }

    static void getdel(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = readString(ctx, ks, 1);
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
        } else if (e > 0) {
            StringValues.reply(ks, e, ctx.out());
            ks.deleteEntry(e);
        }
    }

    static void getex(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        int expireOption = -1;
        boolean persist = false;
        for (int i = 2; i < a.count(); i++) {
            boolean hasNext = i + 1 < a.count();
            if (Expiry.isOption(a, i) && hasNext && Expiry.mayFollow(a, i, expireOption) && !persist) {
                expireOption = i++;
            } else if (a.is(i, PERSIST) && expireOption < 0) {
                persist = true;
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        // Redis looks the key up before it validates the expiry value.
        Keyspace ks = ctx.db();
        long e = readString(ctx, ks, 1);
        if (e == Keyspace.NONE) {
            out.nullBulk();
            return;
        }
        if (e < 0) {
            return;
        }
        long now = ctx.now();
        long expireAt = 0;
        if (expireOption > 0 && (expireAt = Expiry.resolve(ctx, expireOption, now)) == Expiry.REPLIED) {
            return;
        }
        StringValues.reply(ks, e, out);
        if (persist) {
            ks.setExpireAt(e, 0);
        } else if (expireOption > 0) {
            if (expireAt <= now) {
                ks.deleteEntry(e);
            } else {
                ks.setExpireAt(e, expireAt);
            }
        }
    }

    static void setnx(CommandContext ctx) {
        Keyspace ks = ctx.db();
        Args a = ctx.args();
        if (ctx.lookupWrite(ks, 1) != Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        StringValues.store(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), 0);
        ctx.out().integer(1);
    }

    static void setWithTtl(CommandContext ctx, long unit, String name) {
        Args a = ctx.args();
        long now = ctx.now();
        long at = Expiry.toAbsolute(a, 2, unit, false, now, false);
        if (at == Expiry.NOT_INTEGER) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        if (at == Expiry.INVALID) {
            ctx.out().error(Errors.invalidExpire(name));
            return;
        }
        StringValues.store(ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(3), a.length(3), at);
        ctx.out().ok();
    }

    static void incrByArg(CommandContext ctx, boolean negate) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long by = a.parseLong(2);
        if (negate) {
            if (by == Long.MIN_VALUE) {
                ctx.out().error("ERR decrement would overflow");
                return;
            }
            by = -by;
        }
        incrBy(ctx, by);
    }

    static void incrBy(CommandContext ctx, long by) {
        Keyspace ks = ctx.db();
        Args a = ctx.args();
        long e = ctx.lookupWrite(ks, 1);
        long current = 0;
        if (e != Keyspace.NONE) {
            if (ks.type(e) != ValueType.STRING) {
                ctx.out().error(Errors.WRONGTYPE);
                return;
            }
            if (ks.encoding(e) == ValueEncoding.INT) {
                current = ks.longValue(e);
            } else if (ByteStrings.isLong(ks.segment(e), ks.valueOffset(e), ks.valueLength(e))) {
                current = ByteStrings.parseLong(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
            } else {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
        }
        long result = current + by;
        if (((current ^ result) & (by ^ result)) < 0) {
            ctx.out().error(Errors.OVERFLOW);
            return;
        }
        if (e != Keyspace.NONE && ks.encoding(e) == ValueEncoding.INT) {
            ks.setLong(e, result); // in place: same entry, same TTL, no second lookup
        } else {
            ks.putLong(a.segment(), a.offset(1), a.length(1), result, Keyspace.KEEP_TTL);
        }
        ctx.out().integer(result);
    }

    static void incrbyfloat(CommandContext ctx) {
        Keyspace ks = ctx.db();
        Args a = ctx.args();
        // Redis: the key's type, its value, then the increment
        long e = ctx.lookupWrite(ks, 1);
        BigDecimal current = BigDecimal.ZERO;
        boolean infinite = false;
        if (e != Keyspace.NONE) {
            if (ks.type(e) != ValueType.STRING) {
                ctx.out().error(Errors.WRONGTYPE);
                return;
            }
            current = ks.encoding(e) == ValueEncoding.INT ? BigDecimal.valueOf(ks.longValue(e))
                    : parseDecimal(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
            if (current == null) {
                ctx.out().error(Errors.NOT_FLOAT);
                return;
            }
            infinite = current == INFINITY;
        }
        BigDecimal by = parseDecimal(a.segment(), a.offset(2), a.length(2));
        if (by == null) {
            ctx.out().error(Errors.NOT_FLOAT);
            return;
        }
        infinite |= by == INFINITY;
        BigDecimal sum = infinite ? null : LongDoubleArithmetic.add(current, by);
        if (sum == null) {
            ctx.out().error(Errors.INCR_NAN);
            return;
        }
        String text = LongDoubleArithmetic.format(sum);
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment v = MemorySegment.ofArray(b);
        ks.putBytes(a.segment(), a.offset(1), a.length(1), v, 0, b.length, Keyspace.KEEP_TTL);
        ctx.out().bulk(b);
    }

    /** Stands for an infinite long double (strtold accepts "inf"; the sum is then refused). */
    private static final BigDecimal INFINITY = new BigDecimal("1e999999");

    static BigDecimal infinity() {
        return INFINITY;
    }

    /** A float as Redis' string2ld accepts it (no spaces, no nan; inf is {@link #INFINITY}), or null. */
    /** strtold's hexadecimal form ("0x10", "-0x1.8p3"), exactly; null when the text is not one. */
    private static BigDecimal hexDecimal(MemorySegment seg, long off, int len) {
        if (len < 3 || len > 64) {
            return null;
        }
        String l = new String(ByteStrings.toBytes(seg, off, len), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
        if (!body.matches("0x([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?")) {
            return null;
        }
        double d = Double.parseDouble((l.startsWith("-") ? "-" : "") + body + (body.contains("p") ? "" : "p0"));
        return Double.isInfinite(d) ? INFINITY : new BigDecimal(d);
    }

    static BigDecimal parseDecimal(MemorySegment seg, long off, int len) {
        if (len == 0 || len > 5000) {
            return null;
        }
        BigDecimal hex = hexDecimal(seg, off, len);
        if (hex != null) {
            return hex;
        }
        // Only ASCII number syntax: Java would also accept other scripts' digits, Redis does not.
        for (int i = 0; i < len; i++) {
            int c = seg.get(NativeMemory.BYTE, off + i) & 0xFF;
            if (!(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E'
                    && "infINF".indexOf(c) < 0 && "tyTY".indexOf(c) < 0) {
                return null;
            }
        }
        String s = new String(ByteStrings.toBytes(seg, off, len), StandardCharsets.US_ASCII);
        String lower = s.toLowerCase(Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return INFINITY;
        }
        try {
            return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    static void append(CommandContext ctx) {
        Keyspace ks = ctx.db();
        Args a = ctx.args();
        long e = ctx.lookupWrite(ks, 1);
        if (e == Keyspace.NONE) {
            StringValues.store(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), 0);
            ctx.out().integer(a.length(2));
            return;
        }
        if (ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return;
        }
        long oldLen = StringValues.length(ks, e);
        long newLen = oldLen + a.length(2);
        if (newLen > maxStringLength(ctx)) {
            ctx.out().error(Errors.STRING_TOO_LONG);
            return;
        }
        e = ks.resizeRaw(e, (int) newLen);
        MemorySegment.copy(a.segment(), a.offset(2), ks.segment(e), ks.valueOffset(e) + oldLen, a.length(2));
        ctx.out().integer(newLen);
    }

    static void strlen(CommandContext ctx) {
        Keyspace ks = ctx.db();
        long e = readString(ctx, ks, 1);
        if (e >= 0) {
            ctx.out().integer(e == Keyspace.NONE ? 0 : StringValues.length(ks, e));
        }
    }

    static void getrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long start = a.parseLong(2), end = a.parseLong(3);
        Keyspace ks = ctx.db();
        long e = readString(ctx, ks, 1);
        if (e < 0) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().bulk(new byte[0]);
            return;
        }
        if (start < 0 && end < 0 && start > end) {
            ctx.out().bulk(new byte[0]);
            return;
        }
        boolean isInt = ks.encoding(e) == ValueEncoding.INT;
        byte[] digits = isInt ? StringValues.bytes(ks, e) : null;
        long len = isInt ? digits.length : ks.valueLength(e);
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        start = Math.max(0, start);
        end = Math.max(0, end);
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            ctx.out().bulk(new byte[0]);
            return;
        }
        if (isInt) {
            ctx.out().bulk(Arrays.copyOfRange(digits, (int) start, (int) end + 1));
        } else {
            ctx.out().bulk(ks.segment(e), ks.valueOffset(e) + start, (int) (end - start + 1));
        }
    }

    static void setrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long offset = a.parseLong(2);
        if (offset < 0) {
            ctx.out().error(Errors.OFFSET_RANGE);
            return;
        }
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 1);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return;
        }
        int vlen = a.length(3);
        long oldLen = e == Keyspace.NONE ? 0 : StringValues.length(ks, e);
        if (vlen == 0) {
            ctx.out().integer(oldLen);
            return;
        }
        if (offset > maxStringLength(ctx) - vlen) { // checkStringLength; offset + vlen may overflow
            ctx.out().error(Errors.STRING_TOO_LONG);
            return;
        }
        long newLen = Math.max(oldLen, offset + vlen);
        if (e == Keyspace.NONE) {
            e = ks.putUninitialized(a.segment(), a.offset(1), a.length(1), ValueType.STRING, ValueEncoding.RAW_MUTABLE, 0, 0);
        }
        e = ks.resizeRaw(e, (int) newLen);
        MemorySegment.copy(a.segment(), a.offset(3), ks.segment(e), ks.valueOffset(e) + offset, vlen);
        ctx.out().integer(newLen);
    }

    /** proto-max-bulk-len, which Redis checks growing strings against; values here stay below 2 GiB. */
    static long maxStringLength(CommandContext ctx) {
        return Math.min(ctx.server().protoMaxBulkLen(), Integer.MAX_VALUE - 16);
    }
}

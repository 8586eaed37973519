package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.keyspace.RedisDoubles;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finding, creating and finishing collection keys the way every Redis collection command does:
 * a key of another type is WRONGTYPE, a missing key reads as empty, a write to a missing key creates
 * it, and a collection left empty is deleted.
 */
public final class TypedKeys {
    /** Returned after a WRONGTYPE reply was written. */
    public static final long WRONG = -1;

    private TypedKeys() {}

    /** The entry of a key read by a command (statistics, LRU), NONE when absent, WRONG after replying WRONGTYPE. */
    public static long read(CommandContext ctx, int arg, byte type) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupRead(ks, arg);
        return check(ctx, ks, e, type);
    }

    /** Like {@link #read} for a key the command will change. */
    public static long write(CommandContext ctx, int arg, byte type) {
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, arg);
        return check(ctx, ks, e, type);
    }

    private static long check(CommandContext ctx, Keyspace ks, long e, byte type) {
        if (e != Keyspace.NONE && ks.type(e) != type) {
            ctx.out().error(Errors.WRONGTYPE);
            return WRONG;
        }
        return e;
    }

    @SuppressWarnings("unchecked")
    public static <T extends CollectionValue> T value(CommandContext ctx, long e) {
        return (T) ctx.db().object(e);
    }

    /** Creates the key with an empty collection; returns the entry. */
    public static long create(CommandContext ctx, int arg, byte type, CollectionValue v) {
        Args a = ctx.args();
        return ctx.db().putObject(a.segment(), a.offset(arg), a.length(arg), type, v, 0);
    }

    /** After a change: deletes the key if the collection is empty, else notes the change. */
    public static void changed(Keyspace ks, long e) {
        if (ks.object(e).size() == 0) {
            ks.deleteEntry(e);
        } else {
            ks.objectChanged(e);
        }
    }

    public static ByteKey key(Args a, int i) {
        return new ByteKey(a.bytes(i));
    }

    /** An encoding threshold (hash-max-listpack-entries, ...), read through a cached parameter (no lookup per command). */
    public static long limit(CommandContext ctx, String name) {
        return ctx.server().configParam(name).number();
    }

    /** Redis' strtod-based score/float parsing: "inf", "+inf", "-inf" accepted, NaN and junk refused. */
    public static double parseDouble(Args a, int i) {
        if (a.isLong(i)) {
            // Integers (most scores) without building a String; a long converts to the nearest
            // double exactly as strtod rounds the same digits.
            return (double) a.parseLong(i);
        }
        return RedisDoubles.parse(a.string(i));
    }

    /**
     * C's strtod over the whole string, as Redis' zslParseRange uses it for score bounds: leading
     * whitespace skipped, an empty string is 0, hexadecimal (with or without a binary exponent)
     * accepted, "nan" and trailing characters refused (NaN returned).
     */
    public static double strtod(String s) {
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul); // a C string: strtod stops at the NUL and sees the end there
        }
        String t = s.replaceFirst("^[ \\t\\n\\x0B\\f\\r]+", "");
        if (t.isEmpty()) {
            return s.isEmpty() ? 0 : Double.NaN; // only spaces: strtod converts nothing and stops at the start
        }
        String l = t.toLowerCase(Locale.ROOT);
        String sign = l.startsWith("-") ? "-" : "";
        String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
        if (body.startsWith("0x") && body.length() > 2 && body.matches("0x([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?")) {
            return Double.parseDouble(sign + body + (body.contains("p") ? "" : "p0"));
        }
        return RedisDoubles.parseUnchecked(t);
    }

    /** A 64-bit integer in Redis' string2ll syntax, or null. */
    public static Long parseLong(byte[] b) {
        if (b.length == 0 || b.length > 20) {
            return null;
        }
        String s = new String(b, StandardCharsets.US_ASCII);
        if (s.charAt(0) == '+' || (s.length() > 1 && s.charAt(0) == '0') || (s.startsWith("-0"))) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The count range error of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER (Redis' words). */
    public static final String COUNT_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    /** HRANDFIELD / ZRANDMEMBER's "count [WITHVALUES|WITHSCORES]"; null after an error reply. */
    public record RandomCount(long count, boolean withValues) {
        public static RandomCount parse(CommandContext ctx, byte[] withWord) {
            Args a = ctx.args();
            if (!a.isLong(2)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return null;
            }
            long n = a.parseLong(2);
            if (n == Long.MIN_VALUE) {
                ctx.out().error(COUNT_RANGE); // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)
                return null;
            }
            boolean with = false;
            if (a.count() == 4 && a.is(3, withWord)) {
                with = true;
            } else if (a.count() > 3) {
                ctx.out().error(Errors.SYNTAX);
                return null;
            }
            // Redis 7.0 bounds the count this way with values only; without, a huge count means the whole
            // collection (positive) or that many picks (negative: refused here too, as a reply that big
            // would never be written)
            if (n < -Long.MAX_VALUE / 2 || (with && n > Long.MAX_VALUE / 2)) {
                ctx.out().error("ERR value is out of range");
                return null;
            }
            return new RandomCount(n, with);
        }
    }
}

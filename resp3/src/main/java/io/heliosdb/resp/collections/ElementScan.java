package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.ops.CollectionScan;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * HSCAN, SSCAN and ZSCAN's arguments (cursor, MATCH, COUNT) read as Redis reads them; the walk
 * itself is keyspace/ops' {@link CollectionScan}.
 */
public final class ElementScan {
    private static final byte[] MATCH = {'m', 'a', 't', 'c', 'h'};
    private static final byte[] COUNT = {'c', 'o', 'u', 'n', 't'};

    private ElementScan() {}

    /** Parsed cursor and options; null after an error reply. */
    public record Options(long cursor, int count, byte[] pattern) {}

    /** The cursor argument (2) as Redis' parseScanCursorOrReply reads it; null after the error reply. */
    public static Long cursor(CommandContext ctx) {
        Long c = parseCursor(ctx.args().string(2));
        if (c == null) {
            ctx.out().error("ERR invalid cursor");
        }
        return c;
    }

    /**
     * strtoul over the whole string, as Redis reads cursors: no leading space, an optional sign (a
     * negative value wraps around 2^64), "" is 0; null on junk or overflow.
     */
    public static Long parseCursor(String c) {
        int nul = c.indexOf('\0');
        if (nul >= 0) {
            c = c.substring(0, nul); // a C string: strtoul stops at the NUL and sees the end there
        }
        if (!c.isEmpty() && Character.isWhitespace(c.charAt(0))) {
            return null;
        }
        boolean neg = c.startsWith("-");
        String digits = neg || c.startsWith("+") ? c.substring(1) : c;
        if (digits.isEmpty()) {
            return c.isEmpty() ? 0L : null;
        }
        if (!digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return null;
        }
        try {
            long v = Long.parseUnsignedLong(digits);
            return neg ? -v : v;
        } catch (NumberFormatException overflow) {
            return null;
        }
    }

    public static Options parse(CommandContext ctx) {
        Args a = ctx.args();
        Long parsed = cursor(ctx);
        if (parsed == null) {
            return null;
        }
        long cursor = parsed;
        int count = 10;
        byte[] pattern = null;
        for (int i = 3; i < a.count(); i++) {
            if (a.is(i, COUNT) && i + 1 < a.count()) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return null;
                }
                long n = a.parseLong(++i);
                if (n < 1) {
                    ctx.out().error(Errors.SYNTAX);
                    return null;
                }
                count = (int) Math.min(n, Integer.MAX_VALUE);
            } else if (a.is(i, MATCH) && i + 1 < a.count()) {
                pattern = a.bytes(++i);
                if (pattern.length == 1 && pattern[0] == '*') {
                    pattern = null; // Redis skips matching for a lone star (it would not match an empty name)
                }
            } else {
                ctx.out().error(Errors.SYNTAX);
                return null;
            }
        }
        return new Options(cursor, count, pattern);
    }

    public static void emptyReply(RespWriter out) {
        CollectionScan.empty(out);
    }

    /**
     * Writes one scan reply ({@link CollectionScan#step}). {@code elements} are the collection's
     * elements, {@code compact} whether it is small enough to go whole, {@code itemsPerElement} how
     * many reply items each element yields and {@code writer} writes them.
     */
    public static <T> void reply(RespWriter out, Options o, Iterable<T> elements, boolean compact, Function<T, ByteKey> keyOf,
                                 int itemsPerElement, BiConsumer<RespWriter, T> writer, int size) {
        CollectionScan.step(out, o.cursor, o.count, o.pattern, elements, compact, keyOf, itemsPerElement, (w, t) -> writer.accept(out, t), size);
    }
}

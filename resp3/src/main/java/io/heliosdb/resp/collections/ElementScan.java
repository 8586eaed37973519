package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * HSCAN, SSCAN and ZSCAN. A small collection (Redis' listpack/intset) is returned whole with cursor
 * 0, as Redis does. A large one is walked in the order of a stable hash of each element: the cursor
 * is the next hash to visit, so every element present for the whole scan is returned at least once
 * whatever changes meanwhile — Redis' SCAN guarantee — and no state is kept between calls.
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
        out.array(2);
        out.bulk("0");
        out.array(0);
    }

    /** Stable 32-bit hash (murmur3 finalizer over the array hash), as a non-negative long. */
    static long position(ByteKey k) {
        int h = k.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & 0xFFFFFFFFL;
    }

    /**
     * Writes one scan reply. {@code elements} are the collection's elements, {@code compact} whether
     * it is small enough to go whole, {@code replyItems} how many reply items each element yields
     * and {@code writer} writes them.
     */
    public static <T> void reply(RespWriter out, Options o, Iterable<T> elements, boolean compact, Function<T, ByteKey> keyOf,
                                 int itemsPerElement, BiConsumer<RespWriter, T> writer, int size) {
        List<T> chosen = new ArrayList<>();
        long next = 0;
        if (compact || o.cursor == 0 && size <= o.count) {
            for (T t : elements) {
                if (matches(o, keyOf.apply(t))) {
                    chosen.add(t);
                }
            }
        } else {
            long from = o.cursor == 0 ? 0 : o.cursor - 1;
            int batch = Math.max(o.count, size / 32);
            // Gather the elements with the smallest positions >= from; all of one position go together.
            List<long[]> candidates = new ArrayList<>();
            List<T> items = new ArrayList<>();
            for (T t : elements) {
                long p = position(keyOf.apply(t));
                if (p >= from) {
                    candidates.add(new long[]{p, items.size()});
                    items.add(t);
                }
            }
            candidates.sort((x, y) -> Long.compare(x[0], y[0]));
            int taken = 0;
            long last = -1;
            for (long[] cand : candidates) {
                if (taken >= batch && cand[0] != last) {
                    next = last + 2;
                    break;
                }
                T t = items.get((int) cand[1]);
                taken++;
                last = cand[0];
                if (matches(o, keyOf.apply(t))) {
                    chosen.add(t);
                }
            }
        }
        out.array(2);
        out.bulk(Long.toUnsignedString(next));
        out.array(chosen.size() * itemsPerElement);
        for (T t : chosen) {
            writer.accept(out, t);
        }
    }

    private static boolean matches(Options o, ByteKey k) {
        if (o.pattern == null) {
            return true;
        }
        return GlobMatcher.matches(o.pattern, MemorySegment.ofArray(k.bytes), 0, k.bytes.length, false);
    }
}

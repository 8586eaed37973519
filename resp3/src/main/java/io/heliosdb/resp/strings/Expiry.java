package io.heliosdb.resp.strings;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.Errors;

/** Converts relative/absolute expiry arguments to absolute unix milliseconds with Redis' checks. */
public final class Expiry {
    public static final long INVALID = Long.MIN_VALUE;
    public static final long NOT_INTEGER = Long.MIN_VALUE + 1;

    /** Returned by {@link #resolve} after it replied with an error. */
    public static final long REPLIED = Long.MIN_VALUE + 2;

    private static final byte[] EX = {'e', 'x'};
    private static final byte[] PX = {'p', 'x'};
    private static final byte[] EXAT = {'e', 'x', 'a', 't'};
    private static final byte[] PXAT = {'p', 'x', 'a', 't'};

    private Expiry() {}

    /** Whether option {@code i} may follow the one at {@code seen} (-1: none yet): Redis lets the same one repeat, the last wins. */
    static boolean mayFollow(Args a, int i, int seen) {
        return seen < 0 || a.string(i).equalsIgnoreCase(a.string(seen));
    }

    /** Whether argument {@code i} is one of SET/GETEX's EX, PX, EXAT, PXAT options. */
    static boolean isOption(Args a, int i) {
        return a.is(i, EX) || a.is(i, PX) || a.is(i, EXAT) || a.is(i, PXAT);
    }

    /**
     * The absolute expiry given by the option at {@code option} and its value after it, or
     * {@link #REPLIED} after replying Redis' error (not an integer, or an invalid expire time).
     */
    static long resolve(CommandContext ctx, int option, long now) {
        long at = parse(ctx.args(), option, now);
        if (at == NOT_INTEGER || at == INVALID) {
            ctx.out().error(error(at, ctx.spec().name()));
            return REPLIED;
        }
        return at;
    }

    /** Like {@link #resolve} without replying: the absolute expiry, {@link #NOT_INTEGER} or {@link #INVALID}. */
    static long parse(Args a, int option, long now) {
        long unit = a.is(option, EX) || a.is(option, EXAT) ? 1000 : 1;
        boolean absolute = a.is(option, EXAT) || a.is(option, PXAT);
        return toAbsolute(a, option + 1, unit, absolute, now, false);
    }

    /** Redis' error for {@link #NOT_INTEGER} or {@link #INVALID} from command {@code name}. */
    static String error(long at, String name) {
        return at == NOT_INTEGER ? Errors.NOT_INTEGER : Errors.invalidExpire(name);
    }

    /**
     * @param unitMillis 1000 for seconds, 1 for milliseconds
     * @param absolute   EXAT/PXAT style
     * @return absolute ms, or {@link #NOT_INTEGER} / {@link #INVALID}; {@code allowNonPositive} lets
     *         EXPIRE-family commands pass 0 or negative values (they delete the key)
     */
    public static long toAbsolute(Args args, int i, long unitMillis, boolean absolute, long now, boolean allowNonPositive) {
        if (!args.isLong(i)) {
            return NOT_INTEGER;
        }
        long v = args.parseLong(i);
        if (v <= 0 && !allowNonPositive) {
            return INVALID;
        }
        if (unitMillis != 1 && (v > Long.MAX_VALUE / unitMillis || v < Long.MIN_VALUE / unitMillis)) {
            return INVALID;
        }
        v *= unitMillis;
        if (!absolute) {
            if (v > 0 && v > Long.MAX_VALUE - now) {
                return INVALID;
            }
            v += now;
        }
        return v;
    }
}

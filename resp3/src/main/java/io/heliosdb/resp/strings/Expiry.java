package io.heliosdb.resp.strings;

import io.heliosdb.resp.codec.Args;

/** Converts relative/absolute expiry arguments to absolute unix milliseconds with Redis' checks. */
public final class Expiry {
    public static final long INVALID = Long.MIN_VALUE;
    public static final long NOT_INTEGER = Long.MIN_VALUE + 1;

    private Expiry() {}

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

package io.heliosdb.keyspace;

import java.util.Locale;

/**
 * Doubles read as Redis reads them with strtod: "inf", "+inf", "-inf" and hexadecimal accepted,
 * "nan" and junk refused (NaN returned). Here, beside the argument codec, so that RDB payloads and
 * command families read scores alike without depending on each other.
 */
public final class RedisDoubles {
    private RedisDoubles() {}

    /** A double as Redis' strtod-based score/float readers take it; NaN when refused, overflow included. */
    public static double parse(String s) {
        return parse(s, true);
    }

    /**
     * As {@link #parse(String)} but without refusing what overflows a double, as Redis' long
     * double readers (string2ld: timeouts) and its unchecked strtod calls (score ranges) do: an
     * overflow is an infinity there, an underflow zero.
     */
    public static double parseUnchecked(String s) {
        return parse(s, false);
    }

    private static double parse(String s, boolean refuseRange) {
        if (s.isEmpty() || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return Double.NaN;
        }
        String l = s.toLowerCase(Locale.ROOT);
        switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> { }
        }
        String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
        if (body.startsWith("0x")) { // strtod reads hexadecimal, with or without a binary exponent
            if (!body.matches("0x([0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+)(p[+-]?[0-9]+)?")) {
                return Double.NaN;
            }
            return Double.parseDouble((l.startsWith("-") ? "-" : "") + body + (body.contains("p") ? "" : "p0"));
        }
        if (l.contains("n") || l.endsWith("d") || l.endsWith("f") || l.contains("p") || l.contains("_")) {
            return Double.NaN; // Java accepts "NaN", "1d", "1f"; strtod does not
        }
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        // strtod's ERANGE, which Redis refuses: overflow to infinity, or underflow all the way to zero
        if (refuseRange && (Double.isInfinite(d) || (d == 0 && body.matches(".*[1-9].*e.*")))) {
            return Double.NaN;
        }
        return d;
    }
}

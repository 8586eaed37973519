package io.heliosdb.keyspace;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Doubles read as Redis reads them with strtod: "inf", "+inf", "-inf" and hexadecimal accepted,
 * "nan" and junk refused (NaN returned); and written as Redis 7.0 replies them. Here, beside the argument codec, so that RDB payloads and
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

    /** Redis 7.0's reply format for doubles: C's "%.17g" (exact binary value, 17 significant digits); "inf"/"-inf". */
    public static String format(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal r = new BigDecimal(d).round(new MathContext(17, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1; // decimal exponent of the leading digit
        if (exponent < -4 || exponent >= 17) {
            String digits = r.unscaledValue().abs().toString();
            digits = digits.replaceAll("0+$", "");
            StringBuilder b = new StringBuilder();
            if (r.signum() < 0) {
                b.append('-');
            }
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            b.append('e').append(exponent < 0 ? '-' : '+');
            int ax = Math.abs(exponent);
            if (ax < 10) {
                b.append('0');
            }
            b.append(ax);
            return b.toString();
        }
        String plain = r.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = plain.replaceAll("0+$", "");
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }
}

package io.heliosdb.resp.scripting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** C's "%.Ng" as Lua 5.1 (tostring, N = 14) and lua-cjson (encode_number_precision) print numbers. */
final class LuaNumbers {
    private static final long PARSED_NAN_BITS = 0x7ff8000000000001L;
    /** The NaN strtod returns for "nan" (see {@link #g}). */
    static final double PARSED_NAN = Double.longBitsToDouble(PARSED_NAN_BITS);

    private LuaNumbers() {}

    static String g(double d, int precision) {
        if (Double.isNaN(d)) {
            // glibc prints the sign: x86's invalid operations (0/0, inf-inf) give a negative NaN, strtod("nan")
            // a positive one. luaj's own NaNs carry no such sign, so only strtod's marked NaN prints "nan".
            return Double.doubleToRawLongBits(d) == PARSED_NAN_BITS ? "nan" : "-nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
        }
        BigDecimal v = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = v.precision() - v.scale() - 1; // the decimal exponent of the rounded value
        v = v.stripTrailingZeros();
        if (exp < -4 || exp >= precision) {
            String digits = v.unscaledValue().abs().toString();
            StringBuilder b = new StringBuilder(d < 0 ? "-" : "");
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            b.append(exp < 0 ? "e-" : "e+");
            int e = Math.abs(exp);
            if (e < 10) {
                b.append('0');
            }
            return b.append(e).toString();
        }
        return v.toPlainString();
    }

    /** Lua 5.1's tostring of a number ("%.14g"). */
    static String tostring(double d) {
        return g(d, 14);
    }

    /** A number as a Redis integer reply: C's cast, where NaN and out-of-range values give INT64_MIN on x86. */
    static long toReplyInteger(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }
}

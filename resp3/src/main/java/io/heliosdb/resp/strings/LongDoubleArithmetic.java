package io.heliosdb.resp.strings;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * INCRBYFLOAT the way Redis computes it on x86-64: in C {@code long double} (x87 extended precision,
 * 64-bit significand), printed with {@code %.17Lf} and trailing zeros removed. Values are kept as
 * exact BigDecimals that are always representable in that format, so replies match Redis to the
 * last digit (e.g. 10.5 + 0.1 - 5 + 1.5e3 = "1505.59999999999999998").
 */
final class LongDoubleArithmetic {
    private static final int SIGNIFICAND_BITS = 64;
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** Largest finite x87 extended value is about 1.19e4932; beyond that Redis sees infinity. */
    private static final BigDecimal MAX = new BigDecimal("1.18973149535723176502e4932");

    private LongDoubleArithmetic() {}

    /** Rounds an exact decimal to the nearest extended-precision value (round half to even). */
    static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        // Exponent e with 2^63 <= |x| / 2^e < 2^64, found from the binary length of the value.
        int e = binaryExponent(x.abs()) - (SIGNIFICAND_BITS - 1);
        BigDecimal scaled = e >= 0 ? x.divide(TWO.pow(e)) : x.multiply(TWO.pow(-e));
        BigInteger m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        if (m.abs().bitLength() > SIGNIFICAND_BITS) { // rounding carried into a new bit
            m = m.shiftRight(1);
            e++;
            scaled = e >= 0 ? x.divide(TWO.pow(e)) : x.multiply(TWO.pow(-e));
            m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        }
        BigDecimal r = new BigDecimal(m);
        return e >= 0 ? r.multiply(TWO.pow(e)) : r.divide(TWO.pow(-e));
    }

    /** floor(log2(x)) for x &gt; 0. */
    private static int binaryExponent(BigDecimal x) {
        BigInteger unscaled = x.unscaledValue();
        int scale = x.scale();
        // x = unscaled * 10^-scale; estimate with logs, then correct exactly.
        int guess = (int) Math.floor((unscaled.bitLength() - 1) - scale * (Math.log(10) / Math.log(2)));
        while (compareToPowerOfTwo(x, guess + 1) >= 0) {
            guess++;
        }
        while (compareToPowerOfTwo(x, guess) < 0) {
            guess--;
        }
        return guess;
    }

    private static int compareToPowerOfTwo(BigDecimal x, int k) {
        BigDecimal p = k >= 0 ? TWO.pow(k) : BigDecimal.ONE.divide(TWO.pow(-k));
        return x.compareTo(p);
    }

    /** a + b in extended precision; null when the result is not finite. */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        BigDecimal r = round(round(a).add(round(b)));
        return r.abs().compareTo(MAX) > 0 ? null : r;
    }

    /** Redis' ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeros and point removed. */
    static String format(BigDecimal v) {
        String s = v.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }
}

package io.heliosdb.keyspace.ops;

import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * INCRBYFLOAT the way Redis computes it on x86-64: in C {@code long double} (x87 extended precision,
 * 64-bit significand), printed with {@code %.17Lf} and trailing zeros removed. Values are kept as
 * exact BigDecimals that are always representable in that format, so replies match Redis to the
 * last digit (e.g. 10.5 + 0.1 - 5 + 1.5e3 = "1505.59999999999999998"). Also Redis' string2ld,
 * the parsing of such a value.
 */
public final class LongDoubleArithmetic {
    private static final int SIGNIFICAND_BITS = 64;
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** Largest finite x87 extended value is about 1.19e4932; beyond that Redis sees infinity. */
    private static final BigDecimal MAX = new BigDecimal("1.18973149535723176502e4932");

    /** Half the smallest x87 subnormal (2^-16445): below it strtold rounds to zero. */
    private static final BigDecimal ZERO_BELOW = new BigDecimal("1.82259976594123730126e-4951");

    /** Stands for an infinite long double (strtold accepts "inf"; a sum with it is refused). */
    public static final BigDecimal INFINITY = new BigDecimal("1e999999");

    private LongDoubleArithmetic() {}

    /** A float as Redis' string2ld accepts it (no spaces, no nan; inf is {@link #INFINITY}), or null. */
    public static BigDecimal parse(MemorySegment seg, long off, int len) {
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
        BigDecimal v;
        try {
            v = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException ex) {
            return null;
        }
        // string2ld refuses what strtold reports as out of range: an overflow to infinity, or an
        // underflow to zero (a subnormal result is accepted).
        BigDecimal a = v.abs();
        if (a.compareTo(MAX) > 0 || v.signum() != 0 && a.compareTo(ZERO_BELOW) < 0) {
            return null;
        }
        return v;
    }

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
    public static BigDecimal add(BigDecimal a, BigDecimal b) {
        BigDecimal r = round(round(a).add(round(b)));
        return r.abs().compareTo(MAX) > 0 ? null : r;
    }

    /** Redis' ld2string(..., LD_STR_HUMAN): "%.17Lf", then trailing zeros and point removed. */
    public static String format(BigDecimal v) {
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

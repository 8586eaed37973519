package io.heliosdb.runtime.config;

import java.math.BigInteger;
import java.util.Locale;

/** Memory sizes as Redis' config reads them (util.c's memtoull). */
public final class MemoryText {
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private MemoryText() {}

    /**
     * Digits, then nothing or one unit (b, k, kb, m, mb, g, gb, any case); no sign, no spaces; no
     * digits at all reads as 0 ("kb" is 0). -1 when invalid or too large.
     */
    public static long parse(String raw) {
        boolean[] err = new boolean[1];
        long v = memtoull(raw, err);
        return err[0] || v < 0 ? -1 : v;
    }

    /**
     * Redis' memtoull: digits and an optional unit. Digits past an unsigned 64-bit value read as its
     * maximum (strtoull's ERANGE is not checked) and the product with the unit wraps, as in C. The
     * result is unsigned, in a long's bits; {@code err[0]} is set when the text is not a number.
     */
    public static long memtoull(String raw, boolean[] err) {
        int nul = raw.indexOf('\0');
        if (nul >= 0) {
            raw = raw.substring(0, nul); // memtoull reads a C string
        }
        int u = 0;
        while (u < raw.length() && raw.charAt(u) >= '0' && raw.charAt(u) <= '9') {
            u++;
        }
        long mul = switch (raw.substring(u).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000_000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000_000_000L;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (mul < 0 || u >= 128) {
            err[0] = true;
            return 0;
        }
        err[0] = false;
        if (u == 0) {
            return 0;
        }
        BigInteger v = new BigInteger(raw.substring(0, u)).min(U64_MAX);
        return v.multiply(BigInteger.valueOf(mul)).longValue(); // the low 64 bits: C's wrapping product
    }
}

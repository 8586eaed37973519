package io.heliosdb.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The number syntax of C's strtod (what lua-cjson reads numbers with): decimal, hex, inf/infinity and nan. */
final class Strtod {
    private Strtod() {}

    private static int at(byte[] s, int i) {
        return i < s.length ? s[i] & 0xFF : 0;
    }

    private static boolean word(byte[] s, int p, String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.toLowerCase(at(s, p + i)) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int digits(byte[] s, int p, int radix) {
        while (Character.digit(at(s, p), radix) >= 0) {
            p++;
        }
        return p;
    }

    /** Where the longest number starting at {@code start} ends; {@code start} when there is none. */
    static int end(byte[] s, int start) {
        int p = start;
        if (at(s, p) == '+' || at(s, p) == '-') {
            p++;
        }
        if (word(s, p, "infinity")) {
            return p + 8;
        }
        if (word(s, p, "inf")) {
            return p + 3;
        }
        if (word(s, p, "nan")) {
            p += 3;
            if (at(s, p) == '(') {
                int q = p + 1;
                while (Character.isLetterOrDigit(at(s, q)) || at(s, q) == '_') {
                    q++;
                }
                if (at(s, q) == ')') {
                    return q + 1;
                }
            }
            return p;
        }
        int radix = 10;
        if (at(s, p) == '0' && (at(s, p + 1) | 0x20) == 'x'
                && (Character.digit(at(s, p + 2), 16) >= 0 || (at(s, p + 2) == '.' && Character.digit(at(s, p + 3), 16) >= 0))) {
            radix = 16;
            p += 2;
        }
        int m = digits(s, p, radix);
        boolean any = m > p;
        if (at(s, m) == '.') {
            int f = digits(s, m + 1, radix);
            any |= f > m + 1;
            m = f;
        }
        if (!any) {
            return start;
        }
        int e = m;
        if ((at(s, e) | 0x20) == (radix == 16 ? 'p' : 'e')) {
            int q = e + 1;
            if (at(s, q) == '+' || at(s, q) == '-') {
                q++;
            }
            if (Character.digit(at(s, q), 10) >= 0) {
                e = digits(s, q, 10);
            }
        }
        return e;
    }

    static double value(byte[] s, int start, int end) {
        String t = new String(s, start, end - start, StandardCharsets.US_ASCII);
        boolean negative = t.startsWith("-");
        String u = t.replaceFirst("^[+-]", "").toLowerCase(Locale.ROOT);
        if (u.startsWith("inf")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (u.startsWith("nan")) {
            return LuaNumbers.PARSED_NAN;
        }
        if (u.startsWith("0x")) {
            String h = u.contains("p") ? u : u + "p0"; // Java's hex floats need the binary exponent
            double d = Double.parseDouble(h);
            return negative ? -d : d;
        }
        return Double.parseDouble(t);
    }
}

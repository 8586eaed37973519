package io.heliosdb.resp.config;

/** Numbers as the C library reads them in Redis' config code (strtoll with its end pointer checked). */
final class CNumbers {
    private CNumbers() {}

    /**
     * C's strtoll over the whole text: leading blanks, a sign, digits (none reads as 0, as strtoll
     * does); null if anything follows. Past a long's range it clamps (ERANGE, unchecked by Redis).
     */
    static Long strtoll(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        long v = 0;
        boolean saturated = false;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (!saturated && v > (Long.MAX_VALUE - d) / 10) {
                saturated = true; // the digits still have to be digits
            }
            if (!saturated) {
                v = v * 10 + d;
            }
            i++;
        }
        if (i != s.length()) {
            return null;
        }
        if (i == digits) {
            return 0L;
        }
        if (saturated) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? -v : v;
    }

    /** Redis' string2ll: an optional '-', digits without a leading zero (or "0"), in a long's range. */
    static Long string2ll(String s) {
        if (!s.matches("0|-?[1-9][0-9]*")) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Redis' sdssplitlen on one space: "" is no words, and two spaces in a row make an empty word. */
    static String[] splitOnSpace(String s) {
        return s.isEmpty() ? new String[0] : s.split(" ", -1);
    }
}

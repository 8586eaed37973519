package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.ValueRule;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * latency-tracking-info-percentiles as Redis' setConfigLatencyTrackingInfoPercentilesOutputOption
 * takes it: doubles in [0, 100] separated by single spaces ("" for none), shown as "%f" without
 * trailing zeros.
 */
public final class PercentilesText {
    /** What strtod reads in full (decimal, not hex), as Redis' string2d accepts it: no leading blank. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INFINITE = Pattern.compile("[+-]?(inf|infinity)", Pattern.CASE_INSENSITIVE);

    private PercentilesText() {}

    public static ValueRule.Outcome check(String current, String raw) {
        StringBuilder b = new StringBuilder();
        for (String s : CNumbers.splitOnSpace(raw)) {
            Double p = string2d(s);
            if (p == null) {
                return ValueRule.Outcome.refuse("Invalid latency-tracking-info-percentiles parameters");
            }
            if (p > 100.0 || p < 0.0) {
                return ValueRule.Outcome.refuse("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            b.append(b.isEmpty() ? "" : " ").append(trimmed(p));
        }
        return ValueRule.Outcome.accept(b.toString());
    }

    /** Redis' string2d: all of the text, no overflow to infinity or underflow to zero; null if refused. */
    private static Double string2d(String s) {
        if (INFINITE.matcher(s).matches()) {
            return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!DECIMAL.matcher(s).matches()) {
            return null;
        }
        double d = Double.parseDouble(s);
        boolean nonZeroDigits = s.replaceFirst("[eE].*", "").chars().anyMatch(c -> c >= '1' && c <= '9');
        if (Double.isInfinite(d) || (d == 0 && nonZeroDigits)) {
            return null; // strtod's ERANGE
        }
        return d;
    }

    /** C's "%f" with Redis' trimDoubleString: trailing zeros, then a trailing point, dropped. */
    private static String trimmed(double d) {
        String f = String.format(Locale.ROOT, "%f", d);
        if (f.indexOf('.') < 0) {
            return f;
        }
        f = f.replaceAll("0+$", "");
        return f.endsWith(".") ? f.substring(0, f.length() - 1) : f;
    }
}

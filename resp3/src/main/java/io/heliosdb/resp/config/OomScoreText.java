package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.ValueRule;

/** oom-score-adj-values as Redis' setConfigOOMScoreAdjValuesOption takes it: three numbers in -2000..2000. */
public final class OomScoreText {
    private OomScoreText() {}

    public static ValueRule.Outcome check(String current, String raw) {
        String[] a = CNumbers.splitOnSpace(raw);
        if (a.length != 3) {
            return ValueRule.Outcome.refuse("wrong number of arguments");
        }
        StringBuilder b = new StringBuilder();
        for (String s : a) {
            Long v = CNumbers.strtoll(s); // "" reads as 0, as strtoll does
            if (v == null || v < -2000 || v > 2000) {
                return ValueRule.Outcome.refuse("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            }
            b.append(b.isEmpty() ? "" : " ").append(v);
        }
        return ValueRule.Outcome.accept(b.toString());
    }
}

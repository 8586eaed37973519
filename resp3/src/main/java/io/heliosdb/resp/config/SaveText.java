package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.ValueRule;

/**
 * save as Redis' setConfigSaveOption takes it: pairs of "seconds changes" (seconds at least 1,
 * changes at least 0, each read with strtoll to the end), or "" for none; shown as it reads them.
 */
public final class SaveText {
    private static final String INVALID = "Invalid save parameters";

    private SaveText() {}

    public static ValueRule.Outcome check(String current, String raw) {
        String[] a = CNumbers.splitOnSpace(raw);
        if (a.length % 2 != 0) {
            return ValueRule.Outcome.refuse(INVALID);
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < a.length; j += 2) {
            Long seconds = CNumbers.strtoll(a[j]);
            Long changes = CNumbers.strtoll(a[j + 1]);
            if (seconds == null || changes == null || seconds < 1 || changes < 0) {
                return ValueRule.Outcome.refuse(INVALID);
            }
            if (j > 0) {
                b.append(' ');
            }
            b.append(seconds).append(' ').append((int) (long) changes); // Redis keeps changes in an int
        }
        return ValueRule.Outcome.accept(b.toString());
    }
}

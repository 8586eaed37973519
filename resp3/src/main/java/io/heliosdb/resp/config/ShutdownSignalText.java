package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.ValueRule;
import java.util.List;
import java.util.Locale;

/**
 * shutdown-on-sigint / shutdown-on-sigterm, Redis 7.0's flag enum: one or more of save, nosave,
 * now, force ("default" adds none) separated by single spaces, not both save and nosave; shown as
 * the flags in this order, or "default".
 */
public final class ShutdownSignalText {
    private static final List<String> NAMES = List.of("default", "save", "nosave", "now", "force");

    private ShutdownSignalText() {}

    public static ValueRule.Outcome check(String current, String raw) {
        int flags = 0;
        String[] words = CNumbers.splitOnSpace(raw);
        for (String w : words) {
            int i = NAMES.indexOf(w.toLowerCase(Locale.ROOT));
            if (i < 0) {
                return ValueRule.Outcome.refuse("argument(s) must be one of the following: " + String.join(", ", NAMES));
            }
            flags |= i == 0 ? 0 : 1 << (i - 1);
        }
        if (words.length == 0) {
            return ValueRule.Outcome.refuse("argument(s) must be one of the following: " + String.join(", ", NAMES));
        }
        if ((flags & 3) == 3) {
            return ValueRule.Outcome.refuse("shutdown options SAVE and NOSAVE can't be used simultaneously");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < NAMES.size(); i++) {
            if ((flags & (1 << (i - 1))) != 0) {
                b.append(b.isEmpty() ? "" : " ").append(NAMES.get(i));
            }
        }
        return ValueRule.Outcome.accept(b.isEmpty() ? "default" : b.toString());
    }
}

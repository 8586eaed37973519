package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.MemoryText;
import io.heliosdb.runtime.config.ValueRule;
import java.util.Locale;

/**
 * client-output-buffer-limit as Redis' setConfigClientOutputBufferLimitOption takes it: groups of
 * "class hard soft seconds", all checked before any applies, merged into the current limits,
 * and shown as all three classes with the sizes in bytes.
 */
public final class OutputLimitsText {
    private static final String[] CLASSES = {"normal", "slave", "pubsub"};

    private OutputLimitsText() {}

    /** The new value, or why the text is refused. */
    public static ValueRule.Outcome merge(String current, String raw) {
        long[][] limits = new long[3][3];
        if (current != null) {
            String[] c = current.trim().split("\\s+");
            for (int i = 0; i + 3 < c.length; i += 4) {
                int k = classOf(c[i]);
                limits[k] = new long[]{Long.parseUnsignedLong(c[i + 1]), Long.parseUnsignedLong(c[i + 2]), Long.parseLong(c[i + 3])};
            }
        }
        String trimmed = raw.trim();
        String[] a = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
        if (a.length % 4 != 0) {
            return ValueRule.Outcome.refuse("Wrong number of arguments in buffer limit configuration.");
        }
        long[][] given = new long[a.length / 4][];
        int[] classes = new int[a.length / 4];
        for (int j = 0; j < a.length; j += 4) {
            int k = classOf(a[j]);
            if (k < 0) {
                return ValueRule.Outcome.refuse("Invalid client class specified in buffer limit configuration.");
            }
            boolean[] hardErr = new boolean[1];
            boolean[] softErr = new boolean[1];
            long hard = MemoryText.memtoull(a[j + 1], hardErr);
            long soft = MemoryText.memtoull(a[j + 2], softErr);
            Long seconds = CNumbers.strtoll(a[j + 3]);
            if (hardErr[0] || softErr[0] || seconds == null || seconds < 0) {
                return ValueRule.Outcome.refuse("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            classes[j / 4] = k;
            given[j / 4] = new long[]{hard, soft, seconds};
        }
        for (int g = 0; g < given.length; g++) {
            limits[classes[g]] = given[g];
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 3; k++) {
            if (k > 0) {
                b.append(' ');
            }
            b.append(CLASSES[k]).append(' ').append(Long.toUnsignedString(limits[k][0])).append(' ')
                    .append(Long.toUnsignedString(limits[k][1])).append(' ').append(limits[k][2]);
        }
        return ValueRule.Outcome.accept(b.toString());
    }

    private static int classOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> 0;
            case "slave", "replica" -> 1;
            case "pubsub" -> 2;
            default -> -1; // "master" too: Redis refuses a limit for it
        };
    }
}

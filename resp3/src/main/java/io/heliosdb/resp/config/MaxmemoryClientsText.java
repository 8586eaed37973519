package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.MemoryText;
import io.heliosdb.runtime.config.ValueRule;

/**
 * maxmemory-clients as Redis reads a MEMORY_CONFIG | PERCENT_CONFIG ssize_t: a memory size, or
 * "N%" kept as -N; a percentage past 100 is refused. Shown as bytes, or "N%" for a negative value
 * (so 2^64-1 bytes, -1 as a signed number, reads back as "1%", as in Redis).
 */
public final class MaxmemoryClientsText {
    private MaxmemoryClientsText() {}

    public static ValueRule.Outcome check(String current, String raw) {
        boolean[] err = new boolean[1];
        long v = MemoryText.memtoull(raw, err);
        if (err[0]) {
            Long pct = raw.length() > 1 && raw.endsWith("%") ? CNumbers.string2ll(raw.substring(0, raw.length() - 1)) : null;
            if (pct == null || pct < 0) {
                return ValueRule.Outcome.refuse("argument must be a memory or percent value");
            }
            v = -pct;
        }
        if (v < -100) {
            return ValueRule.Outcome.refuse("percentage argument must be less or equal to 100");
        }
        return ValueRule.Outcome.accept(v < 0 ? -v + "%" : Long.toString(v));
    }
}

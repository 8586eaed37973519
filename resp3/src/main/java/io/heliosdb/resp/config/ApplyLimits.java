package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.MemoryText;
import io.heliosdb.runtime.config.ValueRule;
import java.util.List;
import java.util.Locale;

/**
 * Parameters whose value Redis' apply step changes or refuses after the type check passed: what
 * CONFIG SET answers, and CONFIG GET then shows, is the applied outcome.
 */
public final class ApplyLimits {
    /** Redis' CONFIG_REPL_BACKLOG_MIN_SIZE: resizeReplicationBacklog raises a smaller size to it. */
    private static final long BACKLOG_MIN = 16 * 1024;
    private static final String TLS_FAILED = "Unable to update TLS configuration. Check server logs.";
    private static final List<String> OOM_CHOICES = List.of("no", "yes", "relative", "absolute");

    private ApplyLimits() {}

    /** repl-backlog-size: a memory size in 1..LLONG_MAX, kept at 16kb at least. */
    public static ValueRule.Outcome backlogSize(String current, String raw) {
        boolean[] err = new boolean[1];
        long v = MemoryText.memtoull(raw, err);
        if (err[0]) {
            return ValueRule.Outcome.refuse("argument must be a memory value");
        }
        if (v < 1) { // 0, or past LLONG_MAX read as a signed long long
            return ValueRule.Outcome.refuse("argument must be between 1 and " + Long.MAX_VALUE + " inclusive");
        }
        return ValueRule.Outcome.accept(Long.toString(Math.max(BACKLOG_MIN, v)));
    }

    /**
     * tls-port: 0..65535; HeliosDB serves no TLS, so any port but 0 fails as Redis' applyTLSPort
     * does without a certificate.
     */
    public static ValueRule.Outcome tlsPort(String current, String raw) {
        Long v = CNumbers.string2ll(raw);
        if (v == null) {
            return ValueRule.Outcome.refuse("argument couldn't be parsed into an integer");
        }
        if (v < 0 || v > 65535) {
            return ValueRule.Outcome.refuse("argument must be between 0 and 65535 inclusive");
        }
        return v == 0 ? ValueRule.Outcome.accept("0") : ValueRule.Outcome.refuse(TLS_FAILED);
    }

    /** tls-cluster, tls-replication: yes/no; yes fails as Redis' applyTlsCfg does without a certificate. */
    public static ValueRule.Outcome tlsOff(String current, String raw) {
        String v = raw.toLowerCase(Locale.ROOT);
        if (!v.equals("yes") && !v.equals("no")) {
            return ValueRule.Outcome.refuse("argument must be 'yes' or 'no'");
        }
        return v.equals("no") ? ValueRule.Outcome.accept(v) : ValueRule.Outcome.refuse(TLS_FAILED);
    }

    /** oom-score-adj: "relative" is another name of "yes", which CONFIG GET shows. */
    public static ValueRule.Outcome oomScoreAdj(String current, String raw) {
        String v = raw.toLowerCase(Locale.ROOT);
        if (!OOM_CHOICES.contains(v)) {
            return ValueRule.Outcome.refuse("argument(s) must be one of the following: " + String.join(", ", OOM_CHOICES));
        }
        return ValueRule.Outcome.accept(v.equals("relative") ? "yes" : v);
    }
}

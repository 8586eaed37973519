package io.heliosdb.runtime.config;

/**
 * A parameter whose text only its owner understands (Redis' client-output-buffer-limit, say): it
 * checks a new text against the current value and gives the value to store.
 */
@FunctionalInterface
public interface ValueRule {
    /** The outcome of one check: the value to store, or why the text was refused. */
    record Outcome(String value, String reason) {
        public static Outcome accept(String value) {
            return new Outcome(value, null);
        }

        public static Outcome refuse(String reason) {
            return new Outcome(null, reason);
        }
    }

    /** {@code current} is null while the default is being set. */
    Outcome apply(String current, String raw);
}

package io.heliosdb.runtime.config;

import java.util.List;
import java.util.Locale;

/**
 * One parameter: its rules, fixed at registration, and its current value. The value is written
 * under the registry's lock (or at startup) and read by any thread.
 */
public final class Param {
    private final String name;
    private final ParamType type;
    private final boolean mutable;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final ValueRule rule;
    private volatile String value;
    private volatile long number;

    Param(String name, ParamType type, boolean mutable, String defaultValue, long min, long max,
          List<String> choices, ValueRule rule) {
        this.name = name;
        this.type = type;
        this.mutable = mutable;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.rule = rule;
        String err = assign(defaultValue);
        if (err != null) {
            throw new IllegalArgumentException(name + ": bad default '" + defaultValue + "': " + err);
        }
    }

    /** Checks and stores {@code raw}. Returns why it was refused (Redis' wording), or null. */
    String assign(String raw) {
        switch (type) {
            case BOOL -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!v.equals("yes") && !v.equals("no")) {
                    return "argument must be 'yes' or 'no'";
                }
                value = v;
                number = v.equals("yes") ? 1 : 0;
            }
            case INT -> {
                // string2ll: no '+', spaces, leading zeros or "-0"
                if (!raw.matches("0|-?[1-9][0-9]*")) {
                    return "argument couldn't be parsed into an integer";
                }
                long n;
                try {
                    n = Long.parseLong(raw);
                } catch (NumberFormatException e) {
                    return "argument couldn't be parsed into an integer";
                }
                if (n < min || n > max) {
                    return outOfRange();
                }
                number = n;
                value = Long.toString(n);
            }
            case MEMORY -> {
                boolean[] err = new boolean[1];
                long n = MemoryText.memtoull(raw, err);
                if (err[0]) {
                    return "argument must be a memory value";
                }
                // compared unsigned: a value past a long's range is refused unless the bound is unsigned too
                if (Long.compareUnsigned(n, max) > 0 || (min > 0 && Long.compareUnsigned(n, min) < 0)) {
                    return outOfRange();
                }
                number = n < 0 ? Long.MAX_VALUE : n; // past a long's range: as good as no limit
                value = Long.toUnsignedString(n);
            }
            case ENUM -> {
                String v = raw.toLowerCase(Locale.ROOT);
                if (!choices.contains(v)) {
                    return "argument(s) must be one of the following: " + String.join(", ", choices);
                }
                value = v;
            }
            case STRING -> value = raw;
            case CUSTOM -> {
                ValueRule.Outcome o = rule.apply(value, raw);
                if (o.reason() != null) {
                    return o.reason();
                }
                value = o.value();
            }
        }
        return null;
    }

    private String outOfRange() {
        return "argument must be between " + min + " and " + max + " inclusive";
    }

    public String name() {
        return name;
    }

    public ParamType type() {
        return type;
    }

    public boolean mutable() {
        return mutable;
    }

    /** INT and MEMORY bounds (a MEMORY max of -1 is 2^64-1); 0 for other types. */
    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** ENUM choices in the order their error lists them; empty for other types. */
    public List<String> choices() {
        return choices;
    }

    public String value() {
        return value;
    }

    /** The value as a number: INT and MEMORY as parsed, BOOL as 1/0, others 0. */
    public long number() {
        return number;
    }
}

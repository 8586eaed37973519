package io.heliosdb.runtime.config;

/** How a parameter's text is checked and read as a number. */
public enum ParamType {
    /** yes/no; the number is 1 or 0. */
    BOOL,
    /** A signed integer within [min, max]. */
    INT,
    /** Bytes with an optional unit (b, k, kb, m, mb, g, gb), unsigned, within [min, max]. */
    MEMORY,
    /** One of a fixed list of choices, lower-cased. */
    ENUM,
    /** Any text. */
    STRING,
    /** Checked and normalised by the owner's {@link ValueRule}. */
    CUSTOM
}

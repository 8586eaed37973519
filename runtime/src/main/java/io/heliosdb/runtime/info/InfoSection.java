package io.heliosdb.runtime.info;

import java.util.Locale;

/**
 * One INFO-like section: its name (lower-case, as requested), where it comes in a report, whether
 * {@code default} and {@code all}/{@code everything} include it, and what writes it. {@code C} is
 * what the renderer reads (the figures gathered for one request).
 */
public record InfoSection<C>(String name, int order, boolean inDefault, boolean inAll, Renderer<C> renderer) {
    /** Writes the section, its header line included, to {@code out}. */
    @FunctionalInterface
    public interface Renderer<C> {
        void render(C input, StringBuilder out);
    }

    public InfoSection {
        if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
            throw new IllegalArgumentException("section name must be lower-case: " + name);
        }
        if (inDefault && !inAll) {
            throw new IllegalArgumentException(name + ": a default section is in all too");
        }
    }
}

package io.heliosdb.runtime.info;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sections of an INFO-like report, each registered by its owner. A request names sections, or
 * {@code default}, {@code all} or {@code everything} (no name: {@code default}); they are written
 * in the order requested, each once, a group in its sections' order; an unknown name writes
 * nothing. Thread-safe: sections may be registered while reports are written.
 */
public final class InfoSections<C> {
    private final Map<String, InfoSection<C>> byName = new ConcurrentHashMap<>();
    private final List<InfoSection<C>> ordered = new CopyOnWriteArrayList<>();

    public synchronized InfoSections<C> register(InfoSection<C> s) {
        if (byName.putIfAbsent(s.name(), s) != null) {
            throw new IllegalStateException("INFO section registered twice: " + s.name());
        }
        List<InfoSection<C>> sorted = new ArrayList<>(ordered);
        sorted.add(s);
        sorted.sort(Comparator.comparingInt(InfoSection::order));
        ordered.clear();
        ordered.addAll(sorted);
        return this;
    }

    public InfoSections<C> register(String name, int order, boolean inDefault, boolean inAll, InfoSection.Renderer<C> r) {
        return register(new InfoSection<>(name, order, inDefault, inAll, r));
    }

    /** The section names a request selects, in the order they are written. {@code words} lower-case. */
    public Set<String> select(List<String> words) {
        Set<String> out = new LinkedHashSet<>();
        if (words.isEmpty()) {
            addGroup(out, true);
        }
        for (String w : words) {
            switch (w) {
                case "default" -> addGroup(out, true);
                case "all", "everything" -> addGroup(out, false);
                default -> out.add(w);
            }
        }
        return out;
    }

    private void addGroup(Set<String> out, boolean defaultOnly) {
        for (InfoSection<C> s : ordered) {
            if (defaultOnly ? s.inDefault() : s.inAll()) {
                out.add(s.name());
            }
        }
    }

    /** The report: the selected sections, separated by a blank line ("\r\n" line ends). */
    public String render(Set<String> selected, C input) {
        StringBuilder b = new StringBuilder();
        for (String name : selected) {
            InfoSection<C> s = byName.get(name);
            if (s == null) {
                continue; // unknown sections are silently empty
            }
            if (!b.isEmpty()) {
                b.append("\r\n");
            }
            s.renderer().render(input, b);
        }
        return b.toString();
    }

    /** Writes one "name:value" line. */
    public static void line(StringBuilder b, String name, String value) {
        b.append(name).append(':').append(value).append("\r\n");
    }
}

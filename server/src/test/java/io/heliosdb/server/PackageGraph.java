package io.heliosdb.server;

import io.heliosdb.server.JavaCode.Source;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The package dependency graph of one module: an edge from a file's package to each other package
 * of the same module it names, through an import, a static import or a fully-qualified name in code.
 */
final class PackageGraph {
    private static final Pattern IMPORT =
            Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.])(io\\.heliosdb(?:\\.[a-z_]\\w*)+\\.[A-Z]\\w*)");

    /** package -> packages it uses -> one file that shows the edge (for failure messages). */
    private final Map<String, Map<String, String>> edges = new TreeMap<>();

    PackageGraph(List<Source> sources) {
        for (Source s : sources) {
            edges.computeIfAbsent(s.pkg(), p -> new TreeMap<>());
        }
        Set<String> packages = edges.keySet();
        for (Source s : sources) {
            for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                Matcher m = p.matcher(s.code());
                while (m.find()) {
                    String target = packageOf(m.group(1), packages);
                    if (target != null && !target.equals(s.pkg())) {
                        edges.get(s.pkg()).putIfAbsent(target, s.path());
                    }
                }
            }
        }
    }

    /** The longest package of this module that {@code name} lies in, or null. */
    private static String packageOf(String name, Set<String> packages) {
        String best = null;
        for (String p : packages) {
            boolean inside = name.equals(p) || name.startsWith(p + ".");
            if (inside && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best;
    }

    /** Where the edge {@code from -> to} shows, or null when there is none. */
    String witness(String from, String to) {
        return edges.getOrDefault(from, Map.of()).get(to);
    }

    /** Strongly connected components with more than one package (the cycles), each sorted. */
    List<TreeSet<String>> cycles() {
        return new Tarjan().run();
    }

    /** Tarjan's algorithm; the graph is a few dozen packages, so recursion depth is no concern. */
    private final class Tarjan {
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<TreeSet<String>> components = new ArrayList<>();

        List<TreeSet<String>> run() {
            for (String p : edges.keySet()) {
                if (!index.containsKey(p)) {
                    visit(p);
                }
            }
            return components;
        }

        private void visit(String p) {
            index.put(p, index.size());
            low.put(p, index.get(p));
            stack.push(p);
            onStack.add(p);
            for (String q : edges.get(p).keySet()) {
                if (!index.containsKey(q)) {
                    visit(q);
                    low.put(p, Math.min(low.get(p), low.get(q)));
                } else if (onStack.contains(q)) {
                    low.put(p, Math.min(low.get(p), index.get(q)));
                }
            }
            if (low.get(p).equals(index.get(p))) {
                TreeSet<String> component = new TreeSet<>();
                String q;
                do {
                    q = stack.pop();
                    onStack.remove(q);
                    component.add(q);
                } while (!q.equals(p));
                if (component.size() > 1) {
                    components.add(component);
                }
            }
        }
    }
}

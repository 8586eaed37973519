package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.heliosdb.server.JavaCode.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Inside a module, package arrows must not go round in a circle, and code must not name a class by
 * its full name to keep it out of the imports (which would hide the arrow from a reader).
 */
class PackageCycleTest {
    /** The cycles that existed when this test came; the file may only shrink. */
    private static final Path BASELINE = Path.of("src/test/resources/package-cycles-baseline.txt");

    /** Full names kept on purpose: the simple name is already taken in that file. */
    private static final Map<String, String> CLASHES = Map.of(
            "resp3/src/main/java/io/heliosdb/resp/streams/StreamRead.java",
            "java.util.function.Consumer"); // StreamValue.Consumer is imported

    /** A qualified type name: lower-case package parts, then a class. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:java|javax|jdk|sun|com|org|net|io)(?:\\.[a-z_]\\w*)+\\.[A-Z]\\w*)");

    @Test
    void noPackageCyclesBeyondTheBaseline() throws Exception {
        List<String> lines = Files.readAllLines(BASELINE).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Set<String> baseline = new TreeSet<>(lines);
        Set<String> current = new TreeSet<>();
        List<String> grown = new ArrayList<>();
        for (String module : JavaCode.modules()) {
            PackageGraph graph = new PackageGraph(JavaCode.mainSources(module));
            for (TreeSet<String> cycle : graph.cycles()) {
                String line = String.join(" ", cycle);
                current.add(line);
                if (!baseline.contains(line) && !insideABaselineCycle(cycle, baseline)) {
                    grown.add(module + ": " + line + "\n" + explain(cycle, graph));
                }
            }
        }
        if (!grown.isEmpty()) {
            fail("new package cycle(s); break them (a small interface or constant in the lower package, or a "
                    + "listener the lower package calls) instead of adding them to " + BASELINE + ":\n"
                    + String.join("\n", grown));
        }
        if (!current.equals(baseline)) {
            fail("package cycles shrank or went away; replace the cycle lines of " + BASELINE
                    + " with:\n" + String.join("\n", current));
        }
    }

    @Test
    void mainCodeImportsInsteadOfNamingClassesInFull() throws Exception {
        List<String> found = new ArrayList<>();
        Set<String> clashesSeen = new TreeSet<>();
        for (String module : JavaCode.modules()) {
            for (Source s : JavaCode.mainSources(module)) {
                List<String> lines = s.lines();
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("import ") || line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = QUALIFIED.matcher(line);
                    while (m.find()) {
                        if (m.group(1).equals(CLASHES.get(s.path()))) {
                            clashesSeen.add(s.path());
                        } else {
                            found.add(s.path() + ":" + (i + 1) + ": " + m.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "import these and use the simple name (a true clash of simple names goes in "
                + "PackageCycleTest.CLASHES):\n" + String.join("\n", found));
        Set<String> stale = new TreeSet<>(CLASHES.keySet());
        stale.removeAll(clashesSeen);
        assertTrue(stale.isEmpty(), "PackageCycleTest.CLASHES lists files that no longer need it: " + stale);
    }

    /** A cycle that is part of a baseline cycle is what is left after breaking that one: not new. */
    private static boolean insideABaselineCycle(Set<String> cycle, Set<String> baseline) {
        return baseline.stream().anyMatch(b -> Set.of(b.split(" ")).containsAll(cycle));
    }

    /** The arrows inside a cycle, each with a file that makes it, so the reader knows where to look. */
    private static String explain(Set<String> cycle, PackageGraph graph) {
        StringBuilder out = new StringBuilder();
        for (String from : cycle) {
            for (String to : cycle) {
                String file = graph.witness(from, to);
                if (file != null) {
                    out.append("    ").append(from).append(" -> ").append(to).append("  (").append(file).append(")\n");
                }
            }
        }
        return out.toString();
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Arrows point down only: a module may depend on modules listed before it in the parent POM's
 * {@code <modules>} (the layer order), never on one after it. Maven already forbids cycles; this
 * forbids a lower layer reaching up even when no cycle results.
 */
class ModuleLayeringTest {
    @Test
    void modulesDependOnlyOnLowerLayers() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String parent = Files.readString(root.resolve("pom.xml"));
        List<String> order = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (m.find()) {
            order.add(m.group(1));
        }
        assertTrue(order.size() >= 6, "modules: " + order);
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String pom = Files.readString(root.resolve(order.get(i)).resolve("pom.xml"));
            Matcher d = Pattern.compile("<artifactId>heliosdb-([a-z0-9-]+)</artifactId>").matcher(pom);
            while (d.find()) {
                String dep = d.group(1);
                if (dep.equals(order.get(i)) || dep.equals("parent")) {
                    continue;
                }
                int j = order.indexOf(dep);
                if (j < 0 || j >= i) {
                    violations.add(order.get(i) + " -> " + dep);
                }
            }
        }
        assertTrue(violations.isEmpty(), "upward or unknown module dependencies: " + violations);
    }
}

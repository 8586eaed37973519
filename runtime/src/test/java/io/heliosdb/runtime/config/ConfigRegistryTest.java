package io.heliosdb.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRegistryTest {
    private static ConfigRegistry registry() {
        return new ConfigRegistry()
                .integer("hz", true, "10", 0, 500)
                .memory("maxmemory", true, "0", 0, -1L)
                .bool("appendonly", false, "yes")
                .choice("policy", true, "noeviction", List.of("noeviction", "allkeys-lru"))
                .string("dir", true, "./data")
                .alias("old-hz", "hz");
    }

    @Test
    void eachTypeChecksAndNormalisesItsText() {
        ConfigRegistry r = registry();
        assertNull(r.setAtStartup("maxmemory", "1kb"));
        assertEquals(1024, r.number("maxmemory"));
        assertNull(r.setAtStartup("APPENDONLY", "NO"));
        assertEquals("no", r.get("appendonly"));
        assertEquals("argument couldn't be parsed into an integer", r.setAtStartup("hz", "+5"));
        assertEquals("argument must be between 0 and 500 inclusive", r.setAtStartup("hz", "501"));
        assertEquals("argument must be a memory value", r.setAtStartup("maxmemory", "lots"));
        assertEquals("argument(s) must be one of the following: noeviction, allkeys-lru", r.setAtStartup("policy", "x"));
        assertEquals("Bad directive or wrong number of arguments", r.setAtStartup("nosuch", "1"));
        assertNull(r.setAtStartup("maxmemory", "18446744073709551615"));
        assertEquals(Long.MAX_VALUE, r.number("maxmemory"));
    }

    @Test
    void aRuntimeChangeIsAllOrNothingAndNamesTheFirstProblem() {
        ConfigRegistry r = registry();
        assertTrue(r.setAtRuntime(List.<String[]>of(new String[]{"hz", "20"}, new String[]{"dir", "/x"})).applied());
        assertEquals(20, r.number("old-hz"));
        ConfigChange bad = r.setAtRuntime(List.<String[]>of(new String[]{"hz", "30"}, new String[]{"maxmemory", "abc"}));
        assertEquals(new ConfigChange(ConfigChange.Status.INVALID, "maxmemory", "argument must be a memory value"), bad);
        assertEquals(20, r.number("hz"), "rolled back");
        assertEquals(ConfigChange.Status.IMMUTABLE, r.setAtRuntime(List.<String[]>of(new String[]{"AppendOnly", "no"})).status());
        assertEquals(ConfigChange.Status.UNKNOWN, r.setAtRuntime(List.<String[]>of(new String[]{"nosuch", "1"})).status());
        ConfigChange dup = r.setAtRuntime(List.<String[]>of(new String[]{"hz", "1"}, new String[]{"HZ", "2"}));
        assertEquals(new ConfigChange(ConfigChange.Status.DUPLICATE, "HZ", null), dup);
        assertTrue(r.setAtRuntime(List.<String[]>of(new String[]{"hz", "1"}, new String[]{"old-hz", "2"})).applied(),
                "an alias and its parameter are two names");
    }

    @Test
    void aProtectedParameterChangesOnlyWhereTheCallerIsAllowed() {
        ConfigRegistry r = registry().protect("dir");
        ConfigChange refused = r.setAtRuntime(List.<String[]>of(new String[]{"hz", "30"}, new String[]{"DIR", "/y"}), false);
        assertEquals(new ConfigChange(ConfigChange.Status.PROTECTED, "DIR", null), refused);
        assertEquals(10, r.number("hz"), "nothing applied");
        assertTrue(r.setAtRuntime(List.<String[]>of(new String[]{"dir", "/y"}), true).applied());
        assertEquals("/y", r.get("dir"));
        assertNull(r.setAtStartup("dir", "/z"), "the config file may set it");
        assertThrows(IllegalStateException.class, () -> r.protect("nosuch"));
    }

    @Test
    void lookupByNameAnswersAsTypedAndGlobsMatchNamesThenAliases() {
        ConfigRegistry r = registry();
        assertEquals(Map.of("HZ", "10"), r.matching(List.of("HZ", "hz")));
        assertEquals(List.of("hz", "old-hz"), List.copyOf(r.matching(List.of("*hz")).keySet()));
        assertEquals(List.of("maxmemory", "policy"), List.copyOf(r.matching(List.of("maxmemory", "p*", "MAXMEMORY")).keySet()));
    }

    @Test
    void customRulesMergeWithTheCurrentValue() {
        ValueRule append = (current, raw) -> raw.isBlank() ? ValueRule.Outcome.refuse("empty")
                : ValueRule.Outcome.accept(current == null ? raw : current + "," + raw);
        ConfigRegistry r = new ConfigRegistry().custom("list", true, "a", append);
        assertNull(r.setAtStartup("list", "b"));
        assertEquals("a,b", r.get("list"));
        assertEquals("empty", r.setAtStartup("list", " "));
    }

    @Test
    void aNameIsRegisteredOnce() {
        ConfigRegistry r = registry();
        assertThrows(IllegalStateException.class, () -> r.string("hz", true, ""));
        assertThrows(IllegalStateException.class, () -> r.string("old-hz", true, ""));
        assertThrows(IllegalStateException.class, () -> r.alias("x", "nosuch"));
        assertThrows(IllegalArgumentException.class, () -> r.integer("n", true, "x", 0, 1), "a bad default");
        assertEquals(-1, MemoryText.parse("-1"));
        assertEquals(0, MemoryText.parse("kb"));
    }
}

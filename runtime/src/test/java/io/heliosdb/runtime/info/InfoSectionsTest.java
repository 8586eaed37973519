package io.heliosdb.runtime.info;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class InfoSectionsTest {
    private static InfoSections<String> sections() {
        InfoSections<String> s = new InfoSections<>();
        // registered out of order on purpose: the order number decides
        s.register("stats", 30, false, true, (in, b) -> b.append("# Stats\r\n"));
        s.register("server", 10, true, true, (in, b) -> InfoSections.line(b.append("# Server\r\n"), "who", in));
        s.register("keyspace", 40, true, true, (in, b) -> b.append("# Keyspace\r\n"));
        return s;
    }

    @Test
    void groupsFollowTheOrderAndNamesTheRequest() {
        InfoSections<String> s = sections();
        assertEquals(List.of("server", "keyspace"), List.copyOf(s.select(List.of())));
        assertEquals(List.of("server", "keyspace"), List.copyOf(s.select(List.of("default"))));
        assertEquals(List.of("server", "stats", "keyspace"), List.copyOf(s.select(List.of("everything"))));
        assertEquals(List.of("keyspace", "nosuch", "server", "stats"), List.copyOf(s.select(List.of("keyspace", "nosuch", "all", "server"))));
    }

    @Test
    void sectionsAreSeparatedByABlankLineAndUnknownOnesWriteNothing() {
        InfoSections<String> s = sections();
        assertEquals("# Keyspace\r\n\r\n# Server\r\nwho:me\r\n",
                s.render(s.select(List.of("nosuch", "keyspace", "other", "server")), "me"));
        assertEquals("", s.render(s.select(List.of("nosuch")), "me"));
    }

    @Test
    void aNameIsRegisteredOnceAndLowerCase() {
        InfoSections<String> s = sections();
        assertThrows(IllegalStateException.class, () -> s.register("stats", 99, false, true, (in, b) -> {}));
        assertThrows(IllegalArgumentException.class, () -> s.register("Pg", 99, false, true, (in, b) -> {}));
        assertThrows(IllegalArgumentException.class, () -> s.register("pg", 99, true, false, (in, b) -> {}));
        s.register("pg", 35, false, true, (in, b) -> b.append("# Pg\r\n"));
        assertEquals(List.of("server", "stats", "pg", "keyspace"), List.copyOf(s.select(List.of("all"))));
    }
}

package io.heliosdb.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path dir;

    private static ConfigRegistry registry() {
        return new ConfigRegistry().integer("port", false, "6379", 0, 65535).string("requirepass", true, "")
                .integer("pg-port", false, "5432", 0, 65535);
    }

    @Test
    void linesQuotesAndIncludesApplyInOrder() throws Exception {
        Files.writeString(dir.resolve("pg.conf"), "pg-port 5433\n");
        Path main = Files.writeString(dir.resolve("main.conf"), """
                # comment
                port 6390
                requirepass "two words\\tand a tab"
                include pg.conf
                """);
        ConfigRegistry r = registry();
        assertNull(ConfigFile.load(r, main));
        assertEquals(6390, r.number("port"));
        assertEquals("two words\tand a tab", r.get("requirepass"));
        assertEquals(5433, r.number("pg-port"));
        assertEquals(List.of("a", "b c", "d"), ConfigFile.splitArgs("a 'b c'  d"));
    }

    @Test
    void theFirstRefusedLineIsTheProblem() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.conf"), "port 6390\nport lots\nnosuch 1\n");
        ConfigFile.Problem p = ConfigFile.load(registry(), f);
        assertEquals(new ConfigFile.Problem(f, 2, "port lots", "argument couldn't be parsed into an integer"), p);
        assertEquals(0, ConfigFile.load(registry(), dir.resolve("missing.conf")).line());
    }
}

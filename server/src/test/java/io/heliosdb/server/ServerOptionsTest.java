package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.runtime.config.ConfigRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
    @Test
    void configFileInRedisSyntaxThenFlagsOverride() throws Exception {
        Path f = Files.createTempFile("helios", ".conf");
        Files.writeString(f, """
                # a comment
                port 6390
                requirepass "s3cret pass"
                maxmemory 64mb
                maxmemory-policy allkeys-lru
                hash-max-ziplist-entries 256
                """);
        ConfigRegistry c = ServerOptions.parse(new String[]{"--config", f.toString(), "--port", "6391"});
        assertEquals(6391, c.number("port"));
        assertEquals("s3cret pass", c.get("requirepass"));
        assertEquals(64L * 1024 * 1024, c.number("maxmemory"));
        assertEquals("allkeys-lru", c.get("maxmemory-policy"));
        assertEquals("256", c.get("hash-max-listpack-entries"));
    }

    @Test
    void badConfigLinesAreRefusedWithTheLine() throws Exception {
        Path f = Files.createTempFile("helios", ".conf");
        Files.writeString(f, "port 6390\nmaxmemory lots\n");
        var e = assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse(new String[]{f.toString()}));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("memory value"), e.getMessage());
        assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse(new String[]{"--nosuch", "1"}));
        assertThrows(ServerOptions.UsageException.class, () -> ServerOptions.parse(new String[]{"--port"}));
    }

    @Test
    void requirepassFromFlagsProtectsTheServer() throws Exception {
        try (TestServer s = TestServer.start("--requirepass", "pw"); RawClient c = new RawClient(s.port())) {
            assertEquals("-NOAUTH Authentication required.", c.call("GET", "x"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("AUTH", "nope"));
            assertEquals("+OK", c.call("AUTH", "pw"));
            assertEquals("(nil)", c.call("GET", "x"));
            try (RawClient h = new RawClient(s.port())) {
                assertTrue(h.call("HELLO", "3", "AUTH", "default", "pw").startsWith("%{"));
            }
        }
    }
}

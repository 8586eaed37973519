package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * redis-py, the Python client (Debian's python3-redis 4.3.4, RESP2; installed by ./heliosdb test),
 * against a real server: connections and a pool, pipelines with and without a transaction,
 * MULTI/EXEC with WATCH, pub/sub with patterns, EVAL/EVALSHA/register_script, all 256 byte
 * values, AUTH with a username. The checks are in src/test/resources/redis-py/client_test.py; it
 * runs with /usr/bin/python3 (the system interpreter that has the Debian package).
 */
class RedisPyClientTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void redisPyPassesItsChecks() throws Exception {
        assertTrue(new File(PYTHON).canExecute(), PYTHON + " is missing (./heliosdb test installs python3-redis)");
        Path script = Path.of("src", "test", "resources", "redis-py", "client_test.py");
        try (TestServer server = TestServer.start()) {
            File log = Files.createTempFile("redis-py", ".log").toFile();
            Process p = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(server.port()))
                    .redirectErrorStream(true).redirectOutput(log).start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            log.delete();
            assertTrue(done, "redis-py checks did not finish within 120 s:\n" + out);
            assertEquals(0, p.exitValue(), "redis-py checks failed:\n" + out);
            assertTrue(out.contains("redis-py: all checks passed"), out);
        }
    }
}

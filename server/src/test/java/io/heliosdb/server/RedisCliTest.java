package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Debian's redis-cli (installed by ./heliosdb test) against the server. */
class RedisCliTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String cli(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(server.port())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli hung");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void basicCommandsFromTheCommandLine() throws Exception {
        assertEquals("PONG", cli(null, "PING"));
        assertEquals("OK", cli(null, "SET", "cli-key", "hello world"));
        assertEquals("hello world", cli(null, "GET", "cli-key"));
        assertEquals("1", cli(null, "-3", "EXISTS", "cli-key"));
        assertTrue(cli(null, "INFO", "server").contains("redis_version:7.0.15"));
        assertTrue(cli(null, "-3", "HELLO", "3").contains("proto"));
    }

    @Test
    void pipeModeLoadsManyKeys() throws Exception {
        StringBuilder proto = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            String k = "pipe:" + i;
            proto.append("*3\r\n$3\r\nSET\r\n$").append(k.length()).append("\r\n").append(k).append("\r\n$1\r\nv\r\n");
        }
        String out = cli(proto.toString(), "--pipe");
        assertTrue(out.contains("errors: 0, replies: 5000"), out);
        String count = cli(null, "KEYS", "pipe:*");
        assertEquals(5000, count.lines().count());
    }

    @Test
    void scanModeIteratesAllKeys() throws Exception {
        StringBuilder proto = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            proto.append("SET scan-cli:").append(i).append(" x\n");
        }
        cli(proto.toString());
        String keys = cli(null, "--scan", "--pattern", "scan-cli:*");
        assertEquals(300, keys.lines().count());
    }

    @Test
    void inlineCommandsFromStdin() throws Exception {
        String out = cli("SET inline-key 42\nINCR inline-key\nGET inline-key\n");
        assertEquals(List.of("OK", "43", "43"), out.lines().toList());
    }
}

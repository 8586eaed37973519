package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.platform.Transport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Start, transports and stop, on real processes and sockets. */
class LifecycleTest {
    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyAvailableTransportServesCommands(Transport transport) throws Exception {
        if (!transport.isAvailable()) {
            // A forced but unavailable transport must be refused with its reason, never degraded.
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> TestServer.start("--transport", transport.configName()).close());
            assertTrue(e.getMessage().contains("not available"), e.getMessage());
            return;
        }
        try (TestServer s = TestServer.start("--transport", transport.configName()); RawClient c = new RawClient(s.port())) {
            assertEquals("+OK", c.call("SET", "t", transport.configName()));
            assertEquals("\"" + transport.configName() + "\"", c.call("GET", "t"));
            assertTrue(c.call("INFO", "server").contains("multiplexing_api:" + transport.configName()));
        }
    }

    /** The real launcher path: a child JVM prints its start line, serves, and exits cleanly on SIGTERM. */
    @Test
    void childServerLogsStartLineAndStopsGracefullyOnSigterm() throws Exception {
        Path dir = Files.createTempDirectory("helios-lifecycle");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.heliosdb.server.Main",
                "--port", "0", "--dir", dir.toString(), "--shards", "2"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String start = null;
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("HeliosDB ") && line.contains(" ready: ")) {
                start = line;
                break;
            }
        }
        assertTrue(start != null && start.contains("transport=") && start.contains("shards=2") && start.contains("resp=/127.0.0.1:"),
                String.valueOf(start));
        int port = Integer.parseInt(start.replaceAll(".*resp=/127\\.0\\.0\\.1:(\\d+).*", "$1"));
        try (RawClient c = new RawClient(port)) {
            assertEquals("+PONG", c.call("PING"));
        }
        // Process.destroy() would also close our end of its output; send SIGTERM the way an operator does.
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "server did not stop on SIGTERM");
        StringBuilder restLines = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            restLines.append(line).append('\n');
        }
        String rest = restLines.toString();
        assertTrue(rest.contains("HeliosDB shutting down"), rest);
        assertEquals(143, p.exitValue(), "exit status after SIGTERM");
    }

    /** CONFIG SET timeout closes idle clients, as Redis' timeout does. */
    @Test
    void idleClientsAreClosedAfterTheTimeout() throws Exception {
        try (TestServer s = TestServer.start(); RawClient idle = new RawClient(s.port()); RawClient admin = new RawClient(s.port())) {
            assertEquals("+PONG", idle.call("PING"));
            assertEquals("+OK", admin.call("CONFIG", "SET", "timeout", "1"));
            long deadline = System.currentTimeMillis() + 8000;
            boolean closed = false;
            while (!closed && System.currentTimeMillis() < deadline) {
                admin.call("PING"); // the admin stays active
                Thread.sleep(200);
                closed = s.server.context().clients().size() == 1;
            }
            assertTrue(closed, "idle client still connected");
            assertTrue(idle.isClosedByPeer());
            assertEquals("+OK", admin.call("CONFIG", "SET", "timeout", "0"));
        }
    }

    /** A client that pipelines but never reads replies is throttled instead of growing the server's memory. */
    @Test
    void aClientThatNeverReadsDoesNotGrowServerMemoryWithoutBound() throws Exception {
        try (TestServer s = TestServer.start(); RawClient writer = new RawClient(s.port()); RawClient admin = new RawClient(s.port())) {
            String big = "x".repeat(64 * 1024);
            assertEquals("+OK", admin.call("SET", "big", big));
            byte[] get = RawClient.encode(java.util.List.of("GET".getBytes(), "big".getBytes()));
            java.net.Socket raw = new java.net.Socket("127.0.0.1", s.port());
            raw.setSoTimeout(2000);
            raw.setReceiveBufferSize(4096);
            var out = raw.getOutputStream();
            Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        out.write(get); // 20,000 x 64 KiB = 1.25 GiB of replies if nothing pushed back
                    }
                } catch (Exception stopped) {
                    // the socket was closed at the end of the test
                }
            });
            sender.setDaemon(true);
            sender.start();
            Thread.sleep(3000);
            long direct = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            assertTrue(direct < 256L * 1024 * 1024, "server buffered " + direct + " bytes of replies for a client that never reads");
            assertEquals("+PONG", admin.call("PING"), "other clients are still served");
            raw.close();
        }
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server (Debian's, installed by ./heliosdb test) on a free port, for side-by-side tests. */
final class RedisPeer implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path dir;

    private RedisPeer(int port, Process process, Path dir) {
        this.port = port;
        this.process = process;
        this.dir = dir;
    }

    static RedisPeer start() throws Exception {
        return start(new String[0]);
    }

    /** With more redis-server options ("--aclfile", path...). */
    static RedisPeer start(String... extra) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("redis-peer");
        List<String> argv = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--save", "", "--appendonly",
                "no", "--dir", dir.toString(), "--bind", "127.0.0.1"));
        argv.addAll(List.of(extra));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        boolean up = false;
        for (int i = 0; i < 200 && !up; i++) {
            try (RawClient c = new RawClient(port)) {
                up = "+PONG".equals(c.call("PING"));
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        if (!up) {
            fail("redis-server did not start on port " + port + " (see " + dir.resolve("redis.log") + ")");
        }
        try (RawClient c = new RawClient(port)) {
            assertTrue(!c.call("INFO", "server").contains("heliosdb_version"), "the peer on port " + port + " is not redis-server");
        }
        return new RedisPeer(port, p, dir);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        TestServer.deleteRecursively(dir);
    }
}

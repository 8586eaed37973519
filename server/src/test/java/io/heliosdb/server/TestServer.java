package io.heliosdb.server;

import io.heliosdb.resp.engine.ConfigRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts a real HeliosDB on a free loopback port for a test; several shards so that keys spread. */
final class TestServer implements AutoCloseable {
    final HeliosServer server;

    private TestServer(HeliosServer server) {
        this.server = server;
    }

    static TestServer start(String... extra) throws Exception {
        Path dir = Files.createTempDirectory("helios-test");
        String[] base = {"--port", "0", "--shards", "3", "--dir", dir.toString(), "--cpu-affinity", "no"};
        String[] argv = new String[base.length + extra.length];
        System.arraycopy(base, 0, argv, 0, base.length);
        System.arraycopy(extra, 0, argv, base.length, extra.length);
        ConfigRegistry config = ServerOptions.parse(argv);
        return new TestServer(new HeliosServer(config));
    }

    int port() {
        return server.port();
    }

    /** Closes the server and fails the test if any shard task threw (a bug, even if replies looked fine). */
    @Override
    public void close() {
        long errors = server.context().shards().internalErrors();
        server.close();
        if (errors > 0) {
            throw new AssertionError(errors + " internal error(s) on the server's shards; stack traces are in the test output");
        }
    }
}

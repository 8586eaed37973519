package io.heliosdb.server;

import io.heliosdb.runtime.config.ConfigRegistry;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts a real HeliosDB on a free loopback port for a test; several shards so that keys spread. */
final class TestServer implements AutoCloseable {
    final HeliosServer server;
    final Path dir;
    private final boolean ownsDir;

    private TestServer(HeliosServer server, Path dir, boolean ownsDir) {
        this.server = server;
        this.dir = dir;
        this.ownsDir = ownsDir;
    }

    /** A server on a fresh temporary data directory, deleted again on close. */
    static TestServer start(String... extra) throws Exception {
        return start(Files.createTempDirectory("helios-test"), true, extra);
    }

    /** A server on {@code dir}, which stays after close (restart tests reopen it). */
    static TestServer startOn(Path dir, String... extra) throws Exception {
        return start(dir, false, extra);
    }

    /** A server on a fresh temporary directory (kept after close) whose storage goes through {@code fs}. */
    static TestServer startWith(io.heliosdb.lsm.io.FileSystem fs, String... extra) throws Exception {
        return start(Files.createTempDirectory("helios-test"), false, fs, extra);
    }

    private static TestServer start(Path dir, boolean ownsDir, String... extra) throws Exception {
        return start(dir, ownsDir, io.heliosdb.lsm.io.FileSystem.REAL, extra);
    }

    private static TestServer start(Path dir, boolean ownsDir, io.heliosdb.lsm.io.FileSystem fs, String... extra) throws Exception {
        String[] base = {"--port", "0", "--shards", "3", "--dir", dir.toString(), "--cpu-affinity", "no", "--lsm-wal-preallocate", "1mb"};
        String[] argv = new String[base.length + extra.length];
        System.arraycopy(base, 0, argv, 0, base.length);
        System.arraycopy(extra, 0, argv, base.length, extra.length);
        ConfigRegistry config = ServerOptions.parse(argv);
        return new TestServer(new HeliosServer(config, fs), dir, ownsDir);
    }

    static void deleteRecursively(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary directory: best effort
        }
    }

    /** Internal errors this test provokes on purpose (fault injection); more than these fail it. */
    long expectedInternalErrors;

    int port() {
        return server.port();
    }

    /** Closes the server and fails the test if any shard task threw (a bug, even if replies looked fine). */
    @Override
    public void close() {
        long errors = server.context().shards().internalErrors();
        server.close();
        if (ownsDir) {
            deleteRecursively(dir);
        }
        if (errors > expectedInternalErrors) {
            throw new AssertionError(errors + " internal error(s) on the server's shards; stack traces are in the test output");
        }
    }
}

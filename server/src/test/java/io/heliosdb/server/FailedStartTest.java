package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A start that fails half-way stops what it had started: the data directory opens again at once. */
class FailedStartTest {
    @Test
    void aPortInUseStopsTheStartedStorageAndTheDataStaysWhole() throws Exception {
        Path dir = Files.createTempDirectory("helios-failed-start");
        try {
            try (TestServer s = TestServer.startOn(dir); RawClient c = new RawClient(s.port())) {
                assertEquals("+OK", c.call("SET", "kept", "yes"));
            }
            try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String port = Integer.toString(busy.getLocalPort());
                assertThrows(Exception.class, () -> TestServer.startOn(dir, "--port", port));
            }
            assertEquals(0, liveThreadsAfterWaiting("helios-shard", "heliosdb-fsync", "lsm-"), "threads of the failed start");
            try (TestServer s = TestServer.startOn(dir); RawClient c = new RawClient(s.port())) {
                assertEquals("\"yes\"", c.call("GET", "kept"));
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /** Threads whose name starts with one of {@code prefixes}, once they are gone or 5 s have passed. */
    private static long liveThreadsAfterWaiting(String... prefixes) throws InterruptedException {
        long live = 0;
        for (int i = 0; i < 100; i++) {
            live = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .filter(t -> Arrays.stream(prefixes).anyMatch(t.getName()::startsWith)).count();
            if (live == 0) {
                break;
            }
            Thread.sleep(50);
        }
        return live;
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The effects (not just the replies) of CLIENT PAUSE and CLIENT KILL. */
class ClientControlTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pauseWriteHoldsWritesButServesReadsUntilUnpause() throws Exception {
        try (RawClient admin = new RawClient(server.port()); RawClient writer = new RawClient(server.port())) {
            assertEquals("+OK", admin.call("SET", "paused-key", "before"));
            assertEquals("+OK", admin.call("CLIENT", "PAUSE", "100000", "WRITE"));
            writer.send(List.of("SET".getBytes(), "paused-key".getBytes(), "after".getBytes()));
            // Reads go on while the write waits; the write has not happened.
            for (int i = 0; i < 5; i++) {
                assertEquals("\"before\"", admin.call("GET", "paused-key"));
                Thread.sleep(20);
            }
            assertEquals("+OK", admin.call("CLIENT", "UNPAUSE"));
            assertEquals("+OK", writer.read());
            assertEquals("\"after\"", admin.call("GET", "paused-key"));
        }
    }

    @Test
    void killByIdClosesThatConnectionOnly() throws Exception {
        try (RawClient admin = new RawClient(server.port()); RawClient victim = new RawClient(server.port())) {
            String id = victim.call("CLIENT", "ID").substring(1);
            assertEquals(":1", admin.call("CLIENT", "KILL", "ID", id));
            assertTrue(victim.isClosedByPeer());
            assertEquals("+PONG", admin.call("PING"));
            assertEquals(":0", admin.call("CLIENT", "KILL", "ID", id));
        }
    }

    @Test
    void killWithSkipmeNoClosesTheCallerAfterItsReply() throws Exception {
        try (RawClient self = new RawClient(server.port())) {
            String id = self.call("CLIENT", "ID").substring(1);
            assertEquals(":1", self.call("CLIENT", "KILL", "ID", id, "SKIPME", "no"));
            assertTrue(self.isClosedByPeer());
        }
    }
}

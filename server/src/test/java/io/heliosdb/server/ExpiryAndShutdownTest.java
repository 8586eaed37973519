package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

class ExpiryAndShutdownTest {
    /** Keys nobody reads again are still removed by the per-shard active expiry cycle. */
    @Test
    void activeExpiryRemovesKeysThatAreNeverAccessed() throws Exception {
        try (TestServer server = TestServer.start("--hz", "50"); Jedis j = new Jedis("127.0.0.1", server.port())) {
            Pipeline p = j.pipelined();
            for (int i = 0; i < 3000; i++) {
                p.psetex("volatile:" + i, 400, "v");
            }
            p.set("persistent", "stays");
            p.sync();
            assertTrue(j.dbSize() > 1000, "keys expired before the test could look");
            long deadline = System.currentTimeMillis() + 10_000;
            while (j.dbSize() > 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1L, j.dbSize(), "expired keys left in the keyspace");
            assertTrue(j.info("stats").contains("expired_keys:3000"), j.info("stats"));
            assertEquals("stays", j.get("persistent"));
        }
    }

    /** SHUTDOWN stops the server (in tests the process stays; the listener closes). */
    @Test
    void shutdownStopsServing() throws Exception {
        TestServer server = TestServer.start();
        int port = server.port();
        try (RawClient c = new RawClient(port)) {
            assertEquals("-ERR syntax error", c.call("SHUTDOWN", "BOGUS"));
            c.send(java.util.List.of("SHUTDOWN".getBytes(), "NOSAVE".getBytes()));
            assertTrue(c.isClosedByPeer(), "SHUTDOWN closes the connection without a reply");
        }
        long deadline = System.currentTimeMillis() + 10_000;
        boolean refused = false;
        while (!refused && System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(50);
            } catch (ConnectException e) {
                refused = true;
            }
        }
        assertTrue(refused, "server still accepting connections after SHUTDOWN");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}

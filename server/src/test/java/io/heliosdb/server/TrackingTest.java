package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** CLIENT TRACKING: invalidation pushes (RESP3), the RESP2 redirect channel, BCAST, OPTIN, NOLOOP, Lettuce's cache. */
class TrackingTest {
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
    void resp3ClientHearsInvalidateForKeysItReadOnceUntilItReadsAgain() throws Exception {
        try (RawClient c = new RawClient(server.port()); RawClient w = new RawClient(server.port())) {
            c.call("HELLO", "3");
            assertEquals("+OK", c.call("CLIENT", "TRACKING", "ON"));
            w.call("SET", "tr:a", "1");
            assertEquals("\"1\"", c.call("GET", "tr:a"));
            w.call("SET", "tr:a", "2");
            assertEquals(">[\"invalidate\", *[\"tr:a\"]]", c.read());
            w.call("SET", "tr:a", "3"); // not read since: no second message
            assertEquals("\"3\"", c.call("GET", "tr:a"));
            w.call("DEL", "tr:a");
            assertEquals(">[\"invalidate\", *[\"tr:a\"]]", c.read());
            assertEquals("(null)", c.call("GET", "tr:a"));
            c.call("CLIENT", "TRACKING", "OFF");
        }
    }

    @Test
    void keysReadByAMultiShardCommandAreTrackedToo() throws Exception {
        try (RawClient c = new RawClient(server.port()); RawClient w = new RawClient(server.port())) {
            c.call("HELLO", "3");
            c.call("CLIENT", "TRACKING", "ON");
            w.call("MSET", "mt:a", "1", "mt:b", "2", "mt:c", "3", "mt:d", "4"); // spread over the 3 shards
            assertEquals("*[\"1\", \"2\", \"3\", \"4\"]", c.call("MGET", "mt:a", "mt:b", "mt:c", "mt:d"));
            for (String k : new String[]{"mt:a", "mt:b", "mt:c", "mt:d"}) {
                w.call("SET", k, "x");
                assertEquals(">[\"invalidate\", *[\"" + k + "\"]]", c.read());
            }
            c.call("CLIENT", "TRACKING", "OFF");
        }
    }

    @Test
    void resp2ClientGetsInvalidationsOnTheRedirectChannel() throws Exception {
        try (RawClient listener = new RawClient(server.port()); RawClient c = new RawClient(server.port());
             RawClient w = new RawClient(server.port())) {
            String id = listener.call("CLIENT", "ID").substring(1);
            assertEquals("*[\"subscribe\", \"__redis__:invalidate\", :1]", listener.call("SUBSCRIBE", "__redis__:invalidate"));
            assertEquals("+OK", c.call("CLIENT", "TRACKING", "ON", "REDIRECT", id));
            assertEquals(":" + id, c.call("CLIENT", "GETREDIR"));
            w.call("SET", "tr:r", "x");
            c.call("GET", "tr:r");
            w.call("APPEND", "tr:r", "y");
            assertEquals("*[\"message\", \"__redis__:invalidate\", *[\"tr:r\"]]", listener.read());
            c.call("GET", "tr:r");
            w.call("FLUSHALL");
            assertEquals("*[\"message\", \"__redis__:invalidate\", (nil)]", listener.read());
        }
    }

    /** Against redis-server too: both must give the same answers. */
    @Test
    void aRedirectToAGoneClientIsReportedAsRedisDoes() throws Exception {
        try (RedisPeer redis = RedisPeer.start()) {
            for (int port : new int[]{redis.port, server.port()}) {
                try (RawClient c = new RawClient(port); RawClient w = new RawClient(port)) {
                    RawClient gone = new RawClient(port);
                    String id = gone.call("CLIENT", "ID").substring(1);
                    c.call("HELLO", "3");
                    assertEquals("+OK", c.call("CLIENT", "TRACKING", "ON", "REDIRECT", id));
                    gone.close();
                    long deadline = System.currentTimeMillis() + 5000;
                    while (w.call("CLIENT", "LIST").contains("id=" + id + " ") && System.currentTimeMillis() < deadline) {
                        Thread.sleep(10);
                    }
                    c.call("GET", "rb:k");
                    String info = c.call("CLIENT", "TRACKINGINFO");
                    assertTrue(!info.contains("broken_redirect"), "not known before an invalidation: " + info);
                    w.call("SET", "rb:k", "1");
                    assertEquals(">[\"tracking-redir-broken\", :" + id + "]", c.read(), "port " + port);
                    info = c.call("CLIENT", "TRACKINGINFO");
                    assertTrue(info.contains("\"broken_redirect\""), info);
                    c.call("GET", "rb:k");
                    w.call("SET", "rb:k", "2");
                    assertEquals(">[\"tracking-redir-broken\", :" + id + "]", c.read(), "each time (port " + port + ")");
                }
            }
        }
    }

    @Test
    void pastTrackingTableMaxKeysAKeyIsForgottenAndItsReaderToldAsRedisDoes() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer one = TestServer.start("--shards", "1")) {
            for (int port : new int[]{redis.port, one.port()}) {
                try (RawClient c = new RawClient(port); RawClient w = new RawClient(port)) {
                    assertEquals("+OK", w.call("CONFIG", "SET", "tracking-table-max-keys", "2"));
                    c.call("HELLO", "3");
                    c.call("CLIENT", "TRACKING", "ON");
                    List<String> invalidated = new java.util.ArrayList<>();
                    for (String k : new String[]{"lim:a", "lim:b", "lim:c", "lim:d"}) {
                        c.send(List.of("GET".getBytes(), k.getBytes()));
                        for (String m = c.read(); !m.equals("(null)"); m = c.read()) {
                            invalidated.add(m); // a push may come before the reply (Redis: before the next command)
                        }
                    }
                    c.send(List.of("PING".getBytes()));
                    for (String m = c.read(); !m.equals("+PONG"); m = c.read()) {
                        invalidated.add(m);
                    }
                    assertEquals(2, invalidated.size(), "port " + port + ": " + invalidated);
                    for (String m : invalidated) {
                        assertTrue(m.matches(">\\[\"invalidate\", \\*\\[\"lim:[abcd]\"\\]\\]"), m);
                    }
                    String stats = w.call("INFO", "stats");
                    assertTrue(stats.contains("tracking_total_keys:2"), "port " + port + ": " + stats);
                    assertTrue(w.call("INFO", "clients").contains("tracking_clients:1"), "port " + port);
                    w.call("CONFIG", "SET", "tracking-table-max-keys", "1000000");
                }
            }
        }
    }

    @Test
    void bcastOptinAndNoloopSelectWhatIsAnnounced() throws Exception {
        try (RawClient b = new RawClient(server.port()); RawClient o = new RawClient(server.port());
             RawClient w = new RawClient(server.port())) {
            b.call("HELLO", "3");
            o.call("HELLO", "3");
            assertEquals("+OK", b.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP"));
            w.call("SET", "order:1", "x"); // no matching prefix: nothing
            w.call("SET", "user:1", "x");
            assertEquals(">[\"invalidate\", *[\"user:1\"]]", b.read());
            b.call("SET", "user:2", "mine"); // NOLOOP: its own change is not announced to it
            w.call("SET", "user:3", "x");
            assertEquals(">[\"invalidate\", *[\"user:3\"]]", b.read());

            assertEquals("+OK", o.call("CLIENT", "TRACKING", "ON", "OPTIN"));
            o.call("GET", "opt:skipped"); // not tracked: no CLIENT CACHING YES before it
            assertEquals("+OK", o.call("CLIENT", "CACHING", "YES"));
            o.call("GET", "opt:kept");
            w.call("SET", "opt:skipped", "1");
            w.call("SET", "opt:kept", "1");
            assertEquals(">[\"invalidate\", *[\"opt:kept\"]]", o.read());
            b.call("CLIENT", "TRACKING", "OFF");
            o.call("CLIENT", "TRACKING", "OFF");
        }
    }

    @Test
    void lettuceClientSideCacheSeesChangesMadeByOthers() throws Exception {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> conn = client.connect(); Jedis writer = new Jedis("127.0.0.1", server.port())) {
            writer.set("cached:k", "v1");
            Map<String, String> store = new ConcurrentHashMap<>();
            CacheFrontend<String, String> frontend = ClientSideCaching.enable(CacheAccessor.forMap(store), conn, TrackingArgs.Builder.enabled());
            assertEquals("v1", frontend.get("cached:k"));
            assertEquals("v1", store.get("cached:k")); // now served from the local cache
            writer.set("cached:k", "v2");
            long deadline = System.currentTimeMillis() + 5000;
            while (store.containsKey("cached:k") && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(!store.containsKey("cached:k"), "the invalidation reached Lettuce's cache");
            assertEquals("v2", frontend.get("cached:k"));
            frontend.close();
        } finally {
            client.shutdown();
        }
    }
}

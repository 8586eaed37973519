package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lettuce negotiates RESP3 with HELLO 3; these calls must work unchanged. */
class LettuceClientTest {
    private static TestServer server;
    private static RedisClient client;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        client = RedisClient.create("redis://127.0.0.1:" + server.port());
        client.setOptions(io.lettuce.core.ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        server.close();
    }

    @Test
    void speaksResp3AfterHello() {
        RedisCommands<String, String> r = connection.sync();
        r.flushall();
        assertTrue(r.clientList().contains("resp=3"), r.clientList());
        assertEquals("OK", r.set("k", "v", SetArgs.Builder.px(100_000)));
        assertEquals("v", r.get("k"));
        assertTrue(r.pttl("k") > 90_000);
        assertNull(r.get("nothing"));
        assertEquals(3L, r.incrby("counter", 3));
        assertEquals(4.25, r.incrbyfloat("counter", 1.25));
        Map<String, String> cfg = r.configGet("maxmemory-policy");
        assertEquals("noeviction", cfg.get("maxmemory-policy"));
    }

    @Test
    void msetAndMgetAcrossShards() {
        RedisCommands<String, String> r = connection.sync();
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            m.put("lk" + i, "lv" + i);
        }
        assertEquals("OK", r.mset(m));
        List<KeyValue<String, String>> got = r.mget(m.keySet().toArray(String[]::new));
        for (int i = 0; i < 100; i++) {
            assertEquals("lv" + i, got.get(i).getValue());
        }
        assertTrue(r.msetnx(Map.of("fresh1", "a", "fresh2", "b")));
        assertEquals(Boolean.FALSE, r.msetnx(Map.of("fresh1", "c", "fresh3", "d")));
        assertEquals(0L, r.exists("fresh3"));
    }

    @Test
    void asyncPipelineCompletesInOrder() throws Exception {
        RedisAsyncCommands<String, String> a = connection.async();
        connection.setAutoFlushCommands(false);
        List<RedisFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            futures.add(a.incr("async-counter-" + (i % 37)));
        }
        connection.flushCommands();
        connection.setAutoFlushCommands(true);
        long[] expected = new long[37];
        for (int i = 0; i < 2000; i++) {
            assertEquals(++expected[i % 37], futures.get(i).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void commandDocsAndInfoAreServed() {
        RedisCommands<String, String> r = connection.sync();
        assertTrue(r.info("keyspace").startsWith("# Keyspace"));
        assertTrue(r.commandCount() > 50);
        assertEquals(1, r.commandInfo("get").size());
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis (RESP2) against a real server: the calls applications make, unchanged. */
class JedisClientTest {
    private static TestServer server;
    private Jedis jedis;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", server.port());
        jedis.flushAll();
    }

    @Test
    void stringsRoundTripThroughJedis() {
        assertEquals("OK", jedis.set("greeting", "hello"));
        assertEquals("hello", jedis.get("greeting"));
        assertEquals("OK", jedis.set("greeting", "bye", SetParams.setParams().ex(100).xx()));
        assertTrue(jedis.ttl("greeting") > 90);
        assertEquals(5L, jedis.append("greeting", "!!"));
        assertEquals(11L, jedis.incrBy("n", 11));
        assertEquals(12.5, jedis.incrByFloat("n", 1.5));
        assertEquals("ye!", jedis.getrange("greeting", 1, 3));
        assertNull(jedis.get("missing"));
        JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.incr("greeting"));
        assertEquals("ERR value is not an integer or out of range", e.getMessage());
    }

    @Test
    void multiKeyCommandsSpanShards() {
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            kv.add("key" + i);
            kv.add("value" + i);
        }
        assertEquals("OK", jedis.mset(kv.toArray(String[]::new)));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add("key" + i);
        }
        keys.add("nokey");
        List<String> values = jedis.mget(keys.toArray(String[]::new));
        for (int i = 0; i < 50; i++) {
            assertEquals("value" + i, values.get(i));
        }
        assertNull(values.get(50));
        assertEquals(50L, jedis.exists(keys.toArray(String[]::new)));
        assertEquals(50L, jedis.dbSize());
        assertEquals(25L, jedis.del(keys.subList(0, 25).toArray(String[]::new)));
        assertEquals(25L, jedis.dbSize());
        assertEquals("OK", jedis.rename("key30", "renamed-far-away"));
        assertEquals("value30", jedis.get("renamed-far-away"));
        assertTrue(jedis.copy("key31", "copy31", false));
        assertEquals("value31", jedis.get("copy31"));
    }

    @Test
    void scanVisitsEveryKeyAcrossShards() {
        Set<String> expected = new HashSet<>();
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < 2000; i++) {
            p.set("scan:" + i, "v");
            expected.add("scan:" + i);
        }
        p.sync();
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(100).match("scan:*"));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            calls++;
        } while (!cursor.equals("0"));
        assertEquals(expected, seen);
        assertTrue(calls > 3, "COUNT should bound the work per call, got " + calls + " calls");
        assertEquals(2000, jedis.keys("scan:*").size());
    }

    @Test
    void pipelineKeepsReplyOrder() {
        Pipeline p = jedis.pipelined();
        List<Response<Long>> incrs = new ArrayList<>();
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            p.set("p" + i, Integer.toString(i));
            incrs.add(p.incr("p" + i));
            gets.add(p.get("p" + i));
        }
        p.sync();
        for (int i = 0; i < 1000; i++) {
            assertEquals(i + 1, incrs.get(i).get());
            assertEquals(Integer.toString(i + 1), gets.get(i).get());
        }
    }

    @Test
    void databasesAreSeparate() {
        jedis.set("shared", "db0");
        jedis.select(3);
        assertNull(jedis.get("shared"));
        jedis.set("shared", "db3");
        jedis.select(0);
        assertEquals("db0", jedis.get("shared"));
        assertEquals(1L, jedis.move("shared", 5));
        jedis.select(5);
        assertEquals("db0", jedis.get("shared"));
    }

    @Test
    void connectionAndServerCommands() {
        assertEquals("PONG", jedis.ping());
        jedis.clientSetname("jedis-test");
        assertEquals("jedis-test", jedis.clientGetname());
        assertTrue(jedis.clientList().contains("name=jedis-test"));
        assertTrue(jedis.info("server").contains("redis_version:7.0.15"));
        assertEquals(java.util.Map.of("maxmemory", "0"), jedis.configGet("maxmemory"));
        assertTrue(jedis.clientId() > 0);
        assertEquals(2, jedis.time().size());
    }

    @Test
    void expiredKeysAreNeverReturned() throws Exception {
        jedis.psetex("short", 30, "v");
        jedis.set("other", "x");
        jedis.pexpire("other", 30);
        Thread.sleep(60);
        assertNull(jedis.get("short"));
        assertEquals(false, jedis.exists("other"));
        assertEquals(-2L, jedis.ttl("short"));
    }

    /** Big values round-trip on every shard, and the connection gives back the buffer they needed. */
    @Test
    void bigValuesRoundTripAndBuffersShrinkAfterwards() {
        byte[] big = new byte[8 * 1024 * 1024];
        new java.util.Random(5).nextBytes(big);
        for (int i = 0; i < 6; i++) { // keys spread over the test server's shards
            byte[] key = ("big:" + i).getBytes();
            assertEquals("OK", jedis.set(key, big));
            assertTrue(java.util.Arrays.equals(big, jedis.get(key)), "value " + i + " differs");
            assertEquals(big.length, jedis.strlen(key));
        }
        String info = jedis.clientInfo();
        long qbufFree = Long.parseLong(info.replaceAll("(?s).*qbuf-free=(\\d+).*", "$1"));
        assertTrue(qbufFree < 64 * 1024, "query buffer kept after big requests: " + info);
    }
}

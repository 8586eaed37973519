package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * DUMP payloads move between redis-server 7.0 and HeliosDB in both directions with identical
 * contents, for every type and every encoding Redis picks (listpack, quicklist with several nodes,
 * intset, hashtable, skiplist; integer, short and LZF-compressed strings).
 */
class DumpRestoreInteropTest {
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    /** Fills a server with one key of every type and encoding. */
    private static List<String> populate(Jedis j) {
        j.flushAll();
        j.set("str", "hello world");
        j.set("int", "12345");
        j.set("negint", "-9000000000");
        j.set("lzf", "abcdefgh".repeat(100)); // compressible: Redis DUMPs it LZF-compressed
        j.set("bin", new String(new char[]{0, 1, 255, '\r', '\n'}));
        j.hset("hash", Map.of("f1", "v1", "f2", "2", "f3", ""));
        Map<String, String> big = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            big.put("field" + i, "value" + i);
        }
        j.hset("bighash", big);
        j.hset("longhash", "f", "v".repeat(100));
        j.rpush("list", "a", "1", "-7", "ccc", "x".repeat(70), "");
        for (int i = 0; i < 1000; i++) {
            j.rpush("biglist", "item" + i, Integer.toString(i * 1000), "z".repeat(i % 300));
        }
        j.sadd("intset", "1", "-2", "300", "70000", "5000000000", "-9223372036854775808");
        j.sadd("set", "a", "b", "c");
        for (int i = 0; i < 700; i++) {
            j.sadd("bigintset", Integer.toString(i * 7));
        }
        j.zadd("zset", Map.of("a", 1.0, "b", 2.5, "c", Double.NEGATIVE_INFINITY, "d", 1e-300));
        Map<String, Double> bigz = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            bigz.put("m" + i, i / 3.0);
        }
        j.zadd("bigzset", bigz);
        // streams: small and over several listpack nodes, with deletions, groups, pending entries, consumers
        for (int i = 1; i <= 3; i++) {
            j.sendCommand(Protocol.Command.XADD, "stream", i + "-1", "field", "v" + i, "other", Integer.toString(i));
        }
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "stream", "readers", "0");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "readers", "ann", "COUNT", "2", "STREAMS", "stream", ">");
        for (int i = 1; i <= 250; i++) {
            j.sendCommand(Protocol.Command.XADD, "bigstream", "1000-" + i, "n", Integer.toString(i), i % 3 == 0 ? "extra" : "n2", "x".repeat(i % 20));
        }
        j.sendCommand(Protocol.Command.XDEL, "bigstream", "1000-5", "1000-150");
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "bigstream", "g1", "0");
        j.sendCommand(Protocol.Command.XGROUP, "CREATE", "bigstream", "g2", "$", "MKSTREAM");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "c1", "COUNT", "120", "STREAMS", "bigstream", ">");
        j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g1", "c2", "COUNT", "10", "STREAMS", "bigstream", ">");
        j.sendCommand(Protocol.Command.XACK, "bigstream", "g1", "1000-1", "1000-2");
        return new ArrayList<>(new TreeSet<>(j.keys("*")));
    }

    private static Object contents(Jedis j, String key) {
        return switch (j.type(key)) {
            case "string" -> j.get(key);
            case "hash" -> new TreeMap<>(j.hgetAll(key));
            case "list" -> j.lrange(key, 0, -1);
            case "set" -> new TreeSet<>(j.smembers(key));
            case "zset" -> j.zrangeWithScores(key, 0, -1).toString();
            case "stream" -> render(j.sendCommand(Protocol.Command.XRANGE, key, "-", "+")) + " "
                    + render(j.sendCommand(Protocol.Command.XINFO, "GROUPS", key)) + " "
                    + render(j.sendCommand(Protocol.Command.XLEN, key))
                    + pendingOfGroups(j, key);
            default -> throw new AssertionError(j.type(key));
        };
    }

    /** Each group's pending entries: ID, consumer and delivery count (not the idle time, which moves). */
    private static String pendingOfGroups(Jedis j, String key) {
        StringBuilder b = new StringBuilder();
        for (Object g : (List<?>) j.sendCommand(Protocol.Command.XINFO, "GROUPS", key)) {
            String name = new String((byte[]) ((List<?>) g).get(1));
            b.append(' ').append(name).append(':');
            for (Object row : (List<?>) j.sendCommand(Protocol.Command.XPENDING, key, name, "-", "+", "1000")) {
                List<?> r = (List<?>) row;
                b.append(render(r.get(0))).append('/').append(render(r.get(1))).append('/').append(render(r.get(3))).append(',');
            }
        }
        return b.toString();
    }

    private static String render(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object x : l) {
                b.append(render(x)).append(' ');
            }
            return b.append(']').toString();
        }
        return String.valueOf(o);
    }

    @Test
    void payloadsDumpedByRedisRestoreHereWithTheSameContents() {
        try (Jedis r = new Jedis("127.0.0.1", redis.port); Jedis h = new Jedis("127.0.0.1", helios.port())) {
            h.flushAll();
            for (String key : populate(r)) {
                byte[] payload = r.dump(key);
                assertEquals("OK", h.restore(key, 0, payload), key);
                assertEquals(r.type(key), h.type(key), key);
                assertEquals(contents(r, key), contents(h, key), key);
                assertEquals(r.objectEncoding(key), h.objectEncoding(key), "encoding of " + key);
            }
        }
    }

    @Test
    void payloadsDumpedHereRestoreIntoRedisWithTheSameContents() {
        try (Jedis r = new Jedis("127.0.0.1", redis.port); Jedis h = new Jedis("127.0.0.1", helios.port())) {
            List<String> keys = populate(h);
            r.flushAll();
            for (String key : keys) {
                byte[] payload = h.dump(key);
                assertEquals("OK", r.restore(key, 0, payload), key);
                assertEquals(contents(h, key), contents(r, key), key);
            }
            // And back again: a round trip through both keeps every byte of the contents.
            for (String key : keys) {
                h.restore(key, 0, r.dump(key), RestoreParams.restoreParams().replace());
                assertEquals(contents(r, key), contents(h, key), key);
            }
        }
    }

    @Test
    void damagedPayloadsAreRefusedWithRedisError() {
        try (Jedis h = new Jedis("127.0.0.1", helios.port())) {
            h.set("s", "value");
            byte[] p = h.dump("s");
            byte[] damaged = p.clone();
            damaged[2] ^= 1;
            var e = assertThrows(JedisDataException.class, () -> h.restore("t", 0, damaged));
            assertEquals("ERR DUMP payload version or checksum are wrong", e.getMessage());
            byte[] newer = p.clone();
            newer[p.length - 10] = 11; // an RDB version from the future
            assertThrows(JedisDataException.class, () -> h.restore("t", 0, newer));
            assertTrue(!h.exists("t"));
            assertArrayEquals(p, h.dump("s"));
        }
    }
}

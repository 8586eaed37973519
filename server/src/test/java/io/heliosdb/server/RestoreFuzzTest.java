package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.keyspace.rdb.Crc64;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * RESTORE of damaged payloads whose checksum was made to match (so the decoder itself sees the
 * damage): every reply is OK or Redis' "Bad data format", never an internal error, and the server
 * goes on. Covers the RDB string, listpack, intset, quicklist and LZF decoders and HLL strings.
 */
class RestoreFuzzTest {
    private static byte[] withChecksum(byte[] p) {
        int n = p.length - 8;
        long crc = Crc64.of(p, 0, n);
        for (int i = 0; i < 8; i++) {
            p[n + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    @Test
    void damagedPayloadsAreRefusedCleanly() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer s = TestServer.start();
             Jedis r = new Jedis("127.0.0.1", redis.port); Jedis h = new Jedis("127.0.0.1", s.port())) {
            // Payloads in every encoding Redis writes (listpack, intset, quicklist, LZF, integers).
            r.set("lzf", "abcdefgh".repeat(50));
            r.set("int", "123456");
            r.hset("h", java.util.Map.of("a", "1", "bb", "22", "ccc", "x".repeat(70)));
            r.hset("hs", java.util.Map.of("a", "1", "b", "2"));
            r.rpush("l", "a", "1", "-5", "x".repeat(100));
            r.sadd("is", "1", "2", "-300", "70000");
            r.sadd("s", "a", "b");
            r.zadd("z", java.util.Map.of("a", 1.0, "b", 2.5));
            r.pfadd("hll", "a", "b", "c");
            List<byte[]> seeds = new ArrayList<>();
            for (String k : List.of("lzf", "int", "h", "hs", "l", "is", "s", "z", "hll")) {
                seeds.add(r.dump(k));
            }
            Random rnd = new Random(11);
            int ok = 0;
            int refused = 0;
            for (int i = 0; i < 3000; i++) {
                byte[] p = seeds.get(rnd.nextInt(seeds.size())).clone();
                int flips = 1 + rnd.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int at = rnd.nextInt(p.length - 10); // the value, not the footer
                    p[at] = (byte) (rnd.nextInt(4) == 0 ? 0xFF : rnd.nextInt(256));
                }
                try {
                    assertEquals("OK", h.restore("k" + i, 0, withChecksum(p)));
                    ok++;
                    h.type("k" + i);
                    h.dump("k" + i);
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().equals("ERR Bad data format")
                            || e.getMessage().equals("ERR DUMP payload version or checksum are wrong"), e.getMessage());
                    refused++;
                }
            }
            assertEquals("PONG", h.ping());
            assertTrue(refused > 100 && ok > 100, "ok " + ok + ", refused " + refused);
        }
    }
}

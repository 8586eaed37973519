package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** maxmemory without persistence: Redis' eviction policies and its OOM error. */
class EvictionTest {
    private static long info(Jedis j, String field) {
        for (String line : j.info().split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + field + " in INFO");
    }

    private static final String VALUE = "v".repeat(1000);

    @Test
    void noevictionRefusesWritesWithRedisErrorAndKeepsReadsGoing() throws Exception {
        try (TestServer s = TestServer.start("--appendonly", "no", "--maxmemory", "3mb", "--maxmemory-policy", "noeviction", "--shards", "1");
             Jedis j = new Jedis("127.0.0.1", s.port())) {
            JedisDataException oom = null;
            int written = 0;
            for (int i = 0; i < 20_000 && oom == null; i++) {
                try {
                    j.set("k" + i, VALUE);
                    written++;
                } catch (JedisDataException e) {
                    oom = e;
                }
            }
            assertTrue(oom != null, "writes beyond maxmemory must fail");
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", oom.getMessage());
            assertEquals(VALUE, j.get("k0"));
            assertEquals(written, j.dbSize());
            j.del("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
            assertEquals(0, info(j, "evicted_keys"));
        }
    }

    @Test
    void allkeysPoliciesMakeRoomForEveryWrite() throws Exception {
        for (String policy : new String[]{"allkeys-lru", "allkeys-lfu", "allkeys-random"}) {
            try (TestServer s = TestServer.start("--appendonly", "no", "--maxmemory", "4mb", "--maxmemory-policy", policy);
                 Jedis j = new Jedis("127.0.0.1", s.port())) {
                for (int i = 0; i < 20_000; i++) {
                    j.set("k" + i, VALUE);
                    if (i % 1000 == 0) {
                        j.hset("h" + i, java.util.Map.of("a", VALUE, "b", VALUE, "c", VALUE));
                    }
                }
                long keys = j.dbSize();
                assertTrue(keys > 100 && keys < 20_000, policy + ": kept " + keys + " keys");
                assertTrue(info(j, "evicted_keys") > 10_000, policy);
                assertTrue(info(j, "used_memory") < 4 * 1024 * 1024 * 1.2, policy + ": used " + info(j, "used_memory"));
                assertEquals(VALUE, j.get("k19999"), "the last write is there");
            }
        }
    }

    @Test
    void volatileTtlEvictsTheNearestExpiryFirstAndNeverAPersistentKey() throws Exception {
        try (TestServer s = TestServer.start("--appendonly", "no", "--maxmemory", "3mb", "--maxmemory-policy", "volatile-ttl", "--shards", "1");
             Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 500; i++) {
                j.set("keep" + i, VALUE);
            }
            for (int i = 0; i < 3000; i++) {
                j.setex("ttl" + i, 10_000 + i, VALUE); // later keys expire later
            }
            assertEquals(500, j.keys("keep*").size(), "keys without a TTL are never evicted by volatile-ttl");
            // volatile-ttl samples keys (maxmemory-samples), as Redis does: no single key is certain to go,
            // but keys expiring soonest go far more often than those expiring last.
            int earlyGone = 0, lateGone = 0;
            for (int i = 0; i < 1000; i++) {
                earlyGone += j.exists("ttl" + i) ? 0 : 1;
                lateGone += j.exists("ttl" + (2000 + i)) ? 0 : 1;
            }
            assertTrue(earlyGone > 0 && earlyGone > lateGone + 200, "evicted: " + earlyGone + " of the earliest 1000, " + lateGone + " of the latest 1000");
            JedisDataException oom = assertThrows(JedisDataException.class, () -> {
                for (int i = 0; i < 20_000; i++) {
                    j.set("more" + i, VALUE); // no TTL: once the volatile keys are gone, nothing is left to evict
                }
            });
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", oom.getMessage());
            assertEquals(500, j.keys("keep*").size());
        }
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** Scripts through Jedis on a 3-shard server: caching by SHA, atomicity across shards, limits. */
class ScriptingTest {
    private static final String RATE_LIMIT = """
            local current = tonumber(redis.call('GET', KEYS[1]) or '0')
            if current >= tonumber(ARGV[1]) then return 0 end
            current = redis.call('INCR', KEYS[1])
            if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
            return 1
            """;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = jedis()) {
            j.flushAll();
            j.scriptFlush();
        }
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", server.port(), 30_000);
    }

    @Test
    void rateLimiterThroughEvalshaAllowsExactlyTheLimit() {
        try (Jedis j = jedis()) {
            String sha = j.scriptLoad(RATE_LIMIT);
            assertEquals(List.of(true, false), j.scriptExists(sha, "0000000000000000000000000000000000000000"));
            int allowed = 0;
            for (int i = 0; i < 25; i++) {
                allowed += ((Long) j.evalsha(sha, List.of("rl:user42"), List.of("10", "60"))).intValue();
            }
            assertEquals(10, allowed);
            assertTrue(j.ttl("rl:user42") > 50);
            j.scriptFlush();
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.evalsha(sha, List.of("rl:x"), List.of("1", "1")));
            assertEquals("NOSCRIPT No matching script. Please use EVAL.", e.getMessage());
        }
    }

    @Test
    void scriptWithoutDeclaredKeysReachesKeysOnEveryShard() {
        try (Jedis j = jedis()) {
            for (int i = 0; i < 30; i++) {
                j.set("spread:" + i, Integer.toString(i));
            }
            Object sum = j.eval("""
                    local s = 0
                    for i = 0, 29 do s = s + tonumber(redis.call('GET', 'spread:' .. i)) end
                    redis.call('SET', 'spread:sum', s)
                    return s
                    """);
            assertEquals(435L, sum);
            assertEquals("435", j.get("spread:sum"));
            assertEquals(31L, j.eval("return redis.call('DBSIZE')"));
            assertEquals(List.of("0", "1"), j.eval("return redis.call('MGET', 'spread:0', 'spread:1')"));
        }
    }

    @Test
    void scriptDeclaringKeysOnSeveralShardsIsAtomicForReaders() throws Exception {
        String transfer = """
                local a = tonumber(redis.call('GET', KEYS[1]) or '0')
                local b = tonumber(redis.call('GET', KEYS[2]) or '0')
                redis.call('SET', KEYS[1], a - 1)
                redis.call('SET', KEYS[2], b + 1)
                return a + b
                """;
        String[] keys = {"acct:alice", "acct:bob", "acct:carol"};
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (Jedis r = jedis()) {
                while (!stop.get()) {
                    long sum = 0;
                    for (String v : r.mget(keys)) {
                        sum += v == null ? 0 : Long.parseLong(v);
                    }
                    reads.incrementAndGet();
                    if (sum != 0) {
                        torn.incrementAndGet();
                    }
                }
            }
        });
        reader.start();
        try (Jedis w = jedis()) {
            String sha = w.scriptLoad(transfer);
            for (int i = 0; i < 1500; i++) {
                w.evalsha(sha, List.of(keys[i % 3], keys[(i + 1) % 3]), List.of());
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertTrue(reads.get() > 0);
        assertEquals(0, torn.get(), "a reader saw a script half applied (of " + reads.get() + " reads)");
    }

    @Test
    void undeclaredKeyOnAnotherShardIsRefusedLikeARedisClusterNode() {
        try (Jedis j = jedis()) {
            // find a key on another shard than "anchor": the script declares only "anchor"
            String other = null;
            for (int i = 0; i < 100 && other == null; i++) {
                try {
                    j.eval("return redis.call('GET', ARGV[1])", List.of("anchor"), List.of("probe:" + i));
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("ERR Script attempted to access a non local key in a cluster node script"), e.getMessage());
                    other = "probe:" + i;
                }
            }
            assertTrue(other != null, "some key among 100 lives on another of the 3 shards");
        }
    }

    @Test
    void scriptsInsideMultiRunInTheTransaction() {
        try (Jedis j = jedis()) {
            Transaction t = j.multi();
            t.set("tx:s", "1");
            t.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", List.of("tx:s"), List.of("41"));
            t.eval("return redis.call('DBSIZE')");
            List<Object> r = t.exec();
            assertEquals(List.of("OK", 42L, 1L), r);
        }
    }

    @Test
    void longScriptMakesOthersBusyAndScriptKillStopsIt() throws Exception {
        try (Jedis admin = jedis()) {
            admin.configSet("lua-time-limit", "100");
            try {
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                Thread runner = new Thread(() -> {
                    try (Jedis j = jedis()) {
                        j.eval("local function spin() local i = 0 while true do i = i + 1 end end spin()", List.of("busy:key"), List.of());
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                runner.start();
                // The script's shard thread is busy: clients on the other shards' loops get BUSY for
                // its keys and can SCRIPT KILL. Try connections until one lands on another loop.
                boolean killed = false;
                List<Jedis> opened = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 20_000;
                while (!killed && System.currentTimeMillis() < deadline) {
                    Thread.sleep(150);
                    Jedis c = new Jedis("127.0.0.1", server.port(), 300);
                    opened.add(c);
                    try {
                        c.get("busy:key");
                    } catch (JedisDataException e) {
                        assertEquals("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", e.getMessage());
                        assertEquals("OK", c.scriptKill());
                        killed = true;
                    } catch (Exception timeoutOnTheBusyLoop) {
                        // this connection lives on the busy loop: take another
                    }
                }
                runner.join(10_000);
                opened.forEach(c -> {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // a connection of the busy loop
                    }
                });
                assertTrue(killed, "SCRIPT KILL reached the script");
                assertTrue(outcome.get() instanceof JedisDataException, String.valueOf(outcome.get()));
                assertTrue(outcome.get().getMessage().startsWith("ERR Script killed by user with SCRIPT KILL"), outcome.get().getMessage());
                try (Jedis after = jedis()) {
                    assertEquals("PONG", after.ping());
                    assertEquals("NOTBUSY No scripts in execution right now.",
                            assertThrows(JedisDataException.class, after::scriptKill).getMessage());
                }
            } finally {
                admin.configSet("lua-time-limit", "5000");
            }
        }
    }

    @Test
    void scriptThatWroteCannotBeKilled() throws Exception {
        try (Jedis admin = jedis()) {
            admin.configSet("lua-time-limit", "100");
            try {
                Thread runner = new Thread(() -> {
                    try (Jedis j = jedis()) {
                        j.eval("redis.call('SET', KEYS[1], 'x')"
                                + " local function now() local t = redis.call('TIME') return t[1] * 1000 + t[2] / 1000 end"
                                + " local s = now() while now() < s + 3000 do end return 1", List.of("w:key"), List.of());
                    }
                });
                runner.start();
                String seen = null;
                long deadline = System.currentTimeMillis() + 2500;
                while (seen == null && System.currentTimeMillis() < deadline) {
                    Thread.sleep(150);
                    try (Jedis c = new Jedis("127.0.0.1", server.port(), 300)) {
                        c.scriptKill();
                    } catch (JedisDataException e) {
                        if (e.getMessage().startsWith("UNKILLABLE")) {
                            seen = e.getMessage();
                        }
                    } catch (Exception busyLoop) {
                        // on the script's own loop: try another connection
                    }
                }
                runner.join(10_000);
                assertTrue(seen != null && seen.startsWith("UNKILLABLE Sorry the script already executed write commands"), String.valueOf(seen));
                try (Jedis c = jedis()) {
                    assertEquals("x", c.get("w:key"));
                }
            } finally {
                admin.configSet("lua-time-limit", "5000");
            }
        }
    }
}

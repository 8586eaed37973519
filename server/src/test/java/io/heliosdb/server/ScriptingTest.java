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

    /**
     * Standalone Redis lets a script touch keys it did not declare; so does HeliosDB on 3 shards: a
     * script runs holding every shard until a run shows it stays on its declared keys' shard. One that
     * learnt so and then reaches another shard gets the cluster error once, and holds every shard again.
     */
    @Test
    void undeclaredKeysOnOtherShardsWorkAsInStandaloneRedis() {
        try (Jedis j = jedis()) {
            String writesElsewhere = "redis.call('SET', KEYS[1], 'a') redis.call('SET', ARGV[1], ARGV[2]) return redis.call('GET', ARGV[1])";
            for (int i = 0; i < 30; i++) {
                assertEquals("v" + i, j.eval(writesElsewhere, List.of("anchor"), List.of("undeclared:" + i, "v" + i)));
                assertEquals("v" + i, j.get("undeclared:" + i));
            }
            // a script seen to touch only its declared keys runs on their shard alone; if a rare branch then
            // reaches another shard, that call is refused as by a cluster node, and the next ones hold every shard
            String branchy = "if ARGV[1] == 'far' then return redis.call('GET', ARGV[2]) end return redis.call('GET', KEYS[1])";
            j.set("anchor", "near");
            assertEquals("near", j.eval(branchy, List.of("anchor"), List.of("near", "")));
            String other = null;
            for (int i = 0; i < 100 && other == null; i++) {
                try {
                    j.eval(branchy, List.of("anchor"), List.of("far", "probe:" + i));
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("ERR Script attempted to access a non local key in a cluster node script"), e.getMessage());
                    other = "probe:" + i;
                }
            }
            assertTrue(other != null, "some key among 100 lives on another of the 3 shards");
            j.set(other, "there");
            assertEquals("there", j.eval(branchy, List.of("anchor"), List.of("far", other)));
            assertEquals("near", j.eval(branchy, List.of("anchor"), List.of("near", "")));
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
                // Once the script is past lua-time-limit, every client gets BUSY for its keys, whichever
                // loop it is on (the script's own loop is served from the script's hook), and any of them
                // can SCRIPT KILL. (A command that reached the script's shard before that waits for it.)
                String busy = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
                long deadline = System.currentTimeMillis() + 20_000;
                String seen = null;
                while (!busy.equals(seen) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                    Jedis probe = new Jedis("127.0.0.1", server.port(), 300);
                    try {
                        seen = errorOf(() -> probe.get("busy:key"));
                    } catch (redis.clients.jedis.exceptions.JedisConnectionException queuedBeforeBusy) {
                        seen = null;
                    }
                    probe.disconnect();
                }
                List<Jedis> clients = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    clients.add(new Jedis("127.0.0.1", server.port(), 5_000));
                }
                for (Jedis c : clients) {
                    assertEquals(busy, errorOf(() -> c.get("busy:key"))); // PING is BUSY on the script's loop only
                }
                assertEquals("OK", clients.get(clients.size() - 1).scriptKill());
                runner.join(10_000);
                clients.forEach(Jedis::close);
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

    private static String errorOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    /**
     * One shard, so the script's loop is every client's loop: the same conversation with redis-server
     * and HeliosDB while a script, then a function, is busy — clients connected before and after it
     * started get BUSY (naming the right KILL), FUNCTION STATS shows a running function, SCRIPT KILL
     * and FUNCTION KILL each stop only their own kind, and the caller's pipelined command waits for it.
     */
    @Test
    void busyScriptsAndFunctionsAnswerEveryClientAsRedisDoes() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer one = TestServer.start("--shards", "1")) {
            List<List<String>> transcripts = new ArrayList<>();
            for (int port : new int[]{redis.port, one.port()}) {
                List<String> t = new ArrayList<>();
                try (RawClient before = new RawClient(port)) {
                    before.call("CONFIG", "SET", "lua-time-limit", "100");
                    before.call("FUNCTION", "LOAD", "REPLACE", "#!lua name=busylib\nredis.register_function('spin', function() while true do end end)");
                    String[][][] runs = {
                        {{"EVAL", "while true do end", "0"}},
                        {{"FCALL", "spin", "0"}},
                        {{"MULTI"}, {"SET", "k", "v"}, {"EVAL", "while true do end", "0"}, {"EXEC"}},
                    };
                    for (String[][] calls : runs) {
                        String[] run = calls[calls.length > 1 ? 2 : 0];
                        RawClient caller = new RawClient(port);
                        // the call(s) and a pipelined PING behind: the PING is answered after the script ends
                        for (String[] c : calls) {
                            List<byte[]> parts = new ArrayList<>();
                            for (String p : c) {
                                parts.add(p.getBytes());
                            }
                            caller.sendRaw(RawClient.encode(parts));
                        }
                        caller.sendRaw(RawClient.encode(List.of("PING".getBytes())));
                        long deadline = System.currentTimeMillis() + 10_000;
                        String r;
                        while (!(r = before.call("PING")).startsWith("-BUSY") && System.currentTimeMillis() < deadline) {
                            Thread.sleep(20);
                        }
                        t.add("before PING: " + r);
                        try (RawClient after = new RawClient(port)) {
                            t.add("after GET: " + after.call("GET", "k"));
                            t.add("after STATS: " + after.call("FUNCTION", "STATS").replaceAll("duration_ms\", :\\d+", "duration_ms\", :N"));
                            String wrongKill = run[0].equals("EVAL") ? "FUNCTION" : "SCRIPT";
                            t.add("after wrong KILL: " + after.call(wrongKill, "KILL"));
                            t.add("before KILL: " + before.call(run[0].equals("EVAL") ? "SCRIPT" : "FUNCTION", "KILL"));
                        }
                        for (int i = 0; i < calls.length; i++) {
                            t.add("caller: " + caller.read().replaceAll(" script: [^\"]*", ""));
                        }
                        t.add("caller's pipelined: " + caller.read());
                        caller.close();
                    }
                    t.add("then: " + before.call("PING") + " " + before.call("SCRIPT", "KILL"));
                    before.call("CONFIG", "SET", "lua-time-limit", "5000");
                    before.call("FUNCTION", "FLUSH");
                }
                transcripts.add(t);
            }
            assertEquals(transcripts.get(0), transcripts.get(1));
            assertTrue(transcripts.get(1).get(0).startsWith("before PING: -BUSY"), transcripts.get(1).toString());
        }
    }

    /**
     * As in Redis, a command that reached a script's shard before the script passed lua-time-limit is
     * answered BUSY then, not when the script ends: whether the script runs on its key's shard alone
     * (learnt) or holds every shard (its first run).
     */
    @Test
    void commandsWaitingBeforeTheScriptWasBusyAreAnsweredBusy() throws Exception {
        String busy = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
        try (Jedis admin = jedis()) {
            admin.configSet("lua-time-limit", "400");
            try {
                for (String placement : new String[]{"every shard", "its shard"}) {
                    String script = "if ARGV[1] == 'spin' then while true do end end return 1 -- " + placement;
                    if (placement.equals("its shard")) {
                        assertEquals(1L, admin.eval(script, List.of("queued:key"), List.of("no"))); // learnt: its key's shard
                    }
                    try (RawClient caller = new RawClient(server.port())) {
                        caller.sendRaw(RawClient.encode(List.of("EVAL".getBytes(), script.getBytes(), "1".getBytes(),
                                "queued:key".getBytes(), "spin".getBytes())));
                        Thread.sleep(100); // running, not yet past the limit
                        List<RawClient> waiting = new ArrayList<>();
                        for (int i = 0; i < 4; i++) {
                            RawClient c = new RawClient(server.port());
                            c.sendRaw(RawClient.encode(List.of("GET".getBytes(), "queued:key".getBytes())));
                            waiting.add(c);
                        }
                        for (RawClient c : waiting) {
                            assertEquals(busy, c.read(), placement); // before anybody kills the script
                            c.close();
                        }
                        assertEquals("OK", admin.scriptKill());
                        assertTrue(caller.read().startsWith("-ERR Script killed by user with SCRIPT KILL"), placement);
                    }
                }
            } finally {
                admin.configSet("lua-time-limit", "5000");
            }
        }
    }

    /** As Redis: plain SHUTDOWN is refused while a script is busy; SHUTDOWN NOSAVE stops the server at once. */
    @Test
    void shutdownWhileAScriptIsBusyNeedsNosave() throws Exception {
        TestServer one = TestServer.start("--shards", "1");
        try (RawClient admin = new RawClient(one.port()); RawClient caller = new RawClient(one.port())) {
            admin.call("CONFIG", "SET", "lua-time-limit", "50");
            caller.sendRaw(RawClient.encode(List.of("EVAL".getBytes(), "redis.call('SET', 'sd:k', 'v') while true do end".getBytes(), "0".getBytes())));
            long deadline = System.currentTimeMillis() + 10_000;
            String r;
            while (!(r = admin.call("PING")).startsWith("-BUSY") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", r);
            assertTrue(admin.call("SCRIPT", "KILL").startsWith("-UNKILLABLE"));
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", admin.call("SHUTDOWN"));
            admin.sendRaw(RawClient.encode(List.of("SHUTDOWN".getBytes(), "NOSAVE".getBytes())));
            deadline = System.currentTimeMillis() + 10_000;
            boolean down = false;
            while (!down && System.currentTimeMillis() < deadline) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", one.port())) {
                    Thread.sleep(50);
                } catch (java.io.IOException refused) {
                    down = true;
                }
            }
            assertTrue(down, "the server stopped listening");
        } finally {
            one.close();
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

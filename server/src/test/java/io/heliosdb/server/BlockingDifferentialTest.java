package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocked clients side by side with redis-server 7.0: each case blocks clients, runs commands from
 * another client, then ends every wait that is left with CLIENT UNBLOCK and reads each blocked
 * client's reply; the whole transcript (replies, unblock results, key states after) must match,
 * in RESP2 and RESP3. Synchronisation is by INFO (blocked_clients), never by sleeping: once a
 * command has replied, the clients it served are no longer unblockable, on either server (a BLMOVE
 * across shards too: the command that woke it replies once it has moved its element).
 */
class BlockingDifferentialTest {
    private static TestServer helios;
    private static RedisPeer redis;

    @BeforeAll
    static void start() throws Exception {
        helios = TestServer.start(); // three shards: unhashtagged keys below spread over them
        redis = RedisPeer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    /** One case: setup, the blocked clients (prelude commands, then the blocking one), the commands that may serve them, checks. */
    record Case(String name, String[][] setup, String[][][] waiters, String[][] actions, String[][] checks) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static String[] c(String... args) {
        return args;
    }

    private static String[][] cs(String[]... cmds) {
        return cmds;
    }

    private static String[][][] ws(String[][]... waiters) {
        return waiters;
    }

    static Stream<Arguments> cases() {
        List<Case> l = List.of(
                new Case("a push and a DEL in one transaction wake nobody", cs(),
                        ws(cs(c("BLPOP", "l", "0"))),
                        cs(c("MULTI"), c("RPUSH", "l", "a"), c("DEL", "l"), c("EXEC")), cs(c("EXISTS", "l"))),
                new Case("EXEC serves against the final state", cs(),
                        ws(cs(c("BLPOP", "l", "0")), cs(c("BRPOP", "l", "0"))),
                        cs(c("MULTI"), c("RPUSH", "l", "a", "b", "c"), c("LPOP", "l"), c("EXEC")), cs(c("LRANGE", "l", "0", "-1"))),
                new Case("EXEC over keys of several shards serves after its last command", cs(),
                        ws(cs(c("BLPOP", "l1", "l2", "l3", "0"))),
                        cs(c("MULTI"), c("RPUSH", "l1", "a"), c("RPUSH", "l2", "b"), c("RPUSH", "l3", "c"), c("DEL", "l1"), c("EXEC")),
                        cs(c("LRANGE", "l2", "0", "-1"), c("LRANGE", "l3", "0", "-1"))),
                new Case("a key that became a set in EXEC leaves its list waiter blocked", cs(),
                        ws(cs(c("BLPOP", "k", "0"))),
                        cs(c("MULTI"), c("RPUSH", "k", "a"), c("DEL", "k"), c("SADD", "k", "x"), c("EXEC")), cs(c("TYPE", "k"))),
                new Case("a key's waiters of another type are skipped, not in the way", cs(),
                        ws(cs(c("BLPOP", "k", "0")), cs(c("BZPOPMIN", "k", "0")), cs(c("BZMPOP", "0", "1", "k", "MAX", "COUNT", "5"))),
                        cs(c("ZADD", "k", "1", "a", "2", "b", "3", "c")), cs(c("ZRANGE", "k", "0", "-1"))),
                new Case("BLMOVE to a destination of another type: WRONGTYPE, the element stays for the next",
                        cs(c("SET", "{t}dst", "x")),
                        ws(cs(c("BLMOVE", "{t}src", "{t}dst", "LEFT", "RIGHT", "0")), cs(c("BLPOP", "{t}src", "0"))),
                        cs(c("RPUSH", "{t}src", "a", "b")), cs(c("LRANGE", "{t}src", "0", "-1"), c("GET", "{t}dst"))),
                new Case("BRPOPLPUSH to a destination of another type on another shard",
                        cs(c("SADD", "dst", "x")),
                        ws(cs(c("BRPOPLPUSH", "src", "dst", "0")), cs(c("BRPOPLPUSH", "src", "other", "0"))),
                        cs(c("RPUSH", "src", "a", "b")), cs(c("LRANGE", "src", "0", "-1"), c("LRANGE", "other", "0", "-1"))),
                new Case("BLMOVE whose destination turns into a hash inside the EXEC that fills its source", cs(),
                        ws(cs(c("BLMOVE", "{m}src", "{m}dst", "RIGHT", "LEFT", "0"))),
                        cs(c("MULTI"), c("RPUSH", "{m}src", "a"), c("HSET", "{m}dst", "f", "v"), c("EXEC")),
                        cs(c("LRANGE", "{m}src", "0", "-1"), c("TYPE", "{m}dst"))),
                new Case("RENAME into a waited key wakes its waiter (same shard)", cs(c("RPUSH", "{r}src", "a", "b")),
                        ws(cs(c("BLPOP", "{r}dst", "0"))), cs(c("RENAME", "{r}src", "{r}dst")), cs(c("LRANGE", "{r}dst", "0", "-1"))),
                new Case("RENAME into a waited key wakes its waiter (across shards)", cs(c("ZADD", "src", "1", "a")),
                        ws(cs(c("BZPOPMAX", "dst", "0"))), cs(c("RENAME", "src", "dst")), cs(c("EXISTS", "dst"))),
                new Case("MOVE into the waiter's database wakes it", cs(c("RPUSH", "k", "a")),
                        ws(cs(c("SELECT", "1"), c("BLPOP", "k", "0"))), cs(c("MOVE", "k", "1")), cs(c("SELECT", "1"), c("EXISTS", "k"))),
                new Case("SWAPDB wakes the waiters of keys the other database holds",
                        cs(c("SELECT", "1"), c("RPUSH", "k", "a"), c("ZADD", "z", "1", "m"), c("SELECT", "0")),
                        ws(cs(c("BLPOP", "k", "0")), cs(c("BZPOPMIN", "z", "0"))), cs(c("SWAPDB", "0", "1")),
                        cs(c("DBSIZE"), c("SELECT", "1"), c("DBSIZE"))),
                new Case("COPY into a waited key wakes its waiter", cs(c("RPUSH", "src", "a")),
                        ws(cs(c("BLMPOP", "0", "1", "dst", "LEFT", "COUNT", "3"))), cs(c("COPY", "src", "dst")),
                        cs(c("LRANGE", "src", "0", "-1"), c("EXISTS", "dst"))),
                new Case("RESTORE of a waited key wakes its waiter", cs(c("RPUSH", "tmp", "x", "y"), c("#dump", "tmp")),
                        ws(cs(c("BRPOP", "k", "0"))), cs(c("RESTORE", "k", "0", "#payload")), cs(c("LRANGE", "k", "0", "-1"))),
                new Case("SORT ... STORE into a waited key wakes its waiter", cs(c("RPUSH", "src", "3", "1", "2")),
                        ws(cs(c("BLPOP", "dst", "0"))), cs(c("SORT", "src", "STORE", "dst")), cs(c("LRANGE", "dst", "0", "-1"))),
                new Case("SORT ... STORE over a key that became a sorted set leaves its list waiter blocked (an overwrite does not signal)",
                        cs(c("RPUSH", "{o}src", "3", "1")), ws(cs(c("BLPOP", "{o}dst", "0"))),
                        cs(c("ZADD", "{o}dst", "1", "m"), c("SORT", "{o}src", "STORE", "{o}dst")), cs(c("LRANGE", "{o}dst", "0", "-1"))),
                new Case("ZUNIONSTORE over a key that became a list leaves its sorted-set waiter blocked", cs(c("ZADD", "z", "1", "m")),
                        ws(cs(c("BZPOPMIN", "dst", "0"))), cs(c("RPUSH", "dst", "x"), c("ZUNIONSTORE", "dst", "1", "z")),
                        cs(c("ZCARD", "dst"))),
                new Case("RENAME over a key of another type wakes its waiter (the destination is deleted and added)",
                        cs(c("RPUSH", "src", "a")), ws(cs(c("BLPOP", "dst", "0"))),
                        cs(c("ZADD", "dst", "1", "m"), c("RENAME", "src", "dst")), cs(c("EXISTS", "dst"))),
                new Case("COPY ... REPLACE over a key of another type wakes its waiter", cs(c("RPUSH", "{c}src", "a")),
                        ws(cs(c("BLPOP", "{c}dst", "0"))), cs(c("SADD", "{c}dst", "m"), c("COPY", "{c}src", "{c}dst", "REPLACE")),
                        cs(c("LRANGE", "{c}src", "0", "-1"), c("EXISTS", "{c}dst"))),
                new Case("SET over a stream unblocks its group reader; its XREAD reader waits on",
                        cs(c("XADD", "s", "1-0", "f", "v"), c("XGROUP", "CREATE", "s", "g", "$")),
                        ws(cs(c("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")), cs(c("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))),
                        cs(c("SET", "s", "x")), cs(c("TYPE", "s"))),
                new Case("a push in EXEC then BLMPOP and BZMPOP served with their counts", cs(),
                        ws(cs(c("BLMPOP", "0", "2", "l", "l2", "RIGHT", "COUNT", "2")), cs(c("BZMPOP", "0", "1", "z", "MIN", "COUNT", "2"))),
                        cs(c("MULTI"), c("RPUSH", "l", "a", "b", "c"), c("ZADD", "z", "1", "a", "2", "b", "3", "c"), c("ZPOPMIN", "z"), c("EXEC")),
                        cs(c("LRANGE", "l", "0", "-1"), c("ZRANGE", "z", "0", "-1"))),
                new Case("BLMOVE across shards whose destination becomes a set in the EXEC that fills its source", cs(),
                        ws(cs(c("BLMOVE", "src", "dst", "LEFT", "LEFT", "0")), cs(c("BLPOP", "src", "0"))),
                        cs(c("MULTI"), c("RPUSH", "src", "a"), c("SADD", "dst", "m"), c("EXEC")),
                        cs(c("LRANGE", "src", "0", "-1"), c("SMEMBERS", "dst"))),
                new Case("BLMOVE across shards served after EXEC pushes on to a waiter of its destination", cs(),
                        ws(cs(c("BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")), cs(c("BLPOP", "dst", "0"))),
                        cs(c("MULTI"), c("RPUSH", "src", "a", "b"), c("EXEC")),
                        cs(c("LRANGE", "src", "0", "-1"), c("LRANGE", "dst", "0", "-1"))),
                new Case("a chain of BLMOVEs over three shards has moved on when the push replies", cs(),
                        ws(cs(c("BLMOVE", "{a}src", "{b}mid", "LEFT", "RIGHT", "0")), cs(c("BLMOVE", "{b}mid", "{c}dst", "LEFT", "RIGHT", "0"))),
                        cs(c("RPUSH", "{a}src", "x"), c("LRANGE", "{c}dst", "0", "-1")),
                        cs(c("LRANGE", "{a}src", "0", "-1"), c("LRANGE", "{b}mid", "0", "-1"))),
                new Case("two BLMOVEs across shards moving into each other's source", cs(),
                        ws(cs(c("BLMOVE", "{a}x", "{b}y", "LEFT", "RIGHT", "0")), cs(c("BRPOPLPUSH", "{b}y", "{a}x", "0"))),
                        cs(c("RPUSH", "{a}x", "e"), c("LRANGE", "{a}x", "0", "-1"), c("LRANGE", "{b}y", "0", "-1")), cs()),
                new Case("a BLMOVE across shards and a BLPOP behind it on its source", cs(),
                        ws(cs(c("BLMOVE", "{a}src", "{b}dst", "LEFT", "RIGHT", "0")), cs(c("BLPOP", "{a}src", "0"))),
                        cs(c("RPUSH", "{a}src", "1", "2", "3"), c("LRANGE", "{a}src", "0", "-1"), c("LRANGE", "{b}dst", "0", "-1")), cs()),
                new Case("XREAD on streams of several shards gets the one EXEC made ready first", cs(),
                        ws(cs(c("XREAD", "BLOCK", "0", "STREAMS", "s1", "s2", "s3", "$", "$", "$"))),
                        cs(c("MULTI"), c("XADD", "s3", "3-0", "f", "v"), c("XADD", "s1", "1-0", "f", "v"), c("XADD", "s2", "2-0", "f", "v"),
                                c("EXEC")), cs(c("DBSIZE"))),
                new Case("BZPOPMAX on keys of several shards after an EXEC that fills them in reverse order", cs(),
                        ws(cs(c("BZPOPMAX", "z1", "z2", "z3", "0")), cs(c("BZPOPMAX", "z1", "z2", "z3", "0"))),
                        cs(c("MULTI"), c("ZADD", "z3", "3", "c"), c("ZADD", "z2", "2", "b"), c("ZADD", "z1", "1", "a"), c("EXEC")),
                        cs(c("ZCARD", "z1"), c("ZCARD", "z2"), c("ZCARD", "z3"))),
                new Case("a script that pushes and deletes wakes nobody", cs(),
                        ws(cs(c("BLPOP", "{s}l", "0"))),
                        cs(c("EVAL", "redis.call('rpush', KEYS[1], 'a'); redis.call('del', KEYS[1]); return 1", "1", "{s}l")),
                        cs(c("EXISTS", "{s}l"))),
                new Case("a script's waiters are served against its final state", cs(),
                        ws(cs(c("BZPOPMIN", "{s}z", "0"))),
                        cs(c("EVAL", "redis.call('zadd', KEYS[1], 1, 'a', 2, 'b'); redis.call('zrem', KEYS[1], 'a'); return 1", "1", "{s}z")),
                        cs(c("ZCARD", "{s}z"))),
                new Case("a script without declared keys (every shard held) serves after it ends", cs(),
                        ws(cs(c("BLPOP", "q1", "q2", "0"))),
                        cs(c("EVAL", "redis.call('rpush', 'q1', 'a'); redis.call('rpush', 'q2', 'b'); redis.call('del', 'q1'); return 1", "0")),
                        cs(c("LRANGE", "q2", "0", "-1"))),
                new Case("a function that pushes and pops serves what is left",
                        cs(c("FUNCTION", "LOAD", "REPLACE", "#!lua name=blk\nredis.register_function('pp', function(keys, args) "
                                + "redis.call('rpush', keys[1], 'a', 'b'); return redis.call('lpop', keys[1]) end)")),
                        ws(cs(c("BLPOP", "{f}l", "0"))), cs(c("FCALL", "pp", "1", "{f}l")), cs(c("EXISTS", "{f}l"))),
                new Case("XREAD naming one stream twice is served once", cs(c("XADD", "s", "1-0", "f", "v")),
                        ws(cs(c("XREAD", "BLOCK", "0", "STREAMS", "s", "s", "$", "$"))), cs(c("XADD", "s", "2-0", "g", "w")),
                        cs(c("XREAD", "STREAMS", "s", "s", "0", "1-0"))),
                new Case("a stream reader with nothing new does not hold up the ones behind it", cs(c("XADD", "s", "1-0", "f", "v")),
                        ws(cs(c("XREAD", "BLOCK", "0", "STREAMS", "s", "9-0")), cs(c("XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "s", "$"))),
                        cs(c("XADD", "s", "2-0", "g", "w")), cs(c("XLEN", "s"))),
                new Case("XREADGROUP unblocked by RENAME of a stream with the group and data",
                        cs(c("XADD", "dst", "1-0", "f", "v"), c("XGROUP", "CREATE", "dst", "g", "$"),
                                c("XADD", "src", "1-0", "a", "1"), c("XADD", "src", "2-0", "b", "2"), c("XGROUP", "CREATE", "src", "g", "0")),
                        ws(cs(c("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "dst", ">"))),
                        cs(c("RENAME", "src", "dst")), cs(c("XPENDING", "dst", "g"))),
                new Case("XREADGROUP unblocked by RENAME of a stream without the group: NOGROUP",
                        cs(c("XADD", "{g}dst", "1-0", "f", "v"), c("XGROUP", "CREATE", "{g}dst", "g", "$"), c("XADD", "{g}src", "5-0", "a", "1")),
                        ws(cs(c("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "{g}dst", ">"))),
                        cs(c("RENAME", "{g}src", "{g}dst")), cs(c("XLEN", "{g}dst"))),
                new Case("XREADGROUP whose stream is renamed away, and XREAD on it",
                        cs(c("XADD", "src", "1-0", "f", "v"), c("XGROUP", "CREATE", "src", "g", "$")),
                        ws(cs(c("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "src", ">")),
                                cs(c("XREAD", "BLOCK", "0", "STREAMS", "src", "$"))),
                        cs(c("RENAME", "src", "other")), cs(c("EXISTS", "src"))),
                new Case("XADD and DEL in one transaction: the group reader gets UNBLOCKED, XREAD waits on",
                        cs(c("XADD", "s", "1-0", "f", "v"), c("XGROUP", "CREATE", "s", "g", "$")),
                        ws(cs(c("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")), cs(c("XREAD", "BLOCK", "0", "STREAMS", "s", "$"))),
                        cs(c("MULTI"), c("XADD", "s", "2-0", "g", "w"), c("DEL", "s"), c("EXEC")), cs(c("EXISTS", "s"))));
        List<Arguments> out = new ArrayList<>();
        for (Case k : l) {
            out.add(Arguments.of(k, 2));
            out.add(Arguments.of(k, 3));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} (RESP{1})")
    @MethodSource("cases")
    void blockedClientsAreServedAsRedisServesThem(Case k, int protocol) throws Exception {
        List<String> expected = run(redis.port, k, protocol);
        assertEquals(expected, run(helios.port(), k, protocol));
    }

    /** Runs the case on one server: the transcript. */
    private static List<String> run(int port, Case k, int protocol) throws Exception {
        List<String> t = new ArrayList<>();
        List<RawClient> waiters = new ArrayList<>();
        try (RawClient driver = new RawClient(port)) {
            hello(driver, protocol);
            driver.call("FLUSHALL");
            driver.call("FUNCTION", "FLUSH");
            int base = blocked(driver); // clients an earlier failed case may have left blocked
            byte[] payload = null;
            for (String[] cmd : k.setup) {
                if (cmd[0].equals("#dump")) {
                    payload = driver.callBulk("DUMP", cmd[1]);
                } else {
                    t.add("setup " + String.join(" ", cmd) + " -> " + driver.call(cmd));
                }
            }
            List<String> ids = new ArrayList<>();
            for (String[][] w : k.waiters) {
                RawClient c = new RawClient(port);
                waiters.add(c);
                hello(c, protocol);
                ids.add(c.call("CLIENT", "ID").substring(1));
                for (int i = 0; i < w.length - 1; i++) {
                    t.add("waiter " + waiters.size() + " " + String.join(" ", w[i]) + " -> " + c.call(w[i]));
                }
                c.send(bytes(w[w.length - 1], null));
                awaitBlocked(driver, base + waiters.size());
            }
            for (String[] cmd : k.actions) {
                driver.send(bytes(cmd, payload));
                t.add(String.join(" ", cmd).replace("\n", " ") + " -> " + driver.read());
            }
            t.add("still blocked -> " + (blocked(driver) - base));
            for (int i = 0; i < waiters.size(); i++) {
                // 1: it was still waiting (its reply is then the timeout's); 0: the commands above served it
                t.add("unblock " + (i + 1) + " -> " + driver.call("CLIENT", "UNBLOCK", ids.get(i)));
                t.add("waiter " + (i + 1) + " got " + waiters.get(i).read());
            }
            for (String[] cmd : k.checks) {
                t.add(String.join(" ", cmd) + " -> " + driver.call(cmd));
            }
        } finally {
            for (RawClient c : waiters) {
                c.close();
            }
        }
        return t;
    }

    /**
     * A BLMOVE/BRPOPLPUSH whose source and destination live on different shards has moved its
     * element when the command that woke it replies (Redis serves blocked clients before that
     * reply leaves), so the pushing client's next read of the destination sees it: a plain push
     * (on the client's own shard or not, as each new connection lands on another loop), a push
     * pipelined with the read, an EXEC, and a RENAME across shards into the source.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"BLMOVE", "BRPOPLPUSH"})
    void aMoveAcrossShardsIsOverWhenTheCommandThatWokeItReplies(String command) throws Exception {
        List<String> expected = wakeAndRead(redis.port, command);
        assertEquals(expected, wakeAndRead(helios.port(), command));
    }

    /**
     * An EXEC that fails on an internal error (its second step throws, or its coordinator does
     * once the first step, the push, has run) still serves, at its end, the clients its commands
     * woke, as any EXEC: not only once a later command runs on that shard.
     * CLIENT UNBLOCK runs on the client's own loop, so it serves nobody itself.
     */
    @ParameterizedTest(name = "{0} #{1}")
    @org.junit.jupiter.params.provider.CsvSource({"STEP, 2", "CONTINUATION, 2"})
    void anExecThatFailsServesTheClientsItWokeWhenItEnds(io.heliosdb.scheduler.FaultInjection.Point point, int nth) throws Exception {
        try (RawClient driver = new RawClient(helios.port()); RawClient waiter = new RawClient(helios.port())) {
            driver.call("FLUSHALL");
            int base = blocked(driver);
            String id = waiter.call("CLIENT", "ID").substring(1);
            waiter.send(bytes(c("BLPOP", "{a}l", "0"), null));
            awaitBlocked(driver, base + 1);
            driver.call("MULTI");
            driver.call("RPUSH", "{a}l", "x");
            driver.call("SET", "{b}k", "v"); // another shard: the EXEC runs in steps, the second one fails
            java.util.concurrent.atomic.AtomicInteger steps = new java.util.concurrent.atomic.AtomicInteger();
            helios.server.context().shards().injectFaults((p, s) -> p == point && steps.incrementAndGet() == nth);
            String exec;
            try {
                exec = driver.call("EXEC");
            } finally {
                helios.server.context().shards().injectFaults(null);
                helios.expectedInternalErrors = helios.server.context().shards().internalErrors();
            }
            org.junit.jupiter.api.Assertions.assertTrue(exec.startsWith("-ERR internal error"), exec);
            assertEquals(":0", driver.call("CLIENT", "UNBLOCK", id), "served when EXEC ended");
            assertEquals("*[\"{a}l\", \"x\"]", waiter.read());
        }
    }

    /**
     * Moves across shards in both directions at once (each one's push may wake the other's), with
     * pushes and pipelined reads from other clients: every call gets its reply (a stall would hit
     * the 10 s read timeout) and no element is lost or doubled.
     */
    @org.junit.jupiter.api.Test
    void movesAcrossShardsInBothDirectionsNeitherStallNorLoseElements() throws Exception {
        try (RawClient driver = new RawClient(helios.port())) {
            driver.call("FLUSHALL");
        }
        int pushers = 2;
        int pushes = 100;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                String from = m % 2 == 0 ? "{a}ring" : "{b}ring";
                String to = m % 2 == 0 ? "{b}ring" : "{a}ring";
                done.add(pool.submit(() -> {
                    try (RawClient c = new RawClient(helios.port())) {
                        for (int i = 0; i < 100; i++) {
                            c.call("BLMOVE", from, to, "LEFT", "RIGHT", "0.02");
                        }
                    }
                    return null;
                }));
            }
            for (int p = 0; p < pushers; p++) {
                int id = p;
                done.add(pool.submit(() -> {
                    try (RawClient c = new RawClient(helios.port())) {
                        for (int i = 0; i < pushes; i++) {
                            c.send(bytes(c("RPUSH", i % 2 == 0 ? "{a}ring" : "{b}ring", id + ":" + i), null));
                            c.send(bytes(c("LLEN", i % 2 == 0 ? "{b}ring" : "{a}ring"), null));
                            c.read();
                            c.read();
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (RawClient driver = new RawClient(helios.port())) {
            long a = Long.parseLong(driver.call("LLEN", "{a}ring").substring(1));
            long b = Long.parseLong(driver.call("LLEN", "{b}ring").substring(1));
            assertEquals(pushers * pushes, a + b);
        }
    }

    private static List<String> wakeAndRead(int port, String command) throws Exception {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            try (RawClient driver = new RawClient(port); RawClient waiter = new RawClient(port)) {
                driver.call("FLUSHALL");
                int base = blocked(driver);
                driver.call("RPUSH", "{c}tmp", "r" + i);
                waiter.send(bytes(command.equals("BLMOVE") ? c("BLMOVE", "{a}src", "{b}dst", "LEFT", "RIGHT", "0")
                        : c("BRPOPLPUSH", "{a}src", "{b}dst", "0"), null));
                awaitBlocked(driver, base + 1);
                String[][] wake = switch (i % 4) {
                    case 0 -> cs(c("RPUSH", "{a}src", "x" + i));
                    case 1 -> cs(c("RPUSH", "{a}src", "x" + i), c("LRANGE", "{b}dst", "0", "-1")); // pipelined
                    case 2 -> cs(c("MULTI"), c("RPUSH", "{a}src", "x" + i), c("EXEC"));
                    default -> cs(c("RENAME", "{c}tmp", "{a}src"));
                };
                for (String[] cmd : wake) {
                    driver.send(bytes(cmd, null));
                }
                for (String[] cmd : wake) {
                    t.add(i + " " + String.join(" ", cmd) + " -> " + driver.read());
                }
                t.add(i + " dst -> " + driver.call("LRANGE", "{b}dst", "0", "-1"));
                t.add(i + " src -> " + driver.call("LRANGE", "{a}src", "0", "-1"));
                t.add(i + " waiter got " + waiter.read());
            }
        }
        return t;
    }

    private static void hello(RawClient c, int protocol) throws Exception {
        if (protocol == 3) {
            c.call("HELLO", "3");
        }
    }

    private static List<byte[]> bytes(String[] cmd, byte[] payload) {
        List<byte[]> l = new ArrayList<>();
        for (String a : cmd) {
            l.add(a.equals("#payload") ? payload : a.getBytes(StandardCharsets.UTF_8));
        }
        return l;
    }

    private static int blocked(RawClient c) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("blocked_clients:(\\d+)").matcher(c.call("INFO", "clients"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Until INFO says {@code n} clients are blocked (bounded: 5 s). */
    static void awaitBlocked(RawClient c, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5_000;
        while (blocked(c) != n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(n + " clients never showed as blocked");
            }
            Thread.sleep(2);
        }
    }
}

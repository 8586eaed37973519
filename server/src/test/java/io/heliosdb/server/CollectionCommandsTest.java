package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Behaviour of the collection types that a differential test cannot pin down: blocking pops with
 * several clients (arrival order, keys on other shards, timeouts, CLIENT UNBLOCK, disconnects),
 * random-choice commands, and collections across a restart.
 */
class CollectionCommandsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Jedis client() {
        Jedis j = new Jedis("127.0.0.1", server.port(), 10_000);
        j.flushAll();
        return j;
    }

    private static Jedis plainClient() {
        Jedis j = new Jedis("127.0.0.1", server.port(), 10_000);
        j.clientSetname("waiter");
        return j;
    }

    /** Two key names on different shards. */
    private static String[] keysOnTwoShards(String prefix) {
        var ctx = server.server.context();
        String first = prefix + "0";
        var shard = ctx.shardOfKey(MemorySegment.ofArray(first.getBytes()), 0, first.length());
        for (int i = 1; ; i++) {
            String k = prefix + i;
            if (ctx.shardOfKey(MemorySegment.ofArray(k.getBytes()), 0, k.length()) != shard) {
                return new String[]{first, k};
            }
        }
    }

    /** Blocking calls need threads of their own (the common pool may have a single one on 2 cores). */
    private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "blocked-client");
        t.setDaemon(true);
        return t;
    });

    private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, THREADS);
    }

    /** Waits until {@code n} of this test's clients (named "waiter") sit in {@code command}. */
    private static void awaitBlocked(Jedis j, String command, int n) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            long blocked = j.clientList().lines().filter(l -> l.contains(" name=waiter ") && l.contains("cmd=" + command)).count();
            if (blocked >= n) {
                // The call shows in CLIENT LIST once dispatched; it is registered a moment later.
                for (int k = 0; k < 500 && server.server.context().blockedCalls.size() < n; k++) {
                    Thread.sleep(10);
                }
                Thread.sleep(20);
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(n + " clients never blocked in " + command);
    }

    @Test
    void aPushServesBlockedClientsInTheOrderTheyArrived() throws Exception {
        try (Jedis j = client()) {
            List<CompletableFuture<List<String>>> waiting = new ArrayList<>();
            List<Jedis> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Jedis c = plainClient();
                clients.add(c);
                waiting.add(async(() -> c.blpop(0, "queue")));
                awaitBlocked(j, "blpop", i + 1);
            }
            assertEquals(3, j.rpush("queue", "a", "b", "c"));
            assertEquals(List.of("queue", "a"), waiting.get(0).get(5, TimeUnit.SECONDS));
            assertEquals(List.of("queue", "b"), waiting.get(1).get(5, TimeUnit.SECONDS));
            assertEquals(List.of("queue", "c"), waiting.get(2).get(5, TimeUnit.SECONDS));
            assertEquals(0, j.exists("queue") ? 1 : 0, "every element went to a waiter");
            clients.forEach(c -> c.clientSetname("done"));
            clients.forEach(Jedis::close);
        }
    }

    @Test
    void aWaiterOnKeysOfTwoShardsIsServedByEitherAndOnlyOnce() throws Exception {
        String[] k = keysOnTwoShards("bk");
        try (Jedis j = client(); Jedis c = plainClient()) {
            CompletableFuture<List<String>> f = async(() -> c.brpop(0, k[0], k[1]));
            awaitBlocked(j, "brpop", 1);
            j.lpush(k[1], "x");
            assertEquals(List.of(k[1], "x"), f.get(5, TimeUnit.SECONDS));
            j.lpush(k[0], "y");
            assertEquals(1, j.llen(k[0]), "the served waiter is gone from the other shard too");
        }
    }

    @Test
    void fractionalTimeoutsEndTheWaitWithANullReply() throws Exception {
        try (Jedis j = client()) {
            long t0 = System.nanoTime();
            assertNull(j.blpop(0.2, "never"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 150, "waited " + ms + " ms for a 0.2 s timeout");
            assertNull(j.bzpopmin(0.05, "neverz"));
        }
    }

    @Test
    void clientUnblockEndsAWaitWithTimeoutOrError() throws Exception {
        try (Jedis j = client(); Jedis c = plainClient()) {
            long id = c.clientId();
            CompletableFuture<List<String>> f = async(() -> c.blpop(0, "never"));
            awaitBlocked(j, "blpop", 1);
            assertTrue(j.info("clients").contains("blocked_clients:1"), j.info("clients"));
            assertEquals(1, j.clientUnblock(id));
            assertNull(f.get(5, TimeUnit.SECONDS));
            assertEquals(0, j.clientUnblock(id), "no longer blocked");
            CompletableFuture<Object> g = async(() -> {
                try {
                    return c.blpop(0, "never");
                } catch (RuntimeException e) {
                    return e.getMessage();
                }
            });
            awaitBlocked(j, "blpop", 1);
            assertEquals(1, j.clientUnblock(id, redis.clients.jedis.args.UnblockType.ERROR));
            assertEquals("UNBLOCKED client unblocked via CLIENT UNBLOCK", g.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientThatLeftWhileBlockedTakesNoElement() throws Exception {
        try (Jedis j = client()) {
            java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port());
            raw.getOutputStream().write("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$6\r\nwaiter\r\n*3\r\n$5\r\nBLPOP\r\n$4\r\nleft\r\n$1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitBlocked(j, "blpop", 1);
            raw.close();
            Thread.sleep(100);
            j.rpush("left", "kept");
            assertEquals(List.of("kept"), j.lrange("left", 0, -1));
        }
    }

    @Test
    void blockingMovesWorkAcrossShards() throws Exception {
        String[] k = keysOnTwoShards("mv");
        try (Jedis j = client(); Jedis c = plainClient()) {
            CompletableFuture<String> f = async(() -> c.blmove(k[0], k[1],
                    redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT, 0));
            awaitBlocked(j, "blmove", 1);
            j.rpush(k[0], "e1", "e2");
            assertEquals("e1", f.get(5, TimeUnit.SECONDS));
            // the reply comes after the push: the element is never in neither list
            assertEquals(List.of("e1"), j.lrange(k[1], 0, -1));
            assertEquals(List.of("e2"), j.lrange(k[0], 0, -1));
            // Not blocked: an immediate move between the shards.
            assertEquals("e2", j.brpoplpush(k[0], k[1], 0));
            assertEquals(List.of("e2", "e1"), j.lrange(k[1], 0, -1));
            j.set(k[0] + "s", "v");
        }
    }

    @Test
    void waitingMovesAcrossShardsAreServedInArrivalOrderOneElementEach() throws Exception {
        String[] k = keysOnTwoShards("fifo");
        try (Jedis j = client(); Jedis c1 = plainClient(); Jedis c2 = plainClient(); Jedis c3 = plainClient()) {
            CompletableFuture<String> first = async(() -> c1.blmove(k[0], k[1],
                    redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT, 0));
            awaitBlocked(j, "blmove", 1);
            CompletableFuture<String> second = async(() -> c2.blmove(k[0], k[1],
                    redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT, 0));
            awaitBlocked(j, "blmove", 2);
            CompletableFuture<List<String>> third = async(() -> c3.blpop(0, k[0])); // same shard as the source
            awaitBlocked(j, "blpop", 1);
            for (int i = 0; i < 500 && server.server.context().blockedCalls.size() < 3; i++) {
                Thread.sleep(10);
            }
            j.rpush(k[0], "a");
            assertEquals("a", first.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("a"), j.lrange(k[1], 0, -1));
            Thread.sleep(100);
            assertTrue(!second.isDone() && !third.isDone(), "one element serves one waiter");
            j.rpush(k[0], "b", "c");
            assertEquals("b", second.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(k[0], "c"), third.get(5, TimeUnit.SECONDS));
            assertEquals(List.of("a", "b"), j.lrange(k[1], 0, -1));
            assertEquals(0, j.llen(k[0]));
            CompletableFuture<String> timed = async(() -> c1.blmove(k[0], k[1],
                    redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT, 0.2));
            assertEquals(null, timed.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void manyWaitingMovesAcrossShardsAndRacingPopsLoseAndDuplicateNothing() throws Exception {
        String[] k = keysOnTwoShards("race");
        int movers = 6;
        int elements = 600;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(movers + 1);
        try (Jedis j = client()) {
            List<java.util.concurrent.Future<List<String>>> moved = new java.util.ArrayList<>();
            for (int m = 0; m < movers; m++) {
                moved.add(pool.submit(() -> {
                    List<String> got = new java.util.ArrayList<>();
                    try (Jedis c = plainClient()) {
                        for (String v; (v = c.blmove(k[0], k[1], redis.clients.jedis.args.ListDirection.LEFT,
                                redis.clients.jedis.args.ListDirection.RIGHT, 1.0)) != null; ) {
                            got.add(v);
                        }
                    }
                    return got;
                }));
            }
            var popped = pool.submit(() -> { // a non-blocking consumer racing the waiters for the same elements
                List<String> got = new java.util.ArrayList<>();
                try (Jedis c = plainClient()) {
                    for (int i = 0; i < 4000; i++) {
                        String v = c.lpop(k[0]);
                        if (v != null) {
                            got.add(v);
                        }
                    }
                }
                return got;
            });
            for (int i = 0; i < elements; i++) {
                j.rpush(k[0], "e" + i);
            }
            List<String> all = new java.util.ArrayList<>(popped.get(60, TimeUnit.SECONDS));
            List<String> viaMoves = new java.util.ArrayList<>();
            for (var f : moved) {
                viaMoves.addAll(f.get(60, TimeUnit.SECONDS));
            }
            all.addAll(viaMoves);
            assertEquals(elements, all.size(), "every element taken exactly once");
            assertEquals(elements, new HashSet<>(all).size());
            assertEquals(new HashSet<>(viaMoves), new HashSet<>(j.lrange(k[1], 0, -1)), "moved ones are in the destination");
            assertEquals(0, j.llen(k[0]));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aZaddServesBlockedSortedSetPops() throws Exception {
        try (Jedis j = client(); Jedis c = plainClient()) {
            var f = async(() -> c.bzpopmax(0, "zq"));
            awaitBlocked(j, "bzpopmax", 1);
            j.zadd("zq", Map.of("low", 1.0, "high", 2.0));
            var popped = f.get(5, TimeUnit.SECONDS);
            assertEquals("zq", popped.getKey());
            assertEquals("high", popped.getValue().getElement());
            assertEquals(2.0, popped.getValue().getScore());
            assertEquals(List.of("low"), j.zrange("zq", 0, -1));
        }
    }

    @Test
    void randomChoiceCommandsChooseFromTheCollection() {
        try (Jedis j = client()) {
            Set<String> members = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                members.add("m" + i);
            }
            j.sadd("s", members.toArray(String[]::new));
            List<String> sample = j.srandmember("s", 50);
            assertEquals(50, new HashSet<>(sample).size(), "a positive count gives distinct members");
            assertTrue(members.containsAll(sample));
            List<String> repeated = j.srandmember("s", -500);
            assertEquals(500, repeated.size(), "a negative count may repeat");
            assertTrue(members.containsAll(repeated));
            Set<String> popped = j.spop("s", 100);
            assertEquals(100, popped.size());
            assertEquals(200, j.scard("s"));
            for (String p : popped) {
                assertTrue(members.contains(p) && !j.sismember("s", p));
            }
            Map<String, String> fields = new TreeMap<>();
            for (int i = 0; i < 40; i++) {
                fields.put("f" + i, "v" + i);
            }
            j.hset("h", fields);
            var pairs = j.hrandfieldWithValues("h", 10);
            assertEquals(10, pairs.size());
            pairs.forEach(e -> assertEquals(fields.get(e.getKey()), e.getValue()));
            j.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0));
            List<Tuple> ts = j.zrandmemberWithScores("z", -20);
            assertEquals(20, ts.size());
            ts.forEach(t -> assertEquals(j.zscore("z", t.getElement()), t.getScore()));
            String one = j.spop("s");
            assertTrue(members.contains(one) && !j.sismember("s", one));
        }
    }

    @Test
    void scanOfALargeCollectionReturnsEveryElementPresentThroughout() {
        try (Jedis j = client()) {
            for (int i = 0; i < 3000; i++) {
                j.hset("bigh", "f" + i, "v");
            }
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                var r = j.hscan("bigh", cursor, new redis.clients.jedis.params.ScanParams().count(50));
                r.getResult().forEach(e -> seen.add(e.getKey()));
                cursor = r.getCursor();
                calls++;
                if (calls == 3) {
                    for (int i = 0; i < 500; i++) {
                        j.hdel("bigh", "f" + (2500 + i)); // removed during the scan: may or may not be seen
                        j.hset("bigh", "new" + i, "v"); // added during the scan: may or may not be seen
                    }
                }
            } while (!cursor.equals("0"));
            assertTrue(calls > 1, "a large hash is scanned in several calls");
            for (int i = 0; i < 2500; i++) {
                assertTrue(seen.contains("f" + i), "f" + i + " was present throughout but not returned");
            }
        }
    }

    @Test
    void everyTypeSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("helios-collections");
        Random rnd = new Random(7);
        Map<String, Object> expected = new TreeMap<>();
        try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 3000; i++) {
                String k = "k" + rnd.nextInt(40);
                String m = "m" + rnd.nextInt(200);
                switch (i % 8) {
                    case 0 -> j.hset("h" + k, m, "v" + i);
                    case 1 -> j.rpush("l" + k, m);
                    case 2 -> j.sadd("s" + k, m, Integer.toString(rnd.nextInt(50)));
                    case 3 -> j.zadd("z" + k, rnd.nextInt(1000) / 7.0, m);
                    case 4 -> j.hdel("h" + k, m);
                    case 5 -> j.lpop("l" + k);
                    case 6 -> j.srem("s" + k, m);
                    default -> j.zrem("z" + k, m);
                }
            }
            j.expire("hk1", 1000);
            for (String key : j.keys("*")) {
                expected.put(key, contents(j, key));
            }
        }
        try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
            Map<String, Object> actual = new TreeMap<>();
            for (String key : j.keys("*")) {
                actual.put(key, contents(j, key));
            }
            assertEquals(expected, actual);
            assertTrue(j.ttl("hk1") > 900 || !j.exists("hk1"));
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * Large collections are stored element by element: after a restart they are back, changes made
     * after the restart (middle inserts, renumbering, moves between databases, renames, deletes)
     * persist too, and a second restart shows exactly the state before it.
     */
    @Test
    void largeCollectionsSurviveRestartsAndLaterChanges() throws Exception {
        Path dir = Files.createTempDirectory("helios-large");
        try {
            Map<String, Object> expected = new TreeMap<>();
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                for (int i = 0; i < 3000; i++) {
                    j.hset("bh", "f" + i, "v" + i);
                    j.rpush("bl", "e" + i);
                    j.sadd("bs", "s" + i);
                    j.zadd("bz", i % 97, "m" + i);
                }
                j.lpush("bl", "head");
                j.sadd("gone", new java.util.HashSet<>(java.util.Collections.nCopies(1, "x")).toArray(String[]::new));
                for (int i = 0; i < 300; i++) {
                    j.sadd("gone", "g" + i);
                }
                j.del("gone");
            }
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                assertEquals(3000, j.hlen("bh"));
                assertEquals(3001, j.llen("bl"));
                assertEquals("head", j.lindex("bl", 0));
                assertEquals(0, j.exists("gone") ? 1 : 0);
                for (int i = 0; i < 40; i++) {
                    j.linsert("bl", redis.clients.jedis.args.ListPosition.BEFORE, "e1500", "mid" + i); // crowds one gap: renumbers
                }
                j.lset("bl", 10, "changed");
                j.lrem("bl", 0, "e7");
                j.ltrim("bl", 2, -3);
                j.hdel("bh", "f1", "f2");
                j.hset("bh", "f3", "new");
                j.zincrby("bz", 1000, "m5");
                j.srem("bs", "s9");
                j.move("bs", 1);
                j.rename("bz", "bz2");
                for (String key : j.keys("*")) {
                    expected.put(key, contents(j, key));
                }
                j.select(1);
                expected.put("db1:bs", contents(j, "bs"));
            }
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                Map<String, Object> actual = new TreeMap<>();
                for (String key : j.keys("*")) {
                    actual.put(key, contents(j, key));
                }
                j.select(1);
                actual.put("db1:bs", contents(j, "bs"));
                assertEquals(expected, actual);
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    private static Object contents(Jedis j, String key) {
        return switch (j.type(key)) {
            case "hash" -> new TreeMap<>(j.hgetAll(key));
            case "list" -> j.lrange(key, 0, -1);
            case "set" -> new java.util.TreeSet<>(j.smembers(key));
            case "zset" -> j.zrangeWithScores(key, 0, -1).toString();
            default -> j.get(key);
        };
    }

    @Test
    void objectEncodingFollowsRedisThresholds() {
        try (Jedis j = client()) {
            j.sadd("is", "1", "2");
            assertEquals("intset", j.objectEncoding("is"));
            j.sadd("is", "x");
            assertEquals("hashtable", j.objectEncoding("is"));
            j.srem("is", "x");
            assertEquals("hashtable", j.objectEncoding("is"), "a conversion is for good, as in Redis");
            for (int i = 0; i < 129; i++) {
                j.zadd("zs", i, "m" + i);
            }
            assertEquals("skiplist", j.objectEncoding("zs"));
            j.hset("hs", "f", "v");
            assertEquals("listpack", j.objectEncoding("hs"));
            j.hset("hs", "f", "v".repeat(65));
            assertEquals("hashtable", j.objectEncoding("hs"));
            assertNotEquals(0, j.memoryUsage("zs"));
            assertEquals(List.of("zs"), j.scan("0", new redis.clients.jedis.params.ScanParams().count(1000), "zset").getResult());
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

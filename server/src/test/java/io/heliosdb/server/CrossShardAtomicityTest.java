package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Multi-key commands whose keys live on different shards must be atomic and isolated under
 * concurrent clients (the shard transaction of docs/architecture.md), and a client's own commands
 * must take effect in the order it sent them, even across shards.
 */
class CrossShardAtomicityTest {
    private static final int SHARDS = 4;
    private static TestServer server;
    private static final String[] KEYS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--shards", Integer.toString(SHARDS));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Jedis client() {
        return new Jedis("127.0.0.1", server.port(), 20_000);
    }

    @Test
    void keysOfTheTestSpanSeveralShards() {
        var ctx = server.server.context();
        java.util.Set<Integer> shards = new java.util.HashSet<>();
        for (String k : KEYS) {
            byte[] b = k.getBytes();
            shards.add(ctx.shardOfKey(java.lang.foreign.MemorySegment.ofArray(b), 0, b.length).id());
        }
        assertTrue(shards.size() >= 3, "test keys should cover several shards: " + shards);
    }

    @Test
    void readersNeverSeeAHalfAppliedMset() throws Exception {
        try (Jedis init = client()) {
            init.mset(pairs("init"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> tasks = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            tasks.add(pool.submit(() -> {
                try (Jedis j = client()) {
                    for (int i = 0; i < 400 && !stop.get(); i++) {
                        j.mset(pairs("w" + writer + "-" + i));
                    }
                }
                return null;
            }));
        }
        for (int r = 0; r < 4; r++) {
            tasks.add(pool.submit(() -> {
                try (Jedis j = client()) {
                    for (int i = 0; i < 800; i++) {
                        List<String> values = j.mget(KEYS);
                        if (values.stream().distinct().count() != 1) {
                            torn.add(values.toString());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : tasks) {
            f.get(120, TimeUnit.SECONDS);
        }
        stop.set(true);
        pool.shutdown();
        assertTrue(torn.isEmpty(), "torn MGET results: " + torn.stream().limit(3).toList());
    }

    private static String[] pairs(String value) {
        String[] kv = new String[KEYS.length * 2];
        for (int i = 0; i < KEYS.length; i++) {
            kv[2 * i] = KEYS[i];
            kv[2 * i + 1] = value;
        }
        return kv;
    }

    @Test
    void renameAcrossShardsIsNeverSeenInBothPlacesOrNeither() throws Exception {
        try (Jedis j = client()) {
            j.del("left", "right-side-key");
            j.set("left", "token");
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> mover = pool.submit(() -> {
            try (Jedis j = client()) {
                for (int i = 0; i < 500; i++) {
                    j.rename("left", "right-side-key");
                    j.rename("right-side-key", "left");
                }
            }
            return null;
        });
        List<Future<Long>> watchers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            watchers.add(pool.submit(() -> {
                long bad = 0;
                try (Jedis j = client()) {
                    for (int i = 0; i < 1000; i++) {
                        if (j.exists("left", "right-side-key") != 1) {
                            bad++;
                        }
                    }
                }
                return bad;
            }));
        }
        mover.get(120, TimeUnit.SECONDS);
        for (Future<Long> w : watchers) {
            assertEquals(0L, w.get(120, TimeUnit.SECONDS), "EXISTS saw the key in both places or in neither");
        }
        pool.shutdown();
    }

    @Test
    void concurrentIncrementsAreExact() throws Exception {
        try (Jedis j = client()) {
            j.del("hits");
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<?>> tasks = new ArrayList<>();
        for (int c = 0; c < 50; c++) {
            tasks.add(pool.submit(() -> {
                try (Jedis j = client()) {
                    for (int i = 0; i < 100; i++) {
                        j.incr("hits");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : tasks) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        try (Jedis j = client()) {
            assertEquals("5000", j.get("hits"));
        }
    }

    @Test
    void onlyOneOfCompetingMsetnxWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int round = 0; round < 30; round++) {
            String a = "nx-a-" + round, b = "nx-b-" + round, c = "nx-c-" + round;
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String mine = "t" + t;
                results.add(pool.submit(() -> {
                    try (Jedis j = client()) {
                        return j.msetnx(a, mine, b, mine, c, mine) == 1;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners, "round " + round);
            try (Jedis j = client()) {
                assertEquals(1, j.mget(a, b, c).stream().distinct().count());
            }
        }
        pool.shutdown();
    }

    @Test
    void aClientsPipelinedWritesBecomeVisibleInOrder() throws Exception {
        // The writer pipelines SET first i, then SET second i (different shards). Whoever sees
        // second = i must then see first >= i: program order holds across shards.
        try (Jedis j = client()) {
            j.set("order-first", "0");
            j.set("order-second", "0");
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<?> writer = pool.submit(() -> {
            try (Jedis j = client()) {
                Pipeline p = j.pipelined();
                for (int i = 1; i <= 20_000; i++) {
                    p.set("order-first", Integer.toString(i));
                    p.set("order-second", Integer.toString(i));
                    if (i % 500 == 0) {
                        p.sync();
                    }
                }
                p.sync();
            }
            return null;
        });
        Future<Long> reader = pool.submit(() -> {
            long violations = 0;
            try (Jedis j = client()) {
                for (int i = 0; i < 3000; i++) {
                    long second = Long.parseLong(j.get("order-second"));
                    long first = Long.parseLong(j.get("order-first"));
                    if (first < second) {
                        violations++;
                    }
                }
            }
            return violations;
        });
        writer.get(120, TimeUnit.SECONDS);
        assertEquals(0L, reader.get(120, TimeUnit.SECONDS));
        pool.shutdown();
    }

    /**
     * Plain single-key reads against cross-shard MSETs: a reader that saw an MSET's value on one key
     * must see that MSET (or a later one) on the other key (key locks held until every part ran).
     */
    @Test
    void singleKeyReadsNeverSeeAnMsetGoingBackwards() throws Exception {
        try (Jedis j = client()) {
            j.mset("alpha", "0", "bravo", "0");
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> writer = pool.submit(() -> {
            try (Jedis j = client()) {
                for (int i = 1; i <= 3000; i++) {
                    j.mset("alpha", Integer.toString(i), "bravo", Integer.toString(i));
                }
            }
            return null;
        });
        List<Future<Long>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                long violations = 0;
                try (Jedis j = client()) {
                    for (int i = 0; i < 300; i++) {
                        // Pipelined pairs: the two reads travel in one batch, a hop apart, which is
                        // the window in which a missing key lock would show a half-applied MSET.
                        Pipeline p = j.pipelined();
                        List<redis.clients.jedis.Response<String>> bs = new ArrayList<>();
                        List<redis.clients.jedis.Response<String>> as = new ArrayList<>();
                        for (int k = 0; k < 20; k++) {
                            bs.add(p.get("bravo"));
                            as.add(p.get("alpha"));
                        }
                        p.sync();
                        for (int k = 0; k < 20; k++) {
                            if (Long.parseLong(as.get(k).get()) < Long.parseLong(bs.get(k).get())) {
                                violations++;
                            }
                        }
                    }
                }
                return violations;
            }));
        }
        writer.get(120, TimeUnit.SECONDS);
        for (Future<Long> r : readers) {
            assertEquals(0L, r.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
    }

    /** Whole-shard commands (DBSIZE) see cross-shard DEL and MSET (key locks) all or nothing. */
    @Test
    void dbsizeSeesMultiKeyWritesAllOrNothing() throws Exception {
        String[] keys = {"dz-alpha", "dz-bravo", "dz-charlie", "dz-delta", "dz-echo", "dz-fox", "dz-golf", "dz-hotel"};
        try (Jedis j = client()) {
            j.select(4);
            j.flushDB();
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> writer = pool.submit(() -> {
            try (Jedis j = client()) {
                j.select(4);
                String[] kv = new String[keys.length * 2];
                for (int i = 0; i < keys.length; i++) {
                    kv[2 * i] = keys[i];
                    kv[2 * i + 1] = "v";
                }
                for (int i = 0; i < 500; i++) {
                    j.mset(kv);
                    j.del(keys);
                }
            }
            return null;
        });
        List<Future<List<Long>>> observers = new ArrayList<>();
        for (int o = 0; o < 2; o++) {
            observers.add(pool.submit(() -> {
                List<Long> odd = new ArrayList<>();
                try (Jedis j = client()) {
                    j.select(4);
                    for (int i = 0; i < 1000; i++) {
                        long n = j.dbSize();
                        if (n != 0 && n != keys.length) {
                            odd.add(n);
                        }
                    }
                }
                return odd;
            }));
        }
        writer.get(120, TimeUnit.SECONDS);
        for (Future<List<Long>> o : observers) {
            assertEquals(List.of(), o.get(120, TimeUnit.SECONDS), "DBSIZE saw a partly applied MSET or DEL");
        }
        pool.shutdown();
    }
}

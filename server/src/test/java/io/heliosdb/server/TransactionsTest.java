package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI/EXEC/WATCH through Jedis on a 3-shard server: atomic and isolated across shards. */
class TransactionsTest {
    /** Keys spread over the shards (the test server has three). */
    private static final String[] KEYS = {"acct:alice", "acct:bob", "acct:carol", "acct:dave", "acct:erin", "acct:frank"};
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
        }
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", server.port(), 20_000);
    }

    @Test
    void jedisTransactionRunsQueuedCommandsAcrossShardsAndReportsRuntimeErrorsPerCommand() {
        try (Jedis j = jedis()) {
            j.set("text", "hello");
            Transaction t = j.multi();
            Response<String> set = t.set(KEYS[0], "10");
            Response<Long> incr = t.incrBy(KEYS[1], 5);
            Response<List<String>> mget = t.mget(KEYS[0], KEYS[1], KEYS[2]);
            t.incr("text"); // fails at run time; the others still apply
            Response<Long> pushed = t.lpush(KEYS[3], "a", "b");
            List<Object> results = t.exec();
            assertEquals(5, results.size());
            assertEquals("OK", set.get());
            assertEquals(5L, incr.get());
            assertEquals(java.util.Arrays.asList("10", "5", null), mget.get());
            assertInstanceOf(JedisDataException.class, results.get(3));
            assertEquals(2L, pushed.get());
            assertEquals("b", j.lindex(KEYS[3], 0));
        }
    }

    @Test
    void queueTimeErrorDiscardsTheWholeTransaction() {
        try (Jedis j = jedis()) {
            j.sendCommand(redis.clients.jedis.Protocol.Command.MULTI);
            j.sendCommand(redis.clients.jedis.Protocol.Command.SET, KEYS[0], "1");
            JedisDataException arity = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                    () -> j.sendCommand(redis.clients.jedis.Protocol.Command.GET)); // refused while queuing
            assertEquals("ERR wrong number of arguments for 'get' command", arity.getMessage());
            j.sendCommand(redis.clients.jedis.Protocol.Command.SET, KEYS[1], "1");
            JedisDataException e = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
                    () -> j.sendCommand(redis.clients.jedis.Protocol.Command.EXEC));
            assertEquals("EXECABORT Transaction discarded because of previous errors.", e.getMessage());
            assertNull(j.get(KEYS[0]));
            assertNull(j.get(KEYS[1]));
        }
    }

    @Test
    void watchedKeyChangedOnAnotherShardByAnotherClientAbortsExec() {
        try (Jedis a = jedis(); Jedis b = jedis()) {
            a.watch(KEYS[0], KEYS[1], KEYS[2]);
            b.set(KEYS[2], "theirs");
            Transaction t = a.multi();
            t.set(KEYS[0], "mine");
            assertNull(t.exec());
            assertNull(a.get(KEYS[0]));
            // the failed EXEC ended the watch: the next transaction goes through
            Transaction again = a.multi();
            again.set(KEYS[0], "mine");
            assertEquals(List.of("OK"), again.exec());
        }
    }

    @Test
    void watchedKeyThatExpiresBeforeExecAbortsIt() throws Exception {
        try (Jedis j = jedis()) {
            j.psetex(KEYS[4], 50, "soon gone");
            j.watch(KEYS[4]);
            Thread.sleep(120);
            Transaction t = j.multi();
            t.set(KEYS[5], "x");
            assertNull(t.exec());
            assertNull(j.get(KEYS[5]));
        }
    }

    @Test
    void fiftyClientsIncrementingWithWatchAndRetryLoseNoUpdate() throws Exception {
        int clients = 50;
        int perClient = 20;
        AtomicLong retries = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(pool.submit(() -> {
                    try (Jedis j = jedis()) {
                        for (int i = 0; i < perClient; i++) {
                            // move one unit from one account to another, both watched, across shards
                            String from = KEYS[(id + i) % KEYS.length];
                            String to = KEYS[(id + i + 1) % KEYS.length];
                            while (true) {
                                j.watch(from, to, "total");
                                long f = parse(j.get(from));
                                long t = parse(j.get(to));
                                long total = parse(j.get("total"));
                                Transaction tx = j.multi();
                                tx.set(from, Long.toString(f - 1));
                                tx.set(to, Long.toString(t + 1));
                                tx.set("total", Long.toString(total + 1));
                                if (tx.exec() != null) {
                                    break;
                                }
                                retries.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Jedis j = jedis()) {
            assertEquals(clients * perClient, parse(j.get("total")), "every increment applied exactly once");
            long sum = 0;
            for (String k : KEYS) {
                sum += parse(j.get(k));
            }
            assertEquals(0, sum, "every transfer applied whole (retries: " + retries.get() + ")");
        }
        assertTrue(retries.get() > 0, "50 clients on 7 keys must have conflicted at least once");
    }

    @Test
    void readersAcrossShardsNeverSeeHalfAnExec() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (Jedis r = jedis()) {
                while (!stop.get()) {
                    List<String> v = r.mget(KEYS[0], KEYS[1], KEYS[2]);
                    reads.incrementAndGet();
                    if (!(java.util.Objects.equals(v.get(0), v.get(1)) && java.util.Objects.equals(v.get(1), v.get(2)))) {
                        torn.incrementAndGet();
                    }
                }
            }
        });
        reader.start();
        try (Jedis w = jedis()) {
            for (int i = 0; i < 2000; i++) {
                Transaction t = w.multi();
                t.incr(KEYS[0]);
                t.incr(KEYS[1]);
                t.incr(KEYS[2]);
                t.exec();
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertTrue(reads.get() > 0);
        assertEquals(0, torn.get(), "an MGET saw part of a transaction (of " + reads.get() + " reads)");
    }

    private static long parse(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}

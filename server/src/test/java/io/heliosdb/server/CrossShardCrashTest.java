package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.memory.Crc16;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * kill -9 of a real 4-shard server while clients run cross-shard MSET, RENAME, SMOVE, EVAL and FLUSHALL,
 * then a restart on the same directory, several rounds: each of those writes is all or nothing
 * (each shard logs on its own; the commit record of a cross-shard write holds every shard's part),
 * and nothing acknowledged is lost.
 */
class CrossShardCrashTest {
    private static final int KEYS = 8; // per MSET: spread over the 4 shards
    private static final int MEMBERS = 10;
    private static final String SET_ALL = "for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1]) end";

    @ParameterizedTest
    @ValueSource(strings = {"moves-everysec", "moves-always", "flushall-everysec"})
    void crossShardWritesAreAllOrNothingAfterAKill(String scenario) throws Exception {
        String appendfsync = scenario.split("-")[1];
        boolean flushall = scenario.startsWith("flushall");
        Path dir = Files.createTempDirectory("helios-xcrash");
        Random random = new Random(scenario.hashCode());
        try {
            for (int round = 0; round < 3; round++) {
                Process server = start(dir, appendfsync);
                int port = port(server);
                String r = "r" + round;
                int writers = flushall ? 1 : 3;
                AtomicLongArray msetAcked = new AtomicLongArray(writers);
                AtomicLongArray evalAcked = new AtomicLongArray(writers);
                AtomicLong progress = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> threads = new ArrayList<>();
                try (Jedis setup = new Jedis("127.0.0.1", port)) {
                    for (int w = 0; w < writers && !flushall; w++) {
                        setup.set(r + ":rn:a:" + w, "payload");
                        for (int m = 0; m < MEMBERS; m++) {
                            setup.sadd(r + ":sm:x:" + w, "m" + m);
                        }
                    }
                }
                for (int w = 0; w < writers; w++) {
                    int id = w;
                    msetAcked.set(id, -1);
                    evalAcked.set(id, -1);
                    Thread t = new Thread(() -> {
                        Random rnd = new Random(id);
                        boolean renamedToB = false;
                        boolean[] inY = new boolean[MEMBERS];
                        try (Jedis j = new Jedis("127.0.0.1", port)) {
                            for (long i = 0; !stop.get(); i++) {
                                String[] kv = new String[2 * KEYS];
                                for (int k = 0; k < KEYS; k++) {
                                    kv[2 * k] = r + ":ms:" + id + ":" + k;
                                    kv[2 * k + 1] = Long.toString(i);
                                }
                                j.mset(kv);
                                msetAcked.set(id, i);
                                progress.incrementAndGet();
                                if (flushall) {
                                    if (i % 3 == 2) {
                                        j.flushAll();
                                    }
                                    continue;
                                }
                                String a = r + ":rn:a:" + id;
                                String b = r + ":rn:b:" + id;
                                j.rename(renamedToB ? b : a, renamedToB ? a : b);
                                renamedToB = !renamedToB;
                                int m = rnd.nextInt(MEMBERS);
                                String x = r + ":sm:x:" + id;
                                String y = r + ":sm:y:" + id;
                                assertEquals(1, j.smove(inY[m] ? y : x, inY[m] ? x : y, "m" + m));
                                inY[m] = !inY[m];
                                // A script writing keys on several shards, its own among them.
                                List<String> evalKeys = new ArrayList<>();
                                for (int k = 0; k < KEYS; k++) {
                                    evalKeys.add(r + ":ev:" + id + ":" + k);
                                }
                                j.eval(SET_ALL, evalKeys, List.of(Long.toString(i)));
                                evalAcked.set(id, i);
                            }
                        } catch (Exception e) {
                            // the kill: the write under way may or may not be there, but whole
                        }
                    });
                    t.start();
                    threads.add(t);
                }
                for (int i = 0; i < 3000 && progress.get() < 100; i++) {
                    Thread.sleep(10);
                }
                Thread.sleep(random.nextInt(800));
                server.destroyForcibly(); // SIGKILL
                server.waitFor();
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
                assertTrue(progress.get() >= 100, "the writers got going before the kill: " + progress.get());
                Process again = start(dir, appendfsync);
                try (Jedis j = new Jedis("127.0.0.1", port(again), 15_000)) { // a loaded 2-core machine may answer slowly right after the restart
                    for (int w = 0; w < writers; w++) {
                        String where = scenario + " round " + round + " writer " + w;
                        // MSET: all of its keys or none, never older than the last acknowledged one.
                        List<String> values = new ArrayList<>();
                        for (int k = 0; k < KEYS; k++) {
                            values.add(j.get(r + ":ms:" + w + ":" + k));
                        }
                        assertEquals(1, new HashSet<>(values).size(), where + ": a torn MSET " + values);
                        long acked = msetAcked.get(w);
                        if (values.get(0) == null) {
                            // only the FLUSHALL that follows every third MSET may have removed them
                            assertTrue(acked < 0 || flushall && acked % 3 == 2, where + ": MSET " + acked + " lost");
                        } else {
                            assertTrue(Long.parseLong(values.get(0)) >= acked, where + ": MSET " + acked + " lost: " + values);
                        }
                        if (flushall) {
                            continue;
                        }
                        // RENAME: exactly one of the pair.
                        boolean hasA = j.exists(r + ":rn:a:" + w);
                        boolean hasB = j.exists(r + ":rn:b:" + w);
                        assertTrue(hasA ^ hasB, where + ": a torn RENAME (a " + hasA + ", b " + hasB + ")");
                        assertEquals("payload", j.get(r + ":rn:" + (hasA ? "a:" : "b:") + w));
                        // EVAL: all of its keys or none, never older than the last acknowledged one.
                        List<String> evalValues = new ArrayList<>();
                        for (int k = 0; k < KEYS; k++) {
                            evalValues.add(j.get(r + ":ev:" + w + ":" + k));
                        }
                        assertEquals(1, new HashSet<>(evalValues).size(), where + ": a torn EVAL " + evalValues);
                        long evalAck = evalAcked.get(w);
                        assertTrue(evalValues.get(0) == null ? evalAck < 0 : Long.parseLong(evalValues.get(0)) >= evalAck,
                                where + ": EVAL " + evalAck + " lost: " + evalValues);
                        // SMOVE: every member in exactly one of the two sets.
                        for (int m = 0; m < MEMBERS; m++) {
                            boolean inX = j.sismember(r + ":sm:x:" + w, "m" + m);
                            boolean inY = j.sismember(r + ":sm:y:" + w, "m" + m);
                            assertTrue(inX ^ inY, where + ": a torn SMOVE of m" + m + " (x " + inX + ", y " + inY + ")");
                        }
                    }
                    if (flushall) {
                        // FLUSHALL: no shard keeps keys of a generation another shard flushed.
                        Set<String> keys = j.keys(r + ":ms:*");
                        assertTrue(keys.isEmpty() || keys.size() == KEYS, scenario + " round " + round + ": a torn FLUSHALL " + keys);
                    }
                } finally {
                    again.destroy(); // SIGTERM: a clean stop before the next round's kill
                    again.waitFor();
                }
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * The other half, deterministically: a server whose shards never log the keys of their parts
     * (a test switch: as if each shard had crashed right after the commit record) is killed; after
     * the restart every write is there, so each part came from its commit record. One key per shard.
     */
    @Test
    void recoveryWritesThePartsFromTheCommitRecords() throws Exception {
        Path dir = Files.createTempDirectory("helios-xredo");
        try {
            List<String> keys = keysOnShards(4, 2);
            String a = keys.get(0), b = keys.get(2), c = keys.get(4), d = keys.get(6);
            String moved = keys.get(7); // on d's shard, not a's
            Process server = start(dir, "everysec", "-Dheliosdb.test.dropParts=true");
            try (Jedis j = new Jedis("127.0.0.1", port(server))) {
                assertEquals("OK", j.mset(a, "1", b, "1", c, "1", d, "1"));
                assertEquals("OK", j.rename(a, moved));
                j.select(1);
                assertEquals("OK", j.mset(a, "x", b, "y"));
                assertEquals("OK", j.flushDB()); // every shard's part is its space map
                j.select(0);
                Transaction t = j.multi();
                t.incr(b);
                t.set(c, "2");
                t.incr(b); // the same key again in a later step on its shard
                t.exec();
            }
            server.destroyForcibly();
            server.waitFor();
            Process again = start(dir, "everysec");
            try (Jedis j = new Jedis("127.0.0.1", port(again))) {
                assertEquals(null, j.get(a));
                assertEquals("1", j.get(moved));
                assertEquals("3", j.get(b));
                assertEquals("2", j.get(c));
                assertEquals("1", j.get(d));
                j.select(1);
                assertEquals(0, j.dbSize(), "FLUSHDB of database 1 redone on every shard");
            } finally {
                again.destroy();
                again.waitFor();
            }
            assertTrue(lastRecoveryLine.contains(" part(s) a shard's log lacked") && !lastRecoveryLine.contains("; 0 part(s)"),
                    "recovery wrote parts from the records: " + lastRecoveryLine);
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * The converse: a server that never logs the commit records (nor, therefore, the parts held for
     * them; test switches) is killed; after the restart no cross-shard write may have left anything,
     * whichever shard ran its code: MSET, a MULTI/EXEC over two shards, and a script writing on every
     * shard (its own among them).
     */
    @Test
    void aCrossShardWriteWhoseRecordIsNotLoggedLeavesNothing() throws Exception {
        Path dir = Files.createTempDirectory("helios-xabort");
        try {
            List<String> keys = keysOnShards(4, 1);
            Process server = start(dir, "everysec", "-Dheliosdb.test.dropParts=true", "-Dheliosdb.test.dropRecords=true");
            try (Jedis j = new Jedis("127.0.0.1", port(server))) {
                for (String k : keys) {
                    assertEquals("OK", j.set(k, "0")); // one shard each: logged as usual
                }
                assertEquals("OK", j.mset(keys.get(0), "mset", keys.get(1), "mset", keys.get(2), "mset", keys.get(3), "mset"));
                Transaction t = j.multi();
                t.set(keys.get(0), "exec");
                t.set(keys.get(3), "exec");
                t.exec();
                j.eval(SET_ALL, keys, List.of("eval"));
                assertEquals("eval", j.get(keys.get(0)), "the writes happened in memory");
                for (String k : keys) {
                    assertEquals("OK", j.set(k + "-after", "1")); // one shard each again
                }
            }
            server.destroyForcibly();
            server.waitFor();
            Process again = start(dir, "everysec");
            try (Jedis j = new Jedis("127.0.0.1", port(again))) {
                for (String k : keys) {
                    assertEquals("0", j.get(k), k + ": a cross-shard write without its commit record left a part");
                    assertEquals("1", j.get(k + "-after"), k + "-after: a single-shard write after them was lost");
                }
            } finally {
                again.destroy();
                again.waitFor();
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * {@code perShard} keys for each shard of a {@code shards}-shard server, shard by shard
     * (contiguous slot ranges, as the server assigns them).
     */
    private static List<String> keysOnShards(int shards, int perShard) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < shards * perShard; i++) {
            String k = "k" + i;
            byte[] bytes = k.getBytes(StandardCharsets.UTF_8);
            int slot = Crc16.slot(MemorySegment.ofArray(bytes), 0, bytes.length);
            if ((long) slot * shards / Crc16.SLOTS == keys.size() / perShard) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static volatile String lastRecoveryLine = "";

    private static Process start(Path dir, String appendfsync, String... jvmOptions) throws Exception {
        return ServerProcess.start(List.of(jvmOptions), List.of("--port", "0", "--dir", dir.toString(), "--shards", "4",
                "--appendfsync", appendfsync));
    }

    private static int port(Process p) throws Exception {
        return ServerProcess.port(p, line -> {
            if (line.contains("cross-shard")) {
                System.out.println("[server] " + line); // recovery finished writes a shard's log lacked
                lastRecoveryLine = line;
            }
        });
    }
}

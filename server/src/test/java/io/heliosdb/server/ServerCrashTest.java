package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * kill -9 of a real server process under write load from several clients, then a restart on the
 * same directory: every acknowledged write must be there. A process kill keeps the page cache, so
 * this holds in {@code everysec} too (the log is written before any reply leaves); what a power loss
 * does to unsynced data is covered by the engine's simulated crashes.
 */
class ServerCrashTest {
    private static final int WRITERS = 4;

    @ParameterizedTest
    @ValueSource(strings = {"always", "everysec", "everysec+maxmemory"})
    void noAcknowledgedWriteIsLostWhenTheServerIsKilled(String mode) throws Exception {
        // "+maxmemory": a 128 KB budget, so whole collections keep moving to disk and back
        // while they are written (tiering under the crash)
        String appendfsync = mode.split("\\+")[0];
        boolean tiered = mode.endsWith("+maxmemory");
        Path dir = Files.createTempDirectory("helios-crash");
        Random random = new Random(mode.hashCode());
        try {
            for (int round = 0; round < 3; round++) {
                Process server = start(dir, appendfsync, tiered);
                int port = port(server);
                AtomicLongArray lastAcked = new AtomicLongArray(WRITERS);
                AtomicLongArray counterAcked = new AtomicLongArray(WRITERS);
                AtomicLongArray collectionsAcked = new AtomicLongArray(WRITERS);
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                int r = round;
                for (int w = 0; w < WRITERS; w++) {
                    int id = w;
                    lastAcked.set(id, -1);
                    collectionsAcked.set(id, -1);
                    Thread t = new Thread(() -> {
                        try (Jedis j = new Jedis("127.0.0.1", port)) {
                            for (long i = 0; !stop.get(); i++) {
                                j.set("r" + r + ":w" + id + ":" + i, "value-" + i);
                                lastAcked.set(id, i);
                                counterAcked.set(id, j.incr("counter:" + id));
                                // Every collection type; the lists and hashes outgrow the whole-value form.
                                String tag = "r" + r + ":w" + id;
                                j.rpush("list:" + tag, "e" + i);
                                j.hset("hash:" + tag, "f" + i, "v" + i);
                                j.zadd("zset:" + tag, i, "m" + i);
                                j.sadd("set:" + tag, "s" + i);
                                collectionsAcked.set(id, i);
                            }
                        } catch (Exception e) {
                            // the kill: writes after the last acknowledged one may or may not be there
                        }
                    });
                    t.start();
                    writers.add(t);
                }
                // Kill at a random moment once the writers are going (on a loaded machine the server
                // and its clients may take a while to get there; the count, not the clock, decides).
                for (int i = 0; i < 3000 && acked(lastAcked) < 60; i++) {
                    Thread.sleep(10);
                }
                Thread.sleep(random.nextInt(1200));
                if (tiered) { // values and collections left RAM while they were being written
                    try (Jedis probe = new Jedis("127.0.0.1", port)) {
                        for (int i = 0; i < 100 && PersistenceTest.field(probe, "heliosdb_tier_values_moved_to_disk") == 0; i++) {
                            Thread.sleep(20);
                        }
                        assertTrue(PersistenceTest.field(probe, "heliosdb_tier_values_moved_to_disk") > 0, probe.info("memory"));
                    }
                }
                server.destroyForcibly(); // SIGKILL
                server.waitFor();
                stop.set(true);
                for (Thread t : writers) {
                    t.join();
                }
                Process again = start(dir, appendfsync, tiered);
                try (Jedis j = new Jedis("127.0.0.1", port(again))) {
                    long total = 0;
                    for (int w = 0; w < WRITERS; w++) {
                        long last = lastAcked.get(w);
                        total += last + 1;
                        for (long i = 0; i <= last; i++) {
                            assertEquals("value-" + i, j.get("r" + r + ":w" + w + ":" + i),
                                    appendfsync + " round " + r + ": acknowledged write w" + w + ":" + i + " lost (last acknowledged " + last + ")");
                        }
                        long lastCollections = collectionsAcked.get(w);
                        String tag = "r" + r + ":w" + w;
                        List<String> list = j.lrange("list:" + tag, 0, lastCollections);
                        for (long i = 0; i <= lastCollections; i++) {
                            String where = appendfsync + " round " + r + ": acknowledged element " + i + " of " + tag;
                            assertEquals("e" + i, list.get((int) i), where);
                            assertEquals("v" + i, j.hget("hash:" + tag, "f" + i), where);
                            assertEquals((double) i, j.zscore("zset:" + tag, "m" + i), where);
                            assertTrue(j.sismember("set:" + tag, "s" + i), where);
                        }
                        String c = j.get("counter:" + w);
                        long counter = c == null ? 0 : Long.parseLong(c);
                        assertTrue(counter >= counterAcked.get(w), "counter " + w + " went back from " + counterAcked.get(w) + " to " + counter);
                    }
                    assertTrue(total > 50, "the writers got going before the kill: " + total);
                } finally {
                    again.destroy(); // SIGTERM: a clean stop before the next round's kill
                    again.waitFor();
                }
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    private static Process start(Path dir, String appendfsync, boolean tiered) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--dir", dir.toString(), "--shards", "2",
                "--appendfsync", appendfsync));
        if (tiered) {
            args.addAll(List.of("--maxmemory", "128kb"));
        }
        return ServerProcess.start(List.of(), args);
    }

    private static int port(Process p) throws Exception {
        return ServerProcess.port(p, line -> { });
    }

    private static long acked(AtomicLongArray lastAcked) {
        long total = 0;
        for (int w = 0; w < lastAcked.length(); w++) {
            total += lastAcked.get(w) + 1;
        }
        return total;
    }
}

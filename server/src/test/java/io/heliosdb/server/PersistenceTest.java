package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.lsm.io.QuotaFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/** The keyspace on the LSM engine: what a restart brings back, SAVE/BGSAVE/BGREWRITEAOF, checkpoints, a full disk. */
class PersistenceTest {

    /** Random string commands on several databases against a model; after a clean restart the data is identical. */
    @Test
    void everyKindOfChangeSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("helios-persist");
        Random r = new Random(7);
        Map<String, String>[] model = models(4);
        try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int step = 0; step < 4000; step++) {
                int db = r.nextInt(4);
                j.select(db);
                String k = "k" + r.nextInt(300);
                switch (step % 500 == 499 || (step > 2500 && step % 700 == 0) ? 9 : r.nextInt(10)) {
                    case 0, 1 -> {
                        String v = "v" + step;
                        j.set(k, v);
                        model[db].put(k, v);
                    }
                    case 2 -> {
                        if (isInt(model[db].get(k))) {
                            model[db].put(k, Long.toString(j.incr(k)));
                        }
                    }
                    case 3 -> {
                        if (model[db].containsKey(k) && !isInt(model[db].get(k))) {
                            j.append(k, "+a");
                            model[db].put(k, model[db].get(k) + "+a");
                        }
                    }
                    case 4 -> {
                        j.del(k);
                        model[db].remove(k);
                    }
                    case 5 -> {
                        String k2 = "k" + r.nextInt(300);
                        if (model[db].containsKey(k) && !k.equals(k2)) {
                            j.rename(k, k2);
                            model[db].put(k2, model[db].remove(k));
                        }
                    }
                    case 6 -> {
                        j.set(k, "ttl" + step, SetParams.setParams().ex(1000));
                        model[db].put(k, "ttl" + step);
                    }
                    case 7 -> {
                        int to = (db + 1) % 4;
                        if (model[db].containsKey(k) && !model[to].containsKey(k)) {
                            assertEquals(1, j.move(k, to));
                            model[to].put(k, model[db].remove(k));
                        }
                    }
                    case 8 -> {
                        Map<String, String> kv = new HashMap<>();
                        for (int i = 0; i < 5; i++) {
                            kv.put("m" + r.nextInt(300), "mv" + step + "-" + i); // spans shards
                        }
                        String[] flat = kv.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                                .toArray(String[]::new);
                        j.mset(flat);
                        model[db].putAll(kv);
                    }
                    default -> {
                        if (step % 500 == 499 && db != 3 - db) {
                            assertEquals("OK", j.swapDB(db, 3 - db));
                            var t = model[db];
                            model[db] = model[3 - db];
                            model[3 - db] = t;
                        } else if (step > 2500 && step % 700 == 0) {
                            j.flushDB();
                            model[db].clear();
                        } else {
                            j.expire(k, 5000);
                        }
                    }
                }
            }
            j.select(1);
            j.set("volatile", "soon gone", SetParams.setParams().px(300));
        }
        Thread.sleep(400); // "volatile" expires while the server is down
        try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int db = 0; db < 4; db++) {
                j.select(db);
                assertEquals(new TreeSet<>(model[db].keySet()), new TreeSet<>(j.keys("*")), "keys of db " + db);
                for (var e : model[db].entrySet()) {
                    assertEquals(e.getValue(), j.get(e.getKey()), "db " + db + " key " + e.getKey());
                    if (e.getValue().startsWith("ttl")) {
                        long ttl = j.ttl(e.getKey());
                        assertTrue(ttl > 900 && ttl <= 5000, "TTL kept: " + ttl);
                    }
                }
            }
            j.select(1);
            assertNull(j.get("volatile"));
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String>[] models(int n) {
        Map<String, String>[] m = new Map[n];
        for (int i = 0; i < n; i++) {
            m[i] = new HashMap<>();
        }
        return m;
    }

    private static boolean isInt(String v) {
        if (v == null) {
            return true;
        }
        try {
            Long.parseLong(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Test
    void saveBgsaveAndBgrewriteaofWriteTablesAndReportInInfo() throws Exception {
        try (TestServer s = TestServer.start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 5000; i++) {
                j.set("key:" + i, "value-" + i);
            }
            assertTrue(field(j, "rdb_changes_since_last_save") >= 5000);
            long before = j.lastsave();
            Thread.sleep(1100);
            assertEquals("OK", j.save());
            assertTrue(j.lastsave() > before, "LASTSAVE moves on SAVE");
            assertEquals(0, field(j, "rdb_changes_since_last_save"));
            assertTrue(field(j, "heliosdb_lsm_sstables") >= 3, "SAVE flushed every shard's memtable to a table");
            j.set("after", "save");
            assertEquals("Background saving started", j.bgsave());
            waitFor(j, "rdb_bgsave_in_progress", 0);
            assertTrue(j.info("persistence").contains("rdb_last_bgsave_status:ok"));
            assertEquals("Background append only file rewriting started", j.bgrewriteaof());
            waitFor(j, "aof_rewrite_in_progress", 0);
            assertEquals(1, field(j, "aof_rewrites"));
            assertTrue(j.info("persistence").contains("aof_last_bgrewrite_status:ok"));
            assertEquals("value-4999", j.get("key:4999"));
            assertEquals("save", j.get("after"));
            assertEquals(1, field(j, "aof_enabled"));
        }
    }

    @Test
    void aPureInMemoryServerSaysItHasNothingToSave() throws Exception {
        try (TestServer s = TestServer.start("--appendonly", "no"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            j.set("a", "b");
            JedisDataException e = assertThrows(JedisDataException.class, j::save);
            assertTrue(e.getMessage().contains("appendonly no"), e.getMessage());
            assertEquals(0, field(j, "aof_enabled"));
            assertTrue(Files.list(s.dir).noneMatch(p -> p.getFileName().toString().startsWith("shard-")), "no files written");
        }
    }

    /** CHECKPOINT copies the data at one point of every shard; a server started on the copy has exactly that. */
    @Test
    void aCheckpointRestoresExactlyTheDataAtThatPoint() throws Exception {
        Path backup = Files.createTempDirectory("helios-backup").resolve("cp");
        try (TestServer s = TestServer.start(); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 3000; i++) {
                j.set("k" + i, "before");
            }
            j.save(); // some of it in tables (hard-linked), the rest in the log (copied)
            for (int i = 0; i < 1000; i++) {
                j.set("k" + i, "logged");
            }
            assertEquals("OK", new String((byte[]) j.sendCommand(() -> "CHECKPOINT".getBytes(), backup.toString())));
            for (int i = 0; i < 3000; i++) {
                j.set("k" + i, "after");
            }
            JedisDataException exists = assertThrows(JedisDataException.class,
                    () -> j.sendCommand(() -> "CHECKPOINT".getBytes(), backup.toString()));
            assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
        }
        try (TestServer restored = TestServer.startOn(backup); Jedis j = new Jedis("127.0.0.1", restored.port())) {
            assertEquals(3000, j.dbSize());
            for (int i = 0; i < 3000; i++) {
                assertEquals(i < 1000 ? "logged" : "before", j.get("k" + i), "k" + i);
            }
        } finally {
            TestServer.deleteRecursively(backup.getParent());
        }
    }

    /** A full disk: writes are refused with MISCONF, nothing acknowledged is lost, writes resume when space returns. */
    @Test
    void aFullDiskRefusesWritesAndResumesWhenSpaceReturns() throws Exception {
        QuotaFileSystem fs = new QuotaFileSystem(FileSystem.REAL);
        Path dir;
        Set<String> acknowledged = new TreeSet<>();
        try (TestServer s = TestServer.startWith(fs); Jedis j = new Jedis("127.0.0.1", s.port())) {
            dir = s.dir;
            for (int i = 0; i < 100; i++) {
                j.set("ok" + i, "v");
                acknowledged.add("ok" + i);
            }
            fs.setFreeBytes(0);
            int refused = 0;
            for (int i = 0; i < 50; i++) {
                try (Jedis c = new Jedis("127.0.0.1", s.port())) { // a failed write closes its connection
                    c.set("full" + i, "v");
                    acknowledged.add("full" + i); // must then survive like any other
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("MISCONF Errors writing to the AOF file: No space left on device"),
                            e.getMessage());
                    refused++;
                } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                    refused++; // the write that met the full disk: not acknowledged, connection closed
                }
            }
            assertTrue(refused == 50, "writes refused while the disk is full: " + refused);
            assertTrue(j.info("persistence").contains("aof_last_write_status:err"));
            try (Jedis c = new Jedis("127.0.0.1", s.port())) {
                assertEquals("v", c.get("ok7"), "reads go on");
            }
            fs.setFreeBytes(Long.MAX_VALUE);
            long deadline = System.currentTimeMillis() + 10_000;
            boolean resumed = false;
            while (!resumed && System.currentTimeMillis() < deadline) {
                try (Jedis c = new Jedis("127.0.0.1", s.port())) {
                    c.set("again", "v");
                    resumed = true;
                } catch (Exception e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(resumed, "writes resume once space returns");
            acknowledged.add("again");
        }
        try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (String k : acknowledged) {
                assertEquals("v", j.get(k), "acknowledged " + k);
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * maxmemory with persistence on: values beyond the budget live on disk only, every key stays
     * readable (and correct) and writable, hot keys stay in RAM, and a restart keeps it all.
     */
    @Test
    void aKeyspaceLargerThanMaxmemoryStaysReadableAndWritable() throws Exception {
        Path dir = Files.createTempDirectory("helios-tier");
        int keys = 12_000;
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "2mb", "--shards", "1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            var p = j.pipelined();
            for (int i = 0; i < keys; i++) {
                p.set("big:" + i, value(i)); // 12 MB of values: six times the budget
            }
            for (Object reply : p.syncAndReturnAll()) { // a bulk load faster than eviction still gets no OOM
                assertEquals("OK", reply, "bulk load reply");
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (field(j, "heliosdb_tier_disk_only_values") < keys / 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(field(j, "heliosdb_tier_disk_only_values") >= keys / 2, j.info("memory"));
            assertTrue(field(j, "used_memory_offheap") < 6 * 1024 * 1024, "within the budget: " + field(j, "used_memory_offheap"));
            for (int round = 0; round < 50; round++) { // a hot set that fits stays in RAM
                for (int i = 0; i < 100; i++) {
                    assertEquals(value(i), j.get("big:" + i));
                }
            }
            for (int i = 0; i < keys; i += 7) {
                assertEquals(value(i), j.get("big:" + i), "cold big:" + i); // read back from disk
            }
            assertTrue(field(j, "heliosdb_tier_disk_hits") > 0);
            assertTrue(field(j, "heliosdb_tier_ram_hits") > field(j, "heliosdb_tier_disk_hits"));
            assertEquals(keys, j.dbSize());
            j.append("big:5", "!"); // a write to a value on disk reads it back first
            j.expire("big:6", 10_000);
            assertEquals(value(5) + "!", j.get("big:5"));
        }
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "2mb", "--shards", "1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals(keys, j.dbSize());
            for (int i = 0; i < keys; i += 11) {
                assertEquals(i == 5 ? value(5) + "!" : value(i), j.get("big:" + i));
            }
            assertTrue(j.ttl("big:6") > 9000);
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /**
     * maxmemory with persistence on, for collections: hashes, sets, sorted sets and lists beyond the
     * budget leave RAM whole (small ones are stored in RDB form, large ones as element records) and
     * come back with every element on the next access; writes to them, deletes and restarts keep it all.
     */
    @Test
    void collectionsBeyondMaxmemoryGoToDiskAndComeBackWhole() throws Exception {
        Path dir = Files.createTempDirectory("helios-tier-collections");
        int n = 300;
        Map<String, Map<String, String>> hashes = new HashMap<>();
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "2mb", "--shards", "1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            var p = j.pipelined();
            for (int i = 0; i < n; i++) {
                int size = i % 4 == 0 ? 300 : 40; // both stored forms
                Map<String, String> h = new HashMap<>();
                for (int k = 0; k < size; k++) {
                    h.put("field-" + k, "value-" + i + "-" + k + "-" + "x".repeat(k % 30));
                }
                hashes.put("h:" + i, h);
                p.hset("h:" + i, h);
                for (int k = 0; k < size; k++) {
                    p.sadd("s:" + i, "member-" + i + "-" + k);
                    p.zadd("z:" + i, k * 1.5 + i, "m" + k);
                    p.rpush("l:" + i, "item-" + i + "-" + k);
                }
            }
            p.sync();
            long deadline = System.currentTimeMillis() + 15_000;
            while (field(j, "heliosdb_tier_disk_only_values") < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(field(j, "heliosdb_tier_disk_only_values") >= n, j.info("memory"));
            assertTrue(field(j, "used_memory") < 4 * 1024 * 1024, "near the budget: " + field(j, "used_memory"));
            checkCollections(j, n, hashes);
            assertTrue(field(j, "heliosdb_tier_disk_hits") >= n, "collections were read back from disk");
            // writes to collections that may be on disk: each is read back first, then changed
            for (int i = 0; i < n; i += 5) {
                j.hset("h:" + i, "added", "yes");
                hashes.get("h:" + i).put("added", "yes");
                j.hdel("h:" + i, "field-1");
                hashes.get("h:" + i).remove("field-1");
            }
            j.del("h:7", "h:8");
            hashes.remove("h:7");
            hashes.remove("h:8");
            assertEquals(n * 4 - 2, j.dbSize());
        }
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "2mb", "--shards", "1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertTrue(field(j, "heliosdb_tier_disk_only_values") > 0, "a keyspace beyond the budget loads partly on disk");
            assertEquals(n * 4 - 2, j.dbSize());
            // dropped while on disk: z:296 has 300 members, stored element by element
            assertEquals(2, j.del("z:296", "l:296"));
            checkCollections(j, n, hashes);
            j.zadd("z:296", 1, "fresh");
        }
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "2mb", "--shards", "1"); Jedis j = new Jedis("127.0.0.1", s.port())) {
            assertEquals(java.util.List.of("fresh"), j.zrange("z:296", 0, -1));
            assertEquals(0, j.llen("l:296"));
            checkCollections(j, n, hashes);
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    private static void checkCollections(Jedis j, int n, Map<String, Map<String, String>> hashes) {
        for (int i = 0; i < n; i++) {
            int size = i % 4 == 0 ? 300 : 40;
            assertEquals(hashes.get("h:" + i) == null ? Map.of() : hashes.get("h:" + i), j.hgetAll("h:" + i), "h:" + i);
            if (i == 296) {
                continue; // dropped and recreated by the test
            }
            Set<String> members = new java.util.HashSet<>();
            java.util.List<String> items = new java.util.ArrayList<>();
            java.util.List<String> byScore = new java.util.ArrayList<>();
            for (int k = 0; k < size; k++) {
                members.add("member-" + i + "-" + k);
                items.add("item-" + i + "-" + k);
                byScore.add("m" + k);
            }
            assertEquals(members, j.smembers("s:" + i), "s:" + i);
            assertEquals(items, j.lrange("l:" + i, 0, -1), "l:" + i);
            assertEquals(byScore, j.zrange("z:" + i, 0, -1), "z:" + i);
            assertEquals(size - 1 + i * 1.0 + (size - 1) * 0.5, j.zscore("z:" + i, "m" + (size - 1)), "z:" + i);
        }
    }

    private static String value(int i) {
        return (i + ":").repeat(1 + 1000 / (Integer.toString(i).length() + 1));
    }

    /** A damaged table block is found by its CRC: the server refuses to start and says which file and offset. */
    @Test
    void aDamagedTableBlockStopsTheStartWithFileAndOffset() throws Exception {
        Path dir = Files.createTempDirectory("helios-corrupt");
        try {
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                for (int i = 0; i < 2000; i++) {
                    j.set("k" + i, "value-" + i);
                }
                j.save(); // into tables
            }
            Path table;
            try (var files = Files.walk(dir)) {
                table = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(table);
            bytes[100] ^= 0x55; // inside the first data block
            Files.write(table, bytes);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestServer.startOn(dir));
            String m = e.getMessage();
            assertTrue(m.contains(table.getFileName().toString()) && m.contains("offset") && m.contains("checksum"), m);
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    /** A damaged block met by a cold read at run time fails that key's command only; other keys go on. */
    @Test
    void aDamagedBlockUnderAColdKeyFailsThatKeyOnly() throws Exception {
        Path dir = Files.createTempDirectory("helios-cold-corrupt");
        try (TestServer s = TestServer.startOn(dir, "--maxmemory", "1mb", "--shards", "1", "--lsm-block-cache-size", "0");
             Jedis j = new Jedis("127.0.0.1", s.port())) {
            for (int i = 0; i < 4000; i++) {
                j.set("cold:" + i, value(i));
            }
            j.save(); // every value in tables; most of them leave RAM under the 1 MB budget
            long deadline = System.currentTimeMillis() + 10_000;
            while (field(j, "heliosdb_tier_disk_only_values") < 3000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            Path table;
            try (var files = Files.walk(dir)) {
                table = files.filter(p -> p.toString().endsWith(".sst")).max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                        .orElseThrow();
            }
            try (var ch = java.nio.channels.FileChannel.open(table, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.READ)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
                ch.read(b, 200);
                b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
                ch.write(b, 200); // inside the table's first data block
            }
            int failed = 0, served = 0;
            for (int i = 0; i < 4000; i++) {
                try {
                    assertEquals(value(i), j.get("cold:" + i), "a value is either right or refused, never wrong");
                    served++;
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("ERR the stored value of this key cannot be read: ")
                            && e.getMessage().contains(table.getFileName().toString()) && e.getMessage().contains("checksum"), e.getMessage());
                    failed++;
                }
            }
            assertTrue(failed > 0, "the damaged block was read");
            assertTrue(served > 3000, "the other keys are served: " + served);
            assertEquals("OK", j.set("new", "writes go on"));
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    static long field(Jedis j, String name) {
        for (String line : j.info().split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("INFO has no " + name);
    }

    private static void waitFor(Jedis j, String field, long value) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (field(j, field) != value && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(value, field(j, field), field);
    }
}

package io.heliosdb.lsm.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.engine.WriteBatch;
import io.heliosdb.lsm.io.FileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collection encoding, end to end on a real engine, against a model (a map of sorted maps):
 * random element puts and removes, point/range/prefix reads, whole-collection drops and re-creates,
 * reopens, and a full compaction that must leave no element of a dropped version on disk.
 */
class CollectionStoreTest {
    private static final byte[] NS = {0, 0, 0, 7};

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static final class Env implements AutoCloseable {
        final LsmEngine engine;
        final CollectionStore store;
        final WriteBatch batch = new WriteBatch();

        Env(Path dir) throws Exception {
            CollectionStore[] holder = new CollectionStore[1];
            LsmEngine.Options o = new LsmEngine.Options().memtableBytes(256 * 1024).targetFileBytes(64 * 1024)
                    .levelBaseBytes(256 * 1024).filter((k, v) -> holder[0] != null && holder[0].isGarbage(k));
            engine = LsmEngine.open(FileSystem.REAL, dir, o, x -> { });
            store = new CollectionStore(engine, NS);
            holder[0] = store;
        }

        void apply() throws Exception {
            engine.write(batch);
            engine.commit(false);
            batch.clear();
        }

        @Override
        public void close() throws java.io.IOException {
            engine.commit(true);
            engine.close();
        }
    }

    @Test
    void collectionsMatchTheModelThroughDropsReopensAndCompaction(@TempDir Path dir) throws Exception {
        Random r = new Random(11);
        Map<String, TreeMap<String, String>> model = new TreeMap<>();
        Env env = new Env(dir);
        try {
            for (int step = 0; step < 20_000; step++) {
                String key = "coll" + r.nextInt(6);
                CollectionStore.Meta m = env.store.meta(b(key));
                int op = r.nextInt(100);
                if (op < 55) {
                    if (m == null) {
                        m = env.store.create(env.batch, b(key));
                        model.put(key, new TreeMap<>());
                    }
                    String member = "m" + r.nextInt(key.equals("coll0") ? 5000 : 300);
                    String value = "v" + step;
                    env.store.put(env.batch, b(key), m, b(member), b(value));
                    model.get(key).put(member, value);
                } else if (op < 70) {
                    if (m != null) {
                        String member = "m" + r.nextInt(300);
                        env.store.remove(env.batch, b(key), m, b(member));
                        model.get(key).remove(member);
                    }
                } else if (op < 73) {
                    if (m != null) {
                        int before = env.batch.count();
                        env.store.drop(env.batch, b(key), m);
                        assertEquals(2, env.batch.count() - before, "dropping a collection is O(1): two records");
                        model.remove(key);
                    }
                } else if (op < 95) {
                    env.apply();
                    check(env, model, key, r);
                } else if (op < 96) {
                    env.apply();
                    env.close();
                    env = new Env(dir);
                } else {
                    env.apply();
                }
                if (op < 73) {
                    env.apply(); // membership checks read the engine (see CollectionStore)
                }
            }
            env.apply();
            for (String key : List.of("coll0", "coll1", "coll2", "coll3", "coll4", "coll5")) {
                check(env, model, key, r);
            }
            // Drop what is left except one, compact everything: no element of a dropped version remains.
            for (String key : new ArrayList<>(model.keySet())) {
                if (!key.equals("coll0")) {
                    env.store.drop(env.batch, b(key), env.store.meta(b(key)));
                    model.remove(key);
                }
            }
            env.apply();
            Set<Long> dead = env.store.deadVersions();
            assertTrue(dead.size() > 3, "versions were dropped: " + dead.size());
            env.engine.flush(); // the memtable too: compaction works on tables
            env.engine.compact();
            env.store.forgetDeadVersions(env.batch, dead);
            env.apply();
            long elements = env.engine.scanPrefix(new byte[]{0, 0, 0, 7, 'E'}, Integer.MAX_VALUE).size();
            long live = model.values().stream().mapToLong(Map::size).sum();
            assertEquals(live, elements, "only live elements are left after a full compaction");
            env.close();
            env = new Env(dir);
            assertTrue(env.store.deadVersions().isEmpty(), "the dead-version marks are gone too");
            check(env, model, "coll0", r);
        } finally {
            env.close();
        }
    }

    private static void check(Env env, Map<String, TreeMap<String, String>> model, String key, Random r) throws Exception {
        CollectionStore.Meta m = env.store.meta(b(key));
        TreeMap<String, String> want = model.get(key);
        if (want == null) {
            assertNull(m, key + " should not exist");
            return;
        }
        assertEquals(want.size(), m.count(), "count of " + key);
        List<byte[][]> all = env.store.range(b(key), m, null, null, Integer.MAX_VALUE);
        assertEquals(want.size(), all.size(), "elements of " + key);
        int i = 0;
        for (var e : want.entrySet()) {
            assertEquals(e.getKey(), s(all.get(i)[0]));
            assertEquals(e.getValue(), s(all.get(i)[1]));
            i++;
        }
        String member = "m" + r.nextInt(300);
        byte[] got = env.store.get(b(key), m, b(member));
        assertEquals(want.get(member), got == null ? null : s(got));
        String p = "m1";
        List<byte[][]> pre = env.store.prefix(b(key), m, b(p), Integer.MAX_VALUE);
        List<String> wantPre = want.keySet().stream().filter(x -> x.startsWith(p)).toList();
        assertEquals(wantPre, pre.stream().map(kv -> s(kv[0])).toList());
        String from = "m2", to = "m5";
        List<byte[][]> range = env.store.range(b(key), m, b(from), b(to), 50);
        List<String> wantRange = want.subMap(from, to).keySet().stream().limit(50).toList();
        assertEquals(wantRange, range.stream().map(kv -> s(kv[0])).toList());
        if (!range.isEmpty()) {
            assertArrayEquals(b(want.get(s(range.get(0)[0]))), range.get(0)[1]);
        }
    }
}

package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FileSystem;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine with flushes and leveled compaction on its background thread, on the real disk,
 * against a TreeMap: random batches, deletes, point reads, scans and reopens while the background
 * thread works; afterwards several levels must exist and everything must match.
 */
class LsmBackgroundLeveledTest {
    private static final java.util.Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private static LsmEngine.Options small() {
        return new LsmEngine.Options().memtableBytes(64 * 1024).targetFileBytes(32 * 1024).levelBaseBytes(128 * 1024)
                .background(true);
    }

    @Test
    void backgroundFlushAndLeveledCompactionMatchTheModel(@TempDir Path dir) throws Exception {
        Random r = new Random(42);
        TreeMap<byte[], byte[]> model = new TreeMap<>(UNSIGNED);
        WriteBatch batch = new WriteBatch();
        LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, small(), x -> { });
        long flushes = 0, compactions = 0;
        try {
            for (int step = 0; step < 60_000; step++) {
                byte[] k = String.format("key%06d", r.nextInt(20_000)).getBytes();
                int op = r.nextInt(100);
                if (op < 60) {
                    byte[] v = new byte[20 + r.nextInt(80)];
                    r.nextBytes(v);
                    batch.put(k, v);
                    model.put(k, v);
                } else if (op < 75) {
                    batch.delete(k);
                    model.remove(k);
                } else if (op < 90) {
                    e.write(batch);
                    batch.clear();
                    e.commit(false);
                } else if (op < 99) {
                    e.write(batch);
                    batch.clear();
                    byte[] want = model.get(k);
                    byte[] got = e.get(k);
                    if (want == null) {
                        assertNull(got, "step " + step);
                    } else {
                        assertArrayEquals(want, got, "step " + step);
                    }
                } else if (step % 7 == 0) {
                    e.write(batch);
                    batch.clear();
                    e.commit(true);
                    e.close(); // a clean reopen in the middle of background work
                    flushes += e.stats().flushes;
                    compactions += e.stats().compactions + e.stats().trivialMoves;
                    e = LsmEngine.open(FileSystem.REAL, dir, small(), x -> { });
                } else {
                    e.write(batch);
                    batch.clear();
                    byte[] from = String.format("key%06d", r.nextInt(20_000)).getBytes();
                    List<byte[][]> got = e.scan(from, null, 50);
                    var want = model.tailMap(from, true).entrySet().stream().limit(50).toList();
                    assertEquals(want.size(), got.size(), "scan at step " + step);
                    for (int i = 0; i < want.size(); i++) {
                        assertArrayEquals(want.get(i).getKey(), got.get(i)[0]);
                        assertArrayEquals(want.get(i).getValue(), got.get(i)[1]);
                    }
                }
            }
            e.write(batch);
            e.commit(true);
            e.flush();
            int[] levels = e.tablesPerLevel();
            int used = 0;
            for (int l = 1; l < levels.length; l++) {
                used += levels[l] > 0 ? 1 : 0;
            }
            assertTrue(used >= 2, "expected data in at least two levels below 0, got " + Arrays.toString(levels));
            flushes += e.stats().flushes;
            compactions += e.stats().compactions + e.stats().trivialMoves;
            assertTrue(flushes > 10 && compactions > 5, "flushes " + flushes + ", compactions " + compactions + " levels " + Arrays.toString(levels));
            assertFullMatch(e, model);
        } finally {
            e.close();
        }
        try (LsmEngine again = LsmEngine.open(FileSystem.REAL, dir, small(), x -> { })) {
            assertFullMatch(again, model);
        }
    }

    @Test
    void theCompactionFilterDropsDeadEntriesAndKeepsTheRest(@TempDir Path dir) throws Exception {
        LsmEngine.Options o = small().background(false).filter((k, v) -> v.length > 0 && v[0] == 'x');
        try (LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, o, x -> { })) {
            for (int i = 0; i < 2000; i++) {
                e.put(("k" + i).getBytes(), ((i % 3 == 0 ? "x" : "v") + i).getBytes());
            }
            e.commit(true);
            e.flush();
            e.compact();
            for (int i = 0; i < 2000; i++) {
                byte[] got = e.get(("k" + i).getBytes());
                if (i % 3 == 0) {
                    assertNull(got, "filtered k" + i);
                } else {
                    assertArrayEquals(("v" + i).getBytes(), got);
                }
            }
        }
    }

    private static void assertFullMatch(LsmEngine e, TreeMap<byte[], byte[]> model) throws Exception {
        List<byte[][]> all = e.scan(null, null, Integer.MAX_VALUE);
        assertEquals(model.size(), all.size());
        int i = 0;
        for (var en : model.entrySet()) {
            assertArrayEquals(en.getKey(), all.get(i)[0]);
            assertArrayEquals(en.getValue(), all.get(i)[1]);
            assertArrayEquals(en.getValue(), e.get(en.getKey()));
            i++;
        }
    }
}

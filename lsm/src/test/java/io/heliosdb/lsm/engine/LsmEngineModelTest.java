package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FaultyFileSystem;
import io.heliosdb.lsm.io.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine against a HashMap model, with flushes and crashes. After a crash the state must be
 * the last durable state plus some prefix of the operations after it (what an unsynced commit may
 * keep), never anything else.
 */
class LsmEngineModelTest {
    private static final Path DIR = Path.of("/db");

    record Op(String key, byte[] value) {} // value null: delete

    private static Map<String, byte[]> apply(Map<String, byte[]> base, List<Op> ops, int n) {
        Map<String, byte[]> m = new HashMap<>(base);
        for (int i = 0; i < n; i++) {
            Op o = ops.get(i);
            if (o.value == null) {
                m.remove(o.key);
            } else {
                m.put(o.key, o.value);
            }
        }
        return m;
    }

    private static boolean matches(LsmEngine e, Map<String, byte[]> expected, int keys) throws Exception {
        for (int k = 0; k < keys; k++) {
            byte[] got = e.get(("key" + k).getBytes());
            byte[] want = expected.get("key" + k);
            if (!(got == null ? want == null : want != null && java.util.Arrays.equals(got, want))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void survivesFlushesAndCrashesLikeTheModel() throws Exception {
        for (long seed = 1; seed <= 12; seed++) {
            Random r = new Random(seed);
            FaultyFileSystem fs = new FaultyFileSystem();
            int keys = 40;
            Map<String, byte[]> durable = new HashMap<>();
            List<Op> since = new ArrayList<>(); // committed or gathered after the durable point
            int committedOps = 0;               // how many of 'since' were committed (maybe unsynced)
            LsmEngine e = LsmEngine.open(fs, DIR, 4096 + r.nextInt(20_000), x -> { });
            for (int step = 0; step < 600; step++) {
                int op = r.nextInt(20);
                if (op < 12) {
                    String k = "key" + r.nextInt(keys);
                    if (r.nextInt(5) == 0) {
                        e.delete(k.getBytes());
                        since.add(new Op(k, null));
                    } else {
                        byte[] v = new byte[r.nextInt(300)];
                        r.nextBytes(v);
                        e.put(k.getBytes(), v);
                        since.add(new Op(k, v));
                    }
                } else if (op < 16) {
                    boolean sync = r.nextBoolean();
                    int tablesBefore = e.tableCount();
                    e.commit(sync);
                    committedOps = since.size();
                    if (sync || e.tableCount() > tablesBefore) { // a flush syncs everything before it
                        durable = apply(durable, since, since.size());
                        since.clear();
                        committedOps = 0;
                    }
                } else if (op < 17) {
                    e.flush();
                    durable = apply(durable, since, since.size());
                    since.clear();
                    committedOps = 0;
                } else if (op < 19) {
                    assertTrue(matches(e, apply(durable, since, since.size()), keys), "seed " + seed + " step " + step + ": live reads");
                } else {
                    e.close();
                    fs.crash(r);
                    e = LsmEngine.open(fs, DIR, 4096 + r.nextInt(20_000), x -> { });
                    int found = -1;
                    for (int n = committedOps; n >= 0 && found < 0; n--) {
                        if (matches(e, apply(durable, since, n), keys)) {
                            found = n;
                        }
                    }
                    assertTrue(found >= 0, "seed " + seed + " step " + step + ": state after the crash is not durable + a prefix");
                    durable = apply(durable, since, found);
                    since.clear();
                    committedOps = 0;
                }
            }
            e.close();
        }
    }

    @Test
    void restartOnTheRealFileSystemKeepsEverythingCommitted() throws Exception {
        Path dir = Files.createTempDirectory("lsm");
        Map<String, byte[]> model = new HashMap<>();
        Random r = new Random(7);
        try (LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, 64 * 1024, x -> { })) {
            for (int i = 0; i < 20_000; i++) {
                String k = "k" + r.nextInt(5000);
                byte[] v = ("v" + i).getBytes();
                e.put(k.getBytes(), v);
                model.put(k, v);
                if (i % 100 == 0) {
                    e.commit(false);
                }
            }
            e.commit(true);
            assertTrue(e.tableCount() >= 1, "expected flushed (and compacted) tables, got " + e.tableCount());
        }
        LsmEngine.Recovery[] report = new LsmEngine.Recovery[1];
        try (LsmEngine e = LsmEngine.open(FileSystem.REAL, dir, 64 * 1024, x -> report[0] = x)) {
            for (var entry : model.entrySet()) {
                assertArrayEquals(entry.getValue(), e.get(entry.getKey().getBytes()), entry.getKey());
            }
            assertEquals(20_000, e.lastSequence());
        }
        assertTrue(report[0].tables() >= 1);
    }

    /** A flush that fails half way (disk full) loses nothing; the half-written table is deleted at restart. */
    @Test
    void aFlushInterruptedByAFullDiskLosesNothing() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        LsmEngine e = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> { });
        for (int i = 0; i < 500; i++) {
            e.put(("key" + i).getBytes(), ("value-" + i).getBytes());
        }
        e.commit(true);
        fs.setFreeBytes(2000); // the table does not fit
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, e::flush);
        fs.setFreeBytes(Long.MAX_VALUE);
        e.close();
        LsmEngine.Recovery[] report = new LsmEngine.Recovery[1];
        try (LsmEngine again = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> report[0] = x)) {
            assertEquals(1, report[0].orphansDeleted(), "the unfinished table is removed");
            assertEquals(0, report[0].tables());
            for (int i = 0; i < 500; i++) {
                assertArrayEquals(("value-" + i).getBytes(), again.get(("key" + i).getBytes()), "key" + i);
            }
            again.flush(); // and flushing works once space is back
            assertEquals(1, again.tableCount());
        }
    }
}

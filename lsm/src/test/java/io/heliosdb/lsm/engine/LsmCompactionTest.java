package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.io.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LsmCompactionTest {
    private static final Path DIR = Path.of("/c");

    private static void check(LsmEngine e, Map<String, byte[]> model, int keys) throws IOException {
        for (int k = 0; k < keys; k++) {
            byte[] want = model.get("k" + k);
            byte[] got = e.get(("k" + k).getBytes());
            if (want == null) {
                assertNull(got, "k" + k);
            } else {
                assertArrayEquals(want, got, "k" + k);
            }
        }
    }

    @Test
    void manyFlushesCompactIntoFewTablesWithTheSameContents() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        Map<String, byte[]> model = new HashMap<>();
        Random r = new Random(11);
        int keys = 300;
        try (LsmEngine e = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> { })) {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 200; i++) {
                    String k = "k" + r.nextInt(keys);
                    if (r.nextInt(4) == 0) {
                        e.delete(k.getBytes());
                        model.remove(k);
                    } else {
                        byte[] v = ("r" + round + "-" + i).getBytes();
                        e.put(k.getBytes(), v);
                        model.put(k, v);
                    }
                }
                e.commit(true);
                e.flush();
                assertTrue(e.tablesPerLevel()[0] < LsmEngine.COMPACTION_TRIGGER, "compaction keeps level 0 below its trigger");
                check(e, model, keys);
            }
            e.compact();
            assertEquals(1, e.tableCount());
            check(e, model, keys);
            assertEquals(model.size(), e.scan(null, null, Integer.MAX_VALUE).size(), "tombstones and old versions are gone");
        }
        try (LsmEngine e = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> { })) {
            check(e, model, keys);
            assertEquals(1, e.tableCount());
        }
    }

    @Test
    void aCompactionInterruptedByAFullDiskLosesNothing() throws Exception {
        FaultyFileSystem fs = new FaultyFileSystem();
        Map<String, byte[]> model = new HashMap<>();
        LsmEngine e = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> { });
        for (int round = 0; round < LsmEngine.COMPACTION_TRIGGER - 1; round++) {
            for (int i = 0; i < 100; i++) {
                byte[] v = ("v" + round + "-" + i).getBytes();
                e.put(("k" + i).getBytes(), v);
                model.put("k" + i, v);
            }
            e.commit(true);
            e.flush();
        }
        assertEquals(LsmEngine.COMPACTION_TRIGGER - 1, e.tableCount());
        fs.setFreeBytes(500); // the merged table does not fit
        assertThrows(IOException.class, e::compact);
        fs.setFreeBytes(Long.MAX_VALUE);
        check(e, model, 100); // the old tables still serve
        e.close();
        LsmEngine.Recovery[] report = new LsmEngine.Recovery[1];
        try (LsmEngine again = LsmEngine.open(fs, DIR, Long.MAX_VALUE, x -> report[0] = x)) {
            assertEquals(1, report[0].orphansDeleted(), "the unfinished compaction output is removed");
            assertEquals(LsmEngine.COMPACTION_TRIGGER - 1, report[0].tables());
            check(again, model, 100);
            again.compact();
            assertEquals(1, again.tableCount());
            check(again, model, 100);
        }
    }
}

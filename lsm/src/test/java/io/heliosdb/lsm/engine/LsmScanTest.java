package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.lsm.io.FaultyFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Range and prefix scans over memtable plus many tables, against a TreeMap. */
class LsmScanTest {
    private static final java.util.Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    @Test
    void rangeAndPrefixScansMatchTheModel() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            Random r = new Random(seed);
            TreeMap<byte[], byte[]> model = new TreeMap<>(UNSIGNED);
            try (LsmEngine e = LsmEngine.open(new FaultyFileSystem(), Path.of("/s"), 8 * 1024, x -> { })) {
                for (int step = 0; step < 3000; step++) {
                    byte[] k = ("u" + (char) ('a' + r.nextInt(5)) + r.nextInt(60)).getBytes();
                    int op = r.nextInt(10);
                    if (op < 6) {
                        byte[] v = ("v" + step).getBytes();
                        e.put(k, v);
                        model.put(k, v);
                    } else if (op < 8) {
                        e.delete(k);
                        model.remove(k);
                    } else if (op < 9) {
                        e.commit(r.nextBoolean()); // may flush (small memtable): several tables build up
                    } else {
                        byte[] from = r.nextBoolean() ? null : ("u" + (char) ('a' + r.nextInt(5))).getBytes();
                        byte[] to = r.nextBoolean() ? null : ("u" + (char) ('a' + r.nextInt(5)) + r.nextInt(60)).getBytes();
                        int limit = 1 + r.nextInt(200);
                        List<byte[][]> got = e.scan(from, to, limit);
                        List<Map.Entry<byte[], byte[]>> want = new ArrayList<>();
                        for (var en : model.entrySet()) {
                            if ((from == null || UNSIGNED.compare(en.getKey(), from) >= 0)
                                    && (to == null || UNSIGNED.compare(en.getKey(), to) < 0) && want.size() < limit) {
                                want.add(en);
                            }
                        }
                        assertEquals(want.size(), got.size(), "seed " + seed + " step " + step);
                        for (int i = 0; i < want.size(); i++) {
                            assertArrayEquals(want.get(i).getKey(), got.get(i)[0]);
                            assertArrayEquals(want.get(i).getValue(), got.get(i)[1]);
                        }
                    }
                }
                byte[] prefix = "uc".getBytes();
                List<byte[][]> got = e.scanPrefix(prefix, Integer.MAX_VALUE);
                List<byte[]> want = model.keySet().stream().filter(k -> k.length >= 2 && k[0] == 'u' && k[1] == 'c').toList();
                assertEquals(want.size(), got.size());
                for (int i = 0; i < want.size(); i++) {
                    assertArrayEquals(want.get(i), got.get(i)[0]);
                }
            }
        }
    }

    @Test
    void prefixEndHandlesTrailingFFBytes() {
        assertArrayEquals(new byte[]{'a', 'c'}, LsmEngine.prefixEnd(new byte[]{'a', 'b'}));
        assertArrayEquals(new byte[]{'b'}, LsmEngine.prefixEnd(new byte[]{'a', (byte) 0xFF}));
        assertNull(LsmEngine.prefixEnd(new byte[]{(byte) 0xFF, (byte) 0xFF}));
    }
}

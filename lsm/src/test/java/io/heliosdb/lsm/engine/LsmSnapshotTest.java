package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.lsm.io.FaultyFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reads at snapshots stay exact across flushes and compactions, against copies of a map model. */
class LsmSnapshotTest {
    private record Held(long snapshot, Map<String, byte[]> state) {}

    private static void check(LsmEngine e, Map<String, byte[]> state, long snapshot, int keys, String where) throws Exception {
        for (int k = 0; k < keys; k++) {
            byte[] want = state.get("k" + k);
            byte[] got = e.get(("k" + k).getBytes(), snapshot);
            if (want == null) {
                assertNull(got, where + " k" + k);
            } else {
                assertArrayEquals(want, got, where + " k" + k);
            }
        }
    }

    @Test
    void snapshotsSeeTheirPointInTimeThroughCompactions() throws Exception {
        for (long seed = 1; seed <= 8; seed++) {
            Random r = new Random(seed);
            int keys = 60;
            Map<String, byte[]> model = new HashMap<>();
            List<Held> held = new ArrayList<>();
            try (LsmEngine e = LsmEngine.open(new FaultyFileSystem(), Path.of("/snap"), 2048 + r.nextInt(8000), x -> { })) {
                for (int step = 0; step < 2000; step++) {
                    int op = r.nextInt(20);
                    String k = "k" + r.nextInt(keys);
                    if (op < 10) {
                        byte[] v = ("s" + seed + "-" + step).getBytes();
                        e.put(k.getBytes(), v);
                        model.put(k, v);
                    } else if (op < 13) {
                        e.delete(k.getBytes());
                        model.remove(k);
                    } else if (op < 15) {
                        e.commit(false); // may flush, and flushes may compact
                    } else if (op < 16) {
                        e.compact();
                    } else if (op < 17) {
                        held.add(new Held(e.snapshot(), new HashMap<>(model)));
                    } else if (op < 18 && !held.isEmpty()) {
                        Held h = held.remove(r.nextInt(held.size()));
                        e.release(h.snapshot);
                    } else {
                        String where = "seed " + seed + " step " + step;
                        check(e, model, Long.MAX_VALUE, keys, where + " (now)");
                        for (Held h : held) {
                            check(e, h.state, h.snapshot, keys, where + " (snapshot " + h.snapshot + ")");
                            assertEquals(h.state.size(), e.scan(null, null, Integer.MAX_VALUE, h.snapshot).size(), where);
                        }
                    }
                }
            }
        }
    }
}

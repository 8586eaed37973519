package io.heliosdb.lsm.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.io.FaultyFileSystem;
import io.heliosdb.memory.ByteStrings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockCacheTest {
    @Test
    void leastRecentlyUsedBlocksLeaveFirstWithinTheLimit() {
        try (BlockCache c = new BlockCache(3000)) {
            c.put(1, 0, new byte[1000], 1000);
            c.put(1, 1, new byte[1000], 1000);
            c.put(1, 2, new byte[1000], 1000);
            assertNotNull(c.get(1, 0)); // 0 is now the most recently used
            c.put(2, 0, new byte[1000], 1000); // evicts block 1, the least recently used
            assertNull(c.get(1, 1));
            assertNotNull(c.get(1, 0));
            assertTrue(c.usedBytes() <= c.capacity());
            c.evictTable(1);
            assertNull(c.get(1, 0));
            assertNull(c.get(1, 2));
            assertEquals(1000, c.usedBytes());
            byte[] data = "cached bytes".getBytes();
            assertArrayEquals(data, ByteStrings.toBytes(c.put(3, 7, data, data.length), 0, data.length));
        }
    }

    /** The engine reads the same through a cache too small to hold anything for long. */
    @Test
    void aTinyCacheChangesNothingButHitRates() throws Exception {
        Random r = new Random(4);
        Map<String, byte[]> model = new HashMap<>();
        try (LsmEngine e = LsmEngine.open(new FaultyFileSystem(), Path.of("/bc"), 16 * 1024, 10_000, x -> { })) {
            for (int i = 0; i < 5000; i++) {
                String k = "k" + r.nextInt(1500);
                byte[] v = ("value-" + i).getBytes();
                e.put(k.getBytes(), v);
                model.put(k, v);
                if (i % 50 == 0) {
                    e.commit(false);
                }
            }
            e.commit(true);
            for (int round = 0; round < 3; round++) {
                for (var en : model.entrySet()) {
                    assertArrayEquals(en.getValue(), e.get(en.getKey().getBytes()), en.getKey());
                }
            }
            assertTrue(e.cache().usedBytes() <= 10_000);
            assertTrue(e.cache().hits() > 0 && e.cache().misses() > 0, "hits " + e.cache().hits() + " misses " + e.cache().misses());
        }
    }
}

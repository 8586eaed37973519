package io.heliosdb.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlabAllocatorTest {
    @Test
    void blocksDoNotOverlapAndAreReused() {
        try (SlabAllocator a = new SlabAllocator("t")) {
            Random r = new Random(3);
            List<long[]> live = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                if (!live.isEmpty() && r.nextInt(3) == 0) {
                    long[] b = live.remove(r.nextInt(live.size()));
                    assertEquals(b[1], a.segment(b[0]).get(NativeMemory.LONG, SlabAllocator.offset(b[0]) + 8), "block was overwritten");
                    a.free(b[0]);
                    continue;
                }
                int size = 16 + r.nextInt(r.nextInt(20) == 0 ? 200_000 : 500);
                long h = a.allocate(size);
                assertNotEquals(0, h);
                assertTrue(a.blockSize(h) >= size);
                long stamp = r.nextLong();
                a.segment(h).set(NativeMemory.LONG, SlabAllocator.offset(h) + 8, stamp);
                live.add(new long[]{h, stamp});
            }
            Set<Long> handles = new HashSet<>();
            for (long[] b : live) {
                assertTrue(handles.add(b[0]));
                assertEquals(b[1], a.segment(b[0]).get(NativeMemory.LONG, SlabAllocator.offset(b[0]) + 8));
            }
            for (long[] b : live) {
                a.free(b[0]);
            }
            assertEquals(0, a.usedBytes());
        }
    }

    @Test
    void sizeClassesRoundUpModestly() {
        assertEquals(16, SlabAllocator.roundedSize(1));
        assertEquals(160, SlabAllocator.roundedSize(156));
        assertTrue(SlabAllocator.roundedSize(1000) <= 1024);
        assertEquals(100_000, SlabAllocator.roundedSize(100_000));
    }
}

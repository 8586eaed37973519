package io.heliosdb.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.heliosdb.memory.NativeMemory;
import io.heliosdb.scheduler.CommitParticipant.Part;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A commit record's value keeps each part's shard, storage and changes, and a damaged one is refused. */
class CommitRecordsTest {
    @Test
    void partsComeBackWithTheirShardAndStorage() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int round = 0; round < 200; round++) {
            int n = rnd.nextInt(6);
            Part[] parts = new Part[n];
            for (int i = 0; i < n; i++) {
                byte[] changes = new byte[4 + rnd.nextInt(40)];
                rnd.nextBytes(changes);
                parts[i] = new Part(rnd.nextInt(8), rnd.nextInt(3), changes);
            }
            List<Part> back = CommitRecords.decode(CommitRecords.encode(List.of(parts)));
            assertEquals(n, back.size());
            for (int i = 0; i < n; i++) {
                assertEquals(parts[i].shard(), back.get(i).shard());
                assertEquals(parts[i].participant(), back.get(i).participant());
                assertArrayEquals(parts[i].changes(), back.get(i).changes());
            }
        }
    }

    @Test
    void aRecordOfTheFirstFormIsReadAsTheFirstStoragesParts() {
        byte[] a = {0, 0, 0, 0, 7};
        byte[] b = {1, 0, 0, 0};
        byte[] v = new byte[4 + 8 + a.length + 8 + b.length]; // count, then shard, length, changes
        MemorySegment m = MemorySegment.ofArray(v);
        m.set(NativeMemory.INT, 0, 2);
        m.set(NativeMemory.INT, 4, 3);
        m.set(NativeMemory.INT, 8, a.length);
        MemorySegment.copy(MemorySegment.ofArray(a), 0, m, 12, a.length);
        m.set(NativeMemory.INT, 12 + a.length, 1);
        m.set(NativeMemory.INT, 16 + a.length, b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, m, 20 + a.length, b.length);
        List<Part> parts = CommitRecords.decode(v);
        assertEquals(2, parts.size());
        assertEquals(3, parts.get(0).shard());
        assertEquals(0, parts.get(0).participant());
        assertArrayEquals(a, parts.get(0).changes());
        assertEquals(1, parts.get(1).shard());
        assertArrayEquals(b, parts.get(1).changes());
    }

    @Test
    void aTruncatedOrPaddedRecordIsRefused() {
        byte[] v = CommitRecords.encode(List.of(new Part(0, 1, new byte[12]), new Part(2, 0, new byte[8])));
        for (int cut = 1; cut < v.length; cut++) {
            byte[] torn = Arrays.copyOf(v, v.length - cut);
            assertThrows(RuntimeException.class, () -> CommitRecords.decode(torn), "cut " + cut);
        }
        assertThrows(IllegalStateException.class, () -> CommitRecords.decode(Arrays.copyOf(v, v.length + 1)));
    }
}

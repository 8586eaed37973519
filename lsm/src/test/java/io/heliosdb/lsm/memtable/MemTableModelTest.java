package io.heliosdb.lsm.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The off-heap skiplist against a TreeMap of (key, sequence) versions. */
class MemTableModelTest {
    /** Model key: unsigned byte order, then newest sequence first, as the memtable orders. */
    record Version(byte[] key, long sequence) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int c = Arrays.compareUnsigned(key, o.key);
            return c != 0 ? c : Long.compare(o.sequence, sequence);
        }
    }

    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    private static byte[] key(Random r) {
        byte[] k = new byte[1 + r.nextInt(3)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (r.nextInt(6) * 50); // few distinct keys, bytes above 127 included
        }
        return k;
    }

    @Test
    void matchesTheModelForSnapshotsSeeksAndOrder() {
        for (long seed = 1; seed <= 10; seed++) {
            Random r = new Random(seed);
            TreeMap<Version, byte[]> model = new TreeMap<>(); // null value: tombstone
            try (MemTable t = new MemTable()) {
                long sequence = 0;
                for (int step = 0; step < 5000; step++) {
                    byte[] k = key(r);
                    int op = r.nextInt(10);
                    if (op < 5) {
                        byte[] v = new byte[r.nextInt(r.nextInt(50) == 0 ? 2_000_000 : 40)];
                        r.nextBytes(v);
                        t.add(seg(k), 0, k.length, ++sequence, seg(v), 0, v.length);
                        model.put(new Version(k, sequence), v);
                    } else if (op < 6) {
                        t.add(seg(k), 0, k.length, ++sequence, null, 0, MemTable.TOMBSTONE);
                        model.put(new Version(k, sequence), null);
                    } else if (op < 9) {
                        long snapshot = sequence == 0 ? 0 : r.nextLong(sequence + 1);
                        Map.Entry<Version, byte[]> e = model.ceilingEntry(new Version(k, snapshot));
                        boolean present = e != null && Arrays.equals(e.getKey().key, k);
                        long node = t.get(seg(k), 0, k.length, snapshot);
                        assertEquals(present, node != -1, "seed " + seed + " step " + step);
                        if (present) {
                            assertEquals(e.getKey().sequence, t.sequence(node));
                            if (e.getValue() == null) {
                                assertEquals(MemTable.TOMBSTONE, t.valueLength(node));
                            } else {
                                assertArrayEquals(e.getValue(), ByteStrings.toBytes(t.segment(node), t.valueOffset(node), t.valueLength(node)));
                            }
                        }
                    } else {
                        Version from = model.ceilingKey(new Version(k, Long.MAX_VALUE));
                        MemTable.Cursor c = t.seek(seg(k), 0, k.length);
                        if (from == null) {
                            assertFalse(c.valid());
                        } else {
                            long node = c.node();
                            assertArrayEquals(from.key, ByteStrings.toBytes(t.segment(node), t.keyOffset(node), t.keyLength(node)));
                            assertEquals(from.sequence, t.sequence(node));
                        }
                    }
                }
                // Full iteration visits every version in the model's order.
                MemTable.Cursor c = t.cursor();
                for (Version v : model.keySet()) {
                    long node = c.node();
                    assertArrayEquals(v.key, ByteStrings.toBytes(t.segment(node), t.keyOffset(node), t.keyLength(node)));
                    assertEquals(v.sequence, t.sequence(node));
                    c.next();
                }
                assertFalse(c.valid());
                assertEquals(model.size(), t.entries());
            }
        }
    }

    @Test
    void aSequenceIsWrittenOnlyOncePerKey() {
        try (MemTable t = new MemTable()) {
            byte[] k = {1};
            t.add(seg(k), 0, 1, 7, seg(new byte[]{2}), 0, 1);
            t.add(seg(k), 0, 1, 7, seg(new byte[]{3}), 0, 1);
            // Caught when the version is indexed, at the next point read.
            assertThrows(IllegalArgumentException.class, () -> t.get(seg(k), 0, 1, Long.MAX_VALUE));
        }
    }

    @Test
    void versionsAddedOutOfSequenceOrderAreReadNewestFirst() {
        try (MemTable t = new MemTable()) {
            byte[] k = {9};
            for (long seq : new long[]{5, 9, 2, 7}) {
                t.add(seg(k), 0, 1, seq, seg(new byte[]{(byte) seq}), 0, 1);
            }
            assertEquals(9, t.sequence(t.get(seg(k), 0, 1, Long.MAX_VALUE)));
            assertEquals(7, t.sequence(t.get(seg(k), 0, 1, 8)));
            assertEquals(2, t.sequence(t.get(seg(k), 0, 1, 4)));
            assertEquals(-1, t.get(seg(k), 0, 1, 1));
            MemTable.Cursor c = t.cursor();
            for (long seq : new long[]{9, 7, 5, 2}) {
                assertEquals(seq, t.sequence(c.node()));
                c.next();
            }
            assertFalse(c.valid());
        }
    }
}

package io.heliosdb.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The off-heap keyspace against a plain Java map: random puts, overwrites, resizes, deletes,
 * expirations, moves between databases and scans, checked after every step and at the end.
 */
class OffHeapKeyspaceModelTest {
    record Value(byte[] bytes, long expireAt) {}

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] valueOf(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            return Long.toString(ks.longValue(e)).getBytes(StandardCharsets.US_ASCII);
        }
        return ByteStrings.toBytes(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
    }

    @Test
    void matchesAMapModelUnderRandomOperations() {
        for (long seed = 1; seed <= 5; seed++) {
            runModel(seed, 40_000);
        }
    }

    private void runModel(long seed, int steps) {
        Random rnd = new Random(seed);
        ManualClock clock = new ManualClock(1_000_000);
        try (SlabAllocator memory = new SlabAllocator("test")) {
            Keyspace ks = new OffHeapKeyspace(memory, clock);
            Keyspace other = new OffHeapKeyspace(memory, clock);
            Map<String, Value> model = new HashMap<>();
            Map<String, Value> otherModel = new HashMap<>();
            int keySpace = 1 + rnd.nextInt(3000);
            for (int step = 0; step < steps; step++) {
                String key = "k" + rnd.nextInt(keySpace);
                MemorySegment k = seg(key);
                int len = (int) k.byteSize();
                int op = rnd.nextInt(100);
                Value live = model.get(key);
                if (live != null && live.expireAt != 0 && live.expireAt <= clock.millis()) {
                    model.remove(key);
                    live = null;
                }
                if (op < 35) {
                    byte[] v = new byte[rnd.nextInt(rnd.nextInt(10) == 0 ? 5000 : 60)];
                    rnd.nextBytes(v);
                    long at = rnd.nextInt(5) == 0 ? clock.millis() + 1 + rnd.nextInt(500) : 0;
                    ks.putBytes(k, 0, len, MemorySegment.ofArray(v), 0, v.length, at);
                    model.put(key, new Value(v, at));
                } else if (op < 45) {
                    long n = rnd.nextLong();
                    ks.putLong(k, 0, len, n, Keyspace.KEEP_TTL);
                    model.put(key, new Value(Long.toString(n).getBytes(), live == null ? 0 : live.expireAt));
                } else if (op < 55) {
                    assertEquals(live != null, ks.delete(k, 0, len), "delete " + key);
                    model.remove(key);
                } else if (op < 62 && live != null) {
                    long e = ks.find(k, 0, len);
                    byte[] extra = new byte[rnd.nextInt(300)];
                    rnd.nextBytes(extra);
                    int old = ks.encoding(e) == ValueEncoding.INT ? live.bytes.length : ks.valueLength(e);
                    e = ks.resizeRaw(e, old + extra.length);
                    MemorySegment.copy(MemorySegment.ofArray(extra), 0, ks.segment(e), ks.valueOffset(e) + old, extra.length);
                    byte[] joined = java.util.Arrays.copyOf(live.bytes, live.bytes.length + extra.length);
                    System.arraycopy(extra, 0, joined, live.bytes.length, extra.length);
                    model.put(key, new Value(joined, live.expireAt));
                } else if (op < 66 && live != null) {
                    long e = ks.find(k, 0, len);
                    long at = rnd.nextBoolean() ? 0 : clock.millis() + 1 + rnd.nextInt(1000);
                    ks.setExpireAt(e, at);
                    model.put(key, new Value(live.bytes, at));
                } else if (op < 69 && live != null && !otherModel.containsKey(key)) {
                    long e = ks.find(k, 0, len);
                    other.attach(ks.detach(e));
                    otherModel.put(key, model.remove(key));
                } else if (op < 72) {
                    clock.advance(rnd.nextInt(50));
                } else if (op < 74) {
                    ks.expireSample(20, new SplittableRandom(step));
                } else {
                    long e = ks.find(k, 0, len);
                    if (live == null) {
                        assertEquals(Keyspace.NONE, e, "found a key the model does not have: " + key);
                    } else {
                        assertTrue(e != Keyspace.NONE, "lost " + key);
                        assertArrayEquals(live.bytes, valueOf(ks, e), "value of " + key);
                        assertEquals(live.expireAt, ks.expireAt(e), "ttl of " + key);
                    }
                }
            }
            clock.advance(0);
            checkAll(ks, model, clock.millis());
            checkAll(other, otherModel, clock.millis());
            ks.clear();
            other.clear();
            assertEquals(0, ks.size());
        }
    }

    private static void checkAll(Keyspace ks, Map<String, Value> model, long now) {
        Set<String> live = new HashSet<>();
        model.forEach((k, v) -> {
            if (v.expireAt == 0 || v.expireAt > now) {
                live.add(k);
            }
        });
        Set<String> scanned = new HashSet<>();
        long cursor = 0;
        do {
            cursor = ks.scan(cursor, 50, (k, e) -> scanned.add(ByteStrings.toString(k.segment(e), k.keyOffset(e), k.keyLength(e))));
        } while (cursor != 0);
        assertEquals(live, scanned);
        for (String k : live) {
            MemorySegment s = seg(k);
            long e = ks.find(s, 0, (int) s.byteSize());
            assertArrayEquals(model.get(k).bytes, valueOf(ks, e));
        }
        for (String k : model.keySet()) {
            MemorySegment s = seg(k);
            ks.find(s, 0, (int) s.byteSize()); // lazily reclaims the expired ones
        }
        assertEquals(live.size(), ks.size(), "size once every expired key was looked up");
    }

    /** Keys present for the whole scan are returned even while the table grows and shrinks. */
    @Test
    void scanReturnsStableKeysAcrossResizes() {
        ManualClock clock = new ManualClock(0);
        try (SlabAllocator memory = new SlabAllocator("test")) {
            Keyspace ks = new OffHeapKeyspace(memory, clock);
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                MemorySegment k = seg("stable" + i);
                ks.putLong(k, 0, (int) k.byteSize(), i, 0);
                stable.add("stable" + i);
            }
            Set<String> seen = new HashSet<>();
            long cursor = 0;
            int round = 0;
            do {
                cursor = ks.scan(cursor, 20, (k, e) -> seen.add(ByteStrings.toString(k.segment(e), k.keyOffset(e), k.keyLength(e))));
                // Churn between calls: grow a lot, then shrink, forcing rehashes mid-scan.
                for (int i = 0; i < 200; i++) {
                    MemorySegment k = seg("churn" + round + "-" + i);
                    ks.putLong(k, 0, (int) k.byteSize(), i, 0);
                }
                if (round % 3 == 2) {
                    for (int r = round - 2; r <= round; r++) {
                        for (int i = 0; i < 200; i++) {
                            MemorySegment k = seg("churn" + r + "-" + i);
                            ks.delete(k, 0, (int) k.byteSize());
                        }
                    }
                }
                round++;
            } while (cursor != 0);
            assertTrue(seen.containsAll(stable), "missing: " + stable.stream().filter(s -> !seen.contains(s)).limit(5).toList());
        }
    }

    @Test
    void memoryIsReturnedWhenKeysAreDeleted() {
        try (SlabAllocator memory = new SlabAllocator("test")) {
            Keyspace ks = new OffHeapKeyspace(memory, new ManualClock(0));
            long before = memory.usedBytes();
            for (int i = 0; i < 10_000; i++) {
                MemorySegment k = seg("m" + i);
                byte[] v = new byte[i % 3 == 0 ? 100_000 : 100];
                ks.putBytes(k, 0, (int) k.byteSize(), MemorySegment.ofArray(v), 0, v.length, 0);
            }
            assertTrue(memory.usedBytes() > before);
            for (int i = 0; i < 10_000; i++) {
                MemorySegment k = seg("m" + i);
                assertTrue(ks.delete(k, 0, (int) k.byteSize()));
            }
            assertEquals(before, memory.usedBytes());
        }
    }
}

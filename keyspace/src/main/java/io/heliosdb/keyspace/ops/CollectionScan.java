package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.memory.GlobMatcher;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One step of HSCAN, SSCAN or ZSCAN over a collection. A small collection (Redis' listpack/intset)
 * goes whole with cursor 0, as Redis does. A large one is walked in the order of a stable hash of
 * each element: the cursor is the next hash to visit, so every element present for the whole scan
 * is returned at least once whatever changes meanwhile (Redis' SCAN guarantee), and no state is
 * kept between calls.
 */
public final class CollectionScan {
    private CollectionScan() {}

    /** Stable 32-bit hash (murmur3 finalizer over the array hash), as a non-negative long. */
    static long position(ByteKey k) {
        int h = k.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & 0xFFFFFFFFL;
    }

    /** The reply of a scan of a missing key: cursor 0, no elements. */
    public static void empty(ValueSink out) {
        out.array(2);
        out.bulk(ZERO);
        out.array(0);
    }

    private static final byte[] ZERO = {'0'};

    /**
     * Writes one step: a 2-array of the next cursor (a decimal, unsigned; 0 at the end) and the
     * items of the elements chosen. {@code pattern} null matches everything; {@code compact} says
     * the collection goes whole; each element yields {@code itemsPerElement} items, written by
     * {@code writer}.
     */
    public static <T> void step(ValueSink out, long cursor, int count, byte[] pattern, Iterable<T> elements, boolean compact,
            Function<T, ByteKey> keyOf, int itemsPerElement, BiConsumer<ValueSink, T> writer, int size) {
        List<T> chosen = new ArrayList<>();
        long next = 0;
        if (compact || cursor == 0 && size <= count) {
            for (T t : elements) {
                if (matches(pattern, keyOf.apply(t))) {
                    chosen.add(t);
                }
            }
        } else {
            long from = cursor == 0 ? 0 : cursor - 1;
            int batch = Math.max(count, size / 32);
            // Gather the elements with the smallest positions >= from; all of one position go together.
            List<long[]> candidates = new ArrayList<>();
            List<T> items = new ArrayList<>();
            for (T t : elements) {
                long p = position(keyOf.apply(t));
                if (p >= from) {
                    candidates.add(new long[]{p, items.size()});
                    items.add(t);
                }
            }
            candidates.sort((x, y) -> Long.compare(x[0], y[0]));
            int taken = 0;
            long last = -1;
            for (long[] cand : candidates) {
                if (taken >= batch && cand[0] != last) {
                    next = last + 2;
                    break;
                }
                T t = items.get((int) cand[1]);
                taken++;
                last = cand[0];
                if (matches(pattern, keyOf.apply(t))) {
                    chosen.add(t);
                }
            }
        }
        out.array(2);
        out.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
        out.array(chosen.size() * itemsPerElement);
        for (T t : chosen) {
            writer.accept(out, t);
        }
    }

    private static boolean matches(byte[] pattern, ByteKey k) {
        if (pattern == null) {
            return true;
        }
        return GlobMatcher.matches(pattern, MemorySegment.ofArray(k.bytes), 0, k.bytes.length, false);
    }
}

package io.heliosdb.lsm.engine;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/** Every version from several sources in internal order (key ascending, newest first): for compaction. */
final class VersionMerge {
    private final PriorityQueue<VersionSource> heap = new PriorityQueue<>((a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
    });
    private VersionSource current;

    VersionMerge(List<VersionSource> sources) {
        for (VersionSource s : sources) {
            if (s.valid()) {
                heap.add(s);
            }
        }
        current = heap.poll();
    }

    boolean valid() {
        return current != null;
    }

    byte[] key() {
        return current.key();
    }

    long sequence() {
        return current.sequence();
    }

    byte[] value() {
        return current.value();
    }

    void next() throws IOException {
        current.next();
        if (current.valid()) {
            heap.add(current);
        }
        current = heap.poll();
    }
}

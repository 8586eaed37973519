package io.heliosdb.lsm.engine;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges version sources into user-visible entries at a snapshot: for each key the newest version
 * not newer than the snapshot; a key whose newest such version is a tombstone is skipped.
 */
final class MergedScan {
    private final PriorityQueue<VersionSource> heap = new PriorityQueue<>((a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.sequence(), a.sequence());
    });
    private final long snapshot;
    private byte[] key;
    private byte[] value;

    MergedScan(List<VersionSource> sources, long snapshot) throws IOException {
        this.snapshot = snapshot;
        for (VersionSource s : sources) {
            if (s.valid()) {
                heap.add(s);
            }
        }
        advance();
    }

    boolean valid() {
        return key != null;
    }

    byte[] key() {
        return key;
    }

    byte[] value() {
        return value;
    }

    void next() throws IOException {
        advance();
    }

    private void advance() throws IOException {
        key = null;
        value = null;
        while (!heap.isEmpty()) {
            byte[] k = heap.peek().key();
            byte[] found = null;
            boolean visible = false;
            // Consume every version of k from every source (newest first); keep the newest <= snapshot.
            while (!heap.isEmpty() && Arrays.equals(heap.peek().key(), k)) {
                VersionSource s = heap.poll();
                if (!visible && s.sequence() <= snapshot) {
                    visible = true;
                    found = s.value();
                }
                s.next();
                if (s.valid()) {
                    heap.add(s);
                }
            }
            if (visible && found != null) {
                key = k;
                value = found;
                return;
            }
        }
    }
}

package io.heliosdb.lsm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.lsm.io.FaultyFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a flush writes: the newest version of each key, older ones only while a snapshot can see them. */
class LsmFlushTest {
    private static LsmEngine open() throws Exception {
        return LsmEngine.open(new FaultyFileSystem(), Path.of("/flush"), 1 << 20, x -> { });
    }

    private static long flushedEntries(LsmEngine e) {
        return e.state().levels().get(0).getFirst().reader().entries();
    }

    @Test
    void aFlushWritesOnlyTheNewestVersionOfEachKeyWhenNoSnapshotIsLive() throws Exception {
        try (LsmEngine e = open()) {
            for (int i = 0; i < 50; i++) {
                e.put("a".getBytes(), ("a" + i).getBytes());
                e.put("b".getBytes(), ("b" + i).getBytes());
            }
            e.delete("b".getBytes());
            e.put("c".getBytes(), "c".getBytes());
            e.flush();
            assertEquals(3, flushedEntries(e)); // a's newest, b's tombstone, c
            assertArrayEquals("a49".getBytes(), e.get("a".getBytes()));
            assertNull(e.get("b".getBytes()));
            assertArrayEquals("c".getBytes(), e.get("c".getBytes()));
        }
    }

    @Test
    void aFlushKeepsTheVersionsALiveSnapshotCanSee() throws Exception {
        try (LsmEngine e = open()) {
            e.put("a".getBytes(), "old".getBytes());
            long snapshot = e.snapshot();
            e.put("a".getBytes(), "new".getBytes());
            e.flush();
            assertEquals(2, flushedEntries(e));
            assertArrayEquals("old".getBytes(), e.get("a".getBytes(), snapshot));
            assertArrayEquals("new".getBytes(), e.get("a".getBytes()));
            e.release(snapshot);
        }
    }
}

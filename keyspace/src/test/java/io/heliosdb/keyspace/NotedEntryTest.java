package io.heliosdb.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A change log finds a noted entry again through its handle only while no entry has left its handle. */
class NotedEntryTest {
    private static final class LastNote implements ChangeLog {
        long entry = Keyspace.NONE;
        long at;

        @Override
        public void changed(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
            entry = Keyspace.NONE;
        }

        @Override
        public void changedEntry(OffHeapKeyspace keyspace, long e, MemorySegment segment, long keyOffset, int keyLength) {
            entry = e;
            at = keyspace.handleChanges();
        }

        @Override
        public void cleared(OffHeapKeyspace keyspace) {
        }
    }

    private static MemorySegment bytes(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNotedHandleIsUsedUntilAnEntryLeavesItsHandleThenTheKeyIsLookedUp() {
        try (SlabAllocator memory = new SlabAllocator("test")) {
            OffHeapKeyspace ks = new OffHeapKeyspace(memory, new ManualClock(0));
            LastNote log = new LastNote();
            ks.track(log, 0);
            MemorySegment k = bytes("key"), small = bytes("v1"), big = bytes("x".repeat(4000));
            ks.putBytes(k, 0, 3, small, 0, 2, 0);
            long noted = log.entry, at = log.at;
            assertEquals(ks.peek(k, 0, 3), ks.peekNoted(noted, at, k, 0, 3));

            ks.clearDirty(noted);
            ks.putBytes(bytes("other"), 0, 5, small, 0, 2, 0);
            ks.delete(bytes("other"), 0, 5); // another entry freed: every earlier note is looked up again
            assertNotEquals(at, ks.handleChanges());
            assertEquals(noted, ks.peekNoted(noted, at, k, 0, 3));

            ks.putBytes(k, 0, 3, big, 0, 4000, 0); // too big for its block: the key gets a new entry
            long moved = ks.peek(k, 0, 3);
            assertNotEquals(noted, moved);
            assertEquals(moved, ks.peekNoted(noted, at, k, 0, 3));
            assertEquals(moved, ks.peekNoted(log.entry, log.at, k, 0, 3));

            ks.delete(k, 0, 3);
            assertEquals(Keyspace.NONE, ks.peekNoted(moved, log.at, k, 0, 3));
        }
    }
}

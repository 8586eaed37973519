package io.heliosdb.storage;

import io.heliosdb.lsm.engine.WriteBatch;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.scheduler.CommitParticipant;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The commit records of cross-shard writes (see {@link CommitParticipant}) and their on-disk form.
 *
 * <p>A record {@code txc<id>} lives in its origin shard's meta space and holds every shard's part
 * (its changed keys as whole records). Each shard logs its part together with a marker
 * {@code txp<id>}. Once every part is logged the record is deleted; a marker is garbage once its
 * record is gone (the compaction filter asks {@link #isLive}). Recovery writes the part of a shard
 * that has a record but no marker. Any thread.
 */
final class CommitRecords {
    private static final byte[] RECORD = prefixed("txc");
    private static final byte[] MARKER = prefixed("txp");

    private record Live(ShardStore origin, AtomicInteger partsToLog) {}

    private final ConcurrentHashMap<Long, Live> live = new ConcurrentHashMap<>();
    private final ShardStore[] stores;

    CommitRecords(ShardStore[] stores) {
        this.stores = stores;
    }

    private static byte[] prefixed(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[StoredKey.PREFIX + n.length];
        System.arraycopy(StoredKey.spacePrefix(StoredKey.META_SPACE), 0, k, 0, StoredKey.PREFIX);
        System.arraycopy(n, 0, k, StoredKey.PREFIX, n.length);
        return k;
    }

    static byte[] recordPrefix() {
        return RECORD.clone();
    }

    static byte[] recordKey(long tx) {
        return withId(RECORD, tx);
    }

    static byte[] markerKey(long tx) {
        return withId(MARKER, tx);
    }

    private static byte[] withId(byte[] prefix, long tx) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 8);
        MemorySegment.ofArray(k).set(StoredKey.VERSION, prefix.length, tx);
        return k;
    }

    static boolean isMarker(byte[] key) {
        return key.length == MARKER.length + 8 && Arrays.equals(key, 0, MARKER.length, MARKER, 0, MARKER.length);
    }

    /** The transaction id of a record or marker key. */
    static long txOf(byte[] key) {
        return MemorySegment.ofArray(key).get(StoredKey.VERSION, key.length - 8);
    }

    /**
     * Marks a record value of the second form: it cannot be a first-form part count. First form (no
     * longer written, still read): {@code count u32, per part: shard u32, length u32, changes}, every
     * part its shard's first storage's.
     */
    private static final int WITH_PARTICIPANTS = -1;

    /**
     * A record's value: {@code -1 i32, count u32, then per part: shard u32, participant u32 (the
     * storage's place among its shard's commit participants), length u32, changes}.
     */
    static byte[] encode(List<CommitParticipant.Part> parts) {
        long size = 8;
        for (CommitParticipant.Part p : parts) {
            size += 12 + p.changes().length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a commit record of " + size + " bytes is over 2 GiB");
        }
        byte[] out = new byte[(int) size];
        MemorySegment m = MemorySegment.ofArray(out);
        m.set(NativeMemory.INT, 0, WITH_PARTICIPANTS);
        m.set(NativeMemory.INT, 4, parts.size());
        long at = 8;
        for (CommitParticipant.Part p : parts) {
            assert p.participant() >= 0 : p.participant();
            m.set(NativeMemory.INT, at, p.shard());
            m.set(NativeMemory.INT, at + 4, p.participant());
            m.set(NativeMemory.INT, at + 8, p.changes().length);
            MemorySegment.copy(MemorySegment.ofArray(p.changes()), 0, m, at + 12, p.changes().length);
            at += 12 + p.changes().length;
        }
        assert at == out.length;
        return out;
    }

    /** The parts of a record value (either form), in the order they were taken. */
    static List<CommitParticipant.Part> decode(byte[] value) {
        MemorySegment m = MemorySegment.ofArray(value);
        boolean withParticipants = m.get(NativeMemory.INT, 0) == WITH_PARTICIPANTS;
        int header = withParticipants ? 12 : 8;
        long at = withParticipants ? 8 : 4;
        int n = m.get(NativeMemory.INT, at - 4);
        if (n < 0) {
            throw new IllegalStateException("a commit record with " + n + " parts");
        }
        List<CommitParticipant.Part> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int shard = m.get(NativeMemory.INT, at);
            int participant = withParticipants ? m.get(NativeMemory.INT, at + 4) : 0;
            int len = m.get(NativeMemory.INT, at + header - 4);
            if (shard < 0 || participant < 0 || len < 0 || at + header + len > value.length) {
                throw new IllegalStateException("a torn commit record: part " + i + " of " + n);
            }
            parts.add(new CommitParticipant.Part(shard, participant,
                    Arrays.copyOfRange(value, (int) at + header, (int) at + header + len)));
            at += header + len;
        }
        if (at != value.length) {
            throw new IllegalStateException("a commit record with " + (value.length - at) + " bytes after its parts");
        }
        return parts;
    }

    /** Writes one part's changes (as {@link ShardStore#stepEnded} took them) into {@code batch}. */
    static void appendChanges(byte[] changes, WriteBatch batch) {
        MemorySegment c = MemorySegment.ofArray(changes);
        batch.appendRaw(c, 4, changes.length - 4, c.get(NativeMemory.INT, 0));
    }

    /** {@code tx}'s record is about to be logged on {@code origin}; {@code participants} shards will log parts. */
    void opened(long tx, int origin, int participants) {
        live.put(tx, new Live(stores[origin], new AtomicInteger(participants)));
    }

    /** A shard logged the last of its parts of {@code tx}: after the last shard, the record goes. */
    void partLogged(long tx) {
        Live l = live.get(tx);
        if (l != null && l.partsToLog().decrementAndGet() == 0) {
            ShardStore origin = l.origin();
            origin.shard().loop().execute(() -> origin.deleteRecord(tx));
        }
    }

    /** The deletion of {@code tx}'s record is in the log: its markers are garbage. */
    void deleted(long tx) {
        live.remove(tx);
    }

    boolean isLive(long tx) {
        return live.containsKey(tx);
    }

    /** Recovery found this record: its markers must survive compaction until it is deleted. */
    void recovered(long tx) {
        live.put(tx, new Live(null, new AtomicInteger(0)));
    }
}

package io.heliosdb.storage;

import io.heliosdb.keyspace.ChangeLog;
import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.UnreadableValueException;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.engine.WriteBatch;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.scheduler.CommitGate;
import io.heliosdb.scheduler.CommitParticipant;
import io.heliosdb.scheduler.CommitWaiter;
import io.heliosdb.scheduler.Shard;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shard's persistence: its keyspaces written through to its LSM engine.
 *
 * <p>Commands change the in-memory keyspaces as before; each change notes the key here
 * ({@link ChangeLog}). Once per event-loop turn the commit task writes the final state of every
 * noted key (or a delete) as one batch — one log record, so a crash keeps all of a turn or none —
 * and, in {@code always} mode, syncs it (group commit: one fsync for every client of the shard in
 * that turn). Until then the shard's {@link CommitGate} holds every reply and every message to
 * other shards, so nothing acknowledges or reveals a change the log does not have yet.
 *
 * <p>Owned by the shard's thread, except the fields INFO reads.
 */
public final class ShardStore implements ChangeLog, CommitGate, CommitParticipant, OffHeapKeyspace.ColdValues {
    private static final byte[] META_KEY = metaKey();
    private static final byte[] VERSION_KEY = metaKey("cver");
    private static final byte[] DEAD_PREFIX = metaKey("dead");
    /** Collections larger than this are stored element by element (smaller ones whole, in RDB form). */
    static final int ELEMENT_FORM_MIN = 128;

    // Large collections: element records under versions (see writeCollection).
    private long nextVersion = 1;
    private boolean versionDirty;
    /** Versions whose element records are garbage (marked on disk; the compaction filter drops them). Any thread reads. */
    private final Set<Long> deadVersions = ConcurrentHashMap.newKeySet();
    /** Versions of collections dropped since the last commit (their marks go into the next batch). */
    private final List<Long> retired = new ArrayList<>();
    /** Collections written in the current batch: journals to clear, or new versions to undo if the write fails. */
    private final List<CollectionValue> journaled = new ArrayList<>();
    private final List<CollectionValue> versioned = new ArrayList<>();

    private final Shard shard;
    private final ShardKeyspaces state;
    private final Persistence persistence;
    private final LsmEngine engine;
    private WriteBatch batch = new WriteBatch();
    /** Batches written and cleared, for reuse (a held batch keeps its own until it is written). */
    private final ArrayDeque<WriteBatch> spareBatches = new ArrayDeque<>();
    private final OffHeapKeyspace[] byTag;
    /** The namespace each keyspace (owner = its tag) writes to. */
    private final Namespaces namespaces;

    // Keys changed since the last commit: [tag u16][length u32][key bytes]...
    private Arena dirtyArena = Arena.ofConfined();
    private MemorySegment dirty = dirtyArena.allocate(64 * 1024);
    private long dirtyUsed;
    private int dirtyCount;
    private boolean metaDirty;

    private boolean commitScheduled;
    /** Waiters for the changes not sealed into a batch yet. */
    private List<CommitWaiter> waiters = new ArrayList<>();
    /** Sealed batches not yet in the log, oldest first (held for a transaction, or behind one that is). */
    private final ArrayDeque<Sealed> held = new ArrayDeque<>();
    private long sealedBatches;
    private long writtenBatches;

    // Cross-shard transactions (see CommitParticipant).
    /** Transactions with parts among the changes not sealed yet. */
    private final Set<Long> partsInCurrent = new HashSet<>();
    /** Transactions with parts held here whose commit record is not logged yet. */
    private final Set<Long> unresolved = new HashSet<>();
    /** Per transaction: sealed batches holding its parts that are not written yet. */
    private final Map<Long, Integer> batchesOf = new HashMap<>();
    /** Commit records of this shard (as origin) whose parts are all logged: deleted with the next batch. */
    private final List<Long> recordsToDelete = new ArrayList<>();
    private int stepFromCount;
    /** Steps of one transaction under way here, nested (only the outermost captures). */
    private int stepDepth;
    private long stepFromBytes;
    private long stepMetaChanges;
    private long metaChanges;
    private final WriteBatch partBatch = new WriteBatch();
    private final CommitRecords records;
    private final Runnable commitTask = this::commit;
    private volatile IOException writeError;
    /** An fsync failed: {@link #writeError} stays until restart, whatever is written after. */
    private boolean syncFailed;

    /** RAM budget of this shard (maxmemory / shards; 0 = unlimited): clean values beyond it go to disk only. */
    private long memoryBudget;
    private boolean evictionScheduled;
    private final Runnable evictTask = () -> {
        evictionScheduled = false;
        evictIfNeeded();
    };
    private final SplittableRandom random = new SplittableRandom(42);
    volatile boolean overBudget;

    // Statistics (shard thread writes, INFO reads).
    volatile long coldLoads;
    volatile long evictions;
    volatile long changesSinceSave;
    volatile long commits;
    volatile long keysLoaded;

    ShardStore(Shard shard, ShardKeyspaces state, Persistence persistence, LsmEngine engine, CommitRecords records) {
        this.records = records;
        this.shard = shard;
        this.state = state;
        this.persistence = persistence;
        this.engine = engine;
        int n = state.databases();
        this.byTag = new OffHeapKeyspace[n];
        for (int i = 0; i < n; i++) {
            byTag[i] = state.database(i);
        }
        this.namespaces = new Namespaces(n, ShardStore::expiredLongAgo);
    }

    private static byte[] metaKey() {
        return metaKey("dbmap");
    }

    private static byte[] metaKey(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[StoredKey.PREFIX + n.length];
        System.arraycopy(StoredKey.spacePrefix(StoredKey.META_SPACE), 0, k, 0, StoredKey.PREFIX);
        System.arraycopy(n, 0, k, StoredKey.PREFIX, n.length);
        return k;
    }

    private static byte[] deadKey(long version) {
        byte[] k = Arrays.copyOf(DEAD_PREFIX, DEAD_PREFIX.length + 8);
        MemorySegment.ofArray(k).set(StoredKey.VERSION, DEAD_PREFIX.length, version);
        return k;
    }

    /** A collection was dropped: its element records become garbage with the next commit. */
    private void released(long version) {
        retired.add(version);
        scheduleCommit();
    }

    LsmEngine engine() {
        return engine;
    }

    /** The compaction filter: entries of dropped spaces and values expired long enough ago are dead. */
    boolean isDead(byte[] key, byte[] value, long now) {
        int space = StoredKey.space(key);
        if (space == StoredKey.META_SPACE) {
            // A marker that a shard logged its part is needed only while the commit record lives.
            return CommitRecords.isMarker(key) && !records.isLive(CommitRecords.txOf(key));
        }
        if (space == StoredKey.ELEMENT_SPACE) {
            return key.length >= StoredKey.PREFIX + 8
                    && deadVersions.contains(MemorySegment.ofArray(key).get(StoredKey.VERSION, StoredKey.PREFIX));
        }
        return namespaces.isDead(space, key, value, now);
    }

    /** A Redis database's compaction filter: values whose expiry has passed. */
    private static boolean expiredLongAgo(byte[] key, byte[] value, long now) {
        long at = StoredKey.expireAt(value);
        return at != 0 && at < now;
    }

    // ---- loading (shard thread, before the server accepts clients) ---------------------------

    /** Recreates the keyspaces from the engine, then starts tracking changes. */
    void load(long now) throws IOException {
        byte[] meta = engine.get(META_KEY);
        int databases = byTag.length;
        if (meta != null) {
            namespaces.decode(meta);
        }
        Map<Integer, OffHeapKeyspace> bySpace = new HashMap<>();
        for (int t = 0; t < databases; t++) {
            bySpace.put(namespaces.id(t), byTag[t]);
        }
        byte[] cver = engine.get(VERSION_KEY);
        if (cver != null) {
            nextVersion = MemorySegment.ofArray(cver).get(StoredKey.VERSION, 0);
        }
        for (byte[][] kv : engine.scanPrefix(DEAD_PREFIX, Integer.MAX_VALUE)) {
            deadVersions.add(MemorySegment.ofArray(kv[0]).get(StoredKey.VERSION, DEAD_PREFIX.length));
        }
        long[] loaded = {0};
        Map<Long, StoredKey.Pending> large = new HashMap<>();
        Set<Long> onDisk = new HashSet<>(); // versions of collections left on disk
        engine.forEach(null, StoredKey.spacePrefix(StoredKey.ELEMENT_SPACE), Long.MAX_VALUE, (k, v) -> {
            OffHeapKeyspace ks = bySpace.get(StoredKey.space(k));
            boolean inRam = memoryBudget <= 0 || state.usedMemory() < memoryBudget;
            if (ks != null && StoredKey.load(ks, k, v, now, inRam, large, onDisk)) {
                loaded[0]++;
            }
            return true;
        });
        // Then the elements of the large collections, in key order (a list's order); those met once
        // the budget is used up stay on disk.
        Set<Long> orphans = new HashSet<>();
        long[] current = {-1};
        engine.forEach(StoredKey.spacePrefix(StoredKey.ELEMENT_SPACE), StoredKey.spacePrefix(StoredKey.META_SPACE), Long.MAX_VALUE, (k, v) -> {
            long version = MemorySegment.ofArray(k).get(StoredKey.VERSION, StoredKey.PREFIX);
            StoredKey.Pending p = large.get(version);
            if (p != null) {
                if (version != current[0]) {
                    StoredKey.Pending before = large.get(current[0]);
                    if (before != null && !onDisk.contains(current[0])) {
                        account(before); // so that the budget check below sees it
                    }
                    current[0] = version;
                    if (memoryBudget > 0 && state.usedMemory() >= memoryBudget) {
                        onDisk.add(version);
                    }
                }
                if (!onDisk.contains(version)) {
                    p.value().loadElement(Arrays.copyOfRange(k, StoredKey.PREFIX + 8, k.length), v);
                }
            } else if (!deadVersions.contains(version) && !onDisk.contains(version)) {
                orphans.add(version); // its key expired while the server was down
            }
            return true;
        });
        for (StoredKey.Pending p : large.values()) {
            long e = p.keyspace().peek(MemorySegment.ofArray(p.key()), 0, p.key().length);
            if (onDisk.contains(p.version())) {
                p.value().version(p.version());
                p.keyspace().evictObject(e);
                continue;
            }
            if (p.value().size() == 0) {
                p.keyspace().deleteEntry(e);
                continue;
            }
            RdbValues.chooseEncoding(p.value(), 512, 64, 512, 128, 64);
            p.value().version(p.version());
            p.keyspace().objectChanged(e); // accounting only: changes are not tracked yet
        }
        if (!orphans.isEmpty()) {
            WriteBatch marks = new WriteBatch();
            for (long v : orphans) {
                marks.put(deadKey(v), new byte[0]);
                deadVersions.add(v);
            }
            engine.write(marks);
            engine.commit(true);
        }
        state.objects().onRelease(this::released);
        keysLoaded = loaded[0];
        publishLiveSpaces();
        for (int t = 0; t < databases; t++) {
            byTag[t].track(this, t);
            byTag[t].coldValues(this);
        }
        shard.gate(this);
        shard.participant(this);
    }

    private static void account(StoredKey.Pending p) {
        long e = p.keyspace().peek(MemorySegment.ofArray(p.key()), 0, p.key().length);
        p.keyspace().objectChanged(e); // accounting only: changes are not tracked yet
    }

    private void publishLiveSpaces() {
        namespaces.publish();
    }

    // ---- change tracking (ChangeLog) ---------------------------------------------------------

    // A note in the dirty list: tag u16, key length i32, entry handle (NONE: look the key up), the
    // keyspace's handleChanges() when noted, then the key bytes.
    private static final int NOTE_LENGTH = 2;
    private static final int NOTE_ENTRY = 6;
    private static final int NOTE_AT = 14;
    private static final int NOTE_KEY = 22;

    @Override
    public void changed(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
        note(keyspace, Keyspace.NONE, segment, keyOffset, keyLength);
    }

    @Override
    public void changedEntry(OffHeapKeyspace keyspace, long entry, MemorySegment segment, long keyOffset, int keyLength) {
        note(keyspace, entry, segment, keyOffset, keyLength);
    }

    private void note(OffHeapKeyspace keyspace, long entry, MemorySegment segment, long keyOffset, int keyLength) {
        long need = NOTE_KEY + (long) keyLength;
        if (dirtyUsed + need > dirty.byteSize()) {
            growDirty(need);
        }
        dirty.set(NativeMemory.SHORT, dirtyUsed, (short) keyspace.tag());
        dirty.set(NativeMemory.INT, dirtyUsed + NOTE_LENGTH, keyLength);
        dirty.set(NativeMemory.LONG, dirtyUsed + NOTE_ENTRY, entry);
        dirty.set(NativeMemory.LONG, dirtyUsed + NOTE_AT, keyspace.handleChanges());
        MemorySegment.copy(segment, keyOffset, dirty, dirtyUsed + NOTE_KEY, keyLength);
        dirtyUsed += need;
        dirtyCount++;
        scheduleCommit();
    }

    /** The entry of the key noted at {@code p} (NONE when it is gone), found again without a lookup when it can be. */
    private long notedEntry(OffHeapKeyspace ks, long p, int len) {
        return ks.peekNoted(dirty.get(NativeMemory.LONG, p + NOTE_ENTRY), dirty.get(NativeMemory.LONG, p + NOTE_AT),
                dirty, p + NOTE_KEY, len);
    }

    @Override
    public void cleared(OffHeapKeyspace keyspace) {
        // FLUSHDB in O(1) on disk: the database continues in a fresh space; compaction drops the old one.
        namespaces.drop(keyspace.tag());
        metaDirty = true;
        metaChanges++;
        scheduleCommit();
    }

    /** SWAPDB swapped two databases' keyspace objects: the space map follows (persisted with the next commit). */
    public void databasesSwapped() {
        metaDirty = true;
        metaChanges++;
        scheduleCommit();
    }

    private void growDirty(long need) {
        Arena a = Arena.ofConfined();
        MemorySegment bigger = a.allocate(Math.max(dirty.byteSize() * 2, dirtyUsed + need));
        MemorySegment.copy(dirty, 0, bigger, 0, dirtyUsed);
        dirtyArena.close();
        dirtyArena = a;
        dirty = bigger;
    }

    private void scheduleCommit() {
        if (!commitScheduled && writeError == null) {
            commitScheduled = true;
            shard.loop().execute(commitTask); // after this turn's I/O: one commit for all of it
        }
    }

    // ---- the gate ------------------------------------------------------------------------------

    @Override
    public boolean isOpen() {
        // Behind batches the log refused, replies go on as before the failure (writes are refused
        // meanwhile, and the writers of the refused batches were told). A change made while the log
        // is refused is not logged: its message must not pass as durable.
        return !commitScheduled && (held.isEmpty() || held.peekLast().failed) && !changedWhileRefused();
    }

    /** Changes noted while the log refuses writes (they schedule no commit: the retry takes them, if any). */
    private boolean changedWhileRefused() {
        return writeError != null && hasChanges();
    }

    @Override
    public void await(CommitWaiter waiter) {
        if (changedWhileRefused()) {
            waiter.committed(false); // not in the log now; a later retry may still log it (like a timeout)
        } else if (commitScheduled || held.isEmpty()) {
            waiters.add(waiter);
        } else {
            held.peekLast().waiters.add(waiter); // behind the newest held batch
        }
    }

    // ---- commit --------------------------------------------------------------------------------

    /**
     * Seals everything changed since the last commit into a batch and logs every batch that may be
     * logged: in order, none while a transaction with a part in it (or in one before it) has no
     * commit record. Syncs per appendfsync, then releases what waited for the logged batches.
     */
    void commit() {
        commitScheduled = false;
        seal();
        writeReady();
    }

    /**
     * A sealed batch: its bytes, who waits for it, and what to do once it is in the log. Pooled
     * with its lists, so a shard that commits every turn allocates nothing in steady state.
     */
    private static final class Sealed {
        long number;
        WriteBatch batch;
        List<CommitWaiter> waiters = new ArrayList<>();
        final List<Long> txs = new ArrayList<>(0); // transactions with parts in it
        int written; // keys, for INFO
        final List<Long> retiredVersions = new ArrayList<>(0);
        boolean meta;
        final List<Long> deletedRecords = new ArrayList<>(0);
        boolean failed; // the log refused it once (it is retried)
        boolean marked; // its transactions' markers are in its batch (markLastParts)
    }

    private final ArrayDeque<Sealed> spareSealed = new ArrayDeque<>();

    private boolean hasChanges() {
        return dirtyCount > 0 || metaDirty || !retired.isEmpty() || versionDirty || !recordsToDelete.isEmpty()
                || !partsInCurrent.isEmpty();
    }

    /** Moves the changes noted so far into a sealed batch (nothing when there are none). */
    private void seal() {
        if (!hasChanges()) {
            if (!waiters.isEmpty()) { // waiters of changes already sealed: behind the newest held batch
                if (held.isEmpty()) {
                    releaseAll(waiters, writeError == null);
                } else {
                    held.peekLast().waiters.addAll(waiters);
                }
                waiters.clear();
            }
            return;
        }
        batch.clear();
        Sealed sealed = spareSealed.isEmpty() ? new Sealed() : spareSealed.poll();
        sealed.written = buildBatch();
        if (!partsInCurrent.isEmpty()) { // (guarded: an empty set's iterator is still an object)
            for (long tx : partsInCurrent) {
                sealed.txs.add(tx); // its marker goes into the last batch of its parts here (see markLastParts)
                batchesOf.merge(tx, 1, Integer::sum);
            }
            partsInCurrent.clear();
        }
        for (int i = 0; i < recordsToDelete.size(); i++) {
            sealed.deletedRecords.add(recordsToDelete.get(i));
            batch.delete(CommitRecords.recordKey(recordsToDelete.get(i)));
        }
        recordsToDelete.clear();
        for (int i = 0; i < retired.size(); i++) {
            sealed.retiredVersions.add(retired.get(i));
        }
        retired.clear();
        sealed.number = ++sealedBatches;
        sealed.batch = batch;
        sealed.meta = metaDirty;
        sealed.failed = false;
        sealed.marked = false;
        List<CommitWaiter> empty = sealed.waiters; // swapped, not allocated
        sealed.waiters = waiters;
        waiters = empty;
        held.add(sealed);
        WriteBatch next = spareBatches.poll();
        batch = next != null ? next : new WriteBatch();
        // The state is in the sealed bytes now: the keyspace's marks and the collections' journals start over.
        for (int i = 0; i < journaled.size(); i++) { // (indexed: an iterator per commit is garbage)
            journaled.get(i).journal().clear();
        }
        journaled.clear();
        versioned.clear();
        versionDirty = false;
        metaDirty = false;
        dirtyUsed = 0;
        dirtyCount = 0;
    }

    private boolean writing;
    private boolean writeAgain;

    /**
     * Logs the held batches that may be logged now, then releases their waiters. Not reentrant: a
     * waiter may release a lock whose next owner seals a boundary here; that call only asks for
     * another pass.
     */
    private void writeReady() {
        if (writing) {
            writeAgain = true;
            return;
        }
        writing = true;
        try {
            do {
                writeAgain = false;
                writeReadyOnce();
            } while (writeAgain);
        } finally {
            writing = false;
        }
    }

    private void writeReadyOnce() {
        List<Sealed> done = writtenNow;
        done.clear();
        boolean ok = true;
        while (!held.isEmpty() && isResolved(held.peek().txs)) {
            Sealed b = held.peek();
            try {
                if (!b.txs.isEmpty() && !b.marked) {
                    markLastParts(b);
                }
                if (b.batch.count() > 0) {
                    engine.write(b.batch);
                    engine.commit(false); // written (a kill -9 keeps it); synced per appendfsync below
                }
            } catch (IOException | RuntimeException e) {
                failed(e);
                ok = false;
                break;
            }
            held.poll();
            writtenBatches = b.number;
            done.add(b);
        }
        if (!ok) { // nothing behind a batch that cannot be logged may be acknowledged
            for (Sealed b : held) {
                releaseAll(b.waiters, false);
                b.waiters.clear();
                b.failed = true;
            }
        }
        if (done.isEmpty()) {
            return;
        }
        boolean synced = true;
        if (persistence.fsyncAlways()) {
            // appendfsync always: one fdatasync for every client of this shard in this turn, before
            // any of their replies leave (Redis does the same in beforeSleep). Measured here, syncing
            // on the loop beat handing the fsync to a thread and overlapping it with the next turn
            // (two thread hand-offs per group): 52-58K vs 44-46K SET/s at -c 50, 196-200K vs 180-185K at -P 16.
            synced = syncNow();
        } else if (holdsParts(done)) {
            // everysec and no: a part is synced before its record may go (afterWrite tells the
            // origin), or a power loss could keep the record's deletion and lose the part.
            synced = syncNow();
        }
        for (int i = 0; i < done.size(); i++) {
            afterWrite(done.get(i));
        }
        for (int i = 0; i < done.size(); i++) {
            releaseAll(done.get(i).waiters, synced);
            recycle(done.get(i));
        }
        done.clear();
        if (ok && synced && memoryBudget > 0 && held.isEmpty() && !commitScheduled) {
            evictIfNeeded(); // every entry is clean right now
        }
    }

    private final List<Sealed> writtenNow = new ArrayList<>();

    private static boolean holdsParts(List<Sealed> batches) {
        for (int i = 0; i < batches.size(); i++) {
            if (!batches.get(i).txs.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void recycle(Sealed b) {
        b.waiters.clear();
        b.txs.clear();
        b.retiredVersions.clear();
        b.deletedRecords.clear();
        b.batch = null;
        b.marked = false;
        spareSealed.add(b);
    }

    private boolean isResolved(List<Long> txs) {
        for (int i = 0; i < txs.size(); i++) {
            if (unresolved.contains(txs.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static void releaseAll(List<CommitWaiter> ws, boolean durable) {
        for (int i = 0; i < ws.size(); i++) {
            ws.get(i).committed(durable);
        }
    }

    /** Bookkeeping once a sealed batch is in the log. */
    /**
     * Puts the marker "this shard's part of tx is in its log" into {@code b} (the oldest held batch,
     * about to be written) for each transaction whose last part here it holds. A transaction whose
     * steps ran in several turns has parts in several batches: a marker in the first would let
     * recovery skip the later ones if the process died between the two writes.
     */
    /** Test only (StorageSimulationTest): the old, wrong placement, a marker with every part, to show the test sees it. */
    static volatile boolean markEveryBatchForTest;

    private void markLastParts(Sealed b) {
        b.marked = true;
        for (int i = 0; i < b.txs.size(); i++) {
            long tx = b.txs.get(i);
            boolean later = partsInCurrent.contains(tx);
            for (Sealed h : held) {
                later |= h != b && h.txs.contains(tx);
            }
            if (!later || markEveryBatchForTest) {
                b.batch.put(CommitRecords.markerKey(tx), new byte[0]);
            }
        }
    }

    private void afterWrite(Sealed b) {
        for (int i = 0; i < b.retiredVersions.size(); i++) {
            deadVersions.add(b.retiredVersions.get(i)); // only now may compaction drop their elements
        }
        if (b.meta) {
            publishLiveSpaces();
        }
        for (int i = 0; i < b.txs.size(); i++) {
            long tx = b.txs.get(i);
            if (batchesOf.merge(tx, -1, Integer::sum) == 0) {
                batchesOf.remove(tx);
                records.partLogged(tx); // the last of its parts here
            }
        }
        for (int i = 0; i < b.deletedRecords.size(); i++) {
            records.deleted(b.deletedRecords.get(i));
        }
        commits++;
        changesSinceSave += b.written;
        if (writeError != null && !syncFailed) { // a batch went in: the log works again (never after a failed fsync)
            writeError = null;
            persistence.storeRecovered(this);
        }
        b.batch.clear();
        spareBatches.add(b.batch);
    }

    // ---- cross-shard transactions (CommitParticipant) -------------------------------------------

    @Override
    public long boundary() {
        if (hasChanges()) {
            seal();
            writeReady();
        }
        return sealedBatches;
    }

    @Override
    public long[] unresolved() {
        if (unresolved.isEmpty()) {
            return NO_TRANSACTIONS;
        }
        return unresolved.stream().mapToLong(Long::longValue).toArray();
    }

    private static final long[] NO_TRANSACTIONS = new long[0];

    @Override
    public void afterBoundary(long boundary, CommitWaiter waiter) {
        if (boundary <= writtenBatches) {
            waiter.committed(writeError == null);
            return;
        }
        for (Sealed b : held) {
            if (b.number == boundary) {
                if (b.failed) {
                    waiter.committed(true); // as the gate: behind a refused batch, replies go on
                } else {
                    b.waiters.add(waiter);
                }
                return;
            }
        }
        throw new IllegalStateException("boundary " + boundary + " is neither written nor held on shard " + shard.id());
    }

    /**
     * Test only ({@code -Dheliosdb.test.dropParts=true}): a shard never logs the keys of its parts
     * (as if it had crashed before), and the commit records stay; after a restart, recovery must
     * write every part from its record.
     */
    private static final boolean DROP_PARTS_FOR_TEST = Boolean.getBoolean("heliosdb.test.dropParts");
    /** Test only (with dropParts): commit records are never logged, so no cross-shard write may survive a restart. */
    private static final boolean DROP_RECORDS_FOR_TEST = Boolean.getBoolean("heliosdb.test.dropRecords");

    @Override
    public void stepStarted(long tx) {
        if (stepDepth++ > 0) {
            return; // a step inside a step of the same transaction (a script's nested call): the outer one takes it all
        }
        stepFromCount = dirtyCount;
        stepFromBytes = dirtyUsed;
        stepMetaChanges = metaChanges;
        for (OffHeapKeyspace ks : byTag) {
            ks.noteEveryChange(true); // a key changed earlier in this turn is part of the step too
        }
    }

    @Override
    public Part stepEnded(long tx) {
        assert stepDepth > 0 : "a step ended that did not start";
        if (--stepDepth > 0) {
            return null;
        }
        for (OffHeapKeyspace ks : byTag) {
            ks.noteEveryChange(false);
        }
        boolean meta = metaChanges != stepMetaChanges;
        if (dirtyCount == stepFromCount && !meta) {
            return null;
        }
        partBatch.clear();
        long p = stepFromCount <= dirtyCount ? stepFromBytes : 0; // (a SAVE inside the step sealed what came before)
        while (p < dirtyUsed) {
            int tag = dirty.get(NativeMemory.SHORT, p);
            int len = dirty.get(NativeMemory.INT, p + NOTE_LENGTH);
            writeWhole(partBatch, tag, p, len);
            p += NOTE_KEY + len;
        }
        if (meta) {
            partBatch.put(META_KEY, meta());
        }
        if (partBatch.bytes() > Integer.MAX_VALUE - 8) { // answered as a failed step (see ShardTransaction)
            throw new IllegalStateException("a cross-shard part of " + partBatch.bytes() + " bytes is over the 2 GiB a commit record holds");
        }
        byte[] changes = new byte[4 + (int) partBatch.bytes()];
        MemorySegment c = MemorySegment.ofArray(changes);
        c.set(NativeMemory.INT, 0, partBatch.count());
        MemorySegment.copy(partBatch.segment(), 0, c, 4, partBatch.bytes());
        if (DROP_PARTS_FOR_TEST && stepFromCount <= dirtyCount) {
            forgetNotes(stepFromBytes); // so that a later change of these keys is noted again
            dirtyUsed = stepFromBytes; // this shard will never log the step's keys: only the record has them
            dirtyCount = stepFromCount;
            return new Part(shard.id(), changes);
        }
        if (unresolved.add(tx)) {
            shard.resolutions().opened(tx);
        }
        partsInCurrent.add(tx);
        scheduleCommit();
        return new Part(shard.id(), changes);
    }

    /** Test only: clears the dirty marks of the keys noted from {@code from} on (their notes are dropped). */
    private void forgetNotes(long from) {
        for (long p = from; p < dirtyUsed; ) {
            int tag = dirty.get(NativeMemory.SHORT, p);
            int len = dirty.get(NativeMemory.INT, p + NOTE_LENGTH);
            long e = notedEntry(byTag[tag], p, len);
            if (e != Keyspace.NONE) {
                byTag[tag].clearDirty(e);
            }
            p += NOTE_KEY + len;
        }
    }

    /** A key's current state as one record, a collection in RDB form whatever its size (the note at {@code p}). */
    private void writeWhole(WriteBatch b, int tag, long p, int len) {
        OffHeapKeyspace ks = byTag[tag];
        long keyAt = p + NOTE_KEY;
        long e = notedEntry(ks, p, len);
        if (e == Keyspace.NONE) {
            long at = b.reserveDelete(StoredKey.PREFIX + len);
            writeKey(b.segment(), at, namespaces.id(tag), keyAt, len);
            return;
        }
        if (ks.encoding(e) == ValueEncoding.ON_DISK) {
            e = load(ks, e);
        }
        byte[] collection = ks.encoding(e) == ValueEncoding.OBJECT
                ? RdbValues.encode(ks.object(e)) : null;
        putRecord(b, ks, e, collection, tag, keyAt, len);
    }

    /** Puts key {@code keyAt} (of the dirty list) with entry {@code e}'s record: its value, or {@code collection}'s bytes. */
    private void putRecord(WriteBatch b, OffHeapKeyspace ks, long e, byte[] collection, int tag, long keyAt, int len) {
        long at = b.reservePut(StoredKey.PREFIX + len,
                collection != null ? StoredKey.VALUE_HEADER + collection.length : StoredKey.valueLength(ks, e));
        MemorySegment s = b.segment();
        writeKey(s, at, namespaces.id(tag), keyAt, len);
        if (collection != null) {
            StoredKey.writeCollection(ks, e, collection, s, at + StoredKey.PREFIX + len);
        } else {
            StoredKey.writeValue(ks, e, s, at + StoredKey.PREFIX + len);
        }
    }

    @Override
    public void logCommit(long tx, List<Part> parts, CommitWaiter done) {
        if (DROP_RECORDS_FOR_TEST) {
            done.committed(true); // as if this shard crashed right before the record reached its log
            return;
        }
        Set<Integer> participants = new HashSet<>();
        for (Part p : parts) {
            participants.add(p.shard());
        }
        records.opened(tx, shard.id(), participants.size());
        WriteBatch b = spareBatches.isEmpty() ? new WriteBatch() : spareBatches.poll();
        b.clear();
        boolean ok;
        boolean syncLater = false;
        try {
            b.put(CommitRecords.recordKey(tx), CommitRecords.encode(parts)); // (a record over 2 GiB throws)
            engine.write(b);
            engine.commit(false);
            if (persistence.fsyncAlways()) {
                ok = syncNow();
            } else {
                ok = true;
                syncLater = true;
            }
        } catch (IOException | RuntimeException e) {
            ok = false;
            IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
            boolean first = writeError == null;
            writeError = io;
            persistence.storeFailed(this, io, first);
            shard.loop().schedule(commitTask, 1, TimeUnit.SECONDS); // the next batch tells whether the log works again
        }
        b.clear();
        spareBatches.add(b);
        if (syncLater) {
            // everysec and no: the parts the other shards hold for tx reach their logs only once
            // this record is synced, or a power loss could keep a part whose record it lost (a torn
            // write). One fsync for every record this turn logs, after them.
            if (recordsToSync.isEmpty()) {
                shard.loop().execute(syncRecords);
            }
            recordsToSync.add(done);
        } else {
            done.committed(ok);
        }
    }

    /** Commit records written (not synced) this turn in everysec/no, whose transactions wait for the sync. */
    private List<CommitWaiter> recordsToSync = new ArrayList<>();
    /** The other list, swapped in while one sync's waiters hear of it (they may log new records). */
    private List<CommitWaiter> recordsSynced = new ArrayList<>();

    private final Runnable syncRecords = () -> {
        List<CommitWaiter> w = recordsToSync;
        recordsToSync = recordsSynced;
        recordsSynced = w;
        boolean ok = syncNow();
        for (int i = 0; i < w.size(); i++) {
            w.get(i).committed(ok);
        }
        w.clear();
    };

    @Override
    public void resolved(long tx) {
        if (unresolved.remove(tx)) {
            writeReady();
        }
    }

    /** Every participant logged its part of {@code tx}: its commit record goes with the next batch. Shard thread. */
    void deleteRecord(long tx) {
        recordsToDelete.add(tx);
        scheduleCommit();
    }

    private boolean syncNow() {
        try {
            engine.syncLog();
            return true;
        } catch (IOException e) {
            // After a failed fsync the kernel may have dropped the dirty pages: nothing written since
            // can be trusted to reach the disk (PostgreSQL's "fsyncgate" lesson). Refuse writes until restart.
            syncFailed = true;
            writeError = new IOException("fsync failed (" + e.getMessage() + "); restart the server", e);
            persistence.storeFailed(this, writeError, true);
            return false;
        }
    }

    // ---- tiering: values beyond the RAM budget live on disk only -----------------------------

    /** The periodic check (every 100 ms): keeps the shard within its RAM budget. Shard thread. */
    public void maintain() {
        evictIfNeeded();
    }

    /** Sets this shard's share of maxmemory (0 = everything stays in RAM). */
    public void memoryBudget(long bytes) {
        memoryBudget = bytes;
    }

    /** Reads an evicted value back (a cold GET): one LSM lookup, usually one block read. */
    @Override
    public long load(OffHeapKeyspace ks, long e) {
        int len = ks.keyLength(e);
        byte[] key = new byte[StoredKey.PREFIX + len];
        MemorySegment k = MemorySegment.ofArray(key);
        k.set(StoredKey.SPACE, 0, namespaces.id(ks.tag()));
        MemorySegment.copy(ks.segment(e), ks.keyOffset(e), k, StoredKey.PREFIX, len);
        byte[] v;
        try {
            v = engine.get(key);
        } catch (IOException ex) {
            // A damaged table block: refuse this key rather than serve wrong data; other keys go on.
            throw new UnreadableValueException("the stored value of this key cannot be read: " + ex.getMessage(), ex);
        }
        if (v == null) {
            throw new UnreadableValueException("the stored value of this key is missing from shard "
                    + shard.id() + "'s tables", null);
        }
        coldLoads++;
        long restored = v[1] == ValueEncoding.OBJECT ? ks.restoreObject(e, readCollection(key, v))
                : ks.restoreValue(e, v[1], MemorySegment.ofArray(v), StoredKey.VALUE_HEADER, v.length - StoredKey.VALUE_HEADER);
        if (memoryBudget > 0 && !evictionScheduled && state.usedMemory() > memoryBudget) {
            evictionScheduled = true;
            shard.loop().execute(evictTask);
        }
        return restored;
    }

    /** A collection read back whole: its RDB form, or its elements under the version its record names. */
    private CollectionValue readCollection(byte[] key, byte[] record) {
        CollectionValue c = StoredKey.emptyOrDecoded(key, record);
        long version = StoredKey.elementVersion(record);
        if (version != 0) {
            byte[] from = new byte[StoredKey.PREFIX + 8];
            MemorySegment f = MemorySegment.ofArray(from);
            f.set(StoredKey.SPACE, 0, StoredKey.ELEMENT_SPACE);
            f.set(StoredKey.VERSION, StoredKey.PREFIX, version);
            byte[] to = from.clone();
            MemorySegment.ofArray(to).set(StoredKey.VERSION, StoredKey.PREFIX, version + 1);
            try {
                engine.forEach(from, to, Long.MAX_VALUE, (k, v) -> {
                    c.loadElement(Arrays.copyOfRange(k, StoredKey.PREFIX + 8, k.length), v);
                    return true;
                });
            } catch (IOException ex) {
                throw new UnreadableValueException("the stored elements of this key cannot be read: "
                        + ex.getMessage(), ex);
            }
            if (c.size() == 0) {
                throw new UnreadableValueException("the stored elements of this key are missing from shard "
                        + shard.id() + "'s tables", null);
            }
            RdbValues.chooseEncoding(c, 512, 64, 512, 128, 64);
            c.version(version); // changes go on under the same version
        }
        return c;
    }

    /**
     * Moves clean values of cold keys to disk-only until the shard is within its budget: Redis'
     * approximated LRU (sample a few keys, take the least recently used), bounded per call so a
     * turn of the event loop stays short. Keys, TTLs and hot values stay in RAM.
     */
    void evictIfNeeded() {
        if (memoryBudget <= 0) {
            if (overBudget) { // maxmemory was lifted: writes are welcome again
                overBudget = false;
                persistence.budgetChanged();
            }
            return;
        }
        int budgetPerCall = 2000;
        int misses = 0;
        boolean nothingLeft = false;
        while (state.usedMemory() > memoryBudget) {
            if (budgetPerCall-- == 0) {
                // Bounded work per turn: go on in the next one (writes are not refused for this).
                if (!evictionScheduled) {
                    evictionScheduled = true;
                    shard.loop().execute(evictTask);
                }
                break;
            }
            OffHeapKeyspace bestKs = null;
            long best = Keyspace.NONE;
            int bestIdle = -1;
            for (int sample = 0; sample < 8; sample++) {
                OffHeapKeyspace ks = byTag[random.nextInt(byTag.length)];
                if (ks.size() == 0) {
                    ks = byTag[0];
                    if (ks.size() == 0) {
                        continue;
                    }
                }
                long e = ks.randomEntry(random);
                if (e == Keyspace.NONE || ks.encoding(e) == ValueEncoding.ON_DISK || ks.isDirty(e)
                        || (ks.valueLength(e) < 16 && ks.encoding(e) != ValueEncoding.OBJECT)) {
                    continue; // a collection's value area is its 4-byte slot; the collection itself is larger
                }
                int idle = ks.idleSeconds(e);
                if (idle > bestIdle) {
                    bestIdle = idle;
                    best = e;
                    bestKs = ks;
                }
            }
            if (best == Keyspace.NONE) {
                if (++misses > 200) { // 200 samplings in a row found nothing to move
                    nothingLeft = true; // nothing left to move: the keys themselves exceed the budget
                    break;
                }
                continue;
            }
            if (bestKs.encoding(best) == ValueEncoding.OBJECT) {
                bestKs.evictObject(best); // written whole or element by element: read back on the next access
            } else {
                bestKs.evictValue(best);
            }
            evictions++;
            misses = 0;
        }
        // Only a budget that moving values cannot meet refuses writes (Redis' OOM error).
        boolean over = nothingLeft && state.usedMemory() > memoryBudget * 11 / 10;
        if (over != overBudget) {
            overBudget = over;
            persistence.budgetChanged();
        }
    }

    /** Puts the final state of every key noted since the last seal into {@link #batch}; returns how many. */
    private int buildBatch() {
        long p = 0;
        int written = 0;
        for (int i = 0; i < dirtyCount; i++) {
            int tag = dirty.get(NativeMemory.SHORT, p);
            int len = dirty.get(NativeMemory.INT, p + NOTE_LENGTH);
            long keyAt = p + NOTE_KEY;
            OffHeapKeyspace ks = byTag[tag];
            long e = notedEntry(ks, p, len); // before the note's bytes are passed: p is the note's start
            p = keyAt + len;
            if (e == Keyspace.NONE) {
                long at = batch.reserveDelete(StoredKey.PREFIX + len);
                writeKey(batch.segment(), at, namespaces.id(tag), keyAt, len);
                written++;
            } else if (ks.isDirty(e)) { // else: already written by an earlier note of this key
                if (ks.encoding(e) == ValueEncoding.ON_DISK) {
                    e = load(ks, e); // moved between databases without its value: write it whole
                }
                ks.clearDirty(e);
                // A small collection is written whole, in its RDB form; a large one element by element.
                byte[] collection = null;
                if (ks.encoding(e) == ValueEncoding.OBJECT) {
                    CollectionValue cv = ks.object(e);
                    collection = cv.version() == 0 && cv.size() <= ELEMENT_FORM_MIN
                            ? RdbValues.encode(cv) : writeElements(cv);
                }
                putRecord(batch, ks, e, collection, tag, keyAt, len);
                written++;
            }
        }
        if (metaDirty) {
            batch.put(META_KEY, meta());
        }
        for (long v : retired) {
            batch.put(deadKey(v), new byte[0]);
        }
        if (versionDirty) {
            byte[] v = new byte[8];
            MemorySegment.ofArray(v).set(StoredKey.VERSION, 0, nextVersion);
            batch.put(VERSION_KEY, v);
        }
        return written;
    }

    /**
     * Puts a large collection's elements into the batch: all of them under a new version the first
     * time (or after its journal overflowed), else the journaled changes. Returns what its key's
     * record holds instead of the RDB form: a marker byte and the version.
     */
    private byte[] writeElements(CollectionValue cv) {
        if (cv.version() == 0 || cv.journal().overflowed()) {
            if (cv.version() != 0) {
                retired.add(cv.version());
            }
            long v = nextVersion++;
            versionDirty = true;
            cv.forEachElement((member, value) -> batch.put(elementKey(v, member), value));
            cv.version(v);
            versioned.add(cv);
        } else {
            long v = cv.version();
            cv.journal().forEach((member, value) -> {
                if (value == null) {
                    batch.delete(elementKey(v, member));
                } else {
                    batch.put(elementKey(v, member), value);
                }
            });
            journaled.add(cv);
        }
        byte[] ref = new byte[9];
        ref[0] = StoredKey.ELEMENT_FORM;
        MemorySegment.ofArray(ref).set(StoredKey.VERSION, 1, cv.version());
        return ref;
    }

    private static byte[] elementKey(long version, byte[] member) {
        byte[] k = new byte[StoredKey.PREFIX + 8 + member.length];
        MemorySegment m = MemorySegment.ofArray(k);
        m.set(StoredKey.SPACE, 0, StoredKey.ELEMENT_SPACE);
        m.set(StoredKey.VERSION, StoredKey.PREFIX, version);
        System.arraycopy(member, 0, k, StoredKey.PREFIX + 8, member.length);
        return k;
    }

    private void writeKey(MemorySegment s, long at, int space, long keyAt, int len) {
        s.set(StoredKey.SPACE, at, space);
        MemorySegment.copy(dirty, keyAt, s, at + StoredKey.PREFIX, len);
    }

    private byte[] meta() {
        // By database index: SWAPDB changed which keyspace object serves an index.
        return namespaces.encode(db -> state.database(db).tag());
    }

    /** The write failed (disk full, ...): the batch stays held for the retry; writes are refused meanwhile. */
    private void failed(Exception e) {
        IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
        boolean first = writeError == null;
        writeError = io;
        persistence.storeFailed(this, io, first);
        shard.loop().schedule(commitTask, 1, TimeUnit.SECONDS); // retry; writes resume when it succeeds
    }

    IOException writeError() {
        return writeError;
    }

    /** Commits now (SAVE, shutdown). Shard thread. */
    void commitNow() {
        commit();
    }

    int shardId() {
        return shard.id();
    }

    Shard shard() {
        return shard;
    }

    void close() throws IOException {
        commit();
        engine.commit(true);
        engine.close();
        dirtyArena.close();
    }
}

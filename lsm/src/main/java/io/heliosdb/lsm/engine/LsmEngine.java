package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.cache.BlockCache;
import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.lsm.memtable.MemTable;
import io.heliosdb.lsm.sstable.SSTableReader;
import io.heliosdb.lsm.sstable.SSTableWriter;
import io.heliosdb.lsm.wal.WriteAheadLog;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.platform.ThreadPriority;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One shard's LSM tree: write-ahead log, a mutable memtable, immutable memtables waiting to be
 * flushed, SSTables in levels, and a manifest of atomic version edits.
 *
 * <p><b>Threads.</b> One owner thread calls every public method (the shard's event loop). A
 * background thread per engine flushes immutable memtables and compacts; it never touches the
 * mutable memtable or the log's tail. The shared structure (immutables and levels) is replaced
 * under the write lock of {@link #structure}; the owner's reads hold its read lock (uncontended
 * except for the instant of an install), so a table is closed only when no read is inside it.
 *
 * <p><b>Write.</b> A batch is one log record (CRC over all of it) and goes into the memtable; the
 * caller acknowledges after {@link #commit}. When the memtable passes its limit the log is rotated
 * (its records are now in finished segments) and the memtable becomes immutable; the background
 * thread writes it as a level-0 table, records the table in the manifest (synced), and only then
 * deletes the finished log segments. A crash at any point leaves the log records or the recorded
 * table (or both: recovery skips log records the tables hold, by sequence); a table file not in the
 * manifest is an unfinished flush or compaction and is deleted at open.
 *
 * <p><b>Write stalls.</b> When immutables pile up (flush slower than writes) or level 0 reaches
 * {@link Options#l0StopTrigger}, the owner waits for the background thread, like RocksDB's write
 * stop; the time is counted in {@link Stats#stallMicros} so a caller can report it, never hidden.
 *
 * <p><b>Compaction</b> is leveled ({@link Compactor}): level 0 overlaps and is merged into level 1
 * when it has {@link Options#l0CompactionTrigger} tables; level n is kept below base·multiplier^(n-1)
 * bytes by merging one table at a time into the next level. Versions a live snapshot can see are
 * kept; tombstones are dropped only at the bottom; the {@link CompactionFilter} drops dead data.
 */
public final class LsmEngine implements AutoCloseable {
    static final byte PUT = 1;
    static final byte DELETE = 2;
    static final byte BATCH = 3;
    static final byte EDIT_ADD_TABLE = 1;
    static final byte EDIT_REPLACE_TABLES = 2;
    /** Tables added (with levels) and tables removed, in one atomic record. */
    static final byte EDIT_VERSION = 3;
    /** Compact level 0 into level 1 when it holds this many tables (the default option). */
    public static final int COMPACTION_TRIGGER = 4;
    /** Default block cache per engine (per shard). */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    static final int LEVELS = 7;

    /** Decides, during compaction, that an entry is dead (an expired value, a dropped keyspace). Any thread. */
    public interface CompactionFilter {
        boolean drop(byte[] key, byte[] value);
    }

    /** Tuning; the defaults suit one shard of a server. */
    public static final class Options {
        public long memtableBytes = 32L << 20;
        public long cacheBytes = DEFAULT_CACHE_BYTES;
        public int l0CompactionTrigger = COMPACTION_TRIGGER;
        public int l0StopTrigger = 16;
        public int maxImmutables = 2;
        public long levelBaseBytes = 64L << 20;
        public int levelMultiplier = 10;
        public long targetFileBytes = 16L << 20;
        /** Zero-filled size of log segments prepared ahead (cheaper syncs); 0 = off. */
        public long walPreallocateBytes;
        /** Compaction write rate limit in bytes per second; 0 = unlimited. */
        public long compactionBytesPerSecond;
        /** Flush and compact on a background thread; false runs them on the caller (deterministic tests). */
        public boolean background;
        public CompactionFilter filter;

        public Options memtableBytes(long v) {
            memtableBytes = v;
            return this;
        }

        public Options cacheBytes(long v) {
            cacheBytes = v;
            return this;
        }

        public Options background(boolean v) {
            background = v;
            return this;
        }

        public Options targetFileBytes(long v) {
            targetFileBytes = v;
            return this;
        }

        public Options levelBaseBytes(long v) {
            levelBaseBytes = v;
            return this;
        }

        public Options filter(CompactionFilter v) {
            filter = v;
            return this;
        }

        public Options compactionBytesPerSecond(long v) {
            compactionBytesPerSecond = v;
            return this;
        }
    }

    /** Counters for INFO; written by either thread, read racily. */
    public static final class Stats {
        public volatile long flushes;
        public volatile long compactions;
        /** Tables moved to the next level without rewriting (nothing there to merge with). */
        public volatile long trivialMoves;
        public volatile long bytesFlushed;
        public volatile long bytesCompacted;
        public volatile long stallMicros;
        public volatile long stalls;
        public volatile long backgroundErrors;
        public volatile String lastBackgroundError = "";
    }

    record Table(long number, int level, long maxSequence, SSTableReader reader, byte[] smallest, byte[] largest, long size) {}

    /** What opening found, for the log. */
    public record Recovery(int tables, long walRecordsReplayed, long walRecordsSkipped, WriteAheadLog.Recovery wal,
                           int orphansDeleted) {}

    private final FileSystem fs;
    private final Path dir;
    private final Options options;
    private final WriteAheadLog wal;
    private final WriteAheadLog manifest; // background thread (or a caller holding workLock) only
    private final BlockCache cache;
    final Stats stats = new Stats();

    private MemTable memtable = new MemTable(); // owner only
    private long sequence; // owner only
    private long nextTable = 1; // under workLock

    /** Replaced (never mutated) under the write lock; read under the read lock. */
    private final ReentrantReadWriteLock structure = new ReentrantReadWriteLock();
    private volatile State state;
    /** Serialises flush/compaction work (the background thread, or a caller of flush/compact). */
    private final ReentrantLock workLock = new ReentrantLock();
    private final Condition workDone = workLock.newCondition();
    private final Thread worker;
    private volatile boolean closing;
    private volatile IOException backgroundError;
    private final Semaphore wakeWorker = new Semaphore(0);
    /** Live snapshots (sequence -> holders): compaction keeps what they can see. Guarded by itself. */
    private final TreeMap<Long, Integer> snapshots = new TreeMap<>();

    /** Immutable memtables (newest first, each with the last log segment holding its records) and levels. */
    record State(List<Frozen> immutables, List<List<Table>> levels) {
        int tableCount() {
            int n = 0;
            for (List<Table> l : levels) {
                n += l.size();
            }
            return n;
        }
    }

    record Frozen(MemTable table, long lastSegment) {}

    private LsmEngine(FileSystem fs, Path dir, Options options, WriteAheadLog wal, WriteAheadLog manifest, BlockCache cache) {
        this.fs = fs;
        this.dir = dir;
        this.options = options;
        this.wal = wal;
        this.manifest = manifest;
        this.cache = cache;
        if (options.background) {
            worker = new Thread(this::workLoop, "lsm-" + dir.getFileName());
            worker.setDaemon(true);
        } else {
            worker = null;
        }
    }

    public static LsmEngine open(FileSystem fs, Path dir, long memtableLimit, Consumer<Recovery> report) throws IOException {
        return open(fs, dir, new Options().memtableBytes(memtableLimit), report);
    }

    public static LsmEngine open(FileSystem fs, Path dir, long memtableLimit, long cacheBytes, Consumer<Recovery> report)
            throws IOException {
        return open(fs, dir, new Options().memtableBytes(memtableLimit).cacheBytes(cacheBytes), report);
    }

    public static LsmEngine open(FileSystem fs, Path dir, Options options, Consumer<Recovery> report) throws IOException {
        BlockCache cache = new BlockCache(options.cacheBytes);
        fs.createDirectories(dir);
        // 1. The manifest: which tables are live, at which level, up to which sequence each holds.
        LinkedHashMap<Long, long[]> live = new LinkedHashMap<>(); // number -> {level, maxSequence}
        WriteAheadLog manifest = WriteAheadLog.open(fs, dir.resolve("manifest"), edit -> applyEdit(edit, live), r -> { });
        List<List<Table>> levels = emptyLevels();
        Set<String> names = new HashSet<>();
        long flushed = 0;
        long nextTable = 1;
        for (var a : live.entrySet()) {
            Table t = openTable(fs, dir, cache, a.getKey(), (int) a.getValue()[0], a.getValue()[1]);
            levels.get(t.level).add(t);
            names.add(tablePath(dir, t.number).getFileName().toString());
            flushed = Math.max(flushed, t.maxSequence);
            nextTable = Math.max(nextTable, t.number + 1);
        }
        levels.get(0).sort((a, b) -> Long.compare(b.number, a.number)); // newest first
        for (int l = 1; l < LEVELS; l++) {
            levels.get(l).sort((a, b) -> Arrays.compareUnsigned(a.smallest, b.smallest));
        }
        int orphans = 0;
        for (Path p : fs.list(dir)) {
            String n = p.getFileName().toString();
            if (n.endsWith(".sst") && !names.contains(n)) {
                fs.delete(p); // a flush or compaction that crashed before its manifest edit
                orphans++;
                nextTable = Math.max(nextTable, Long.parseLong(n.substring(0, n.length() - 4)) + 1);
            }
        }
        // 2. The log: everything newer than what the tables hold goes back into a memtable.
        MemTable mem = new MemTable();
        long[] counts = {0, 0, flushed};
        long flushedUpTo = flushed;
        WriteAheadLog.Recovery[] walReport = new WriteAheadLog.Recovery[1];
        WriteAheadLog wal = WriteAheadLog.open(fs, dir.resolve("wal"), rec -> replay(rec, mem, flushedUpTo, counts),
                r -> walReport[0] = r);
        LsmEngine engine = new LsmEngine(fs, dir, options, wal, manifest, cache);
        engine.memtable.close();
        engine.memtable = mem;
        engine.state = new State(List.of(), freeze(levels));
        engine.sequence = counts[2];
        engine.nextTable = nextTable;
        if (options.walPreallocateBytes > 0) {
            // Continue in a prepared (zero-filled) segment from the first write on; the background
            // thread prepares each next one.
            wal.preallocate(options.walPreallocateBytes);
            wal.prepareNextSegment();
            wal.rotate();
        }
        int tableCount = engine.state.tableCount();
        report.accept(new Recovery(tableCount, counts[0], counts[1], walReport[0], orphans));
        if (engine.worker != null) {
            engine.worker.start();
            engine.wakeWorker.release(); // level 0 may already want compaction
        }
        return engine;
    }

    private static void applyEdit(ByteBuffer edit, Map<Long, long[]> live) {
        ByteBuffer b = edit.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte type = b.get();
        if (type == EDIT_VERSION) {
            int removed = b.getInt();
            for (int i = 0; i < removed; i++) {
                live.remove(b.getLong());
            }
            int added = b.getInt();
            for (int i = 0; i < added; i++) {
                long number = b.getLong();
                int level = b.get();
                live.put(number, new long[]{level, b.getLong()});
            }
            return;
        }
        long number = b.getLong();
        long maxSequence = b.getLong();
        if (type == EDIT_REPLACE_TABLES) { // written by the first, size-tiered version: output at level 0
            int inputs = b.getInt();
            for (int i = 0; i < inputs; i++) {
                live.remove(b.getLong());
            }
        }
        live.put(number, new long[]{0, maxSequence});
    }

    private static void replay(ByteBuffer rec, MemTable mem, long flushedUpTo, long[] counts) {
        ByteBuffer b = rec.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte type = b.get();
        long seq = b.getLong();
        if (type == BATCH) {
            int n = b.getInt();
            counts[2] = Math.max(counts[2], seq + n - 1);
            if (seq + n - 1 <= flushedUpTo) {
                counts[1] += n;
                return;
            }
            MemorySegment s = MemorySegment.ofBuffer(b);
            long p = 0;
            for (int i = 0; i < n; i++, seq++) {
                byte op = s.get(NativeMemory.BYTE, p);
                int kl = s.get(NativeMemory.INT, p + 1);
                int vl = s.get(NativeMemory.INT, p + 5);
                long k = p + WriteBatch.OP_HEADER;
                if (seq > flushedUpTo) {
                    mem.add(s, k, kl, seq, s, k + kl, op == WriteBatch.PUT ? vl : MemTable.TOMBSTONE);
                    counts[0]++;
                } else {
                    counts[1]++;
                }
                p = k + kl + (op == WriteBatch.PUT ? vl : 0);
            }
            return;
        }
        counts[2] = Math.max(counts[2], seq);
        if (seq <= flushedUpTo) {
            counts[1]++;
            return;
        }
        int keyLength = b.getInt();
        MemorySegment key = MemorySegment.ofBuffer(b.slice(b.position(), keyLength));
        b.position(b.position() + keyLength);
        if (type == PUT) {
            int valueLength = b.getInt();
            mem.add(key, 0, keyLength, seq, MemorySegment.ofBuffer(b.slice(b.position(), valueLength)), 0, valueLength);
        } else {
            mem.add(key, 0, keyLength, seq, null, 0, MemTable.TOMBSTONE);
        }
        counts[0]++;
    }

    static List<List<Table>> emptyLevels() {
        List<List<Table>> levels = new ArrayList<>();
        for (int i = 0; i < LEVELS; i++) {
            levels.add(new ArrayList<>());
        }
        return levels;
    }

    static List<List<Table>> freeze(List<List<Table>> levels) {
        List<List<Table>> out = new ArrayList<>(levels.size());
        for (List<Table> l : levels) {
            out.add(List.copyOf(l));
        }
        return List.copyOf(out);
    }

    static Path tablePath(Path dir, long number) {
        return dir.resolve(String.format("%016d.sst", number));
    }

    static Table openTable(FileSystem fs, Path dir, BlockCache cache, long number, int level, long maxSequence) throws IOException {
        Path p = tablePath(dir, number);
        SSTableReader r = SSTableReader.open(fs.open(p), p.toString());
        byte[] smallest = r.smallestKey(); // read before the cache is attached: it belongs to the owner thread
        if (cache != null) {
            r.cached(cache, number);
        }
        return new Table(number, level, maxSequence, r, smallest, r.largestKey(), r.fileSize());
    }

    // ---- writes (owner thread) ---------------------------------------------------------------

    public void put(byte[] key, byte[] value) throws IOException {
        write(PUT, key, value);
    }

    public void delete(byte[] key) throws IOException {
        write(DELETE, key, null);
    }

    private void write(byte type, byte[] key, byte[] value) throws IOException {
        long seq = ++sequence;
        ByteBuffer rec = ByteBuffer.allocate(1 + 8 + 4 + key.length + (value == null ? 0 : 4 + value.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        rec.put(type).putLong(seq).putInt(key.length).put(key);
        if (value != null) {
            rec.putInt(value.length).put(value);
        }
        wal.append(rec.flip());
        if (value != null) {
            memtable.add(MemorySegment.ofArray(key), 0, key.length, seq, MemorySegment.ofArray(value), 0, value.length);
        } else {
            memtable.add(MemorySegment.ofArray(key), 0, key.length, seq, null, 0, MemTable.TOMBSTONE);
        }
    }

    private final ByteBuffer batchHeader = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);

    /** Logs the batch as one record and applies it to the memtable; durable after {@link #commit}. */
    public void write(WriteBatch batch) throws IOException {
        int n = batch.count();
        if (n == 0) {
            return;
        }
        long first = sequence + 1;
        batchHeader.clear();
        batchHeader.put(BATCH).putLong(first).putInt(n).flip();
        wal.append(batchHeader, batch.segment().asSlice(0, batch.bytes()).asByteBuffer());
        MemorySegment s = batch.segment();
        long p = 0;
        for (int i = 0; i < n; i++) {
            byte op = s.get(NativeMemory.BYTE, p);
            int kl = s.get(NativeMemory.INT, p + 1);
            int vl = s.get(NativeMemory.INT, p + 5);
            long k = p + WriteBatch.OP_HEADER;
            memtable.add(s, k, kl, first + i, s, k + kl, op == WriteBatch.PUT ? vl : MemTable.TOMBSTONE);
            p = k + kl + (op == WriteBatch.PUT ? vl : 0);
        }
        sequence += n;
    }

    /**
     * Writes the gathered log records (group commit) and syncs if asked; then acknowledge them.
     * A full memtable is handed to the background flush here (which may stall: see the class comment).
     */
    public void commit(boolean sync) throws IOException {
        wal.commit(sync);
        if (memtable.bytes() > options.memtableBytes) {
            if (worker == null) {
                flush();
            } else {
                freezeMemtable();
            }
        }
    }

    /** Makes committed records durable from any thread (the everysec timer). */
    public void syncLog() throws IOException {
        wal.syncFromAnyThread();
    }

    /** Bytes of log records on disk (INFO aof_current_size), without space prepared ahead. Any thread. */
    public long logBytes() {
        try {
            return wal.recordBytes();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The background thread's last failure (a full disk, ...), or null once it succeeds again. */
    public IOException backgroundError() {
        return backgroundError;
    }

    /** Rotates the log and queues the memtable for flushing, stalling while too much is queued. */
    private void freezeMemtable() throws IOException {
        if (memtable.entries() == 0) {
            return;
        }
        waitForRoom();
        long lastSegment = wal.rotate(); // commits and syncs: the memtable's records are in finished segments
        MemTable frozen = memtable;
        memtable = new MemTable();
        install(s -> {
            List<Frozen> imm = new ArrayList<>(s.immutables.size() + 1);
            imm.add(new Frozen(frozen, lastSegment));
            imm.addAll(s.immutables);
            return new State(List.copyOf(imm), s.levels);
        });
        wakeWorker.release();
    }

    private void waitForRoom() throws IOException {
        State s = state;
        if (s.immutables.size() < options.maxImmutables && s.levels.get(0).size() < options.l0StopTrigger) {
            return;
        }
        long t0 = System.nanoTime();
        stats.stalls++;
        workLock.lock();
        try {
            while (true) {
                s = state;
                if (s.immutables.size() < options.maxImmutables && s.levels.get(0).size() < options.l0StopTrigger) {
                    break;
                }
                IOException failed = backgroundError;
                if (failed != null) {
                    throw new IOException("writes stopped: background flush/compaction is failing: " + failed.getMessage(), failed);
                }
                wakeWorker.release();
                workDone.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stalled");
        } finally {
            workLock.unlock();
            stats.stallMicros += (System.nanoTime() - t0) / 1000;
        }
    }

    private void install(UnaryOperator<State> change) {
        structure.writeLock().lock();
        try {
            state = change.apply(state);
        } finally {
            structure.writeLock().unlock();
        }
    }

    // ---- reads (owner thread) ----------------------------------------------------------------

    /** A point in time to read at; {@link #release} it when done (until then compaction keeps its data). */
    public long snapshot() {
        synchronized (snapshots) {
            snapshots.merge(sequence, 1, Integer::sum);
        }
        return sequence;
    }

    public void release(long snapshot) {
        synchronized (snapshots) {
            snapshots.computeIfPresent(snapshot, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    long[] snapshotPoints() {
        synchronized (snapshots) {
            long[] points = new long[snapshots.size() + 1];
            int i = 0;
            for (long s : snapshots.keySet()) {
                points[i++] = s;
            }
            points[i] = Long.MAX_VALUE;
            return points; // ascending
        }
    }

    /** The value of {@code key} (newest version), or null when absent or deleted. */
    public byte[] get(byte[] key) throws IOException {
        return get(key, Long.MAX_VALUE);
    }

    /** The value of {@code key} as of {@code snapshot}, or null when absent or deleted then. */
    public byte[] get(byte[] key, long snapshot) throws IOException {
        MemorySegment k = MemorySegment.ofArray(key);
        long node = memtable.get(k, 0, key.length, snapshot);
        if (node != -1) {
            return valueOf(memtable, node);
        }
        structure.readLock().lock();
        try {
            State s = state;
            for (Frozen f : s.immutables) {
                node = f.table.get(k, 0, key.length, snapshot);
                if (node != -1) {
                    return valueOf(f.table, node);
                }
            }
            for (Table t : s.levels.get(0)) {
                SSTableReader.Entry e = t.reader.get(key, snapshot);
                if (e != null) {
                    return e.tombstone() ? null : e.value();
                }
            }
            for (int l = 1; l < LEVELS; l++) {
                Table t = find(s.levels.get(l), key);
                if (t != null) {
                    SSTableReader.Entry e = t.reader.get(key, snapshot);
                    if (e != null) {
                        return e.tombstone() ? null : e.value();
                    }
                }
            }
            return null;
        } finally {
            structure.readLock().unlock();
        }
    }

    private static byte[] valueOf(MemTable m, long node) {
        int len = m.valueLength(node);
        return len == MemTable.TOMBSTONE ? null : ByteStrings.toBytes(m.segment(node), m.valueOffset(node), len);
    }

    /** The table of a sorted, non-overlapping level whose range holds {@code key}, or null. */
    static Table find(List<Table> level, byte[] key) {
        int lo = 0, hi = level.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(level.get(mid).largest, key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == level.size() || Arrays.compareUnsigned(level.get(lo).smallest, key) > 0) {
            return null;
        }
        return level.get(lo);
    }

    /**
     * Up to {@code limit} live entries with keys in [from, to) in key order (null bounds are open),
     * as of now. Each element is {key, value}.
     */
    public List<byte[][]> scan(byte[] from, byte[] to, int limit) throws IOException {
        return scan(from, to, limit, Long.MAX_VALUE);
    }

    /** {@link #scan(byte[], byte[], int)} as of {@code snapshot}. */
    public List<byte[][]> scan(byte[] from, byte[] to, int limit, long snapshot) throws IOException {
        List<byte[][]> out = new ArrayList<>();
        forEach(from, to, snapshot, (k, v) -> {
            out.add(new byte[][]{k, v});
            return out.size() < limit;
        });
        return out;
    }

    /** Receives entries of a scan; returns false to stop. */
    public interface EntryVisitor {
        boolean visit(byte[] key, byte[] value) throws IOException;
    }

    /** Visits live entries with keys in [from, to) in key order at {@code snapshot}, without gathering them. */
    public void forEach(byte[] from, byte[] to, long snapshot, EntryVisitor visitor) throws IOException {
        structure.readLock().lock();
        try {
            State s = state;
            List<VersionSource> sources = new ArrayList<>();
            sources.add(new MemTableSource(memtable, from));
            for (Frozen f : s.immutables) {
                sources.add(new MemTableSource(f.table, from));
            }
            for (List<Table> level : s.levels) {
                for (Table t : level) {
                    if (from == null || Arrays.compareUnsigned(t.largest, from) >= 0) {
                        sources.add(new TableSource(t.reader, from));
                    }
                }
            }
            MergedScan scan = new MergedScan(sources, snapshot);
            while (scan.valid() && (to == null || Arrays.compareUnsigned(scan.key(), to) < 0)) {
                if (!visitor.visit(scan.key(), scan.value())) {
                    return;
                }
                scan.next();
            }
        } finally {
            structure.readLock().unlock();
        }
    }

    /** Live entries whose key starts with {@code prefix}, in key order. */
    public List<byte[][]> scanPrefix(byte[] prefix, int limit) throws IOException {
        return scan(prefix, prefixEnd(prefix), limit);
    }

    /** The smallest key greater than every key with this prefix, or null if there is none. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xFF) != 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    // ---- flush and compaction ----------------------------------------------------------------

    /**
     * Writes the memtable (and any queued immutables) as tables now, on the calling thread, and
     * compacts if a level is over its limit. Returns when everything written before is in tables.
     */
    public void flush() throws IOException {
        if (memtable.entries() > 0) {
            long lastSegment = wal.rotate();
            MemTable frozen = memtable;
            memtable = new MemTable();
            install(s -> {
                List<Frozen> imm = new ArrayList<>(s.immutables);
                imm.addFirst(new Frozen(frozen, lastSegment));
                return new State(List.copyOf(imm), s.levels);
            });
        }
        workLock.lock();
        try {
            flushImmutables();
            new Compactor(this).compactWhileNeeded(false);
        } finally {
            workDone.signalAll();
            workLock.unlock();
        }
    }

    /**
     * Merges every table into one sorted run at the bottom level (BGREWRITEAOF, tests). Any thread:
     * it never touches the mutable memtable or the log's tail.
     */
    public void compact() throws IOException {
        workLock.lock();
        try {
            flushImmutables();
            new Compactor(this).compactAll();
        } finally {
            workDone.signalAll();
            workLock.unlock();
        }
    }

    /** Queues the memtable for the background flush (BGSAVE); flushes now without a background thread. Owner. */
    public void flushInBackground() throws IOException {
        if (worker == null) {
            flush();
        } else {
            wal.commit(true);
            freezeMemtable();
        }
    }

    /** Returns when every memtable queued so far is a table. Any thread. */
    public void awaitFlushesFromAnyThread() throws IOException {
        workLock.lock();
        try {
            flushImmutables();
        } finally {
            workDone.signalAll();
            workLock.unlock();
        }
    }

    /**
     * A consistent copy of the tree in {@code target} (a new directory), openable as an engine:
     * tables are hard links (immutable files), the manifest and log are copied after the log is
     * committed and synced. Owner thread; the background thread is held off meanwhile.
     */
    public void checkpoint(Path target) throws IOException {
        wal.commit(true);
        workLock.lock();
        try {
            Files.createDirectories(target);
            for (List<Table> level : state.levels) {
                for (Table t : level) {
                    Path src = tablePath(dir, t.number);
                    Path dst = target.resolve(src.getFileName());
                    try {
                        Files.createLink(dst, src);
                    } catch (UnsupportedOperationException | IOException e) {
                        Files.copy(src, dst); // another file system: copy instead
                    }
                }
            }
            for (String sub : new String[]{"manifest", "wal"}) {
                Path to = target.resolve(sub);
                Files.createDirectories(to);
                try (var files = Files.list(dir.resolve(sub))) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.copy(f, to.resolve(f.getFileName()));
                    }
                }
            }
        } finally {
            workLock.unlock();
        }
    }

    /** Flushes immutables oldest first. Holds workLock. */
    private void flushImmutables() throws IOException {
        assert workLock.isHeldByCurrentThread();
        while (true) {
            List<Frozen> imm = state.immutables;
            if (imm.isEmpty()) {
                return;
            }
            flushOne(imm.getLast());
        }
    }

    private void flushOne(Frozen f) throws IOException {
        long number = nextTable++;
        Path p = tablePath(dir, number);
        SSTableWriter w = new SSTableWriter(fs.open(p));
        long max = 0;
        MemTable m = f.table;
        // With no live snapshot only the newest version of a key can be read: the older ones (a key
        // written again before the flush) would only be carried to compaction to be dropped there.
        boolean newestOnly = snapshotPoints().length == 1;
        long previous = -1;
        for (MemTable.Cursor c = m.cursor(); c.valid(); c.next()) {
            long n = c.node();
            max = Math.max(max, m.sequence(n));
            if (newestOnly && previous != -1 && sameKey(m, previous, n)) {
                continue; // versions of a key come newest first
            }
            w.add(m.segment(n), m.keyOffset(n), m.keyLength(n), m.sequence(n), m.segment(n), m.valueOffset(n), m.valueLength(n));
            previous = n;
        }
        w.finish(); // synced
        fs.syncDirectory(dir);
        Table t = openTable(fs, dir, cache, number, 0, max);
        logEdit(List.of(), List.of(t));
        install(s -> {
            List<Frozen> imm = new ArrayList<>(s.immutables);
            imm.remove(f);
            List<List<Table>> levels = new ArrayList<>(s.levels);
            List<Table> l0 = new ArrayList<>(levels.get(0));
            l0.addFirst(t);
            levels.set(0, List.copyOf(l0));
            return new State(List.copyOf(imm), List.copyOf(levels));
        });
        m.close(); // no reader is inside it: reads hold the read lock, and install took the write lock
        wal.deleteSegmentsBefore(f.lastSegment + 1);
        stats.flushes++;
        stats.bytesFlushed += t.size;
    }

    private static boolean sameKey(MemTable m, long a, long b) {
        int len = m.keyLength(a);
        return len == m.keyLength(b) && MemorySegment.mismatch(m.segment(a), m.keyOffset(a), m.keyOffset(a) + len,
                m.segment(b), m.keyOffset(b), m.keyOffset(b) + len) < 0;
    }

    /** Records a version edit in the manifest (synced) before anything depends on it. */
    void logEdit(List<Table> removed, List<Table> added) throws IOException {
        ByteBuffer edit = ByteBuffer.allocate(1 + 4 + 8 * removed.size() + 4 + 17 * added.size()).order(ByteOrder.LITTLE_ENDIAN);
        edit.put(EDIT_VERSION).putInt(removed.size());
        for (Table t : removed) {
            edit.putLong(t.number);
        }
        edit.putInt(added.size());
        for (Table t : added) {
            edit.putLong(t.number).put((byte) t.level).putLong(t.maxSequence);
        }
        manifest.append(edit.flip());
        manifest.commit(true);
    }

    /** Replaces {@code removed} by {@code added} in the levels, then closes and deletes the removed tables. */
    void replaceTables(List<Table> removed, List<Table> added) throws IOException {
        install(s -> {
            List<List<Table>> levels = new ArrayList<>();
            for (List<Table> l : s.levels) {
                List<Table> copy = new ArrayList<>(l);
                copy.removeAll(removed);
                levels.add(copy);
            }
            for (Table t : added) {
                levels.get(t.level).add(t);
            }
            levels.get(0).sort((a, b) -> Long.compare(b.number, a.number));
            for (int l = 1; l < LEVELS; l++) {
                levels.get(l).sort((a, b) -> Arrays.compareUnsigned(a.smallest, b.smallest));
            }
            for (Table t : removed) { // under the write lock: no read is using the cache or the table
                cache.evictTable(t.number);
            }
            return new State(s.immutables, freeze(levels));
        });
        for (Table t : removed) {
            t.reader.close();
            fs.delete(tablePath(dir, t.number));
        }
    }

    /** A table moved to another level keeps its file, reader and cached blocks. */
    void replaceTablesKeepingFiles(List<Table> removed, List<Table> added) {
        install(s -> {
            List<List<Table>> levels = new ArrayList<>();
            for (List<Table> l : s.levels) {
                List<Table> copy = new ArrayList<>(l);
                copy.removeAll(removed);
                levels.add(copy);
            }
            for (Table t : added) {
                levels.get(t.level).add(t);
            }
            for (int l = 1; l < LEVELS; l++) {
                levels.get(l).sort((a, b) -> Arrays.compareUnsigned(a.smallest, b.smallest));
            }
            return new State(s.immutables, freeze(levels));
        });
    }

    /** Round-robin compaction positions per level (under the work lock). */
    final byte[][] compactCursors = new byte[LEVELS][];

    long newTableNumber() {
        return nextTable++;
    }

    FileSystem fs() {
        return fs;
    }

    Path dir() {
        return dir;
    }

    Options options() {
        return options;
    }

    State state() {
        return state;
    }

    /** The background thread's nice value: below the event loops when both want a core, never idle. */
    static final int BACKGROUND_NICE = 10;

    private void workLoop() {
        // Flushes and compactions may lag a little; the shard loops' replies may not.
        ThreadPriority.lowerCurrentThread(BACKGROUND_NICE);
        while (!closing) {
            try {
                wakeWorker.tryAcquire(backgroundError != null ? 1000 : 200, TimeUnit.MILLISECONDS);
                wakeWorker.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (closing) {
                return;
            }
            workLock.lock();
            try {
                wal.prepareNextSegment();
                flushImmutables();
                new Compactor(this).compactWhileNeeded(true);
                wal.prepareNextSegment();
                backgroundError = null;
            } catch (IOException e) {
                if (backgroundError == null || !String.valueOf(e.getMessage()).equals(stats.lastBackgroundError)) {
                    System.err.println("HeliosDB storage: background flush/compaction in " + dir + " failed (retrying): " + e);
                }
                backgroundError = e;
                stats.backgroundErrors++;
                stats.lastBackgroundError = String.valueOf(e.getMessage());
            } catch (RuntimeException e) {
                stats.backgroundErrors++;
                stats.lastBackgroundError = String.valueOf(e);
                System.err.println("HeliosDB storage: internal error in background work of " + dir + ":");
                e.printStackTrace();
            } finally {
                workDone.signalAll();
                workLock.unlock();
            }
        }
    }

    // ---- introspection ------------------------------------------------------------------------

    public BlockCache cache() {
        return cache;
    }

    public Stats stats() {
        return stats;
    }

    public int tableCount() {
        return state.tableCount();
    }

    /** Tables per level, for INFO and tests. */
    public int[] tablesPerLevel() {
        State s = state;
        int[] n = new int[LEVELS];
        for (int l = 0; l < LEVELS; l++) {
            n[l] = s.levels.get(l).size();
        }
        return n;
    }

    /** Bytes of all live tables. */
    public long tableBytes() {
        long n = 0;
        for (List<Table> l : state.levels) {
            for (Table t : l) {
                n += t.size;
            }
        }
        return n;
    }

    /** Bytes held by the mutable and immutable memtables. */
    public long memtableBytes() {
        long n = memtable.bytes();
        for (Frozen f : state.immutables) {
            n += f.table.bytes();
        }
        return n;
    }

    public long lastSequence() {
        return sequence;
    }

    @Override
    public void close() throws IOException {
        closing = true;
        if (worker != null) {
            wakeWorker.release();
            try {
                worker.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workLock.lock();
        try {
            wal.close();
            manifest.close();
            memtable.close();
            State s = state;
            for (Frozen f : s.immutables) {
                f.table.close();
            }
            for (List<Table> l : s.levels) {
                for (Table t : l) {
                    t.reader.close();
                }
            }
            cache.close();
        } finally {
            workLock.unlock();
        }
    }
}

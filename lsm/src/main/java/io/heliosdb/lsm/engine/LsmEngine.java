package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.lsm.memtable.MemTable;
import io.heliosdb.lsm.sstable.SSTableReader;
import io.heliosdb.lsm.sstable.SSTableWriter;
import io.heliosdb.lsm.wal.WriteAheadLog;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One shard's LSM tree: write-ahead log, mutable memtable, immutable SSTables and a manifest.
 *
 * <p>Write: the record goes to the log (gathered; {@link #commit} writes the group and syncs per
 * policy) and into the memtable; the caller acknowledges after the commit. Read: memtable, then
 * tables newest first; the first version found wins (a tombstone means absent).
 *
 * <p>Flush ({@link #flush}): the log is rotated (the memtable's records are now in finished
 * segments), the memtable is written as a table and synced, the table is recorded in the manifest
 * (synced), and only then are the finished log segments deleted. A crash at any point leaves either
 * the log records or the recorded table (or both: recovery skips log records the table already
 * holds, by sequence), and a table file not in the manifest is an unfinished flush and is deleted.
 *
 * <p>Owned by one shard thread; not thread-safe. Compaction: a first size-tiered merge ({@link #compact});
 * leveled compaction, snapshots and a block cache come next.
 */
public final class LsmEngine implements AutoCloseable {
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte EDIT_ADD_TABLE = 1;
    /** One record: the compaction's output table and every input it replaces (atomic). */
    private static final byte EDIT_REPLACE_TABLES = 2;
    /** Compact when this many tables exist (a first, size-tiered policy; leveled compaction is next). */
    static final int COMPACTION_TRIGGER = 4;

    private final FileSystem fs;
    private final Path dir;
    private final WriteAheadLog wal;
    private final WriteAheadLog manifest;
    private MemTable memtable = new MemTable();
    private final List<Table> tables = new ArrayList<>(); // oldest first
    private long sequence;
    private long nextTable = 1;
    private final long memtableLimit;
    private io.heliosdb.lsm.cache.BlockCache cache;
    /** Live snapshots (sequence -> how many holders): compaction keeps what they can see. */
    private final java.util.TreeMap<Long, Integer> snapshots = new java.util.TreeMap<>();
    /** Default block cache per engine (per shard). */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;

    private record Table(long number, long maxSequence, SSTableReader reader) {}

    /** What opening found, for the log. */
    public record Recovery(int tables, long walRecordsReplayed, long walRecordsSkipped, WriteAheadLog.Recovery wal,
                           int orphansDeleted) {}

    private LsmEngine(FileSystem fs, Path dir, WriteAheadLog wal, WriteAheadLog manifest, long memtableLimit) {
        this.fs = fs;
        this.dir = dir;
        this.wal = wal;
        this.manifest = manifest;
        this.memtableLimit = memtableLimit;
    }

    public static LsmEngine open(FileSystem fs, Path dir, long memtableLimit, java.util.function.Consumer<Recovery> report)
            throws IOException {
        return open(fs, dir, memtableLimit, DEFAULT_CACHE_BYTES, report);
    }

    public static LsmEngine open(FileSystem fs, Path dir, long memtableLimit, long cacheBytes,
                                 java.util.function.Consumer<Recovery> report) throws IOException {
        io.heliosdb.lsm.cache.BlockCache cache = new io.heliosdb.lsm.cache.BlockCache(cacheBytes);
        fs.createDirectories(dir);
        // 1. The manifest: which tables are live, and up to which sequence each holds.
        java.util.LinkedHashMap<Long, Long> liveTables = new java.util.LinkedHashMap<>(); // number -> max sequence
        WriteAheadLog manifest = WriteAheadLog.open(fs, dir.resolve("manifest"), edit -> {
            ByteBuffer b = edit.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            byte type = b.get();
            long number = b.getLong();
            long maxSequence = b.getLong();
            if (type == EDIT_REPLACE_TABLES) {
                int inputs = b.getInt();
                for (int i = 0; i < inputs; i++) {
                    liveTables.remove(b.getLong());
                }
            }
            liveTables.put(number, maxSequence);
        }, r -> { });
        Set<String> live = new HashSet<>();
        List<Table> tables = new ArrayList<>();
        long flushed = 0;
        long nextTable = 1;
        for (var a : liveTables.entrySet()) {
            Path p = tablePath(dir, a.getKey());
            tables.add(new Table(a.getKey(), a.getValue(), SSTableReader.open(fs.open(p), p.toString()).cached(cache, a.getKey())));
            live.add(p.getFileName().toString());
            flushed = Math.max(flushed, a.getValue());
            nextTable = Math.max(nextTable, a.getKey() + 1);
        }
        int orphans = 0;
        for (Path p : fs.list(dir)) {
            String n = p.getFileName().toString();
            if (n.endsWith(".sst") && !live.contains(n)) {
                fs.delete(p); // a flush that crashed before its manifest edit
                orphans++;
                nextTable = Math.max(nextTable, Long.parseLong(n.substring(0, n.length() - 4)) + 1);
            }
        }
        // 2. The log: everything newer than what the tables hold goes back into a memtable.
        MemTable mem = new MemTable();
        long[] counts = {0, 0, flushed};
        long flushedUpTo = flushed;
        WriteAheadLog.Recovery[] walReport = new WriteAheadLog.Recovery[1];
        WriteAheadLog wal = WriteAheadLog.open(fs, dir.resolve("wal"), rec -> {
            ByteBuffer b = rec.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            byte type = b.get();
            long seq = b.getLong();
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
                MemorySegment value = MemorySegment.ofBuffer(b.slice(b.position(), valueLength));
                mem.add(key, 0, keyLength, seq, value, 0, valueLength);
            } else {
                mem.add(key, 0, keyLength, seq, null, 0, MemTable.TOMBSTONE);
            }
            counts[0]++;
        }, r -> walReport[0] = r);
        LsmEngine engine = new LsmEngine(fs, dir, wal, manifest, memtableLimit);
        engine.cache = cache;
        engine.memtable.close();
        engine.memtable = mem;
        engine.tables.addAll(tables);
        engine.sequence = counts[2];
        engine.nextTable = nextTable;
        report.accept(new Recovery(tables.size(), counts[0], counts[1], walReport[0], orphans));
        return engine;
    }

    private static Path tablePath(Path dir, long number) {
        return dir.resolve(String.format("%016d.sst", number));
    }

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

    /** Writes the gathered log records (group commit) and syncs if asked; then acknowledge them. */
    public void commit(boolean sync) throws IOException {
        wal.commit(sync);
        if (memtable.bytes() > memtableLimit) {
            flush();
        }
    }

    /** A point in time to read at; {@link #release} it when done (until then compaction keeps its data). */
    public long snapshot() {
        snapshots.merge(sequence, 1, Integer::sum);
        return sequence;
    }

    public void release(long snapshot) {
        snapshots.computeIfPresent(snapshot, (k, n) -> n == 1 ? null : n - 1);
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
            int len = memtable.valueLength(node);
            return len == MemTable.TOMBSTONE ? null
                    : io.heliosdb.memory.ByteStrings.toBytes(memtable.segment(node), memtable.valueOffset(node), len);
        }
        for (int i = tables.size() - 1; i >= 0; i--) {
            SSTableReader.Entry e = tables.get(i).reader.get(key, snapshot);
            if (e != null) {
                return e.tombstone() ? null : e.value();
            }
        }
        return null;
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
        List<VersionSource> sources = new ArrayList<>();
        sources.add(new MemTableSource(memtable, from));
        for (int i = tables.size() - 1; i >= 0; i--) {
            sources.add(new TableSource(tables.get(i).reader, from));
        }
        MergedScan scan = new MergedScan(sources, snapshot);
        List<byte[][]> out = new ArrayList<>();
        while (scan.valid() && out.size() < limit && (to == null || java.util.Arrays.compareUnsigned(scan.key(), to) < 0)) {
            out.add(new byte[][]{scan.key(), scan.value()});
            scan.next();
        }
        return out;
    }

    /** Live entries whose key starts with {@code prefix}, in key order. */
    public List<byte[][]> scanPrefix(byte[] prefix, int limit) throws IOException {
        return scan(prefix, prefixEnd(prefix), limit);
    }

    /** The smallest key greater than every key with this prefix, or null if there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xFF) != 0xFF) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    /** Writes the memtable as a new table (see the class comment for the crash-safe order). */
    public void flush() throws IOException {
        if (memtable.entries() == 0) {
            return;
        }
        long finishedUpTo = wal.rotate(); // commits and syncs pending records too
        long number = nextTable++;
        Path p = tablePath(dir, number);
        SSTableWriter w = new SSTableWriter(fs.open(p));
        long max = 0;
        for (long n = memtable.first(); n != -1; n = memtable.next(n)) {
            w.add(memtable.segment(n), memtable.keyOffset(n), memtable.keyLength(n), memtable.sequence(n),
                    memtable.segment(n), memtable.valueOffset(n), memtable.valueLength(n));
            max = Math.max(max, memtable.sequence(n));
        }
        w.finish(); // synced
        fs.syncDirectory(dir);
        ByteBuffer edit = ByteBuffer.allocate(17).order(ByteOrder.LITTLE_ENDIAN);
        edit.put(EDIT_ADD_TABLE).putLong(number).putLong(max); // same prefix as EDIT_REPLACE_TABLES
        manifest.append(edit.flip());
        manifest.commit(true);
        tables.add(new Table(number, max, SSTableReader.open(fs.open(p), p.toString()).cached(cache, number)));
        memtable.close();
        memtable = new MemTable();
        wal.deleteSegmentsBefore(finishedUpTo + 1);
        if (tables.size() >= COMPACTION_TRIGGER) {
            compact();
        }
    }

    /**
     * Merges every table into one, keeping each key's newest version and dropping tombstones
     * (nothing older lies below the merged table; the memtable is newer than all of it). The new
     * table and the removal of its inputs are one manifest record; inputs are deleted only after it
     * is synced, so a crash leaves either the old tables or the new one (and orphans are removed at
     * open). No reader holds snapshots yet; when they do, versions they can see must be kept.
     */
    public void compact() throws IOException {
        if (tables.size() < 2) {
            return;
        }
        List<VersionSource> sources = new ArrayList<>();
        long max = 0;
        for (int i = tables.size() - 1; i >= 0; i--) {
            sources.add(new TableSource(tables.get(i).reader, null));
            max = Math.max(max, tables.get(i).maxSequence);
        }
        VersionMerge merged = new VersionMerge(sources);
        long number = nextTable++;
        Path p = tablePath(dir, number);
        SSTableWriter w = new SSTableWriter(fs.open(p));
        long[] points = new long[snapshots.size() + 1]; // what some reader can see: each snapshot, and now
        int np = 0;
        for (long snap : snapshots.descendingKeySet()) {
            points[np++] = snap;
        }
        points[np++] = Long.MAX_VALUE;
        java.util.Arrays.sort(points, 0, np);
        List<Object[]> kept = new ArrayList<>();
        while (merged.valid()) {
            byte[] k = merged.key();
            // Versions of k arrive newest first; keep the newest one visible at each point.
            kept.clear();
            int point = np - 1; // from "now" down to the oldest snapshot
            while (merged.valid() && java.util.Arrays.equals(merged.key(), k)) {
                long seq = merged.sequence();
                boolean visible = false;
                while (point >= 0 && seq <= points[point]) {
                    visible = true; // newest version with seq <= this point
                    point--;
                }
                if (visible) {
                    kept.add(new Object[]{seq, merged.value()});
                }
                merged.next();
            }
            // The oldest kept version is the bottom: a tombstone there hides nothing, drop it.
            while (!kept.isEmpty() && kept.get(kept.size() - 1)[1] == null) {
                kept.remove(kept.size() - 1);
            }
            for (Object[] v : kept) {
                byte[] value = (byte[]) v[1];
                w.add(MemorySegment.ofArray(k), 0, k.length, (Long) v[0],
                        value == null ? null : MemorySegment.ofArray(value), 0, value == null ? MemTable.TOMBSTONE : value.length);
            }
        }
        w.finish();
        fs.syncDirectory(dir);
        ByteBuffer edit = ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 * tables.size()).order(ByteOrder.LITTLE_ENDIAN);
        edit.put(EDIT_REPLACE_TABLES).putLong(number).putLong(max).putInt(tables.size());
        for (Table t : tables) {
            edit.putLong(t.number);
        }
        manifest.append(edit.flip());
        manifest.commit(true);
        List<Table> old = new ArrayList<>(tables);
        tables.clear();
        tables.add(new Table(number, max, SSTableReader.open(fs.open(p), p.toString()).cached(cache, number)));
        for (Table t : old) {
            cache.evictTable(t.number);
            t.reader.close();
            fs.delete(tablePath(dir, t.number));
        }
    }

    public io.heliosdb.lsm.cache.BlockCache cache() {
        return cache;
    }

    public int tableCount() {
        return tables.size();
    }

    public long lastSequence() {
        return sequence;
    }

    @Override
    public void close() throws IOException {
        wal.close();
        manifest.close();
        memtable.close();
        for (Table t : tables) {
            t.reader.close();
        }
        cache.close();
    }
}

package io.heliosdb.lsm.engine;

import io.heliosdb.lsm.memtable.MemTable;
import io.heliosdb.lsm.sstable.SSTableReader;
import io.heliosdb.lsm.sstable.SSTableWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Leveled compaction, one job at a time, under the engine's work lock. A job picks its inputs,
 * merges them into new tables of the next level (split at the target file size, never inside one
 * key's versions), logs one manifest edit that adds the outputs and removes the inputs, and then
 * swaps them in. A crash before the edit leaves orphan outputs (deleted at open); after it, the
 * inputs are orphans. Inputs are read through their own uncached readers: the block cache belongs
 * to the owner thread.
 */
final class Compactor {
    private final LsmEngine engine;
    private final LsmEngine.Options options;

    Compactor(LsmEngine engine) {
        this.engine = engine;
        this.options = engine.options();
    }

    /** Runs jobs until no level is over its limit. */
    void compactWhileNeeded(boolean rateLimited) throws IOException {
        while (true) {
            LsmEngine.State s = engine.state();
            int level = pickLevel(s);
            if (level < 0) {
                return;
            }
            compactLevel(s, level, rateLimited);
        }
    }

    /** The level most over its limit (score > 1), or -1. */
    private int pickLevel(LsmEngine.State s) {
        double best = 1.0;
        int pick = -1;
        double l0 = s.levels().get(0).size() / (double) options.l0CompactionTrigger;
        if (l0 >= best) {
            best = l0;
            pick = 0;
        }
        long limit = options.levelBaseBytes;
        for (int l = 1; l < LsmEngine.LEVELS - 1; l++) {
            double score = bytes(s.levels().get(l)) / (double) limit;
            if (score > best) {
                best = score;
                pick = l;
            }
            limit *= options.levelMultiplier;
        }
        return pick;
    }

    private static long bytes(List<LsmEngine.Table> tables) {
        long n = 0;
        for (LsmEngine.Table t : tables) {
            n += t.size();
        }
        return n;
    }

    private void compactLevel(LsmEngine.State s, int level, boolean rateLimited) throws IOException {
        List<LsmEngine.Table> inputs = new ArrayList<>();
        if (level == 0) {
            inputs.addAll(s.levels().get(0)); // they overlap each other: all of them go together
        } else {
            inputs.add(nextRoundRobin(s.levels().get(level), level));
        }
        byte[] lo = null, hi = null;
        for (LsmEngine.Table t : inputs) {
            lo = lo == null || Arrays.compareUnsigned(t.smallest(), lo) < 0 ? t.smallest() : lo;
            hi = hi == null || Arrays.compareUnsigned(t.largest(), hi) > 0 ? t.largest() : hi;
        }
        List<LsmEngine.Table> below = overlapping(s.levels().get(level + 1), lo, hi);
        inputs.addAll(below);
        boolean bottom = isBottom(s, level + 1, lo, hi);
        run(inputs, level + 1, bottom, rateLimited, true);
    }

    private LsmEngine.Table nextRoundRobin(List<LsmEngine.Table> tables, int level) {
        byte[][] cursors = engine.compactCursors; // the key after the last table compacted out of each level
        byte[] after = cursors[level];
        LsmEngine.Table pick = tables.get(0);
        if (after != null) {
            for (LsmEngine.Table t : tables) {
                if (Arrays.compareUnsigned(t.smallest(), after) > 0) {
                    pick = t;
                    break;
                }
            }
        }
        cursors[level] = pick.largest();
        return pick;
    }

    static List<LsmEngine.Table> overlapping(List<LsmEngine.Table> level, byte[] lo, byte[] hi) {
        List<LsmEngine.Table> out = new ArrayList<>();
        for (LsmEngine.Table t : level) {
            if (Arrays.compareUnsigned(t.largest(), lo) >= 0 && Arrays.compareUnsigned(t.smallest(), hi) <= 0) {
                out.add(t);
            }
        }
        return out;
    }

    /** True when no level below {@code output} holds keys in [lo, hi]: tombstones there hide nothing. */
    private static boolean isBottom(LsmEngine.State s, int output, byte[] lo, byte[] hi) {
        for (int l = output + 1; l < LsmEngine.LEVELS; l++) {
            if (!overlapping(s.levels().get(l), lo, hi).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Merges every table into the deepest level used (at least 1). */
    void compactAll() throws IOException {
        LsmEngine.State s = engine.state();
        List<LsmEngine.Table> inputs = new ArrayList<>();
        int deepest = 1;
        for (int l = 0; l < LsmEngine.LEVELS; l++) {
            inputs.addAll(s.levels().get(l));
            if (!s.levels().get(l).isEmpty()) {
                deepest = Math.max(deepest, l);
            }
        }
        if (inputs.size() < 2 && (inputs.isEmpty() || inputs.get(0).level() == deepest)) {
            return;
        }
        run(inputs, deepest, true, false, false);
    }

    private void run(List<LsmEngine.Table> inputs, int outputLevel, boolean bottom, boolean rateLimited, boolean mayMove)
            throws IOException {
        if (mayMove && inputs.size() == 1 && inputs.get(0).level() != outputLevel) {
            // Nothing to merge with: move the table down by a manifest edit alone (RocksDB's trivial move).
            LsmEngine.Table t = inputs.get(0);
            LsmEngine.Table moved = new LsmEngine.Table(t.number(), outputLevel, t.maxSequence(), t.reader(), t.smallest(), t.largest(), t.size());
            engine.logEdit(List.of(t), List.of(moved));
            engine.replaceTablesKeepingFiles(List.of(t), List.of(moved));
            engine.stats.trivialMoves++;
            return;
        }
        List<SSTableReader> readers = new ArrayList<>();
        List<VersionSource> sources = new ArrayList<>();
        long maxSequence = 0;
        List<LsmEngine.Table> outputs = new ArrayList<>();
        try {
            // Newest first, so equal keys arrive newest version first (sequence order decides anyway).
            for (LsmEngine.Table t : inputs) {
                Path p = LsmEngine.tablePath(engine.dir(), t.number());
                SSTableReader r = SSTableReader.open(engine.fs().open(p), p.toString());
                readers.add(r);
                sources.add(new TableSource(r, null));
                maxSequence = Math.max(maxSequence, t.maxSequence());
            }
            long[] points = engine.snapshotPoints();
            LsmEngine.CompactionFilter filter = options.filter;
            VersionMerge merged = new VersionMerge(sources);
            Output out = new Output(outputLevel, maxSequence, outputs);
            RateLimiter limiter = rateLimited && options.compactionBytesPerSecond > 0
                    ? new RateLimiter(options.compactionBytesPerSecond) : null;
            List<Object[]> kept = new ArrayList<>();
            while (merged.valid()) {
                byte[] k = merged.key();
                kept.clear();
                int point = points.length - 1; // from "now" down to the oldest snapshot
                while (merged.valid() && Arrays.equals(merged.key(), k)) {
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
                // Dead data seen by no snapshot: the filter turns it into a tombstone (dropped below).
                if (filter != null && points.length == 1 && kept.size() == 1 && kept.get(0)[1] != null
                        && filter.drop(k, (byte[]) kept.get(0)[1])) {
                    kept.get(0)[1] = null;
                }
                if (bottom) { // the oldest kept version is the bottom: a tombstone there hides nothing
                    while (!kept.isEmpty() && kept.get(kept.size() - 1)[1] == null) {
                        kept.remove(kept.size() - 1);
                    }
                }
                if (!kept.isEmpty()) {
                    out.splitIfFull();
                }
                for (Object[] v : kept) {
                    byte[] value = (byte[]) v[1];
                    out.add(k, (Long) v[0], value);
                }
                if (limiter != null) {
                    limiter.paceTo(out.totalBytes());
                }
            }
            out.finish();
        } catch (IOException | RuntimeException e) {
            for (LsmEngine.Table t : outputs) {
                t.reader().close();
            }
            throw e;
        } finally {
            for (SSTableReader r : readers) {
                r.close();
            }
        }
        engine.logEdit(inputs, outputs);
        engine.replaceTables(inputs, outputs);
        engine.stats.compactions++;
        for (LsmEngine.Table t : outputs) {
            engine.stats.bytesCompacted += t.size();
        }
    }

    /** The output tables of one job, split at the target size between keys. */
    private final class Output {
        private final int level;
        private final long maxSequence;
        private final List<LsmEngine.Table> done;
        private SSTableWriter writer;
        private long number;
        private long finishedBytes;

        Output(int level, long maxSequence, List<LsmEngine.Table> done) {
            this.level = level;
            this.maxSequence = maxSequence;
            this.done = done;
        }

        void splitIfFull() throws IOException {
            if (writer != null && writer.bytesWritten() >= options.targetFileBytes) {
                finishCurrent();
            }
        }

        void add(byte[] key, long sequence, byte[] value) throws IOException {
            if (writer == null) {
                number = engine.newTableNumber();
                writer = new SSTableWriter(engine.fs().open(LsmEngine.tablePath(engine.dir(), number)));
            }
            writer.add(MemorySegment.ofArray(key), 0, key.length, sequence,
                    value == null ? null : MemorySegment.ofArray(value), 0, value == null ? MemTable.TOMBSTONE : value.length);
        }

        long totalBytes() {
            return finishedBytes + (writer == null ? 0 : writer.bytesWritten());
        }

        private void finishCurrent() throws IOException {
            writer.finish(); // synced
            engine.fs().syncDirectory(engine.dir());
            // The engine's cache is attached when the table is installed; reads here are uncached.
            LsmEngine.Table t = LsmEngine.openTable(engine.fs(), engine.dir(), engine.cache(), number, level, maxSequence);
            done.add(t);
            finishedBytes += t.size();
            writer = null;
        }

        void finish() throws IOException {
            if (writer != null) {
                finishCurrent();
            }
        }
    }

    /** Paces compaction writes to a byte rate so foreground I/O keeps its share of the disk. */
    private static final class RateLimiter {
        private final long bytesPerSecond;
        private final long start = System.nanoTime();

        RateLimiter(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        void paceTo(long bytes) {
            long due = start + bytes * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}

package io.heliosdb.storage;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.engine.WriteBatch;
import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.scheduler.CommitParticipant;
import io.heliosdb.scheduler.Shard;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The server's persistence ({@code appendonly yes}): one {@link ShardStore} and LSM engine per
 * shard under {@code <dir>/shard-<n>}, the {@code appendfsync} policy, the everysec syncer, and the
 * state INFO reports. Redis vocabulary maps onto the engine as follows:
 * <ul>
 *   <li>{@code appendfsync always}: a turn's changes are synced before any of its replies leave;
 *   {@code everysec}: written before replies leave (a kill -9 loses nothing), synced once a second
 *   by a background thread (a power loss loses at most about a second); {@code no}: written, the
 *   OS decides when to sync.</li>
 *   <li>SAVE: every shard commits, syncs, and flushes its memtable to a table (a checkpoint of the
 *   tree, blocking like Redis' SAVE); BGSAVE: the same with the flush in the background;
 *   BGREWRITEAOF: a full compaction in the background (the "rewrite" that drops dead history).</li>
 * </ul>
 */
public final class Persistence implements AutoCloseable {
    public enum Fsync { ALWAYS, EVERYSEC, NO }

    private static final String LAYOUT = "heliosdb.layout";

    private final StorageHost server;
    private final ShardStore[] stores;
    private final CommitRecords records;
    private final Thread syncer;
    private volatile boolean closed;

    // INFO.
    public volatile long lastFsyncMillis;
    public volatile long fsyncErrors;
    public volatile long loadMillis;
    public volatile boolean bgsaveInProgress;
    public volatile boolean rewriteInProgress;
    public volatile String lastBgsaveStatus = "ok";
    public volatile String lastRewriteStatus = "ok";
    public volatile long rewrites;
    public volatile long lastRewriteSeconds = -1;
    public volatile long lastBgsaveSeconds = -1;

    private Persistence(StorageHost server, int shards) {
        this.server = server;
        this.stores = new ShardStore[shards];
        this.records = new CommitRecords(stores);
        this.syncer = new Thread(this::syncEverySecond, "heliosdb-fsync");
        this.syncer.setDaemon(true);
    }

    public static Fsync parse(String appendfsync) {
        return switch (appendfsync) {
            case "always" -> Fsync.ALWAYS;
            case "no" -> Fsync.NO;
            default -> Fsync.EVERYSEC;
        };
    }

    /**
     * Opens (or creates) the data directory, replays every shard's log and tables into its
     * keyspaces (in parallel, each on its own shard thread) and starts tracking changes. Throws
     * with a message for the operator when the directory cannot be used as is.
     */
    public static Persistence open(StorageHost server, Path dir, LsmEngine.Options base, FileSystem fs,
                                   PrintStream log) throws IOException {
        return open(server, dir, base, fs, log, null);
    }

    /**
     * {@link #open}, waiting for the shards' work by running {@code whileWaiting} instead of
     * blocking (null: block): a deterministic simulation's step, whose loops run only when stepped.
     */
    static Persistence open(StorageHost server, Path dir, LsmEngine.Options base, FileSystem fs,
                            PrintStream log, Runnable whileWaiting) throws IOException {
        long maxmemory = server.maxmemory();
        List<Shard> shards = List.of(server.shards().all());
        checkLayout(dir, shards.size());
        Persistence p = new Persistence(server, shards.size());
        long t0 = System.nanoTime();
        long now = server.nowMillis();
        // 1. Every shard's engine, each opened on its own shard thread (the engine's owner).
        LsmEngine[] engines = new LsmEngine[shards.size()];
        LsmEngine.Recovery[] recoveries = new LsmEngine.Recovery[shards.size()];
        ShardStore[][] holders = new ShardStore[shards.size()][1];
        List<Future<Void>> opens = new ArrayList<>();
        for (Shard s : shards) {
            ShardStore[] holder = holders[s.id()];
            LsmEngine.Options o = copy(base);
            o.filter = (k, v) -> holder[0] != null && holder[0].isDead(k, v, server.nowMillis());
            Path shardDir = dir.resolve("shard-" + s.id());
            opens.add(s.loop().submit(() -> {
                engines[s.id()] = LsmEngine.open(fs, shardDir, o, r -> recoveries[s.id()] = r);
                return null;
            }));
        }
        IOException openFailure = awaitAll(opens, whileWaiting);
        if (openFailure != null) {
            for (LsmEngine e : engines) {
                closeQuietly(e);
            }
            throw openFailure;
        }
        // 2. Cross-shard writes whose commit record is logged but whose part a shard's log lacks.
        String redone = finishCommittedWrites(shards, engines, whileWaiting);
        List<Future<String>> loads = new ArrayList<>();
        for (Shard s : shards) {
            ShardKeyspaces st = server.keyspaces(s.id());
            ShardStore[] holder = holders[s.id()];
            loads.add(s.loop().submit(() -> {
                LsmEngine engine = engines[s.id()];
                LsmEngine.Recovery r0 = recoveries[s.id()];
                ShardStore store = new ShardStore(s, st, p, engine, p.records);
                store.memoryBudget(shareOf(maxmemory, shards.size())); // values beyond it load as disk-only
                store.load(now);
                holder[0] = store;
                p.stores[s.id()] = store;
                st.store(store);
                var w = r0.wal();
                return "shard " + s.id() + ": " + store.keysLoaded + " keys from " + r0.tables() + " tables and "
                        + r0.walRecordsReplayed() + " log records"
                        + (w.truncatedAt() >= 0 ? "; torn log tail truncated at offset " + w.truncatedAt() + " of segment "
                        + w.truncatedSegment() + " (" + w.bytesDropped() + " bytes of an unacknowledged write)" : "")
                        + (r0.orphansDeleted() > 0 ? "; " + r0.orphansDeleted() + " unfinished table(s) removed" : "");
            }));
        }
        if (!redone.isEmpty()) {
            log.println("HeliosDB storage: " + redone);
        }
        IOException failure = awaitAll(loads, whileWaiting, line -> log.println("HeliosDB storage: " + line));
        if (failure != null) {
            for (int i = 0; i < engines.length; i++) {
                if (p.stores[i] == null) {
                    closeQuietly(engines[i]);
                }
            }
            p.closeOpened();
            throw failure;
        }
        p.loadMillis = (System.nanoTime() - t0) / 1_000_000;
        long keys = 0;
        for (ShardStore s : p.stores) {
            keys += s.keysLoaded;
        }
        log.println("HeliosDB storage: loaded " + keys + " keys in " + p.loadMillis + " ms from " + dir.toAbsolutePath().normalize()
                + " (appendfsync " + p.fsync().name().toLowerCase() + ")");
        p.syncer.start();
        return p;
    }

    /**
     * Recovery of cross-shard writes (see {@link CommitRecords}): every commit record found in any
     * shard's log is complete, so each shard writes the parts it lacks (no marker), oldest first;
     * then the records are deleted. Each engine is used on its own shard's thread.
     */
    private static String finishCommittedWrites(List<Shard> shards, LsmEngine[] engines, Runnable whileWaiting)
            throws IOException {
        TreeMap<Long, List<CommitParticipant.Part>> committed = new TreeMap<>();
        Map<Long, Integer> originOf = new HashMap<>();
        List<Future<Void>> reads = new ArrayList<>();
        for (Shard s : shards) {
            reads.add(s.loop().submit(() -> {
                for (byte[][] kv : engines[s.id()].scanPrefix(CommitRecords.recordPrefix(), Integer.MAX_VALUE)) {
                    long tx = CommitRecords.txOf(kv[0]);
                    synchronized (committed) {
                        committed.put(tx, CommitRecords.decode(kv[1]));
                        originOf.put(tx, s.id());
                    }
                }
                return null;
            }));
        }
        IOException failure = awaitAll(reads, whileWaiting);
        if (failure != null) {
            throw failure;
        }
        if (committed.isEmpty()) {
            return "";
        }
        long[] written = new long[shards.size()];
        List<Future<Void>> redo = new ArrayList<>();
        for (Shard s : shards) {
            redo.add(s.loop().submit(() -> {
                LsmEngine engine = engines[s.id()];
                for (var e : committed.entrySet()) {
                    if (engine.get(CommitRecords.markerKey(e.getKey())) != null) {
                        continue; // this shard logged its part
                    }
                    WriteBatch b = new WriteBatch();
                    for (var part : e.getValue()) {
                        if (part.shard() != s.id()) {
                            continue;
                        }
                        if (part.participant() != 0) { // a storage this server does not run: its part would be lost
                            throw new IOException("commit record " + e.getKey() + " holds a part for storage "
                                    + part.participant() + " of shard " + s.id() + ", which this server does not have");
                        }
                        CommitRecords.appendChanges(part.changes(), b);
                    }
                    if (b.count() > 0) {
                        engine.write(b);
                        written[s.id()]++;
                    }
                }
                engine.commit(true);
                return null;
            }));
        }
        failure = awaitAll(redo, whileWaiting);
        if (failure != null) {
            throw failure;
        }
        List<Future<Void>> deletes = new ArrayList<>();
        for (Shard s : shards) { // only once every shard has its parts: a record deleted early would lose one
            deletes.add(s.loop().submit(() -> {
                WriteBatch b = new WriteBatch();
                for (var e : originOf.entrySet()) {
                    if (e.getValue() == s.id()) {
                        b.delete(CommitRecords.recordKey(e.getKey()));
                    }
                }
                if (b.count() > 0) {
                    engines[s.id()].write(b);
                    engines[s.id()].commit(true);
                }
                return null;
            }));
        }
        failure = awaitAll(deletes, whileWaiting);
        if (failure != null) {
            throw failure;
        }
        long parts = Arrays.stream(written).sum();
        return committed.size() + " cross-shard write(s) found committed; " + parts
                + " part(s) a shard's log lacked were written from their commit records";
    }

    private static <T> IOException awaitAll(List<Future<T>> futures, Runnable whileWaiting) {
        return awaitAll(futures, whileWaiting, result -> { });
    }

    /** Waits for every future, handing each result to {@code each}; the first failure, or null. */
    private static <T> IOException awaitAll(List<Future<T>> futures, Runnable whileWaiting, Consumer<T> each) {
        IOException failure = null;
        for (Future<T> f : futures) {
            while (whileWaiting != null && !f.isDone()) {
                whileWaiting.run();
            }
            try {
                each.accept(f.get());
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (failure == null) {
                    failure = c instanceof IOException io ? io : new IOException(c.getMessage(), c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new IOException("interrupted while loading");
            }
        }
        return failure;
    }

    private static void closeQuietly(LsmEngine e) {
        if (e != null) {
            try {
                e.close();
            } catch (IOException ignored) {
                // the failure being thrown says what went wrong
            }
        }
    }

    private static LsmEngine.Options copy(LsmEngine.Options b) {
        LsmEngine.Options o = new LsmEngine.Options();
        o.memtableBytes = b.memtableBytes;
        o.cacheBytes = b.cacheBytes;
        o.l0CompactionTrigger = b.l0CompactionTrigger;
        o.l0StopTrigger = b.l0StopTrigger;
        o.maxImmutables = b.maxImmutables;
        o.levelBaseBytes = b.levelBaseBytes;
        o.levelMultiplier = b.levelMultiplier;
        o.targetFileBytes = b.targetFileBytes;
        o.compactionBytesPerSecond = b.compactionBytesPerSecond;
        o.walPreallocateBytes = b.walPreallocateBytes;
        o.background = b.background;
        return o;
    }

    /** Keys are placed on shards by slot, so a directory written with N shards must be opened with N. */
    private static void checkLayout(Path dir, int shards) throws IOException {
        Files.createDirectories(dir);
        Path layout = dir.resolve(LAYOUT);
        if (Files.exists(layout)) {
            String text = Files.readString(layout, StandardCharsets.UTF_8).trim();
            int stored = Integer.parseInt(text.replace("shards=", "").trim());
            if (stored != shards) {
                throw new IOException("data directory " + dir.toAbsolutePath().normalize() + " was written with " + stored
                        + " shards; start with --shards " + stored + " (changing the shard count of existing data is not supported yet)");
            }
            return;
        }
        try (var entries = Files.list(dir)) {
            if (entries.anyMatch(p -> p.getFileName().toString().startsWith("shard-"))) {
                throw new IOException("data directory " + dir + " has shard directories but no " + LAYOUT + " file");
            }
        }
        Path tmp = dir.resolve(LAYOUT + ".tmp");
        Files.writeString(tmp, "shards=" + shards + "\n", StandardCharsets.UTF_8);
        try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, layout, StandardCopyOption.ATOMIC_MOVE);
    }

    public boolean fsyncAlways() {
        return fsync() == Fsync.ALWAYS;
    }

    /** The policy now (read per commit, so CONFIG SET appendfsync applies from the next one). */
    public Fsync fsync() {
        return parse(server.appendfsync());
    }

    public ShardStore store(int shard) {
        return stores[shard];
    }

    public int shards() {
        return stores.length;
    }

    private void syncEverySecond() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (fsync() != Fsync.EVERYSEC || closed) {
                continue;
            }
            for (ShardStore s : stores) {
                try {
                    s.engine().syncLog();
                } catch (IOException e) {
                    fsyncErrors++;
                    System.err.println("HeliosDB storage: fsync of shard " + s.shardId() + " failed: " + e.getMessage());
                }
            }
            lastFsyncMillis = System.currentTimeMillis();
        }
    }

    /** A shard crossed its RAM budget with nothing left to move to disk (or came back under it). */
    void budgetChanged() {
        boolean any = false;
        for (ShardStore s : stores) {
            any |= s != null && s.overBudget;
        }
        server.outOfMemory(any);
    }

    /** A shard's part of maxmemory: 0 is no limit, so a tiny limit still leaves each shard 1 byte. */
    public static long shareOf(long maxmemory, int shards) {
        return maxmemory <= 0 ? 0 : Math.max(1, maxmemory / shards);
    }

    /** Splits maxmemory over the shards (CONFIG SET maxmemory applies at the next check). */
    public void applyMaxmemory(long maxmemory) {
        for (ShardStore s : stores) {
            long share = shareOf(maxmemory, stores.length);
            s.shard().loop().execute(() -> {
                s.memoryBudget(share);
                s.evictIfNeeded();
            });
        }
    }

    /** Values read back from disk (INFO heliosdb_tier_disk_hits). */
    public long coldLoads() {
        return sumStores(s -> s.coldLoads);
    }

    /** Values moved to disk-only (INFO heliosdb_tier_values_moved_to_disk). */
    public long evictions() {
        return sumStores(s -> s.evictions);
    }

    void storeFailed(ShardStore store, IOException e, boolean first) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        server.logUnwritable(reason);
        if (first) {
            System.err.println("HeliosDB storage: shard " + store.shardId() + " cannot write its log (" + reason
                    + "); refusing writes and retrying every second");
        }
    }

    void storeRecovered(ShardStore store) {
        for (ShardStore s : stores) {
            if (s != null && s.writeError() != null) {
                return;
            }
        }
        server.logUnwritable(null);
        System.err.println("HeliosDB storage: the log is writable again (shard " + store.shardId() + "); accepting writes");
    }

    /** Changes since the last SAVE/BGSAVE (INFO rdb_changes_since_last_save). */
    public long changesSinceSave() {
        return sumStores(s -> s.changesSinceSave);
    }

    private long sumStores(ToLongFunction<ShardStore> f) {
        long n = 0;
        for (ShardStore s : stores) {
            n += f.applyAsLong(s);
        }
        return n;
    }

    public long logBytes() {
        return sum(LsmEngine::logBytes);
    }

    public String lastWriteStatus() {
        for (ShardStore s : stores) {
            if (s.writeError() != null) {
                return "err";
            }
        }
        return "ok";
    }

    /** Sum over shards of an engine figure. */
    public long sum(ToLongFunction<LsmEngine> f) {
        long n = 0;
        for (ShardStore s : stores) {
            n += f.applyAsLong(s.engine());
        }
        return n;
    }

    /** A shard's part of SAVE: commit, sync, flush the memtable to a table. Shard thread. */
    public static Object saveShard(ShardStore s) {
        return flushShard(s, false);
    }

    /** A shard's part of BGSAVE: commit now, hand the memtable to the background flush. Shard thread. */
    public static Object bgsaveShard(ShardStore s) {
        return flushShard(s, true);
    }

    private static Object flushShard(ShardStore s, boolean inBackground) {
        if (s == null) {
            return null;
        }
        s.commitNow();
        try {
            if (inBackground) {
                s.engine().flushInBackground();
            } else {
                s.engine().flush();
            }
            s.changesSinceSave = 0;
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** BGREWRITEAOF: a full compaction of every shard, on a background thread. */
    public synchronized boolean startRewrite() {
        if (rewriteInProgress) {
            return false;
        }
        rewriteInProgress = true;
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            String status = "ok";
            for (ShardStore s : stores) {
                try {
                    s.engine().compact();
                } catch (IOException e) {
                    status = "err";
                    System.err.println("HeliosDB storage: rewrite (full compaction) of shard " + s.shardId() + " failed: " + e);
                }
            }
            lastRewriteStatus = status;
            lastRewriteSeconds = (System.nanoTime() - t0) / 1_000_000_000;
            rewrites++;
            rewriteInProgress = false;
        }, "heliosdb-rewrite");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /** Waits (on a helper thread) until the background flushes BGSAVE queued are done. */
    public void awaitBgsave(long startMillis) {
        Thread t = new Thread(() -> {
            String status = "ok";
            for (ShardStore s : stores) {
                try {
                    s.engine().awaitFlushesFromAnyThread();
                } catch (IOException e) {
                    status = "err";
                }
            }
            lastBgsaveStatus = status;
            lastBgsaveSeconds = (System.currentTimeMillis() - startMillis) / 1000;
            if (status.equals("ok")) {
                server.saved(System.currentTimeMillis() / 1000);
            }
            bgsaveInProgress = false;
        }, "heliosdb-bgsave");
        t.setDaemon(true);
        t.start();
    }

    /** A shard's part of CHECKPOINT: a consistent copy of its tree under {@code target} (tables hard-linked). */
    public static Object checkpointShard(ShardStore s, Path target) {
        s.commitNow();
        try {
            s.engine().checkpoint(target.resolve("shard-" + s.shardId()));
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** Writes the layout file of a checkpoint directory (after every shard's part). */
    public void finishCheckpoint(Path target) throws IOException {
        Files.writeString(target.resolve(LAYOUT), "shards=" + stores.length + "\n", StandardCharsets.UTF_8);
    }

    private void closeOpened() {
        for (ShardStore s : stores) {
            if (s != null) {
                try {
                    s.engine().close();
                } catch (IOException ignored) {
                    // reported by the failure being thrown
                }
            }
        }
    }

    /** Test only: stops the syncer and forgets the engines without writing anything (a simulated crash). */
    void abandon() {
        closed = true;
        syncer.interrupt();
    }

    /** Commits and closes every shard's store, each on its own thread (shutdown). */
    @Override
    public void close() {
        closed = true;
        syncer.interrupt();
        List<Future<?>> done = new ArrayList<>();
        for (ShardStore s : stores) {
            done.add(s.shard().loop().submit(() -> {
                s.close();
                return null;
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (Exception e) {
                System.err.println("HeliosDB storage: closing failed: " + e);
            }
        }
    }
}

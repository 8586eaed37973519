package io.heliosdb.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ObjectTable;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.io.FaultyFileSystem;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import io.heliosdb.scheduler.sim.SimLoop;
import io.heliosdb.scheduler.sim.Simulation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The real storage (ShardStore, commit records, recovery) on the deterministic shard harness: a
 * seeded workload of cross-shard MSETs (in two databases), a token RENAMEd between shards, a
 * FLUSHDB of every shard and single-shard SETs runs on simulated shards over a crash-modelling
 * file system, is cut at a step the seed picks, the file system loses what was not synced, and the
 * storage is opened again (itself on a simulated group). After recovery every cross-shard write is
 * all or nothing, the token is on exactly one shard, and nothing acknowledged is lost. A failing
 * seed replays with {@link #runAndCrash(long, long)}.
 */
class StorageSimulationTest {
    private static final int SHARDS = 3;
    private static final int GROUPS = 3;
    private static final int DATABASES = 2;
    private static final long WORKLOAD_NANOS = 3_000_000;
    private static final long STEP_BOUND = 200_000;
    private static final int SEEDS = 60;

    /** How a run may be broken on purpose, to show that the checks see it. */
    record Options(boolean splitMset, String appendfsync) {
        static final Options CORRECT = new Options(false, "always");
    }

    @Test
    void everyCrossShardWriteIsAllOrNothingAfterACrashAtAnySeededStep() throws Exception {
        long crashedMidway = 0;
        long ackedTransactions = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            World full = runAndCrash(seed, STEP_BOUND, Options.CORRECT);
            long total = full.steps;
            full.discard();
            deleteQuietly(full.dir);
            long crashAt = 1 + new Random(seed).nextLong(total);
            World w = runAndCrash(seed, crashAt, Options.CORRECT);
            ackedTransactions += w.ackedTx;
            crashedMidway += w.ackedTx < w.started ? 1 : 0;
            List<String> violations = w.recoverAndCheck();
            deleteQuietly(w.dir);
            assertEquals(List.of(), violations, "seed " + seed + " crashed at step " + crashAt + " of " + total);
        }
        assertTrue(crashedMidway > SEEDS / 4, "the crashes should mostly cut transactions under way: " + crashedMidway);
        assertTrue(ackedTransactions > SEEDS * 3L, "cross-shard writes were acknowledged before the crashes: " + ackedTransactions);
    }

    /** The checks can fail: an MSET done as one transaction per shard is torn by some crash. */
    @Test
    void anMsetSplitIntoOneTransactionPerShardIsCaught() throws Exception {
        assertTrue(firstSeedCaught(new Options(true, "always")) > 0, "no crash tore a split MSET");
    }

    /**
     * The checks can fail, and this is what the other modes give up: with appendfsync no (and
     * everysec) a power loss, which drops unsynced bytes of each file independently, may lose an
     * acknowledged write (as in Redis). A process crash (kill -9) keeps the page cache, so it
     * cannot: CrossShardCrashTest.
     */
    @Test
    void withoutSyncAPowerLossBreaksTheRulesAndTheChecksSeeIt() throws Exception {
        assertTrue(firstSeedCaught(new Options(false, "no")) > 0, "no power loss broke an unsynced run");
    }

    /**
     * ... but even there a power loss tears no cross-shard write: the other shards log their parts
     * only once the commit record is synced (ShardStore.logCommit). Before that, this failed.
     */
    @Test
    void aPowerLossInEverysecOrNoTearsNoCrossShardWrite() throws Exception {
        for (String mode : List.of("everysec", "no")) {
            Options opts = new Options(false, mode);
            for (long seed = 1; seed <= SEEDS; seed++) {
                World full = runAndCrash(seed, STEP_BOUND, opts);
                long total = full.steps;
                full.discard();
                deleteQuietly(full.dir);
                long crashAt = 1 + new Random(seed).nextLong(total);
                World w = runAndCrash(seed, crashAt, opts);
                List<String> torn = w.recoverAndCheck().stream()
                        .filter(v -> v.contains("torn") || v.matches("the token is on [2-9].*")).toList();
                deleteQuietly(w.dir);
                assertEquals(List.of(), torn, mode + ", seed " + seed + " crashed at step " + crashAt + " of " + total);
            }
        }
    }

    private static long firstSeedCaught(Options broken) throws Exception {
        for (long seed = 1; seed <= SEEDS; seed++) {
            World full = runAndCrash(seed, STEP_BOUND, broken);
            long total = full.steps;
            full.discard();
            deleteQuietly(full.dir);
            World w = runAndCrash(seed, 1 + new Random(seed).nextLong(total), broken);
            List<String> violations = w.recoverAndCheck();
            deleteQuietly(w.dir);
            if (!violations.isEmpty()) {
                System.out.println("caught at seed " + seed + ": " + violations.get(0));
                return seed;
            }
        }
        return 0;
    }

    /**
     * A process crash (kill -9: the page cache keeps what was written) after any log write of a few
     * seeds' runs, so also between the two batches in which a shard logs its part of a two-round
     * transaction: after recovery every rule holds.
     */
    @Test
    void aProcessCrashAfterAnyWriteKeepsEveryRule() throws Exception {
        for (long seed = 1; seed <= PROCESS_CRASH_SEEDS; seed++) {
            for (long k : writeCounts(seed)) {
                World w = runUntilWrites(seed, k);
                List<String> violations = w.recoverAndCheck(false);
                deleteQuietly(w.dir);
                assertEquals(List.of(), violations, "seed " + seed + ", the process died after write " + k);
            }
        }
    }

    /**
     * The check above can fail: with each part's marker in its first batch (the placement
     * ShardStore.markLastParts replaced), some process crash between a shard's two batches of one
     * transaction loses its second round.
     */
    @Test
    void aMarkerWithTheFirstOfTwoBatchesIsCaught() throws Exception {
        ShardStore.markEveryBatchForTest = true;
        try {
            String caught = null;
            for (long seed = 1; seed <= PROCESS_CRASH_SEEDS && caught == null; seed++) {
                for (long k : writeCounts(seed)) {
                    World w = runUntilWrites(seed, k);
                    List<String> violations = w.recoverAndCheck(false);
                    deleteQuietly(w.dir);
                    if (!violations.isEmpty()) {
                        caught = "seed " + seed + ", write " + k + ": " + violations.get(0);
                        break;
                    }
                }
            }
            System.out.println("caught: " + caught);
            assertTrue(caught != null, "no process crash lost a round with markers in the first batches");
        } finally {
            ShardStore.markEveryBatchForTest = false;
        }
    }

    private static final int PROCESS_CRASH_SEEDS = 3;

    /** Every count of writes the seed's full run makes after the storage opened. */
    private static List<Long> writeCounts(long seed) throws Exception {
        World w = new World(seed, Options.CORRECT);
        w.open();
        long atOpen = w.fs.writes();
        w.schedule();
        while (w.steps < STEP_BOUND && w.sim.step()) {
            w.steps++;
        }
        long total = w.fs.writes() - atOpen;
        w.discard();
        deleteQuietly(w.dir);
        List<Long> counts = new ArrayList<>();
        for (long k = 0; k <= total; k++) {
            counts.add(k);
        }
        return counts;
    }

    /** Runs {@code seed}'s workload with a process that dies after {@code writes} writes past the open. */
    static World runUntilWrites(long seed, long writes) throws Exception {
        World w = new World(seed, Options.CORRECT);
        w.open();
        w.fs.stopWritingAfter(writes);
        w.processGone = true;
        w.schedule();
        while (w.steps < STEP_BOUND && !w.fs.stoppedWriting() && w.sim.step()) {
            w.steps++;
        }
        return w; // the step that made the last write may have gone on past it (its later writes failed)
    }

    @Test
    void theSameSeedReplaysTheSameRun() throws Exception {
        for (long seed = 1; seed <= 10; seed++) {
            World a = runAndCrash(seed, STEP_BOUND, Options.CORRECT);
            World b = runAndCrash(seed, STEP_BOUND, Options.CORRECT);
            assertEquals(a.sim.trace(), b.sim.trace(), "seed " + seed);
            assertEquals(a.acked, b.acked, "seed " + seed);
            a.discard();
            b.discard();
            deleteQuietly(a.dir);
            deleteQuietly(b.dir);
        }
    }

    /** Runs {@code seed}'s workload for at most {@code steps} simulated steps, then crashes. */
    static World runAndCrash(long seed, long steps, Options opts) throws Exception {
        World w = new World(seed, opts);
        w.open();
        w.schedule();
        w.steps = 0;
        while (w.steps < steps && w.sim.step()) {
            w.steps++;
        }
        assertEquals(List.of(), w.sim.failures(), "seed " + seed + ": a task failed");
        return w;
    }

    /** One simulated server: its shards' keyspaces and storage on a crash-modelling file system. */
    static final class World implements StorageHost {
        final long seed;
        final Simulation sim;
        final Random workload;
        final FaultyFileSystem fs;
        final Path dir;
        ShardGroup group;
        Keyspaces[] keyspaces;
        Persistence persistence;
        long steps;
        int started;
        int nextSeq;
        /** Transactions acknowledged durable. */
        int ackedTx;
        /** Sequence numbers of the FLUSHDBs that started (one may be logged without its acknowledgement). */
        final List<Integer> flushes = new ArrayList<>();
        /** Acknowledged writes: name -> the sequence number acknowledged last (MSET groups, SETs). */
        final Map<String, Integer> acked = new HashMap<>();

        final Options opts;

        World(long seed, Options opts) throws IOException {
            this(seed, opts, new FaultyFileSystem(), Files.createTempDirectory("helios-storagesim"));
        }

        /** A world on {@code fs} and {@code dir} as another left them (the restart after a crash). */
        World(long seed, Options opts, FaultyFileSystem fs, Path dir) {
            this.seed = seed;
            this.opts = opts;
            this.sim = new Simulation(seed);
            this.workload = new Random(seed * 31 + 7);
            this.fs = fs;
            this.dir = dir;
        }

        void open() throws IOException {
            group = sim.shardGroup(SHARDS);
            keyspaces = new Keyspaces[SHARDS];
            for (int i = 0; i < SHARDS; i++) {
                keyspaces[i] = new Keyspaces("sim-" + seed + "-" + i);
            }
            persistence = Persistence.open(this, dir, options(), fs, QUIET, this::pump);
        }

        private void pump() {
            if (!sim.step()) {
                throw new IllegalStateException("seed " + seed + ": the storage waits for work no loop has");
            }
        }

        private static LsmEngine.Options options() {
            LsmEngine.Options o = new LsmEngine.Options();
            o.memtableBytes = 64 << 10; // small, so some runs flush to tables (on the caller: deterministic)
            o.cacheBytes = 1 << 20;
            return o;
        }

        // ---- the workload --------------------------------------------------------------------

        void schedule() {
            // the token of the RENAMEs starts on shard 0 (a single-shard write, logged before anything else)
            sim.external(0, "SET tok", () -> solo(0, 0, "tok", "token"));
            int ops = 25 + workload.nextInt(20);
            for (int i = 0; i < ops; i++) {
                long at = 10_000 + workload.nextLong(WORKLOAD_NANOS);
                Shard origin = group.shard(workload.nextInt(SHARDS));
                int kind = workload.nextInt(100);
                int g = workload.nextInt(GROUPS);
                int db = workload.nextInt(DATABASES);
                if (kind < 40) {
                    transaction(at, origin, "MSET db" + db + " g" + g, seq -> mset(origin, seq, db, g));
                } else if (kind < 60) {
                    int to = workload.nextInt(SHARDS);
                    transaction(at, origin, "RENAME tok to " + to, seq -> rename(origin, seq, to));
                } else if (kind < 66) {
                    transaction(at, origin, "FLUSHDB 1", seq -> {
                        flushes.add(seq);
                        flushDb1(origin, seq);
                    });
                } else if (kind < 76) {
                    transaction(at, origin, "MSET twice g" + g, seq -> msetTwice(origin, seq, g));
                } else {
                    int s = workload.nextInt(SHARDS);
                    String key = "solo" + workload.nextInt(2);
                    sim.external(at, "SET " + key + " on " + s, () -> solo(s, db, key, "v" + ++nextSeq));
                    soloDbs.add(db);
                }
            }
        }

        private void transaction(long at, Shard origin, String name, java.util.function.IntConsumer body) {
            sim.external(at, name, () -> origin.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    started++;
                    int seq = ++nextSeq; // numbered as sequenced: lock requests go out in this call
                    sim.note("T" + seq + " " + name + " on " + shard);
                    body.accept(seq);
                }
            }));
        }

        /** One key per shard, all set to "T<seq>" (in database {@code db}). */
        private void mset(Shard origin, int seq, int db, int g) {
            if (opts.splitMset()) {
                for (Shard s : group.all()) { // broken on purpose: each shard's part commits on its own
                    ShardTransaction one = new ShardTransaction(origin, new Shard[] {s});
                    one.lockKeys(Map.of(s, List.of(key("g" + g))), () -> one.run(new Shard[] {s}, sh -> {
                        put(sh, db, "g" + g, "T" + seq);
                        return null;
                    }, true, () -> ack(one, "db" + db + " g" + g, seq)));
                }
                return;
            }
            Map<Shard, List<KeyBytes>> keys = new HashMap<>();
            for (Shard s : group.all()) {
                keys.put(s, List.of(key("g" + g)));
            }
            ShardTransaction tx = new ShardTransaction(origin, group.all());
            tx.lockKeys(keys, () -> tx.run(group.all(), sh -> {
                put(sh, db, "g" + g, "T" + seq);
                return null;
            }, true, () -> ack(tx, "db" + db + " g" + g, seq)));
        }

        /**
         * One transaction writing every shard in two rounds, as an EXEC of two MSETs does: keys
         * w<g>a, then w<g>b, all "T<seq>". Each shard logs its part of it in two batches (one per
         * turn), and must mark it as logged only with the second.
         */
        private void msetTwice(Shard origin, int seq, int g) {
            Map<Shard, List<KeyBytes>> keys = new HashMap<>();
            for (Shard s : group.all()) {
                keys.put(s, List.of(key("w" + g + "a"), key("w" + g + "b")));
            }
            ShardTransaction tx = new ShardTransaction(origin, group.all());
            tx.lockKeys(keys, () -> tx.run(group.all(), sh -> {
                put(sh, 0, "w" + g + "a", "T" + seq);
                return null;
            }, false, () -> tx.run(group.all(), sh -> {
                put(sh, 0, "w" + g + "b", "T" + seq);
                return null;
            }, true, () -> ack(tx, "w" + g, seq))));
        }

        /** Round one finds the token (on every shard), round two moves it: delete there, put here. */
        private void rename(Shard origin, int seq, int to) {
            Map<Shard, List<KeyBytes>> keys = new HashMap<>();
            for (Shard s : group.all()) {
                keys.put(s, List.of(key("tok")));
            }
            ShardTransaction tx = new ShardTransaction(origin, group.all());
            tx.lockKeys(keys, () -> tx.run(group.all(), sh -> get(sh, 0, "tok"), false, () -> {
                int from = -1;
                for (int i = 0; i < SHARDS; i++) {
                    if (tx.results()[i] instanceof String) {
                        from = i;
                    }
                }
                if (from < 0 || from == to) {
                    tx.release(group.all());
                    return;
                }
                Shard a = group.shard(from);
                Shard b = group.shard(to);
                tx.run(new Shard[] {a, b}, sh -> {
                    if (sh == a) {
                        keyspaces[sh.id()].db[0].delete(seg("tok"), 0, "tok".length());
                    } else {
                        put(sh, 0, "tok", "token");
                    }
                    return null;
                }, false, () -> {
                    tx.release(group.all());
                    ack(tx, "rename", seq);
                });
            }));
        }

        private void flushDb1(Shard origin, int seq) {
            ShardTransaction tx = new ShardTransaction(origin, group.all());
            tx.lockAll(() -> tx.run(group.all(), sh -> {
                keyspaces[sh.id()].db[1].clear();
                return null;
            }, true, () -> ack(tx, "flush", seq)));
        }

        private final Set<Integer> soloDbs = new HashSet<>();

        /** A single-shard write as data work; acknowledged once the shard logged it. */
        private void solo(int shard, int db, String key, String value) {
            Shard s = group.shard(shard);
            int seq = value.startsWith("v") ? Integer.parseInt(value.substring(1)) : 0;
            boolean posted = s.post(sh -> {
                put(sh, db, key, value);
                sh.afterCommit(durable -> {
                    if (durable) {
                        acked.merge("solo " + shard + " " + db + " " + key, seq, Math::max);
                    }
                });
            });
            assertTrue(posted);
        }

        private void ack(ShardTransaction tx, String what, int seq) {
            tx.whenLogged(durable -> {
                sim.note("T" + seq + " acknowledged durable=" + durable);
                if (durable) {
                    ackedTx++;
                    acked.merge(what, seq, Math::max);
                }
            });
        }

        private void put(Shard sh, int db, String key, String value) {
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            keyspaces[sh.id()].db[db].putBytes(seg(key), 0, key.length(), MemorySegment.ofArray(v), 0, v.length, 0);
        }

        private String get(Shard sh, int db, String key) {
            OffHeapKeyspace ks = keyspaces[sh.id()].db[db];
            long e = ks.find(seg(key), 0, key.length());
            if (e == Keyspace.NONE) {
                return null;
            }
            byte[] out = new byte[ks.valueLength(e)];
            MemorySegment.copy(ks.segment(e), ks.valueOffset(e), MemorySegment.ofArray(out), 0, out.length);
            return new String(out, StandardCharsets.US_ASCII);
        }

        // ---- the crash and what must hold after it ---------------------------------------------

        /** Loses what was not synced, opens the storage again, and checks every rule. */
        List<String> recoverAndCheck() throws Exception {
            return recoverAndCheck(true);
        }

        /** As above; {@code powerLoss} false: a process crash, which keeps every byte written. */
        List<String> recoverAndCheck(boolean powerLoss) throws Exception {
            persistence.abandon();
            fs.stopWritingAfter(Long.MAX_VALUE);
            if (powerLoss) {
                fs.crash(new Random(seed ^ 0x5DEECE66DL));
            }
            World after = new World(seed + 1_000_000, Options.CORRECT, fs, dir);
            after.open();
            List<String> v = new ArrayList<>();
            // RENAME: the token is on exactly one shard once its first SET was acknowledged.
            long tokens = 0;
            for (int s = 0; s < SHARDS; s++) {
                tokens += after.read(s, 0, "tok") != null ? 1 : 0;
            }
            if (tokens > 1 || tokens == 0 && acked.containsKey("solo 0 0 tok")) {
                v.add("the token is on " + tokens + " shards");
            }
            // MSET: all shards or none, never older than the acknowledged one (unless a FLUSHDB came later).
            for (int db = 0; db < DATABASES; db++) {
                for (int g = 0; g < GROUPS; g++) {
                    List<String> perShard = new ArrayList<>();
                    for (int s = 0; s < SHARDS; s++) {
                        perShard.add(after.read(s, db, "g" + g));
                    }
                    if (new HashSet<>(perShard).size() != 1) {
                        v.add("db" + db + " g" + g + " is torn: " + perShard);
                        continue;
                    }
                    Integer ack = acked.get("db" + db + " g" + g);
                    String value = perShard.get(0);
                    boolean flushedAfter = db == 1 && ack != null && flushes.stream().anyMatch(f -> f > ack);
                    if (ack != null && !flushedAfter && (value == null || Integer.parseInt(value.substring(1)) < ack)) {
                        v.add("db" + db + " g" + g + ": acknowledged T" + ack + " lost (found " + value + ")");
                    }
                }
            }
            // MSET twice: both rounds on every shard or nothing, never older than the acknowledged one.
            for (int g = 0; g < GROUPS; g++) {
                List<String> all = new ArrayList<>();
                for (String k : List.of("w" + g + "a", "w" + g + "b")) {
                    for (int s = 0; s < SHARDS; s++) {
                        all.add(after.read(s, 0, k));
                    }
                }
                if (new HashSet<>(all).size() != 1) {
                    v.add("w" + g + " (two rounds) is torn: " + all);
                    continue;
                }
                Integer ack = acked.get("w" + g);
                if (ack != null && (all.get(0) == null || Integer.parseInt(all.get(0).substring(1)) < ack)) {
                    v.add("w" + g + ": acknowledged T" + ack + " lost (found " + all.get(0) + ")");
                }
            }
            // Single-shard SETs: an acknowledged value (or a later one) is there, unless a FLUSHDB may have cleared it.
            for (Map.Entry<String, Integer> e : acked.entrySet()) {
                if (!e.getKey().startsWith("solo ") || e.getKey().endsWith(" tok")) {
                    continue;
                }
                String[] f = e.getKey().split(" ");
                int shard = Integer.parseInt(f[1]);
                int db = Integer.parseInt(f[2]);
                if (db == 1 && !flushes.isEmpty()) {
                    continue;
                }
                String value = after.read(shard, db, f[3]);
                if (value == null || Integer.parseInt(value.substring(1)) < e.getValue()) {
                    v.add(e.getKey() + ": acknowledged v" + e.getValue() + " lost (found " + value + ")");
                }
            }
            assertEquals(List.of(), after.sim.failures(), "seed " + seed + ": a task failed in recovery");
            after.discard();
            discard();
            return v;
        }

        /** A key's value on shard {@code s}, read as on its thread. */
        String read(int s, int db, String key) {
            Shard sh = group.shard(s);
            String[] out = new String[1];
            sim.inLoop((SimLoop) sh.loop(), () -> out[0] = get(sh, db, key));
            return out[0];
        }

        void discard() {
            if (persistence != null) {
                persistence.abandon();
            }
            for (Keyspaces k : keyspaces) {
                k.memory.close();
            }
        }

        // ---- StorageHost ---------------------------------------------------------------------

        @Override
        public ShardGroup shards() {
            return group;
        }

        @Override
        public long nowMillis() {
            return 1_000_000 + sim.nanoTime() / 1_000_000;
        }

        @Override
        public long maxmemory() {
            return 0;
        }

        @Override
        public String appendfsync() {
            return opts.appendfsync(); // always: an acknowledged write is synced, the crash may not take it
        }

        @Override
        public ShardKeyspaces keyspaces(int shard) {
            return keyspaces[shard];
        }

        @Override
        public void logUnwritable(String reason) {
            if (!processGone) {
                throw new AssertionError("the simulated disk never fails: " + reason);
            }
        }

        /** The process "died" (runUntilWrites): its writes fail from then on, as nothing runs after a kill -9. */
        boolean processGone;

        @Override
        public void outOfMemory(boolean over) {}

        @Override
        public void saved(long epochSeconds) {}
    }

    /** One shard's databases. */
    static final class Keyspaces implements ShardKeyspaces {
        final SlabAllocator memory;
        final ObjectTable objects = new ObjectTable();
        final OffHeapKeyspace[] db = new OffHeapKeyspace[DATABASES];
        ShardStore store;

        Keyspaces(String name) {
            memory = new SlabAllocator(name);
            for (int i = 0; i < DATABASES; i++) {
                db[i] = new OffHeapKeyspace(memory, () -> 1_000_000L, objects);
            }
        }

        @Override
        public int databases() {
            return DATABASES;
        }

        @Override
        public OffHeapKeyspace database(int index) {
            return db[index];
        }

        @Override
        public ObjectTable objects() {
            return objects;
        }

        @Override
        public long usedMemory() {
            return 0;
        }

        @Override
        public void store(ShardStore s) {
            store = s;
        }
    }

    private static KeyBytes key(String k) {
        return new KeyBytes(k.getBytes(StandardCharsets.US_ASCII));
    }

    private static MemorySegment seg(String k) {
        return MemorySegment.ofArray(k.getBytes(StandardCharsets.US_ASCII));
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir
        }
    }
}

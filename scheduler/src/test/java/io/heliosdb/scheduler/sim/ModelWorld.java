package io.heliosdb.scheduler.sim;

import io.heliosdb.scheduler.CommitParticipant;
import io.heliosdb.scheduler.FaultInjection;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import io.heliosdb.scheduler.StepFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One seeded run of the model: three shards on a {@link Simulation}, a random workload of
 * cross-shard commands (MSET, a MULTI/EXEC of two rounds, RENAME, SMOVE, FLUSHALL, a whole-keyspace
 * scan, MGET) and single-shard data work, and the checks: isolation while running, lock order per
 * shard, and (after a crash at some step) what the model logs hold. Violations are collected, not
 * thrown, so a test can also show that a broken variant is caught.
 *
 * <p>Keys name their shard after the first dot: group keys {@code g<g>.<shard>} (and {@code
 * g<g>.0b}) are always written together with one value; one token moves between {@code r.<shard>};
 * members move between the sets {@code set.<shard>} (comma-separated); {@code solo.<shard>.<i>}
 * are plain single-shard writes.
 */
final class ModelWorld {
    static final int SHARDS = 3;
    static final int GROUPS = 2;
    static final int MEMBERS = 4;
    static final long WORKLOAD_NANOS = 300_000;

    /** What may be deliberately broken (a MULTI that releases its locks early, parts logged unresolved), and how many storages. */
    record Options(boolean earlyRelease, boolean holdParts, int participants) {
        static final Options CORRECT = new Options(false, true, 1);
        /** Two storages per shard: every gate must open, each storage hands back its own part. */
        static final Options TWO_STORES = new Options(false, true, 2);
    }

    /** A transaction's step on a shard, with the keys it locked there (null: the whole shard). */
    private record Access(int seq, Set<String> keys) {
        boolean conflicts(Access o) {
            return keys == null || o.keys == null || keys.stream().anyMatch(o.keys::contains);
        }
    }

    final Simulation sim;
    final ShardGroup group;
    final ModelShard[] models = new ModelShard[SHARDS];
    final List<String> violations = new ArrayList<>();
    private final Options opts;
    private final Random workload;
    private final List<Map<String, String>> initial = new ArrayList<>();
    private final List<List<Access>> accesses = new ArrayList<>();
    private final Map<Long, Set<String>> partShards = new HashMap<>(); // tx -> "shard/participant"
    private final Set<Long> ackedTx = new HashSet<>();
    private final List<String[]> ackedWrites = new ArrayList<>(); // shard, key, value
    private final Set<Integer> flushSeqs = new TreeSet<>();
    private int nextSeq;
    private int started;
    private int finished;
    private int dataValues;
    private boolean quiescent;

    private ModelWorld(long seed, Options opts) {
        this.sim = new Simulation(seed);
        this.opts = opts;
        this.workload = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        this.group = sim.shardGroup(SHARDS);
        for (int s = 0; s < SHARDS; s++) {
            models[s] = new ModelShard(group.shard(s), opts.participants(), opts.holdParts());
            group.shard(s).put(ModelShard.SLOT, models[s]);
            accesses.add(new ArrayList<>());
            initial.add(new TreeMap<>());
        }
        initial.get(0).put("r.0", "tok");
        StringBuilder members = new StringBuilder();
        for (int m = 0; m < MEMBERS; m++) {
            members.append(m == 0 ? "" : ",").append('m').append(m);
        }
        initial.get(0).put("set.0", members.toString());
        for (int s = 0; s < SHARDS; s++) {
            models[s].data.putAll(initial.get(s));
        }
    }

    /** Runs seed {@code seed} for at most {@code maxSteps} steps (fewer: a crash there). */
    static ModelWorld run(long seed, Options opts, long maxSteps) {
        return run(seed, opts, maxSteps, 0);
    }

    /** As {@link #run(long, Options, long)}, with injected failures at {@code faultPercent}% of the scheduler's points. */
    static ModelWorld run(long seed, Options opts, long maxSteps, int faultPercent) {
        ModelWorld w = new ModelWorld(seed, opts);
        if (faultPercent > 0) {
            Random faults = new Random(seed ^ 0x5DEECE66DL);
            w.group.injectFaults((point, shard) -> point != FaultInjection.Point.REPLY && faults.nextInt(100) < faultPercent);
        }
        w.scheduleWorkload();
        w.quiescent = w.sim.run(maxSteps);
        return w;
    }

    boolean quiescent() {
        return quiescent;
    }

    // ---- the workload ----------------------------------------------------------------------

    private void scheduleWorkload() {
        int ops = 30 + workload.nextInt(20);
        for (int i = 0; i < ops; i++) {
            long at = workload.nextLong(WORKLOAD_NANOS);
            Shard origin = group.shard(workload.nextInt(SHARDS));
            int kind = workload.nextInt(100);
            int g = workload.nextInt(GROUPS);
            int a = workload.nextInt(SHARDS);
            int b = (a + 1 + workload.nextInt(SHARDS - 1)) % SHARDS;
            if (kind < 14) {
                transaction(at, origin, "MSET g" + g, seq -> mset(origin, seq, g));
            } else if (kind < 24) {
                transaction(at, origin, "MULTI g" + g, seq -> multi(origin, seq, g));
            } else if (kind < 36) {
                transaction(at, origin, "RENAME r." + a + " r." + b, seq -> rename(origin, seq, a, b));
            } else if (kind < 48) {
                String m = "m" + workload.nextInt(MEMBERS);
                transaction(at, origin, "SMOVE set." + a + " set." + b + " " + m, seq -> smove(origin, seq, a, b, m));
            } else if (kind < 51) {
                transaction(at, origin, "FLUSHALL", seq -> flushAll(origin, seq));
            } else if (kind < 60) {
                transaction(at, origin, "SCAN", seq -> scan(origin, seq));
            } else if (kind < 68) {
                int skip = workload.nextInt(SHARDS + 1); // SHARDS: all of them; else all but that shard
                transaction(at, origin, "MGET g" + g + " skip " + skip, seq -> mget(origin, seq, g, skip));
            } else if (kind < 86) {
                String key = "solo." + a + "." + workload.nextInt(3);
                sim.external(at, "SET " + key, () -> setSolo(group.shard(a), key));
            } else {
                sim.external(at, "GET2 g" + g, () -> get2(g));
            }
        }
    }

    /** A command from a client of {@code origin}: numbered (in lock order) when it starts there. */
    private void transaction(long at, Shard origin, String name, Consumer<Integer> body) {
        sim.external(at, name, () -> origin.postControl(new Control(shard -> {
            int seq = ++nextSeq;
            started++;
            sim.note("T" + seq + " " + name + " on " + shard);
            body.accept(seq);
        })));
    }

    private void mset(Shard origin, int seq, int g) {
        Map<Shard, List<KeyBytes>> keys = groupKeys(g);
        ShardTransaction tx = new ShardTransaction(origin, group.all());
        tx.lockKeys(keys, () -> tx.run(group.all(), sh -> {
            access(seq, sh, keys.get(sh));
            for (KeyBytes k : keys.get(sh)) {
                write(seq, sh, text(k), "T" + seq);
            }
            return null;
        }, true, () -> finish(tx, seq)));
    }

    /**
     * Two rounds under the same key locks: the first shard's second key is written in round two.
     * With {@link Options#earlyRelease} round one hands every shard back and round two writes
     * without the lock (the bug the isolation checks must catch).
     */
    private void multi(Shard origin, int seq, int g) {
        Map<Shard, List<KeyBytes>> keys = groupKeys(g);
        Shard first = group.shard(0);
        ShardTransaction tx = new ShardTransaction(origin, group.all());
        if (opts.earlyRelease()) {
            tx.lockKeys(keys, () -> tx.run(group.all(), sh -> {
                access(seq, sh, keys.get(sh));
                write(seq, sh, "g" + g + "." + sh.id(), "T" + seq);
                return null;
            }, true, () -> first.postControl(new Control(sh -> {
                access(seq, sh, keys.get(sh));
                write(seq, sh, "g" + g + ".0b", "T" + seq);
                origin.postControl(new Control(o -> finish(tx, seq)));
            }))));
            return;
        }
        tx.lockKeys(keys, () -> tx.run(group.all(), sh -> {
            access(seq, sh, keys.get(sh));
            write(seq, sh, "g" + g + "." + sh.id(), "T" + seq);
            return null;
        }, false, () -> tx.run(new Shard[] {first}, sh -> {
            access(seq, sh, keys.get(sh));
            write(seq, sh, "g" + g + ".0b", "T" + seq);
            return null;
        }, false, () -> {
            tx.release(group.all());
            finish(tx, seq);
        })));
    }

    private void rename(Shard origin, int seq, int a, int b) {
        moveBetween(origin, seq, "r." + a, "r." + b, sh -> {
            String v = model(sh).get("r." + a);
            if (v != null) {
                write(seq, sh, "r." + a, null);
            }
            return v;
        }, (sh, v) -> write(seq, sh, "r." + b, (String) v));
    }

    private void smove(Shard origin, int seq, int a, int b, String member) {
        moveBetween(origin, seq, "set." + a, "set." + b, sh -> {
            TreeSet<String> from = members(model(sh).get("set." + a));
            if (!from.remove(member)) {
                return null;
            }
            write(seq, sh, "set." + a, from.isEmpty() ? null : String.join(",", from));
            return member;
        }, (sh, m) -> {
            TreeSet<String> to = members(model(sh).get("set." + b));
            to.add((String) m);
            write(seq, sh, "set." + b, String.join(",", to));
        });
    }

    /**
     * Takes something out of {@code src} (its shard) and puts it into {@code dst} (another shard),
     * holding both keys throughout; with {@link Options#earlyRelease} the first step lets go of its
     * lock at once (the bug the isolation checks must catch).
     */
    private void moveBetween(Shard origin, int seq, String src, String dst, Function<Shard, Object> take,
                             BiConsumer<Shard, Object> put) {
        Shard a = group.shard(shardOf(src));
        Shard b = group.shard(shardOf(dst));
        Map<Shard, List<KeyBytes>> keys = new LinkedHashMap<>();
        keys.put(a, List.of(key(src)));
        keys.put(b, List.of(key(dst)));
        Shard[] both = {a, b};
        ShardTransaction tx = new ShardTransaction(origin, both);
        tx.lockKeys(keys, () -> tx.run(new Shard[] {a}, sh -> {
            access(seq, sh, keys.get(sh));
            return take.apply(sh);
        }, false, () -> {
            Object taken = tx.results()[0];
            if (taken instanceof StepFailure f) {
                violations.add("T" + seq + " step failed: " + f);
            }
            if (taken == null || taken instanceof StepFailure) {
                tx.release(both);
                finish(tx, seq);
                return;
            }
            tx.run(new Shard[] {b}, sh -> {
                access(seq, sh, keys.get(sh));
                put.accept(sh, taken);
                return null;
            }, true, () -> {
                tx.release(new Shard[] {a});
                finish(tx, seq);
            });
        }));
    }

    private void flushAll(Shard origin, int seq) {
        flushSeqs.add(seq);
        ShardTransaction tx = new ShardTransaction(origin, group.all());
        tx.lockAll(() -> tx.run(group.all(), sh -> {
            access(seq, sh, null);
            for (String k : new ArrayList<>(model(sh).data.keySet())) {
                write(seq, sh, k, null);
            }
            return null;
        }, true, () -> finish(tx, seq)));
    }

    /** Reads every shard whole (as KEYS or DBSIZE would) and checks every invariant on what it saw. */
    private void scan(Shard origin, int seq) {
        ShardTransaction tx = new ShardTransaction(origin, group.all());
        tx.lockAll(() -> tx.run(group.all(), sh -> {
            access(seq, sh, null);
            return new TreeMap<>(model(sh).data);
        }, true, () -> {
            Map<String, String> all = new TreeMap<>();
            for (Object r : tx.results()) {
                if (r instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> all.put((String) k, (String) v));
                } else {
                    violations.add("T" + seq + " SCAN step failed: " + r);
                }
            }
            boolean flushed = flushSeqs.stream().anyMatch(f -> f < seq);
            checkInvariants("T" + seq + " SCAN", all, flushed);
            finish(tx, seq, new TreeSet<>(all.values()));
        }));
    }

    /** Reads group {@code g}'s keys on every shard but {@code skip} (so some reads see one storage only). */
    private void mget(Shard origin, int seq, int g, int skip) {
        Map<Shard, List<KeyBytes>> keys = groupKeys(g);
        keys.remove(skip < SHARDS ? group.shard(skip) : null);
        Shard[] shards = keys.keySet().toArray(Shard[]::new);
        ShardTransaction tx = new ShardTransaction(origin, shards);
        tx.lockKeys(keys, () -> tx.run(shards, sh -> {
            access(seq, sh, keys.get(sh));
            Map<String, String> seen = new TreeMap<>();
            for (KeyBytes k : keys.get(sh)) {
                seen.put(text(k), Objects.requireNonNullElse(model(sh).get(text(k)), "(nil)"));
            }
            return seen;
        }, true, () -> {
            Set<String> values = new TreeSet<>();
            for (Object r : tx.results()) {
                values.addAll(((Map<?, ?>) r).values().stream().map(String::valueOf).toList());
            }
            if (values.size() > 1) {
                violations.add("T" + seq + " MGET g" + g + " saw half of a transaction: " + values);
            }
            finish(tx, seq, values);
        }));
    }

    private void finish(ShardTransaction tx, int seq) {
        finish(tx, seq, Set.of());
    }

    /** Acknowledges the command once its commit record is logged; {@code observed}: the values its reply reveals. */
    private void finish(ShardTransaction tx, int seq, Set<String> observed) {
        tx.whenLogged(durable -> {
            finished++;
            sim.note("T" + seq + " acknowledged durable=" + durable);
            Long id = engineIds.get(seq);
            if (durable && id != null) {
                ackedTx.add(id);
            }
            if (durable) {
                for (String v : observed) { // a reply may show a write only once its commit record is logged
                    Long writer = v.startsWith("T") ? engineIds.get(Integer.parseInt(v.substring(1))) : null;
                    if (writer != null && !isCommitLogged(writer)) {
                        violations.add("T" + seq + " answered with " + v + " (tx " + writer + ") before its commit record was logged");
                    }
                }
            }
        });
    }

    private boolean isCommitLogged(long tx) {
        for (ModelShard m : models) {
            for (ModelStore.Entry e : m.stores[0].log) {
                if (e.kind() == ModelStore.Kind.COMMIT && e.tx() == tx) {
                    return true;
                }
            }
        }
        return false;
    }


    private final Map<Integer, Long> engineIds = new HashMap<>();

    /** A single-shard write as data work: it waits for a key lock, and its reply for the log. */
    private void setSolo(Shard shard, String key) {
        String value = "D" + ++dataValues;
        post(shard, new DataTask(List.of(key), sh -> {
            model(sh).put(key, value);
            sh.afterCommit(durable -> {
                if (durable) {
                    ackedWrites.add(new String[] {String.valueOf(sh.id()), key, value});
                }
            });
        }));
    }

    /** Data work reading the two keys of a group on shard 0 (a MULTI writes them in different rounds). */
    private void get2(int g) {
        post(group.shard(0), new DataTask(List.of("g" + g + ".0", "g" + g + ".0b"), sh -> {
            String x = model(sh).get("g" + g + ".0");
            String y = model(sh).get("g" + g + ".0b");
            if (!Objects.equals(x, y)) {
                violations.add("GET2 g" + g + " saw half of a transaction: " + x + " / " + y);
            }
        }));
    }

    private void post(Shard shard, ShardTask task) {
        if (!shard.post(task)) {
            violations.add("mailbox full on " + shard);
        }
    }

    private void write(int seq, Shard sh, String key, String value) {
        ModelShard m = model(sh);
        m.put(key, value);
        long id = m.stores[0].capturingTx();
        if (id != 0) {
            engineIds.put(seq, id);
            partShards.computeIfAbsent(id, x -> new TreeSet<>()).add(sh.id() + "/" + m.storeOf(key));
        }
    }

    private void access(int seq, Shard sh, List<KeyBytes> keys) {
        Set<String> names = null;
        if (keys != null) {
            names = new TreeSet<>();
            for (KeyBytes k : keys) {
                names.add(text(k));
            }
        }
        accesses.get(sh.id()).add(new Access(seq, names));
        sim.note("T" + seq + " step on " + sh);
    }

    // ---- checks ------------------------------------------------------------------------------

    /** Parts of the {@code participant}-th storages in the commit records logged. */
    int commitRecordParts(int participant) {
        int n = 0;
        for (ModelShard m : models) {
            for (ModelStore.Entry e : m.stores[0].log) {
                n += (int) e.parts().stream().filter(p -> p.participant() == participant).count();
            }
        }
        return n;
    }

    /** The logs, for a failing seed's message. */
    String describeLogs() {
        StringBuilder b = new StringBuilder();
        for (ModelShard m : models) {
            for (int i = 0; i < m.stores.length; i++) {
            b.append(m.shard).append('/').append(i).append(':');
            for (ModelStore.Entry e : m.stores[i].log) {
                b.append(' ').append(e.kind()).append('(').append(e.tx() % 1000);
                e.writes().forEach(w -> b.append(' ').append(w[0]).append('=').append(w[1]));
                e.parts().forEach(p -> b.append(" part@").append(p.shard()).append(ModelStore.decode(p.changes()).stream()
                        .map(w -> w[0] + "=" + w[1]).toList()));
                b.append(')');
            }
            b.append('\n');
            }
        }
        return b.toString();
    }

    /** What a serial execution allows: groups all-or-none, one token, each member in one set. */
    private void checkInvariants(String who, Map<String, String> all, boolean flushed) {
        for (int g = 0; g < GROUPS; g++) {
            Set<String> values = new TreeSet<>();
            for (String k : groupKeyNames(g)) {
                values.add(String.valueOf(all.get(k)));
            }
            if (values.size() > 1) {
                violations.add(who + " saw half of a transaction on g" + g + ": " + values);
            }
        }
        long tokens = all.keySet().stream().filter(k -> k.startsWith("r.")).count();
        if (tokens > 1 || (!flushed && tokens != 1)) {
            violations.add(who + " saw " + tokens + " tokens: " + all);
        }
        for (int m = 0; m < MEMBERS; m++) {
            String member = "m" + m;
            long in = all.entrySet().stream().filter(e -> e.getKey().startsWith("set.")
                    && members(e.getValue()).contains(member)).count();
            if (in > 1 || (!flushed && in != 1)) {
                violations.add(who + " saw " + member + " in " + in + " sets: " + all);
            }
        }
    }

    /** After a full run: everything finished, nothing held, lock order kept on every shard. */
    void checkFinished() {
        if (!quiescent) {
            violations.add("not quiescent after the step bound: a deadlock or a lost wake-up (" + started + " started, "
                    + finished + " finished)");
        }
        if (finished != started) {
            violations.add(started + " transactions started but " + finished + " finished");
        }
        for (int s = 0; s < SHARDS; s++) {
            boolean[] idle = new boolean[1];
            Shard shard = group.shard(s);
            sim.inLoop((SimLoop) shard.loop(), () -> idle[0] = shard.isIdle());
            if (!idle[0]) {
                violations.add(shard + " still holds a lock or deferred work");
            }
        }
        if (group.internalErrors() != 0 || !sim.failures().isEmpty()) {
            violations.add("internal errors: " + group.internalErrors() + ", escaped: " + sim.failures());
        }
        checkLockOrder();
    }

    /** After a run with injected failures: nothing left held or queued on any shard. */
    void checkNothingHeld() {
        if (!quiescent) {
            violations.add("not quiescent after the step bound");
        }
        for (int s = 0; s < SHARDS; s++) {
            boolean[] idle = new boolean[1];
            Shard shard = group.shard(s);
            sim.inLoop((SimLoop) shard.loop(), () -> idle[0] = shard.isIdle());
            if (!idle[0]) {
                violations.add(shard + " still holds a lock or deferred work after failures");
            }
        }
        if (!sim.failures().isEmpty()) {
            violations.add("escaped the shards: " + sim.failures());
        }
    }

    /** On each shard, conflicting transactions ran their steps in their global (lock request) order. */
    private void checkLockOrder() {
        for (int s = 0; s < SHARDS; s++) {
            List<Access> list = accesses.get(s);
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    Access x = list.get(i);
                    Access y = list.get(j);
                    if (x.seq() > y.seq() && x.conflicts(y)) {
                        violations.add("shard-" + s + ": T" + x.seq() + " ran before T" + y.seq() + " on " + x.keys());
                        return;
                    }
                }
            }
        }
    }

    /**
     * After a crash at this run's last step: the logs under the commit-record rules. A part counts
     * only with its commit record; a part is logged only after it; a record holds every part; what
     * was acknowledged is in a log; and the state recovery would rebuild keeps every invariant.
     */
    void checkLogs() {
        Map<Long, ModelStore.Entry> commits = new TreeMap<>();
        for (ModelShard m : models) {
            for (ModelStore store : m.stores) {
                for (ModelStore.Entry e : store.log) {
                    if (e.kind() == ModelStore.Kind.COMMIT) {
                        commits.put(e.tx(), e);
                    }
                }
            }
        }
        List<Map<String, String>> state = new ArrayList<>();
        Map<String, Map<Long, Integer>> logged = new HashMap<>(); // "shard/participant" -> parts of each tx its log holds
        for (int s = 0; s < SHARDS; s++) {
            Map<String, String> st = new TreeMap<>(initial.get(s));
            for (int i = 0; i < models[s].stores.length; i++) {
                Map<Long, Integer> parts = logged.computeIfAbsent(s + "/" + i, x -> new HashMap<>());
                for (ModelStore.Entry e : models[s].stores[i].log) {
                    switch (e.kind()) {
                        case WRITE -> apply(st, e.writes());
                        case PART -> {
                            parts.merge(e.tx(), 1, Integer::sum);
                            if (!commits.containsKey(e.tx())) {
                                violations.add("shard-" + s + "/" + i + " logged a part of tx " + e.tx() + " that has no commit record");
                            } else {
                                apply(st, e.writes());
                            }
                        }
                        case COMMIT -> { }
                    }
                }
            }
            state.add(st);
        }
        // Recovery: the parts a storage's log does not hold yet. A storage logs a transaction's parts
        // in their order, so it holds the first ones (a MULTI's two steps there may be split by a crash).
        for (ModelStore.Entry c : commits.values()) {
            Set<String> where = new TreeSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (CommitParticipant.Part p : c.parts()) {
                String store = p.shard() + "/" + p.participant();
                where.add(store);
                int nth = seen.merge(store, 1, Integer::sum);
                if (nth > logged.getOrDefault(store, Map.of()).getOrDefault(c.tx(), 0)) {
                    apply(state.get(p.shard()), ModelStore.decode(p.changes()));
                }
            }
            if (!where.equals(partShards.get(c.tx()))) {
                violations.add("commit record of tx " + c.tx() + " holds parts of " + where + ", its steps wrote on "
                        + partShards.get(c.tx()));
            }
        }
        for (long tx : ackedTx) {
            if (!commits.containsKey(tx)) {
                violations.add("tx " + tx + " was acknowledged but its commit record is not in the log");
            }
        }
        for (String[] w : ackedWrites) {
            ModelShard m = models[Integer.parseInt(w[0])];
            boolean in = m.stores[m.storeOf(w[1])].log.stream().anyMatch(e -> e.kind() == ModelStore.Kind.WRITE
                    && e.writes().get(0)[0].equals(w[1]) && w[2].equals(e.writes().get(0)[1]));
            if (!in) {
                violations.add("SET " + w[1] + " " + w[2] + " was acknowledged but is not in the log");
            }
        }
        Map<String, String> all = new TreeMap<>();
        state.forEach(all::putAll);
        checkInvariants("recovery", all, !flushSeqs.isEmpty());
    }

    private static void apply(Map<String, String> st, List<String[]> writes) {
        for (String[] w : writes) {
            if (w[1] == null) {
                st.remove(w[0]);
            } else {
                st.put(w[0], w[1]);
            }
        }
    }

    // ---- keys --------------------------------------------------------------------------------

    private static List<String> groupKeyNames(int g) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            out.add("g" + g + "." + s);
        }
        out.add("g" + g + ".0b");
        return out;
    }

    private Map<Shard, List<KeyBytes>> groupKeys(int g) {
        Map<Shard, List<KeyBytes>> keys = new LinkedHashMap<>();
        for (String k : groupKeyNames(g)) {
            keys.computeIfAbsent(group.shard(shardOf(k)), x -> new ArrayList<>()).add(key(k));
        }
        return keys;
    }

    static int shardOf(String key) {
        return Character.digit(key.charAt(key.indexOf('.') + 1), 10);
    }

    private static KeyBytes key(String k) {
        return new KeyBytes(k.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(KeyBytes k) {
        return new String(k.bytes(), StandardCharsets.UTF_8);
    }

    private static TreeSet<String> members(String csv) {
        TreeSet<String> out = new TreeSet<>();
        if (csv != null) {
            out.addAll(List.of(csv.split(",")));
        }
        return out;
    }

    private static ModelShard model(Shard shard) {
        return shard.get(ModelShard.SLOT);
    }

    /** Starts a command on its origin's thread (control: it touches no data). */
    private record Control(Consumer<Shard> body) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            body.accept(shard);
        }
    }

    /** Data work on some keys of one shard: it waits while a transaction holds one of them. */
    private record DataTask(List<String> keys, Consumer<Shard> body) implements ShardTask {
        @Override
        public void run(Shard shard) {
            if (shard.hasKeyLocks()) {
                for (String k : keys) {
                    Object lock = shard.lockedKey(key(k));
                    if (lock != null) {
                        shard.waitForKey(lock, this);
                        return;
                    }
                }
            }
            body.accept(shard);
        }
    }
}

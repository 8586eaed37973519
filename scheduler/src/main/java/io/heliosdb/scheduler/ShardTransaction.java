package io.heliosdb.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A command that touches several shards, made atomic and isolated by strict two-phase locking at
 * shard granularity:
 * <ol>
 *   <li>Sequencing: under one global monitor the transaction posts a lock request to every shard it
 *       needs (the whole shard, or only its keys there). Every shard therefore sees lock requests in the same global order, so the wait-for
 *       graph can have no cycle (no deadlock) and transactions serialize in sequence order.</li>
 *   <li>Growing phase: each shard grants when the request reaches the head of its FIFO; the
 *       coordinator continues once all grants are in.</li>
 *   <li>Steps run on the owning shards' threads while every involved shard is held, so no other
 *       command observes a state in which only part of the transaction is applied.</li>
 *   <li>Shrinking phase: the last step releases each shard as soon as that shard's part is done.</li>
 * </ol>
 * The coordinator's callbacks run on the origin shard's thread (the connection's loop).
 */
public final class ShardTransaction {
    private static final Object SEQUENCER = new Object();
    /**
     * Transaction ids, in lock order. They name commit records on disk, so they must not repeat
     * after a restart: they start from the clock (2^20 per millisecond of headroom).
     */
    private static final AtomicLong NEXT_ID =
            new AtomicLong(System.currentTimeMillis() << 20);

    /** Root only: this transaction's id once it has asked for its locks (0: none yet, or never). */
    private long id;
    /** Root only: what its steps changed, shard by shard (added on the shards' threads). */
    private final List<CommitParticipant.Part> parts =
            Collections.synchronizedList(new ArrayList<>(0));
    /**
     * Root only: where each shard's changes before this transaction's lock grant end (see
     * {@link CommitParticipant#boundary}); a step's result waits for those, not for later ones.
     */
    private final Map<Shard, long[]> grantBoundaries = new ConcurrentHashMap<>(); // one per participant
    /** Root only: unresolved transactions whose changes the shards held at its grants (it commits after them). */
    private final Set<Long> readFrom = ConcurrentHashMap.newKeySet();
    private enum CommitState { NONE, LOGGING, LOGGED }
    private volatile CommitState commitState = CommitState.NONE; // written on the origin thread
    private List<CommitWaiter> afterLogged; // origin thread
    private boolean logDurable; // origin thread, once LOGGED

    private final Shard origin;
    private final Shard[] shards;
    /**
     * The transaction that already holds every shard this one runs on (MULTI/EXEC and scripts run
     * multi-shard commands inside their own locks), or null. A nested transaction takes no locks
     * and releases none: the outer one does both.
     */
    private final ShardTransaction outer;
    private int pending; // origin thread only
    private Runnable continuation;
    private Object[] results;

    /**
     * Told when the coordinator's own code fails (a bug in a continuation): every shard this
     * transaction still holds has been released, and the owner must answer its client. Origin thread.
     */
    public interface FailureHandler {
        void failed(long internalErrorId);
    }

    private FailureHandler onFailure;
    /**
     * Set once the transaction failed (a continuation or a lock request threw): late results are
     * dropped, nothing more runs, and shards skip its lock requests still queued. Written on the
     * origin thread, read by shards.
     */
    private volatile boolean aborted;
    /** Shards whose lock this transaction holds and has not handed back yet. Origin thread only. */
    // (Shard keeps identity equality; insertion order makes releaseHeld replay the same in a simulation)
    private final Set<Shard> held = new LinkedHashSet<>();

    /** @param shards distinct shards, any order */
    public ShardTransaction(Shard origin, Shard[] shards) {
        this(origin, shards, null);
    }

    /** A transaction inside {@code outer}, which must hold (whole) every shard this one touches. */
    public ShardTransaction(Shard origin, Shard[] shards, ShardTransaction outer) {
        assert shards.length > 0;
        this.origin = origin;
        this.shards = shards;
        this.outer = outer == null ? null : outer.root();
    }

    /**
     * Synchronous mode (scripts): steps run on the calling thread when they target the shard it
     * belongs to, and otherwise on their shard while the caller waits; {@code then} continues on the
     * caller's thread. Only for shards the caller already holds: its own (it is running on it) or
     * those of {@code outer}. No locks are taken or released.
     */
    private boolean synchronous;

    public static ShardTransaction synchronous(Shard current, Shard[] shards, ShardTransaction outer) {
        ShardTransaction t = new ShardTransaction(current, shards, outer);
        t.synchronous = true;
        return t;
    }

    /** Raised by a synchronous step aimed at a shard the caller does not hold. */
    public static final class NotHeldException extends IllegalStateException {
        public NotHeldException(Shard s) {
            super("step on " + s + ", which this caller does not hold");
        }
    }

    private void runSynchronously(Shard[] targets, Function<Shard, Object> given, Runnable then) {
        Function<Shard, Object> step = observed(given);
        this.results = new Object[targets.length];
        for (int i = 0; i < targets.length; i++) {
            Shard t = targets[i];
            if (t.inShardThread()) {
                results[i] = applyCapturing(t, step, "a step");
            } else if (outer != null && t.isHeldBy(outer)) {
                results[i] = SyncStep.runOn(t, step, this);
            } else {
                throw new NotHeldException(t);
            }
        }
        then.run();
    }

    /** A step run on another (held) shard while the calling thread waits for it. */
    private static final class SyncStep implements ShardTask {
        private final Function<Shard, Object> step;
        private final Thread waiter = Thread.currentThread();
        private volatile boolean done;
        private Object result;

        private final ShardTransaction tx;

        private SyncStep(Function<Shard, Object> step, ShardTransaction tx) {
            this.step = step;
            this.tx = tx;
        }

        static Object runOn(Shard shard, Function<Shard, Object> step, ShardTransaction tx) {
            SyncStep s = new SyncStep(step, tx);
            shard.postControl(s);
            int spins = 0;
            while (!s.done) {
                if (++spins < 1000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(s, 50_000);
                }
            }
            return s.result;
        }

        @Override
        public boolean isControl() {
            return true; // the shard is held by the waiting caller's transaction: run it now
        }

        @Override
        public void run(Shard shard) {
            result = tx.applyCapturing(shard, step, "a synchronous step");
            done = true; // publishes result
            LockSupport.unpark(waiter);
        }
    }

    /** Sees every step run on its shard's thread (keyspace notifications and tracking of multi-shard commands). */
    public interface StepObserver {
        /** Before a step; the result is handed to {@link #after}. */
        boolean before(Shard shard);

        void after(Shard shard, boolean started);
    }

    private StepObserver observer;

    /** Who answers the client if the coordinator's code fails; see {@link FailureHandler}. */
    public ShardTransaction onFailure(FailureHandler h) {
        this.onFailure = h;
        return this;
    }

    public ShardTransaction observe(StepObserver o) {
        this.observer = o;
        return this;
    }

    private Function<Shard, Object> observed(Function<Shard, Object> step) {
        StepObserver o = observer;
        if (o == null) {
            return step;
        }
        return shard -> {
            boolean started = o.before(shard);
            try {
                return step.apply(shard);
            } finally {
                o.after(shard, started);
            }
        };
    }

    private ShardTransaction root() {
        return outer == null ? this : outer;
    }

    public boolean isNested() {
        return outer != null;
    }

    public Shard[] shards() {
        return shards;
    }

    /** Phase 1 and 2: lock every shard whole, then run {@code onLocked} on the origin thread. */
    public void lockAll(Runnable onLocked) {
        if (outer != null || synchronous) {
            onLocked.run(); // the outer transaction (or the running thread) holds them all already
            return;
        }
        assert origin.inShardThread();
        this.continuation = onLocked;
        this.pending = shards.length;
        synchronized (SEQUENCER) {
            id = NEXT_ID.incrementAndGet();
            for (Shard s : shards) {
                s.postControl(new Control(this, Kind.LOCK, null, -1, false, null));
            }
        }
    }

    /**
     * Phase 1 and 2 with key locks: on each shard lock only the given keys (other work on that shard
     * goes on), then run {@code onLocked} on the origin thread. {@code keys} must have an entry for
     * every shard of this transaction.
     */
    public void lockKeys(Map<Shard, List<KeyBytes>> keys, Runnable onLocked) {
        assert origin.inShardThread();
        assert keys.size() == shards.length;
        if (outer != null || synchronous) {
            onLocked.run();
            return;
        }
        this.continuation = onLocked;
        this.pending = shards.length;
        synchronized (SEQUENCER) {
            id = NEXT_ID.incrementAndGet();
            for (Shard s : shards) {
                s.postControl(new Control(this, Kind.LOCK_KEYS, null, -1, false, keys.get(s)));
            }
        }
    }

    void granted(Shard shard) {
        CommitParticipant[] ps = shard.participants();
        if (ps.length > 0 && id != 0) {
            long[] boundaries = new long[ps.length];
            for (int i = 0; i < ps.length; i++) {
                boundaries[i] = ps[i].boundary(); // what this shard changed before the grant
                for (long t : ps[i].unresolved()) {
                    readFrom.add(t);
                }
            }
            grantBoundaries.put(shard, boundaries);
        }
        origin.postControl(new Control(this, Kind.ARRIVED, null, -1, false, null, shard));
    }

    boolean isAborted() {
        return aborted;
    }

    /**
     * Runs {@code step} on each of the given shards (which must be locked by this transaction);
     * when all are done, {@code then} runs on the origin with the results in {@link #results()},
     * indexed like {@code targets}. With {@code release}, each shard is released right after its step.
     */
    public void run(Shard[] targets, Function<Shard, Object> given, boolean release, Runnable then) {
        if (synchronous) {
            runSynchronously(targets, given, then);
            return;
        }
        Function<Shard, Object> step = observed(given);
        assert origin.inShardThread();
        this.continuation = then;
        this.pending = targets.length;
        this.results = new Object[targets.length];
        for (int i = 0; i < targets.length; i++) {
            if (release) {
                held.remove(targets[i]); // the step hands it back right after it ran
            }
            targets[i].postControl(new Control(this, Kind.STEP, step, i, release && outer == null, null));
        }
    }

    /** Results of the last {@link #run}, indexed like its targets. Origin thread only. */
    public Object[] results() {
        return results;
    }

    /** Releases shards still held (those whose last step did not release them). */
    public void release(Shard[] shards) {
        if (outer != null || synchronous) {
            return; // the outer transaction releases
        }
        for (Shard s : shards) {
            if (held.remove(s)) { // each shard once, whoever asks first (the owner or releaseHeld)
                s.postControl(new Control(this, Kind.RELEASE, null, -1, false, null));
            }
        }
        logIfDone();
    }

    /**
     * Hands back every shard still held: the safety net of a command that answered its client
     * without releasing (for example after a failed step). Origin thread only.
     */
    public void releaseHeld() {
        if (!held.isEmpty()) {
            release(held.toArray(Shard[]::new));
        }
    }

    private void arrived(int index, Object result) {
        assert origin.inShardThread();
        if (aborted || (outer != null && outer.aborted)) {
            return; // given up, or the transaction around it was: its shards are no longer held
        }
        if (index >= 0) {
            results[index] = result;
        }
        if (--pending == 0) {
            logIfDone(); // the last step handed back the last shard: nothing more can be added
            Runnable next = continuation;
            continuation = null;
            try {
                FaultInjection.check(origin.faults, FaultInjection.Point.CONTINUATION, origin);
                next.run();
            } catch (Throwable t) {
                abort(origin.internalErrors().report(origin + " coordinating a cross-shard command", t));
            }
        }
    }

    /**
     * A continuation failed: release whatever this transaction still holds (each shard checks; the
     * release is queued behind any step already posted there, which runs first) and let the owner
     * answer. Nested and synchronous transactions hold nothing of their own: the failure goes up to
     * the code that runs them.
     */
    private void abort(long id) {
        assert origin.inShardThread();
        if (aborted) {
            return;
        }
        aborted = true;
        continuation = null;
        if (outer == null && !synchronous) {
            for (Shard s : shards) { // a shard not granted yet skips the request when it comes to it
                s.postControl(new Control(this, Kind.RELEASE_IF_HELD, null, -1, false, null));
            }
            held.clear();
            pending = 0; // late results are dropped: log what the steps handed back so far
            logIfDone();
        }
        FailureHandler h = onFailure;
        if (h != null) {
            try {
                h.failed(id);
            } catch (Throwable t) {
                origin.internalErrors().report(origin + " answering a failed cross-shard command", t);
            }
        }
    }

    /** Runs a step on {@code shard} (its thread), keeping what it changed there for the commit record. */
    private Object applyCapturing(Shard shard, Function<Shard, Object> step, String what) {
        return applyCapturing(shard, step, what, true);
    }

    private Object applyCapturing(Shard shard, Function<Shard, Object> step, String what, boolean faultPoint) {
        ShardTransaction root = root();
        CommitParticipant[] ps = root.id == 0 ? Shard.NO_PARTICIPANTS : shard.participants();
        if (ps.length == 0) {
            return faultPoint ? shard.applyStep(step, what) : shard.applyBody(step, what);
        }
        for (CommitParticipant p : ps) {
            p.stepStarted(root.id);
        }
        Object result = faultPoint ? shard.applyStep(step, what) : shard.applyBody(step, what);
        Object failure = null;
        for (int i = 0; i < ps.length; i++) { // each storage hands back its own part
            CommitParticipant.Part part;
            try {
                part = ps[i].stepEnded(root.id);
            } catch (Throwable t) { // a bug: answer it like a failed step (the caller still releases the lock)
                failure = StepFailure.internal(shard.internalErrors().report(shard + " taking the changes of " + what, t));
                continue;
            }
            if (part != null) {
                root.parts.add(part.participant() == i ? part : part.of(i));
                if (root.aborted) {
                    ps[i].resolved(root.id); // a step that ran on after its coordinator failed: no record will come
                }
            }
        }
        return failure != null ? failure : result;
    }

    /**
     * Runs {@code body} on the origin thread, which holds this transaction's lock there, with its
     * changes on the origin shard captured like a step's: they join the commit record with the other
     * shards' parts (a script's own-shard writes). Returns what {@code body} threw, as a failed
     * step, or null. Origin thread.
     */
    public Object runHere(Runnable body, String what) {
        assert origin.inShardThread();
        return applyCapturing(origin, s -> {
            body.run();
            return null;
        }, what, false);
    }

    /**
     * Tells {@code then} once this transaction's commit record is in the log (at once when it wrote
     * nothing, or is nested: the transaction around it logs); false when the log refused it, so
     * the write must not be acknowledged. Origin thread.
     */
    public void whenLogged(CommitWaiter then) {
        ShardTransaction root = root();
        if (root != this || synchronous || parts.isEmpty()) {
            then.committed(true);
            return;
        }
        if (commitState == CommitState.LOGGED) {
            then.committed(logDurable);
            return;
        }
        if (afterLogged == null) {
            afterLogged = new ArrayList<>(1);
        }
        afterLogged.add(then);
        logIfDone();
    }

    /**
     * Logs the commit record once no step can add to it: every step has reported and no shard is
     * held. It waits for the transactions whose changes it may have read (those are resolved
     * quickly: their steps are done). Origin thread.
     */
    private void logIfDone() {
        if (outer != null || synchronous || commitState != CommitState.NONE || pending > 0 || !held.isEmpty()
                || parts.isEmpty()) {
            return;
        }
        commitState = CommitState.LOGGING;
        Set<Long> deps = new HashSet<>(readFrom);
        deps.remove(id);
        Resolutions r = origin.resolutions();
        AtomicInteger left = new AtomicInteger(deps.size() + 1);
        Runnable oneDone = () -> {
            if (left.decrementAndGet() == 0) {
                origin.postControl(new LogCommit(this));
            }
        };
        for (long d : deps) {
            r.whenResolved(d, oneDone);
        }
        oneDone.run();
    }

    /** Writes the commit record on the origin, then lets each part be logged where it was made. */
    private record LogCommit(ShardTransaction tx) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            List<CommitParticipant.Part> ps;
            synchronized (tx.parts) {
                ps = List.copyOf(tx.parts);
            }
            shard.participants()[0].logCommit(tx.id, ps, durable -> { // the first storage keeps the records
                // Even when the log failed: what the shards hold back goes to their logs (which
                // fail as well, refusing writes) rather than being held forever.
                shard.resolutions().resolve(tx.id);
                Set<Shard> told = Collections.newSetFromMap(new IdentityHashMap<>());
                for (CommitParticipant.Part p : ps) {
                    for (Shard s : tx.shards) {
                        if (s.id() == p.shard() && told.add(s)) {
                            s.postControl(new Resolved(tx.id));
                        }
                    }
                }
                tx.logDurable = durable;
                tx.commitState = CommitState.LOGGED;
                List<CommitWaiter> waiting = tx.afterLogged;
                tx.afterLogged = null;
                if (waiting != null) {
                    for (CommitWaiter w : waiting) {
                        w.committed(durable);
                    }
                }
            });
        }
    }

    private record Resolved(long tx) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            for (CommitParticipant p : shard.participants()) {
                p.resolved(tx);
            }
        }
    }

    private enum Kind { LOCK, LOCK_KEYS, STEP, RELEASE, RELEASE_IF_HELD, ARRIVED }

    /** A lock request failed on its shard: the coordinator gives up (on the origin's thread). */
    private record Abort(ShardTransaction tx, long internalErrorId) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            tx.abort(internalErrorId);
        }
    }

    private record Control(ShardTransaction tx, Kind kind, Function<Shard, Object> step, int index, boolean release,
                           List<KeyBytes> keys, Shard grantedOn) implements ShardTask {
        Control(ShardTransaction tx, Kind kind, Function<Shard, Object> step, int index, boolean release, List<KeyBytes> keys) {
            this(tx, kind, step, index, release, keys, null);
        }

        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            switch (kind) {
                case LOCK -> shard.requestLock(tx);
                case LOCK_KEYS -> shard.requestKeyLocks(tx, keys);
                case STEP -> {
                    assert shard.isLockedBy(tx.root()) : "step on " + shard + " without its lock";
                    Object result = tx.applyCapturing(shard, step, "a cross-shard step"); // the lock must be released whatever happens
                    if (release) {
                        shard.release(tx);
                    }
                    Object r = result;
                    CommitWaiter send = durable -> tx.origin.postControl(new Result(tx, index,
                            durable ? r : StepFailure.notDurable()));
                    long[] boundaries = tx.root().grantBoundaries.get(shard);
                    if (boundaries != null) {
                        // What the result may reveal (the shard as the lock found it) must be logged
                        // first; its own changes go into the transaction's commit record instead.
                        afterBoundaries(shard.participants(), boundaries, 0, true, send);
                    } else { // the step's changes must be logged before its result can be acknowledged
                        shard.afterCommit(send);
                    }
                }
                case RELEASE -> shard.release(tx);
                case RELEASE_IF_HELD -> shard.releaseIfHeld(tx);
                case ARRIVED -> {
                    if (!tx.aborted) {
                        tx.held.add(grantedOn);
                    } else {
                        grantedOn.postControl(new Control(tx, Kind.RELEASE_IF_HELD, null, -1, false, null));
                    }
                    tx.arrived(-1, null);
                }
            }
        }

        /** A lock request that threw: its transaction cannot go on, so it gives up everywhere. */
        @Override
        public void failed(Shard shard, long internalErrorId) {
            if (kind == Kind.LOCK || kind == Kind.LOCK_KEYS) {
                tx.origin.postControl(new Abort(tx, internalErrorId));
            } else if (kind == Kind.STEP) { // threw around its step (release, commit gate): the coordinator still hears
                tx.origin.postControl(new Result(tx, index, StepFailure.internal(internalErrorId)));
            }
        }
    }

    /** Runs {@code then} once every participant from {@code i} on has logged what came before its boundary. */
    private static void afterBoundaries(CommitParticipant[] ps, long[] boundaries, int i, boolean durable, CommitWaiter then) {
        if (i == boundaries.length) {
            then.committed(durable);
        } else if (boundaries.length == 1) {
            ps[0].afterBoundary(boundaries[0], then);
        } else {
            ps[i].afterBoundary(boundaries[i], d -> afterBoundaries(ps, boundaries, i + 1, durable && d, then));
        }
    }

    private record Result(ShardTransaction tx, int index, Object value) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            tx.arrived(index, value);
        }
    }
}

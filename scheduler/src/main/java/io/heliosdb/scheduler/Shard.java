package io.heliosdb.scheduler;

import io.netty.channel.EventLoop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * One shard: a slice of the keyspace owned by exactly one event loop thread. Other threads talk to
 * it only through {@link #post}; everything else here may be called on the shard's own thread only.
 *
 * <p>Locks (strict two-phase locking for commands that span shards, see {@link ShardTransaction}):
 * <ul>
 *   <li>a whole-shard lock, held by one transaction (KEYS, SCAN, FLUSHALL...): while it is held or
 *       requested, data work and later lock requests wait in a FIFO ({@code deferred}) in arrival
 *       order, so transactions are granted in the order they were sequenced;</li>
 *   <li>key locks (MSET, MGET, RENAME...): each locked key has an owner and a FIFO of waiters (later
 *       transactions, and data work that touches the key). Work on other keys goes on.</li>
 * </ul>
 * A whole-shard lock is granted only when no key is locked; key locks are requested behind a
 * pending whole-shard lock. Requests reach every shard in one global order, so no cycle can form.
 */
public final class Shard {
    /** Normal requests back off above this fill, so control messages always find room. */
    private static final int MAILBOX_CAPACITY = 1 << 17;
    private static final int DATA_HIGH_WATER = MAILBOX_CAPACITY / 4 * 3;

    private final int id;
    private final EventLoop loop;
    private final ManyToOneConcurrentArrayQueue<ShardTask> mailbox = new ManyToOneConcurrentArrayQueue<>(MAILBOX_CAPACITY);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainer = this::drainMailbox;
    private final Consumer<ShardTask> dispatcher = this::dispatch;

    // Owned by the shard thread.
    private volatile Object lockOwner;
    private final ArrayDeque<ShardTask> deferred = new ArrayDeque<>();
    /** Mailbox work taken out while a long task ran here, to run, in order, once it ends. */
    private final ArrayDeque<ShardTask> afterBusy = new ArrayDeque<>();
    private final HashMap<KeyBytes, KeyLock> keyLocks = new HashMap<>();
    /** Keys each transaction holds or waits for here. */
    private final HashMap<ShardTransaction, List<KeyBytes>> keyHolders = new HashMap<>();

    /** A locked key: its owner and who waits for it, in order (transactions and data work). */
    private static final class KeyLock {
        ShardTransaction owner;
        final ArrayDeque<Object> waiters = new ArrayDeque<>();
    }

    /** A transaction's key-lock request on this shard, granted when {@code missing} reaches 0. */
    private static final class KeyGrant {
        final ShardTransaction tx;
        int missing;

        KeyGrant(ShardTransaction tx) {
            this.tx = tx;
        }
    }
    /** Each layer's state, by {@link ShardSlot} index. */
    private final Object[] slots = new Object[ShardSlot.MAX];

    private final InternalErrors internalErrors;

    private final Resolutions resolutions;

    Shard(int id, EventLoop loop, InternalErrors internalErrors, Resolutions resolutions) {
        this.id = id;
        this.loop = loop;
        this.internalErrors = internalErrors;
        this.resolutions = resolutions;
    }

    /** At most this many storages per shard (RESP's keyspace, SQL's tables...). */
    static final int MAX_PARTICIPANTS = 4;
    private static final CommitGate[] NO_GATES = {};
    static final CommitParticipant[] NO_PARTICIPANTS = {};
    private CommitGate[] gates = NO_GATES;
    private CommitParticipant[] participants = NO_PARTICIPANTS;

    /**
     * Adds a gate that holds this shard's outgoing messages until its changes are logged; a
     * message leaves once every gate is open. Before serving.
     */
    public void addGate(CommitGate g) {
        gates = append(gates, g);
    }

    /**
     * Adds what makes this shard's part of a cross-shard write all or nothing (a storage); a step
     * collects a part from each, in the order they were added. Before serving.
     */
    public void addParticipant(CommitParticipant p) {
        participants = append(participants, p);
    }

    /** The one storage's gate (as {@link #addGate}): RESP's keyspace store installs itself so. */
    public void gate(CommitGate g) {
        addGate(g);
    }

    /** The one storage as participant (as {@link #addParticipant}). */
    public void participant(CommitParticipant p) {
        addParticipant(p);
    }

    private static <T> T[] append(T[] all, T one) {
        for (T t : all) {
            if (t == one) {
                return all; // installed twice: still one
            }
        }
        if (all.length == MAX_PARTICIPANTS) {
            throw new IllegalStateException("more than " + MAX_PARTICIPANTS + " storages on one shard");
        }
        T[] more = Arrays.copyOf(all, all.length + 1);
        more[all.length] = one;
        return more;
    }

    /** This shard's storages as commit participants, in order; empty when it keeps no log. Shard thread. */
    CommitParticipant[] participants() {
        return participants;
    }

    /** The cross-shard transactions of this shard's group still waiting for their commit record. */
    public Resolutions resolutions() {
        return resolutions;
    }

    /**
     * Runs {@code waiter} now when nothing is waiting to be committed, else after the commit. Every
     * message that carries the effect of this shard's work to a client or another shard passes here.
     * Shard thread only.
     */
    public void afterCommit(CommitWaiter waiter) {
        assert inShardThread();
        CommitGate[] gs = gates;
        for (int i = 0; i < gs.length; i++) {
            if (!gs[i].isOpen()) {
                if (gs.length == 1) {
                    gs[i].await(waiter);
                } else { // wait for this one, then look at them all again
                    gs[i].await(durable -> {
                        if (durable) {
                            afterCommit(waiter);
                        } else {
                            waiter.committed(false);
                        }
                    });
                }
                return;
            }
        }
        waiter.committed(true);
    }

    public int id() {
        return id;
    }

    public EventLoop loop() {
        return loop;
    }

    public boolean inShardThread() {
        return loop.inEventLoop();
    }

    /**
     * From inside a long task on this shard's thread (a script past lua-time-limit): one
     * non-blocking round of this loop's socket I/O, so its clients are answered meanwhile, then the
     * waiting requests answer BUSY ({@link #answerQueuedWhileBusy}); other queued tasks wait for the
     * task to end. False when called from inside this loop's socket handling (a command run straight
     * from a read), where nothing can be done.
     */
    public boolean pumpIo() {
        boolean pumped = loop instanceof ShardEventLoop sel && sel.pumpIo(); // (a simulated loop has no sockets)
        if (pumped) {
            answerQueuedWhileBusy();
        }
        return pumped;
    }

    /**
     * For a long task that must stay atomic (a Lua script past lua-time-limit): once its budget is
     * spent, one {@link #pumpIo} round (its clients are answered, waiting requests get BUSY) and a
     * new slice of budget. The task keeps the shard throughout. True when it pumped.
     */
    public boolean yieldIfSpent(SliceBudget budget) {
        if (!budget.spent()) {
            return false;
        }
        budget.begin();
        return pumpIo();
    }

    /**
     * Runs {@code task} a slice at a time within {@code budget}, letting this shard's other work
     * run between slices: each slice is queued on the loop behind what came meanwhile, then
     * admitted as data work (so it waits, as data work does, while a transaction holds the shard
     * whole). Shard thread only.
     */
    public void runInSlices(LongTask task, SliceBudget budget) {
        assert inShardThread();
        loop.execute(new Slices(task, budget));
    }

    /** One long task's slices: a loop task that submits itself as data work, then runs a slice. */
    private final class Slices implements Runnable, ShardTask {
        private final LongTask task;
        private final SliceBudget budget;

        Slices(LongTask task, SliceBudget budget) {
            this.task = task;
            this.budget = budget;
        }

        @Override
        public void run() {
            submit(this);
        }

        @Override
        public void run(Shard shard) {
            budget.begin();
            if (!task.runSlice(shard, budget)) {
                loop.execute(this); // yield: the mailbox and timers get their turn first
            }
        }

        @Override
        public void failed(Shard shard, long internalErrorId) {
            task.failed(shard, internalErrorId); // (submit ran it guarded: reported, no more slices)
        }
    }

    /**
     * Inside a long task on this thread: requests already waiting here (in the mailbox, or deferred
     * behind a lock holder) that can answer for themselves run now — they refuse with BUSY, as Redis
     * answers commands that arrived before its script passed lua-time-limit — everything else stays,
     * in order, for when the task ends.
     */
    public void answerQueuedWhileBusy() {
        assert inShardThread();
        mailbox.drain(t -> {
            if (!t.isControl() && t.answersWhileBusy()) {
                dispatch(t);
            } else {
                afterBusy.add(t);
            }
        });
        answerDeferredWhileBusy();
        if (!afterBusy.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainer);
        }
    }

    /** Deferred requests that answer for themselves run now; the rest keep their order. Shard thread only. */
    public void answerDeferredWhileBusy() {
        assert inShardThread();
        if (deferred.isEmpty()) {
            return;
        }
        ArrayDeque<ShardTask> keep = new ArrayDeque<>();
        ShardTask t;
        while ((t = deferred.poll()) != null) {
            if (t.answersWhileBusy()) {
                runGuarded(t);
            } else {
                keep.add(t);
            }
        }
        deferred.addAll(keep);
    }

    /**
     * A task failed with an exception (a bug: tests require none): report it, let the task answer
     * its client with the error's id, go on with the next task.
     */
    private void failed(ShardTask task, Throwable t) {
        long errorId = internalErrors.report(this + " running " + task.getClass().getSimpleName(), t);
        try {
            task.failed(this, errorId);
        } catch (Throwable again) {
            internalErrors.report(this + " answering for a failed " + task.getClass().getSimpleName(), again);
        }
    }

    // ---- what the watchdog sees (written by the shard thread, read by the watchdog's) ----------

    private static final VarHandle BUSY_SINCE;

    static {
        try {
            BUSY_SINCE = MethodHandles.lookup().findVarHandle(Shard.class, "busySince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** System.nanoTime() when the current piece of work began, 0 while the loop waits for events. */
    @SuppressWarnings("unused") // through BUSY_SINCE
    private long busySince;
    private int busyDepth; // shard thread only: work inside work keeps the outer start
    /** What runs now (a command's spec, a task), for the watchdog's report: a racy read is fine there. */
    private Object busyWith;
    private volatile Thread thread;

    /**
     * A piece of work starts on this shard's thread (a command, a round of tasks). Cheap: an
     * opaque store, no fence, so the hot path pays nothing measurable.
     */
    public void enterBusy(long nanoTime, Object what) {
        if (busyDepth++ == 0) {
            BUSY_SINCE.setOpaque(this, nanoTime);
            if (thread == null) {
                thread = Thread.currentThread();
            }
        }
        busyWith = what;
    }

    /**
     * A mailbox task begins inside a round of queued work: the watchdog times each task, not the
     * whole round (netty runs up to a second of tasks per round under load).
     */
    private void taskBoundary() {
        if (busyDepth == 1) {
            BUSY_SINCE.setOpaque(this, System.nanoTime());
        }
    }

    public void exitBusy() {
        if (--busyDepth == 0) {
            BUSY_SINCE.setOpaque(this, 0L);
        }
    }

    /** For the watchdog: when the current work began (0: idle), what it is, and the shard's thread. */
    long busySince() {
        return (long) BUSY_SINCE.getOpaque(this);
    }

    Object busyWith() {
        return busyWith;
    }

    Thread thread() {
        return thread;
    }

    /** Test-only failures (see {@link FaultInjection}); null in production. */
    FaultInjection.Plan faults;

    /** For upper layers' own injection points: throws if the test's plan says so. Shard thread. */
    public void injectedFault(FaultInjection.Point point) {
        FaultInjection.check(faults, point, this);
    }

    /** Runs a task so that its failure cannot stop the code that runs it (the FIFO, a key hand-over). */
    private void runGuarded(ShardTask task) {
        try {
            FaultInjection.check(faults, FaultInjection.Point.TASK, this);
            task.run(this);
        } catch (Throwable t) {
            failed(task, t);
        }
    }

    /**
     * Runs a step of a cross-shard command: whatever it throws becomes a {@link StepFailure} result
     * (reported with an id), so the caller always gets to release its locks and answer. Shard thread.
     */
    Object applyStep(Function<Shard, Object> step, String what) {
        try {
            FaultInjection.check(faults, FaultInjection.Point.STEP, this);
            return step.apply(this);
        } catch (Throwable t) {
            return StepFailure.internal(internalErrors.report(this + " running " + what, t));
        }
    }

    /** {@link #applyStep} without the fault-injection point: code the transaction runs in its own turn. */
    Object applyBody(Function<Shard, Object> step, String what) {
        try {
            return step.apply(this);
        } catch (Throwable t) {
            return StepFailure.internal(internalErrors.report(this + " running " + what, t));
        }
    }

    /** Where bugs are reported (see {@link InternalErrors}); any thread. */
    public InternalErrors internalErrors() {
        return internalErrors;
    }

    /** An upper layer puts its per-shard state (the keyspace) in its slot once, before serving. */
    public <T> void put(ShardSlot<T> slot, T value) {
        slots[slot.index()] = value;
    }

    /** The value in {@code slot}, or null when its layer put none here. */
    @SuppressWarnings("unchecked") // put takes only a T for a ShardSlot<T>
    public <T> T get(ShardSlot<T> slot) {
        return (T) slots[slot.index()];
    }

    /**
     * Posts data work from any thread. Returns false when the mailbox is above its high-water mark;
     * the caller must retry later (backpressure) rather than spin.
     */
    public boolean post(ShardTask task) {
        if (mailbox.size() > DATA_HIGH_WATER || !mailbox.offer(task)) {
            return false;
        }
        wake();
        return true;
    }

    /**
     * Hands on data work another shard already admitted (a request travelling to its next leg):
     * it uses the headroom above the high-water mark, like control messages, and never fails, so
     * the forwarding shard never has to block or drop it.
     */
    public void forward(ShardTask task) {
        assert !task.isControl();
        while (!mailbox.offer(task)) {
            Thread.onSpinWait(); // only reachable with the whole mailbox (131072 entries) full
        }
        wake();
    }

    /** Posts a control message; these use the headroom above the high-water mark and never fail. */
    public void postControl(ShardTask task) {
        assert task.isControl();
        while (!mailbox.offer(task)) {
            Thread.onSpinWait(); // only reachable with >32K control messages queued at once
        }
        wake();
    }

    private void wake() {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainer);
        }
    }

    private void drainMailbox() {
        while (!afterBusy.isEmpty()) {
            dispatch(afterBusy.poll()); // they came before anything still in the mailbox
        }
        while (true) {
            mailbox.drain(dispatcher);
            drainScheduled.set(false);
            if (mailbox.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void dispatch(ShardTask task) {
        // One failing task must not stop the shard: an exception escaping the drain would leave
        // drainScheduled set and the mailbox unserved forever. Count it, say where, go on.
        taskBoundary();
        try {
            if (task.isControl()) {
                task.run(this);
            } else {
                submit(task);
            }
        } catch (Throwable t) {
            failed(task, t);
        }
    }

    /** A busy script holds this shard (from another shard's thread): requests answer for themselves at once. */
    private volatile boolean answeringWhileHeld;

    /**
     * A script past lua-time-limit holds this shard from another thread ({@code on}), or no longer:
     * while on, requests that can answer for themselves (BUSY) run at once instead of waiting behind
     * the holder, those already waiting too. Any thread.
     */
    public void answerWhileHeld(boolean on) {
        answeringWhileHeld = on;
        if (on) {
            postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    answerDeferredWhileBusy();
                }
            });
        }
    }

    /** Runs data work now, or queues it behind the lock holder and earlier waiters. Shard thread only. */
    public void submit(ShardTask task) {
        assert inShardThread();
        if (answeringWhileHeld && task.answersWhileBusy()) {
            runGuarded(task);
            return;
        }
        if (lockOwner == null && deferred.isEmpty()) {
            runGuarded(task);
        } else {
            deferred.add(task);
        }
    }

    /** No lock held or requested here, nothing deferred. Shard thread only. */
    public boolean isIdle() {
        return lockOwner == null && keyLocks.isEmpty() && keyHolders.isEmpty() && deferred.isEmpty() && afterBusy.isEmpty();
    }

    /** True when data work submitted now would run at once without looking at keys. Shard thread only. */
    public boolean isRunnableNow() {
        return lockOwner == null && deferred.isEmpty() && keyLocks.isEmpty();
    }

    /**
     * Whether {@code tx} holds this shard whole. Read from another thread by a synchronous step's
     * caller: the owner field was set before the grant reached it, and it holds until it releases.
     */
    public boolean isHeldBy(Object tx) {
        return lockOwner == tx;
    }

    public boolean isLockedBy(Object tx) {
        return lockOwner == tx || keyHolders.containsKey(tx);
    }

    /** Whether any key is locked here (data work must then check its keys with {@link #lockedKey}). */
    public boolean hasKeyLocks() {
        return !keyLocks.isEmpty();
    }

    /** The lock on {@code key}, if a transaction holds it; data work touching it must wait. */
    public Object lockedKey(KeyBytes key) {
        return keyLocks.get(key);
    }

    /**
     * Parks data work until the key lock returned by {@link #lockedKey} is released; it is then
     * run again (and checks its keys again). Shard thread only.
     */
    public void waitForKey(Object keyLock, ShardTask work) {
        assert !keyLocks.isEmpty();
        ((KeyLock) keyLock).waiters.add(work);
    }

    void requestLock(ShardTransaction tx) {
        assert inShardThread();
        FaultInjection.check(faults, FaultInjection.Point.LOCK, this);
        if (lockOwner == null && deferred.isEmpty() && keyLocks.isEmpty()) {
            lockOwner = tx;
            tx.granted(this);
        } else {
            deferred.add(new PendingLock(tx, null));
        }
    }

    void requestKeyLocks(ShardTransaction tx, List<KeyBytes> keys) {
        assert inShardThread();
        FaultInjection.check(faults, FaultInjection.Point.LOCK, this);
        if (lockOwner != null || !deferred.isEmpty()) {
            deferred.add(new PendingLock(tx, keys)); // behind a whole-shard lock held or requested
        } else {
            acquireKeys(tx, keys);
        }
    }

    private void acquireKeys(ShardTransaction tx, List<KeyBytes> keys) {
        List<KeyBytes> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        keyHolders.put(tx, distinct);
        KeyGrant grant = new KeyGrant(tx);
        for (KeyBytes k : distinct) {
            KeyLock lock = keyLocks.get(k);
            if (lock == null) {
                lock = new KeyLock();
                lock.owner = tx;
                keyLocks.put(k, lock);
            } else {
                lock.waiters.add(grant);
                grant.missing++;
            }
        }
        if (grant.missing == 0) {
            tx.granted(this);
        }
    }

    void release(ShardTransaction tx) {
        assert inShardThread();
        if (lockOwner == tx) {
            lockOwner = null;
        } else {
            List<KeyBytes> keys = keyHolders.remove(tx);
            assert keys != null : "shard " + id + " released by a transaction that holds nothing here";
            for (KeyBytes k : keys) {
                releaseKey(k, tx);
            }
            if (!keyLocks.isEmpty()) {
                return; // a pending whole-shard lock waits until no key is locked
            }
        }
        drainDeferred();
    }

    /**
     * Gives back whatever {@code tx} holds or waits for here (an aborted transaction: it may hold
     * some keys and wait for others). Shard thread only.
     */
    void releaseIfHeld(ShardTransaction tx) {
        assert inShardThread();
        if (lockOwner == tx) {
            release(tx);
        } else if (keyHolders.containsKey(tx)) {
            abandonKeyGrant(tx);
            if (keyLocks.isEmpty()) {
                drainDeferred();
            }
        }
    }

    /** Hands a released key to its next waiters: data work runs until a transaction takes the key. */
    private void releaseKey(KeyBytes k, ShardTransaction tx) {
        KeyLock lock = keyLocks.get(k);
        assert lock != null && lock.owner == tx;
        lock.owner = null;
        while (lock.owner == null && !lock.waiters.isEmpty()) {
            Object w = lock.waiters.poll();
            if (w instanceof KeyGrant g) {
                if (g.tx.isAborted()) {
                    abandonKeyGrant(g.tx);
                    continue;
                }
                lock.owner = g.tx;
                if (--g.missing == 0) {
                    g.tx.granted(this);
                }
            } else {
                keyLocks.remove(k); // free while the work runs (it may look the key up again)
                runGuarded((ShardTask) w);
                KeyLock again = keyLocks.get(k);
                if (again != null && again != lock) { // work re-locked? cannot: only transactions lock keys
                    throw new AssertionError("key lock replaced while handing over");
                }
                keyLocks.put(k, lock);
            }
        }
        if (lock.owner == null && lock.waiters.isEmpty()) {
            keyLocks.remove(k);
        }
    }

    /**
     * An aborted transaction waiting for keys here: drop it from every key queue and give back the
     * keys it already owns, so nobody waits behind it.
     */
    private void abandonKeyGrant(ShardTransaction tx) {
        List<KeyBytes> keys = keyHolders.remove(tx);
        if (keys == null) {
            return;
        }
        for (KeyBytes k : keys) {
            KeyLock lock = keyLocks.get(k);
            if (lock == null) {
                continue;
            }
            lock.waiters.removeIf(w -> w instanceof KeyGrant g && g.tx == tx);
            if (lock.owner == tx) {
                releaseKey(k, tx);
            }
        }
    }

    private void drainDeferred() {
        ShardTask next;
        while (lockOwner == null && (next = deferred.peek()) != null) {
            if (next instanceof PendingLock pending) {
                if (pending.keys == null) {
                    if (!keyLocks.isEmpty()) {
                        return; // the whole-shard lock waits for the key locks to go
                    }
                    deferred.poll();
                    if (!pending.tx.isAborted()) { // its owner gave up (a failure elsewhere): nothing to grant
                        lockOwner = pending.tx;
                        pending.tx.granted(this);
                    }
                } else {
                    deferred.poll();
                    if (!pending.tx.isAborted()) {
                        acquireKeys(pending.tx, pending.keys);
                    }
                }
            } else {
                deferred.poll();
                runGuarded(next);
            }
        }
    }

    /** A lock request waiting in the FIFO: whole-shard when {@code keys} is null. */
    private record PendingLock(ShardTransaction tx, List<KeyBytes> keys) implements ShardTask {
        @Override
        public void run(Shard shard) {
            throw new AssertionError("pending locks are granted when the FIFO drains, never run");
        }
    }

    @Override
    public String toString() {
        return "shard-" + id;
    }
}

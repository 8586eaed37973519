package io.heliosdb.scheduler.sim;

import io.heliosdb.scheduler.ShardGroup;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Deterministic simulation of a shard group (FoundationDB-style): every shard runs on a
 * {@link SimLoop} that only queues its tasks, and this one object, on the one thread that made
 * it, decides from a seeded RNG which loop runs its next task (a mailbox drain, deferred work, a
 * due timer) or which external event (a client's request) happens next. Time is simulated: it
 * moves by a random few microseconds per step and jumps to the next timer when nothing is ready.
 * The same seed replays the same interleaving, lock order and commit gating: {@link #trace()}
 * proves it, and a failing seed is rerun by constructing the simulation with it again.
 */
public final class Simulation {
    /** How far simulated time moves at most per step. */
    private static final long MAX_TICK_NANOS = 5_000;

    private final long seed;
    private final Random random;
    private final Thread owner = Thread.currentThread();
    private final List<SimLoop> loops = new ArrayList<>();
    private final PriorityQueue<External> externals = new PriorityQueue<>();
    private final List<String> trace = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final SimTicker ticker = new SimTicker();
    private SimLoop running;
    private long steps;
    private long externalOrder;

    /** A client's event at a simulated time (ties keep the order they were added in). */
    private record External(long atNanos, long order, String name, Runnable action) implements Comparable<External> {
        @Override
        public int compareTo(External o) {
            int c = Long.compare(atNanos, o.atNanos);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    public Simulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A shard group of {@code shards} shards, each on a loop of this simulation. */
    public ShardGroup shardGroup(int shards) {
        List<SimLoop> made = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            made.add(newLoop("shard-" + i));
        }
        return ShardGroup.onLoops(made);
    }

    /** A loop driven by this simulation (a shard's, or another actor's such as a disk). */
    public SimLoop newLoop(String name) {
        SimLoop l = new SimLoop(this, name);
        loops.add(l);
        return l;
    }

    public long seed() {
        return seed;
    }

    /** The simulation's RNG, for workloads that want their choices in the same replay. */
    public Random random() {
        return random;
    }

    /** Simulated nanoseconds since the start. */
    public long nanoTime() {
        return ticker.now;
    }

    /** Steps run so far. */
    public long steps() {
        return steps;
    }

    /** Runs {@code action} outside every loop (as a client would) {@code delayNanos} from now. */
    public void external(long delayNanos, String name, Runnable action) {
        checkThread();
        externals.add(new External(ticker.now + Math.max(0, delayNanos), externalOrder++, name, action));
    }

    /**
     * Runs {@code action} now as if on {@code loop}'s thread, outside the schedule (a test's
     * inspection of shard state between or after steps). Not recorded in the trace.
     */
    public void inLoop(SimLoop loop, Runnable action) {
        checkThread();
        SimLoop before = running;
        running = loop;
        try {
            action.run();
        } finally {
            running = before;
        }
    }

    /**
     * Runs one event chosen by the RNG among the ready ones; false when nothing is left to run
     * (no queued task, no timer, no external event): the system is quiescent.
     */
    public boolean step() {
        checkThread();
        List<Object> ready = readyNow();
        if (ready.isEmpty()) {
            long next = nextDeadline();
            if (next < 0) {
                return false;
            }
            ticker.now = Math.max(ticker.now, next);
            ready = readyNow();
            assert !ready.isEmpty() : "a deadline passed with nothing ready";
        }
        Object pick = ready.get(random.nextInt(ready.size()));
        steps++;
        if (pick instanceof SimLoop l) {
            trace.add(steps + " " + l.name());
            running = l;
            try {
                l.runOne(random);
            } finally {
                running = null;
            }
        } else {
            External e = externals.poll();
            assert e == pick;
            trace.add(steps + " external " + e.name());
            e.action().run();
        }
        ticker.now += 1 + random.nextInt((int) MAX_TICK_NANOS);
        return true;
    }

    /**
     * Runs until quiescent or {@code maxSteps} steps (a crash point, or a bound that a deadlock
     * would hit): returns true when quiescent.
     */
    public boolean run(long maxSteps) {
        for (long i = 0; i < maxSteps; i++) {
            if (!step()) {
                return true;
            }
        }
        return !hasWork();
    }

    /** Whether any task, timer or external event is still to run. */
    public boolean hasWork() {
        return !readyNow().isEmpty() || nextDeadline() >= 0;
    }

    /** One line per step: which loop (or external event) ran. The same seed gives the same trace. */
    public List<String> trace() {
        return trace;
    }

    /** Adds a line to the trace (a model's own events, so a replay compares them too). */
    public void note(String line) {
        trace.add(steps + " " + line);
    }

    private List<Object> readyNow() {
        List<Object> ready = new ArrayList<>();
        for (SimLoop l : loops) {
            if (l.isReady(ticker.now)) {
                ready.add(l);
            }
        }
        External e = externals.peek();
        if (e != null && e.atNanos() <= ticker.now) {
            ready.add(e); // only the earliest: clients' events keep their order
        }
        return ready;
    }

    private long nextDeadline() {
        long next = -1;
        for (SimLoop l : loops) {
            long d = l.nextTimer();
            if (d >= 0 && (next < 0 || d < next)) {
                next = d;
            }
        }
        External e = externals.peek();
        if (e != null && (next < 0 || e.atNanos() < next)) {
            next = e.atNanos();
        }
        return next;
    }

    /** Exceptions that escaped a loop's task (shards catch their own: tests expect none). */
    public List<Throwable> failures() {
        return failures;
    }

    void taskFailed(SimLoop loop, Throwable t) {
        failures.add(t);
        trace.add(steps + " " + loop.name() + " failed: " + t);
    }

    boolean isRunning(SimLoop loop) {
        return running == loop;
    }

    SimTicker ticker() {
        return ticker;
    }

    void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a simulation runs on the one thread that made it, not " + Thread.currentThread().getName());
        }
    }

    /** Netty's clock for the loops' timers: simulated time, never the system's. */
    static final class SimTicker implements Ticker {
        long now;

        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("nothing sleeps in a simulation: schedule a timer");
        }
    }
}

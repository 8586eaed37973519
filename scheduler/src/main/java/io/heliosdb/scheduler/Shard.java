package io.heliosdb.scheduler;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * One shard: a slice of the keyspace owned by exactly one event loop thread. Other threads talk to
 * it only through {@link #post}; everything else here may be called on the shard's own thread only.
 *
 * <p>A shard may be locked by one {@link ShardTransaction} (strict two-phase locking for commands
 * that span shards). While locked, data work waits in a FIFO ({@code deferred}) in arrival order;
 * lock requests join that FIFO too, so transactions are granted in the order they were sequenced.
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
    private Object lockOwner;
    private final ArrayDeque<ShardTask> deferred = new ArrayDeque<>();
    private Object state;

    Shard(int id, EventLoop loop) {
        this.id = id;
        this.loop = loop;
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

    /** Upper layers attach their per-shard state (the keyspace) once, before serving. */
    public void attach(Object shardState) {
        this.state = shardState;
    }

    @SuppressWarnings("unchecked")
    public <T> T state() {
        return (T) state;
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
        while (true) {
            mailbox.drain(dispatcher);
            drainScheduled.set(false);
            if (mailbox.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void dispatch(ShardTask task) {
        if (task.isControl()) {
            task.run(this);
        } else {
            submit(task);
        }
    }

    /** Runs data work now, or queues it behind the lock holder and earlier waiters. Shard thread only. */
    public void submit(ShardTask task) {
        assert inShardThread();
        if (lockOwner == null && deferred.isEmpty()) {
            task.run(this);
        } else {
            deferred.add(task);
        }
    }

    /** True when data work submitted now would run at once. Shard thread only. */
    public boolean isRunnableNow() {
        return lockOwner == null && deferred.isEmpty();
    }

    public boolean isLockedBy(Object tx) {
        return lockOwner == tx;
    }

    void requestLock(ShardTransaction tx) {
        assert inShardThread();
        if (lockOwner == null && deferred.isEmpty()) {
            lockOwner = tx;
            tx.granted(this);
        } else {
            deferred.add(new PendingLock(tx));
        }
    }

    void release(ShardTransaction tx) {
        assert inShardThread();
        assert lockOwner == tx : "shard " + id + " released by a transaction that does not own it";
        lockOwner = null;
        ShardTask next;
        while (lockOwner == null && (next = deferred.poll()) != null) {
            if (next instanceof PendingLock pending) {
                lockOwner = pending.tx;
                pending.tx.granted(this);
            } else {
                next.run(this);
            }
        }
    }

    /** A lock request waiting in the FIFO. */
    private record PendingLock(ShardTransaction tx) implements ShardTask {
        @Override
        public void run(Shard shard) {
            throw new AssertionError("pending locks are granted by release(), never run");
        }
    }

    @Override
    public String toString() {
        return "shard-" + id;
    }
}

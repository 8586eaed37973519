package io.heliosdb.scheduler;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Notices a shard whose loop has been busy on one piece of work for longer than the threshold (a
 * command or task that does not yield: every other client of that shard waits meanwhile) and logs
 * what it runs with the thread's stack, once per stall, like Redis' watchdog-period. Its own daemon
 * thread; it only reads what the shards publish.
 */
public final class ShardWatchdog implements AutoCloseable {
    private final ShardGroup shards;
    private final LongSupplier thresholdMillis;
    private final AtomicLong stalls = new AtomicLong();
    private final long[] reported;
    private final Thread thread;
    private volatile boolean closed;

    /** @param thresholdMillis read at every check, so it can change at run time (0 = off) */
    public ShardWatchdog(ShardGroup shards, LongSupplier thresholdMillis) {
        this.shards = shards;
        this.thresholdMillis = thresholdMillis;
        this.reported = new long[shards.size()];
        this.thread = new Thread(this::watch, "helios-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stalls noticed so far (INFO). */
    public long stalls() {
        return stalls.get();
    }

    private void watch() {
        while (!closed) {
            long threshold = thresholdMillis.getAsLong();
            try {
                Thread.sleep(threshold <= 0 ? 500 : Math.max(10, Math.min(100, threshold / 4)));
            } catch (InterruptedException e) {
                return;
            }
            if (threshold > 0) {
                try {
                    check(threshold * 1_000_000L, System.nanoTime());
                } catch (RuntimeException e) { // the watchdog must outlive anything it looks at
                    shards.errors().report("the shard watchdog", e);
                }
            }
        }
    }

    /** One look at every shard; a stall is reported once, when it first passes the threshold. */
    void check(long thresholdNanos, long now) {
        for (Shard s : shards.all()) {
            long since = s.busySince();
            if (since == 0 || now - since < thresholdNanos || reported[s.id()] == since) {
                continue;
            }
            reported[s.id()] = since;
            stalls.incrementAndGet();
            Thread t = s.thread();
            StringBuilder b = new StringBuilder("HeliosDB watchdog: ").append(s).append(" has been busy for ")
                    .append((now - since) / 1_000_000).append(" ms running ").append(s.busyWith())
                    .append("; its other clients wait. Stack:\n");
            if (t != null) {
                for (StackTraceElement e : t.getStackTrace()) {
                    b.append("\tat ").append(e).append('\n');
                }
            }
            System.err.print(b);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}

package io.heliosdb.scheduler.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An event loop that runs nothing by itself: {@link #execute} queues the task and timers wait in
 * netty's scheduled-task queue on simulated time, until its {@link Simulation} picks this loop
 * for a step. {@link #inEventLoop} is true only while the simulation runs one of its tasks, so a
 * shard's thread checks hold as on a real loop. It has no sockets: channel registration throws.
 */
public final class SimLoop extends AbstractScheduledEventExecutor implements EventLoop {
    private final Simulation sim;
    private final String name;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final DefaultPromise<Void> terminated = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
    private boolean shutdown;

    SimLoop(Simulation sim, String name) {
        this.sim = sim;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Tasks queued now (timers not counted). */
    public int queued() {
        return tasks.size();
    }

    @Override
    public void execute(Runnable task) {
        sim.checkThread();
        if (shutdown) {
            throw new IllegalStateException(name + " is shut down");
        }
        tasks.add(task);
    }

    @Override
    public Ticker ticker() {
        return sim.ticker();
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return sim.isRunning(this);
    }

    boolean isReady(long now) {
        if (!tasks.isEmpty()) {
            return true;
        }
        long d = nextTimer();
        return d >= 0 && d <= now;
    }

    /** The earliest timer's deadline in simulated nanoseconds, or -1. */
    long nextTimer() {
        return nextScheduledTaskDeadlineNanos();
    }

    /** One step: a due timer or the next queued task, chosen by the RNG when both are there. */
    void runOne(Random random) {
        long now = sim.nanoTime();
        boolean timerDue = nextTimer() >= 0 && nextTimer() <= now;
        Runnable r = timerDue && (tasks.isEmpty() || random.nextBoolean()) ? pollScheduledTask(now) : tasks.poll();
        if (r != null) {
            try {
                r.run();
            } catch (Throwable t) { // as netty's loops, go on; the simulation keeps it for the test
                sim.taskFailed(this, t);
            }
        }
    }

    @Override
    public EventLoopGroup parent() {
        return null; // not part of a netty group: the simulation drives it
    }

    @Override
    public EventLoop next() {
        return this;
    }

    @Override
    public ChannelFuture register(Channel channel) {
        throw new UnsupportedOperationException("a simulated loop has no sockets");
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        throw new UnsupportedOperationException("a simulated loop has no sockets");
    }

    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        throw new UnsupportedOperationException("a simulated loop has no sockets");
    }

    @Override
    public boolean isShuttingDown() {
        return shutdown;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        shutdown();
        return terminated;
    }

    @Override
    public Future<?> terminationFuture() {
        return terminated;
    }

    @Override
    @Deprecated
    public void shutdown() {
        shutdown = true;
        tasks.clear();
        sim.inLoop(this, this::cancelScheduledTasks);
        terminated.trySuccess(null);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    @Override
    public String toString() {
        return "SimLoop(" + name + ")";
    }
}

package io.heliosdb.scheduler;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * A shard's netty loop that can serve its sockets from inside a long task. A Lua script past
 * lua-time-limit runs on its shard's thread for as long as it likes; Redis keeps answering other
 * clients meanwhile (BUSY, SCRIPT KILL) by processing events from the script's hook, and so does
 * this loop: {@link #pumpIo} runs one non-blocking round of socket I/O (reads, accepts' registrations)
 * without running queued tasks, which may touch the data the script is using.
 *
 * <p>New connections are registered through a queue of their own (not as an opaque task) so a pump
 * can register them too: a client that connects to a busy shard can still say SCRIPT KILL.
 */
final class ShardEventLoop extends SingleThreadIoEventLoop {
    /** One round of I/O that must not block: the script is waiting for it to return. */
    private static final IoHandlerContext NOW = new IoHandlerContext() {
        @Override
        public boolean canBlock() {
            return false;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return 0;
        }

        @Override
        public long deadlineNanos() {
            return -1;
        }
    };

    private final ConcurrentLinkedQueue<ChannelPromise> registrations = new ConcurrentLinkedQueue<>();
    /** The I/O handler is running (netty's handlers are not re-entrant: no pump from inside it). */
    private boolean inIo;
    private final Runnable registerPending = this::registerPending;

    /** The shard this loop runs, set once before it serves. */
    volatile Shard shard;
    private static final String TASKS = "queued tasks";

    ShardEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
    }

    /** Queued work (the mailbox, timers) counts as busy time for the watchdog. */
    @Override
    protected boolean runAllTasks(long timeoutNanos) {
        Shard s = shard;
        if (s == null) {
            return super.runAllTasks(timeoutNanos);
        }
        s.enterBusy(System.nanoTime(), TASKS);
        try {
            return super.runAllTasks(timeoutNanos);
        } finally {
            s.exitBusy();
        }
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        if (inEventLoop()) {
            return super.register(promise);
        }
        registrations.add(promise);
        execute(registerPending);
        return promise;
    }

    private void registerPending() {
        ChannelPromise p;
        while ((p = registrations.poll()) != null) {
            super.register(p); // on this thread: registers at once
        }
    }

    @Override
    protected int runIo() {
        inIo = true;
        try {
            return super.runIo();
        } finally {
            inIo = false;
        }
    }

    /**
     * One non-blocking round of socket I/O, from inside a task on this loop's thread; false (nothing
     * done) when called from inside socket handling, where the I/O handler cannot be entered again.
     */
    boolean pumpIo() {
        assert inEventLoop() : "pumpIo off the loop's thread";
        if (inIo) {
            return false;
        }
        registerPending();
        inIo = true;
        try {
            ioHandler().run(NOW);
        } finally {
            inIo = false;
        }
        return true;
    }
}

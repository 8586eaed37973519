package io.heliosdb.scheduler;

import io.heliosdb.memory.Crc16;
import io.heliosdb.platform.CpuAffinity;
import io.heliosdb.platform.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread-per-core runtime: one netty event loop per shard (optionally pinned to a CPU), each
 * serving its connections and owning its shard. Keys map to slots (CRC16), slots to shards.
 */
public final class ShardGroup implements AutoCloseable {
    private final Transport transport;
    private final MultiThreadIoEventLoopGroup group;
    private final Shard[] shards;
    private final Map<EventExecutor, Shard> byLoop = new IdentityHashMap<>();
    private final int[] shardOfSlot = new int[Crc16.SLOTS];
    private final InternalErrors internalErrors = new InternalErrors();
    private final Resolutions resolutions = new Resolutions();

    public ShardGroup(int shardCount, Transport transport, boolean pinThreads) {
        this(transport, newGroup(shardCount, transport, pinThreads), null);
    }

    /**
     * A group on loops the caller made and drives, one shard per loop: the deterministic simulation
     * (see the sim package). No transport, no sockets, no threads of its own.
     */
    public static ShardGroup onLoops(List<? extends EventLoop> loops) {
        return new ShardGroup(null, null, loops);
    }

    private ShardGroup(Transport transport, MultiThreadIoEventLoopGroup group, List<? extends EventLoop> given) {
        List<EventLoop> loops = new ArrayList<>();
        if (given != null) {
            loops.addAll(given);
        } else {
            for (EventExecutor e : group) {
                loops.add((EventLoop) e);
            }
        }
        checkCount(loops.size());
        this.transport = transport;
        this.group = group;
        this.shards = new Shard[loops.size()];
        for (int i = 0; i < shards.length; i++) {
            EventLoop loop = loops.get(i);
            Shard s = new Shard(i, loop, internalErrors, resolutions);
            if (loop instanceof ShardEventLoop sel) {
                sel.shard = s;
            }
            shards[i] = s;
            byLoop.put(loop, s);
        }
        for (int slot = 0; slot < shardOfSlot.length; slot++) {
            // contiguous slot ranges per shard, as a cluster would assign them
            shardOfSlot[slot] = (int) ((long) slot * shards.length / shardOfSlot.length);
        }
    }

    private static void checkCount(int shardCount) {
        if (shardCount < 1 || shardCount > 1024) {
            throw new IllegalArgumentException("shards must be between 1 and 1024, got " + shardCount);
        }
    }

    private static MultiThreadIoEventLoopGroup newGroup(int shardCount, Transport transport, boolean pinThreads) {
        checkCount(shardCount);
        return new MultiThreadIoEventLoopGroup(shardCount, threadFactory(pinThreads), transport.ioHandlerFactory()) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory factory,
                    Object... args) {
                return new ShardEventLoop(this, executor, factory);
            }
        };
    }

    private static ThreadFactory threadFactory(boolean pin) {
        AtomicInteger next = new AtomicInteger();
        int cpus = Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory base = new DefaultThreadFactory("helios-shard", false, Thread.MAX_PRIORITY);
        return r -> {
            int index = next.getAndIncrement();
            Thread t = base.newThread(() -> {
                if (pin) {
                    CpuAffinity.pinCurrentThread(index % cpus);
                }
                r.run();
            });
            t.setName("helios-shard-" + index);
            return t;
        };
    }

    /** Tasks that failed with an exception on any shard (a bug: tests require 0). */
    public long internalErrors() {
        return internalErrors.count();
    }

    /** Test only: fail where {@code plan} says (null turns it off). Call while the shards are idle. */
    public void injectFaults(FaultInjection.Plan plan) {
        for (Shard s : shards) {
            s.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    shard.faults = plan;
                }
            });
        }
    }

    /**
     * Test only: whether every shard holds no lock and queues no work, asked on each shard's own
     * thread (waits up to a second per shard).
     */
    public boolean idle() throws InterruptedException {
        for (Shard s : shards) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            s.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    f.complete(shard.isIdle());
                }
            });
            try {
                if (!f.get(1, TimeUnit.SECONDS)) {
                    return false;
                }
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    /** Where bugs are reported: ids shared by the log and the clients' errors. */
    public InternalErrors errors() {
        return internalErrors;
    }

    public Transport transport() {
        return transport;
    }

    /** The netty group serving the shards' sockets; null for a group {@link #onLoops on given loops}. */
    public MultiThreadIoEventLoopGroup eventLoopGroup() {
        return group;
    }

    public int size() {
        return shards.length;
    }

    public Shard shard(int id) {
        return shards[id];
    }

    public Shard[] all() {
        return shards;
    }

    public Shard shardOfLoop(EventExecutor loop) {
        return byLoop.get(loop);
    }

    public int shardOfSlot(int slot) {
        return shardOfSlot[slot];
    }

    @Override
    public void close() {
        if (group == null) {
            return; // the loops' owner (the simulation) ends them
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package io.heliosdb.server;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.io.FileSystem;
import io.heliosdb.platform.Transport;
import io.heliosdb.resp.RespCommands;
import io.heliosdb.resp.acl.AclFile;
import io.heliosdb.resp.connection.RespConnection;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.scripting.FunctionCommands;
import io.heliosdb.runtime.clients.Client;
import io.heliosdb.runtime.clients.ClientRegistry;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.runtime.config.Param;
import io.heliosdb.runtime.lifecycle.Lifecycle;
import io.heliosdb.runtime.lifecycle.StartBanner;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardWatchdog;
import io.heliosdb.storage.Persistence;
import io.heliosdb.time.Clock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One running HeliosDB: shards, the RESP listener and the background timers. */
public final class HeliosServer implements AutoCloseable {
    private final ConfigRegistry config;
    private final ShardGroup shards;
    private final ServerContext context;
    /** Every protocol's clients (one maxclients, one id sequence). */
    private final ClientRegistry clients = new ClientRegistry();
    /** What started, stopped in reverse order: on close, SHUTDOWN, or a start that fails half-way. */
    private final Lifecycle lifecycle = new Lifecycle();
    private final Channel listener;
    /**
     * Accepts connections on its own thread: a shard busy with a long script (or anything else)
     * must not keep new clients from connecting to the others.
     */
    private final MultiThreadIoEventLoopGroup acceptor;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private boolean closed;

    private ShardWatchdog watchdog;

    public HeliosServer(ConfigRegistry config) throws InterruptedException {
        this(config, FileSystem.REAL);
    }

    /** A server whose storage uses {@code fs} (tests put a fault-injecting file system here). */
    public HeliosServer(ConfigRegistry config, FileSystem fs) throws InterruptedException {
        this.config = config;
        Transport transport = Transport.choose(config.get("transport"));
        int shardCount = (int) config.number("shards");
        this.shards = new ShardGroup(shardCount, transport, config.bool("cpu-affinity"));
        lifecycle.started("shards", shards::close);
        this.context = new ServerContext(shards, RespCommands.table(), config, clients, Clock.SYSTEM);
        lifecycle.started("persistence", () -> { // once opened: every shard commits and syncs its last changes
            if (context.persistence() != null) {
                context.persistence().close();
            }
        });
        try {
            Files.createDirectories(Path.of(config.get("dir")));
        } catch (Exception e) {
            abortStart();
            throw new IllegalStateException("cannot create data directory " + config.get("dir") + ": " + e.getMessage(), e);
        }
        if (config.bool("appendonly")) {
            LsmEngine.Options o = new LsmEngine.Options().background(true);
            o.memtableBytes = config.number("lsm-memtable-size");
            o.cacheBytes = config.number("lsm-block-cache-size");
            o.compactionBytesPerSecond = config.number("lsm-compaction-rate");
            o.walPreallocateBytes = config.number("lsm-wal-preallocate");
            try {
                context.persistence(Persistence.open(context, Path.of(config.get("dir")), o, fs, System.out));
                context.persistence().applyMaxmemory(config.number("maxmemory"));
            } catch (IOException | RuntimeException e) {
                abortStart();
                throw new IllegalStateException("cannot open the data in " + config.get("dir") + ": " + e.getMessage(), e);
            }
        }
        context.evictionSettings(config.get("maxmemory-policy"), (int) Math.min(64, config.number("maxmemory-samples")));
        String aclfile = config.get("aclfile");
        if (aclfile != null && !aclfile.isEmpty()) {
            String err = AclFile.load(context, Path.of(aclfile), true);
            if (err != null) {
                abortStart();
                throw new IllegalStateException("cannot load the aclfile " + aclfile + ": " + err);
            }
        }
        try {
            FunctionCommands.loadSaved(context); // function libraries survive restarts
        } catch (IOException | RuntimeException e) {
            abortStart();
            throw new IllegalStateException("cannot load the saved functions in " + config.get("dir") + ": " + e.getMessage(), e);
        }
        if (!config.bool("appendonly")) {
            context.applyInMemoryMaxmemory(config.number("maxmemory")); // without persistence, maxmemory evicts keys
        }
        this.acceptor = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("helios-accept", true), transport.ioHandlerFactory());
        lifecycle.started("acceptor", () -> acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, shards.eventLoopGroup())
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, (int) config.number("tcp-backlog"))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // netty 4.2's default adaptive allocator makes ByteBuffer views per buffer (garbage per
                // flush); the pooled allocator's thread caches recycle them.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.SO_KEEPALIVE, config.number("tcp-keepalive") > 0)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new RespConnection(context));
                    }
                });
        String bind = config.get("bind").split("\\s+")[0];
        int port = (int) config.number("port");
        try {
            this.listener = b.bind(new InetSocketAddress(bind.equals("*") ? "0.0.0.0" : bind, port)).sync().channel();
        } catch (Exception e) {
            abortStart();
            throw e;
        }
        lifecycle.started("resp listener", () -> listener.close().syncUninterruptibly());
        context.tcpPort(((InetSocketAddress) listener.localAddress()).getPort());
        context.onShutdown(lifecycle::runShutdownRequest); // SHUTDOWN runs on a thread of its own already
        startTimers();
        lifecycle.started("timers", this::stopTimers);
        Param ours = config.param("shard-watchdog-threshold");
        Param redis = config.param("watchdog-period");
        this.watchdog = new ShardWatchdog(shards, () -> {
            long a = ours.number(), r = redis.number(); // Redis' watchdog-period, when set, also applies
            return a <= 0 ? r : r <= 0 ? a : Math.min(a, r);
        });
        context.watchdog(watchdog);
        lifecycle.started("watchdog", watchdog::close);
        // stopped first: a script spinning forever must not keep the shards from closing
        lifecycle.started("busy scripts", context::abandonBusyScripts);
    }

    /** What had started stops again; the failure that stopped the start is the one reported. */
    private void abortStart() {
        try {
            lifecycle.stop();
        } catch (RuntimeException e) {
            System.err.println("HeliosDB: stopping after a failed start: " + e.getMessage());
        }
    }

    /** Active expiry timers, one per shard, rescheduled when CONFIG SET hz changes the period. */
    private final List<ScheduledFuture<?>> expiryTimers = new ArrayList<>();

    /** Active expiry: hz times a second (1..500, as Redis clamps it), at most a quarter of the period (Redis' 25% budget). */
    private synchronized void scheduleExpiry() {
        if (closed) {
            return;
        }
        expiryTimers.forEach(t -> t.cancel(false));
        expiryTimers.clear();
        long hz = Math.max(1, Math.min(500, config.number("hz")));
        long periodMicros = 1_000_000 / hz;
        for (Shard s : shards.all()) {
            ShardState state = s.get(ShardState.SLOT);
            expiryTimers.add(s.loop().scheduleAtFixedRate(() -> state.activeExpireCycle(periodMicros / 4),
                    periodMicros, periodMicros, TimeUnit.MICROSECONDS));
        }
    }

    private void startTimers() {
        long hz = config.number("hz");
        if (hz < 1 || hz > 500) {
            config.setAtRuntime(List.<String[]>of(new String[]{"hz", Long.toString(Math.max(1, Math.min(500, hz)))}));
        }
        scheduleExpiry();
        context.onHzChange(this::scheduleExpiry);
        if (context.persistence() != null) {
            for (Shard s : shards.all()) {
                // Reads of cold values and idle turns: keep each shard within its share of maxmemory.
                var store = context.persistence().store(s.id());
                timers.add(s.loop().scheduleAtFixedRate(store::maintain, 100, 100, TimeUnit.MILLISECONDS));
            }
        }
        timers.add(shards.shard(0).loop().scheduleAtFixedRate(context::sampleOps, 1, 1, TimeUnit.SECONDS));
        timers.add(shards.shard(0).loop().scheduleAtFixedRate(this::closeIdleClients, 1, 1, TimeUnit.SECONDS));
    }

    /** Redis' 'timeout': clients idle for longer than that many seconds are closed (0 = never). */
    private void closeIdleClients() {
        long timeoutSeconds = config.number("timeout");
        if (timeoutSeconds <= 0) {
            return;
        }
        long now = context.clock().millis();
        for (Client c : clients.all()) { // every protocol's
            if (now - c.lastInteractionMillis() > timeoutSeconds * 1000) {
                c.close(); // thread-safe: runs on the client's own loop
            }
        }
    }

    public int port() {
        return context.tcpPort();
    }

    public ServerContext context() {
        return context;
    }

    public ClientRegistry clients() {
        return clients;
    }

    /** The server's components, for the process (JVM exit) and other protocols' servers. */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public String startLine() {
        return new StartBanner("HeliosDB " + ServerContext.HELIOS_VERSION + " (Redis " + ServerContext.REDIS_VERSION + " protocol)")
                .fact("transport", shards.transport().configName()).fact("shards", shards.size())
                .fact("resp", listener.localAddress()).fact("dir", Path.of(config.get("dir")).toAbsolutePath().normalize())
                .line();
    }

    /** What SHUTDOWN runs (on its own thread); {@link Main} replaces it with a process exit. */
    public void onShutdownCommand(Runnable action) {
        lifecycle.onShutdownRequest(action);
    }

    public void onHardShutdownCommand(Runnable action) {
        context.onHardShutdown(action);
    }

    /** Stops every component, the last started first (see the constructor); once. */
    @Override
    public void close() {
        lifecycle.stop();
    }

    private synchronized void stopTimers() {
        closed = true;
        timers.forEach(t -> t.cancel(false));
        expiryTimers.forEach(t -> t.cancel(false));
    }
}

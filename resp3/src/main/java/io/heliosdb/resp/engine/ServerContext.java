package io.heliosdb.resp.engine;

import io.heliosdb.memory.Crc16;
import io.heliosdb.runtime.clients.ClientRegistry;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.runtime.config.Param;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardWatchdog;
import io.heliosdb.storage.Persistence;
import io.heliosdb.storage.ShardKeyspaces;
import io.heliosdb.storage.StorageHost;
import io.heliosdb.time.Clock;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What every connection and shard shares: runtime, configuration, clients, logs, and the server-wide
 * state of each feature (the command table, ACL users, channels, monitors), kept by {@link Feature}
 * key so this package names none of them.
 */
public final class ServerContext implements StorageHost {
    public static final String REDIS_VERSION = "7.0.15";
    public static final String HELIOS_VERSION = "0.1.0";

    private final ShardGroup shards;
    private final Shard singleShard;
    private final ConfigRegistry config;
    private final RespClients clients;
    private final Features features = new Features();
    private final SlowLog slowLog = new SlowLog();
    private final LatencyMonitor latency = new LatencyMonitor();
    private final Clock clock;
    private final long startMillis;
    private final String runId;
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final LongAdder rejectedCalls = new LongAdder();
    public volatile long lastSaveSeconds;
    /** Why writes are refused right now (the error reply), or null. Set by the persistence. */
    private volatile String writesRefused;
    private Persistence persistence;

    private volatile boolean outOfMemory;

    /** Blocking pops waiting right now, by client id (CLIENT UNBLOCK, INFO blocked_clients). */
    public final ConcurrentHashMap<Long, Object> blockedCalls = new ConcurrentHashMap<>();

    /** True while some shard is over its RAM budget with nothing left to move to disk: denyoom commands fail. */
    public boolean outOfMemory() {
        if (outOfMemory) {
            return true;
        }
        if (inMemoryEviction) {
            for (Shard s : shards().all()) {
                if (state(s).overBudget) {
                    return true;
                }
            }
        }
        return false;
    }

    private final ConcurrentHashMap<String, Param> paramCache = new ConcurrentHashMap<>();

    /** A configuration parameter by its exact name, cached (commands read thresholds on every call). */
    public Param configParam(String name) {
        Param p = paramCache.get(name);
        if (p == null) {
            p = config().param(name);
            paramCache.put(name, p);
        }
        return p;
    }

    /** maxmemory applies to RAM without persistence: keys are evicted per maxmemory-policy. */
    private volatile boolean inMemoryEviction;

    /** Splits maxmemory over the shards for in-memory eviction (appendonly no). */
    public void applyInMemoryMaxmemory(long maxmemory) {
        Shard[] all = shards().all();
        inMemoryEviction = maxmemory > 0;
        for (Shard s : all) {
            state(s).evictionBudget = maxmemory <= 0 ? 0 : Math.max(1, maxmemory / all.length); // 0 would mean no limit
            if (maxmemory <= 0) {
                state(s).overBudget = false;
            }
        }
    }

    private volatile String evictionPolicy = "noeviction";
    private volatile int evictionSamples = 5;

    public void evictionSettings(String policy, int samples) {
        evictionPolicy = policy;
        evictionSamples = samples;
    }

    public String evictionPolicy() {
        return evictionPolicy;
    }

    public int evictionSamples() {
        return evictionSamples;
    }

    @Override
    public void outOfMemory(boolean v) {
        outOfMemory = v;
    }

    public String writesRefused() {
        return writesRefused;
    }

    /** The storage cannot write its log: writes answer Redis' MISCONF error until it can again. */
    @Override
    public void logUnwritable(String reason) {
        writesRefused = reason == null ? null : "MISCONF Errors writing to the AOF file: " + reason;
    }

    @Override
    public long nowMillis() {
        return clock.millis();
    }

    @Override
    public long maxmemory() {
        return config.number("maxmemory");
    }

    @Override
    public String appendfsync() {
        return config.get("appendfsync");
    }

    @Override
    public ShardKeyspaces keyspaces(int shard) {
        return state(shards.shard(shard));
    }

    @Override
    public void saved(long epochSeconds) {
        lastSaveSeconds = epochSeconds;
    }

    /** The persistence, or null for a pure in-memory server (appendonly no). */
    public Persistence persistence() {
        return persistence;
    }

    public void persistence(Persistence p) {
        persistence = p;
    }
    /** CLIENT PAUSE: until when, and whether only writes are paused. */
    public volatile long pauseUntilMillis;
    public volatile boolean pauseWritesOnly;
    private volatile int tcpPort;
    // Parameters read on every command or read: resolved once (a lookup by name allocates).
    private final Param slowlogThreshold;
    private final Param slowlogMaxLen;
    private final Param queryBufferLimit;
    private final Param protoMaxBulkLen;
    private final Param latencyThreshold;
    private final Param latencyTracking;
    private volatile long opsPerSecond;
    private long lastOpsSample;
    private long lastOpsSampleNanos;

    /**
     * How the RESP layer is put together (its command table): the server-wide features, then each
     * shard's, are installed while the server is made, before anything serves.
     */
    public interface Setup {
        /** Command ids run from 0 to this (per-shard statistics are sized by it). */
        int commandCount();

        void installOn(ServerContext server);

        void installOn(ShardState shard);
    }

    public ServerContext(ShardGroup shards, Setup setup, ConfigRegistry config, Clock clock) {
        this(shards, setup, config, new ClientRegistry(), clock);
    }

    /** {@code clients}: shared with the server's other protocols (maxclients counts them all). */
    public ServerContext(ShardGroup shards, Setup setup, ConfigRegistry config, ClientRegistry clients, Clock clock) {
        this.shards = shards;
        this.clients = new RespClients(clients);
        this.singleShard = shards.size() == 1 ? shards.shard(0) : null;
        this.config = config;
        this.outputLimitParam = config.param("client-output-buffer-limit");
        this.clock = clock;
        this.startMillis = clock.millis();
        this.slowlogThreshold = config.param("slowlog-log-slower-than");
        this.slowlogMaxLen = config.param("slowlog-max-len");
        this.queryBufferLimit = config.param("client-query-buffer-limit");
        this.protoMaxBulkLen = config.param("proto-max-bulk-len");
        this.latencyThreshold = config.param("latency-monitor-threshold");
        this.latencyTracking = config.param("latency-tracking");
        this.lastSaveSeconds = startMillis / 1000;
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        int databases = (int) config.number("databases");
        setup.installOn(this);
        for (Shard s : shards.all()) {
            ShardState st = new ShardState(s, this, databases, setup.commandCount());
            setup.installOn(st);
            s.put(ShardState.SLOT, st);
        }
    }

    public long slowlogThresholdMicros() {
        return slowlogThreshold.number();
    }

    public int slowlogMaxLen() {
        return (int) Math.min(Integer.MAX_VALUE, slowlogMaxLen.number());
    }

    public long queryBufferLimit() {
        return queryBufferLimit.number();
    }

    public long protoMaxBulkLen() {
        return protoMaxBulkLen.number();
    }

    public ShardGroup shards() {
        return shards;
    }

    /** Installs a feature's server-wide state (while the server is made, before it serves). */
    public <T> void install(Feature<T> feature, T state) {
        assert features.get(feature) == null : feature + " installed twice";
        features.set(feature, state);
    }

    /** A feature's server-wide state (installed before serving). */
    public <T> T get(Feature<T> feature) {
        T v = features.get(feature);
        assert v != null : feature + " is not installed";
        return v;
    }
    private final CopyOnWriteArrayList<ClientSession> trackingBroadcast = new CopyOnWriteArrayList<>();

    private volatile String notifyText = "";
    private volatile int notifyFlags;
    private Param notifyParam;

    /** notify-keyspace-events as flags (0: off), re-parsed when the setting changes (one field read otherwise). */
    public int notifyFlags() {
        Param p = notifyParam;
        if (p == null) {
            p = notifyParam = config.param("notify-keyspace-events");
        }
        String v = p.value();
        if (v != notifyText) { // the same String object until CONFIG SET replaces it
            int f = NotifyFlags.parse(v);
            notifyFlags = Math.max(0, f);
            notifyText = v;
        }
        return notifyFlags;
    }

    /** Clients with CLIENT TRACKING ON BCAST (every shard checks their prefixes on each change while any exist). */
    public List<ClientSession> trackingBroadcast() {
        return trackingBroadcast;
    }

    /** client-output-buffer-limit, parsed: per class {hard bytes, soft bytes, soft seconds}; 0 = no limit. */
    public record OutputLimits(long[] normal, long[] pubsub) {}

    /** The parsed limits, re-parsed only when CONFIG SET gave the parameter a new value (read on every flush). */
    public OutputLimits outputLimits() {
        String v = outputLimitParam.value();
        OutputLimits l = outputLimits;
        if (v != outputLimitText || l == null) {
            long[] normal = {0, 0, 0};
            long[] pubsub = {0, 0, 0};
            String[] f = v.trim().split("\\s+");
            for (int i = 0; i + 3 < f.length; i += 4) {
                // the text is the normalized one (bytes, unsigned); a limit past a long's range is no limit in practice
                long[] parsed = {clampUnsigned(f[i + 1]), clampUnsigned(f[i + 2]), Long.parseLong(f[i + 3])};
                if (f[i].equalsIgnoreCase("pubsub")) {
                    pubsub = parsed;
                } else if (f[i].equalsIgnoreCase("normal")) {
                    normal = parsed;
                }
            }
            l = new OutputLimits(normal, pubsub);
            outputLimits = l;
            outputLimitText = v;
        }
        return l;
    }

    private static long clampUnsigned(String bytes) {
        long v = Long.parseUnsignedLong(bytes);
        return v < 0 ? Long.MAX_VALUE : v;
    }

    /** client-output-buffer-limit for pub/sub clients: {hard bytes, soft bytes, soft seconds}; 0 = none. */
    public long[] pubsubOutputLimit() {
        return outputLimits().pubsub();
    }

    private final Param outputLimitParam;
    private volatile String outputLimitText;
    private volatile OutputLimits outputLimits;

    public ConfigRegistry config() {
        return config;
    }

    /**
     * Server-wide state that a command family owns (MIGRATE's cached sockets, script and function registries), made on first use:
     * the family asks for it here, so this class need not name every family that keeps some.
     */
    public <T> T featureState(Feature<T> feature, Supplier<T> create) {
        return features.getOrCreate(feature, create);
    }

    public RespClients clients() {
        return clients;
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    private volatile ShardWatchdog watchdog;
    private volatile Runnable hzChanged = () -> { };

    /** What CONFIG SET hz runs after the change (the server reschedules its timers). */
    public void onHzChange(Runnable r) {
        hzChanged = r;
    }

    public void hzChanged() {
        hzChanged.run();
    }

    public void watchdog(ShardWatchdog w) {
        watchdog = w;
    }

    /** Shard stalls the watchdog logged (INFO heliosdb_watchdog_stalls). */
    public long watchdogStalls() {
        var w = watchdog;
        return w == null ? 0 : w.stalls();
    }

    public LatencyMonitor latency() {
        return latency;
    }

    /** latency-tracking: per-command latency histograms are kept. */
    public boolean latencyTracking() {
        return latencyTracking.number() != 0;
    }

    /** latency-monitor-threshold in milliseconds; 0 = the latency monitor is off. */
    public long latencyThresholdMs() {
        return latencyThreshold.number();
    }

    /** latencyAddSampleIfNeeded: a spike of {@code ms} for {@code event}, if it reaches the threshold. Any thread. */
    public void latencySample(String event, long ms) {
        long threshold = latencyThreshold.number();
        if (threshold > 0 && ms >= threshold) {
            latency.add(event, ms, clock.millis() / 1000);
        }
    }

    public Clock clock() {
        return clock;
    }

    public long startMillis() {
        return startMillis;
    }

    public String runId() {
        return runId;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public void tcpPort(int port) {
        this.tcpPort = port;
    }

    public int databases() {
        return (int) config.number("databases");
    }

    public static ShardState state(Shard s) {
        return s.get(ShardState.SLOT);
    }

    public Shard shardOfKey(MemorySegment seg, long off, int len) {
        if (singleShard != null) {
            return singleShard; // one shard owns every slot: skip the CRC
        }
        return shards.shard(shards.shardOfSlot(Crc16.slot(seg, off, len)));
    }

    private volatile Runnable shutdownAction = () -> { };

    /** What SHUTDOWN does: the process exits (server) or the server closes (tests). */
    public void onShutdown(Runnable action) {
        this.shutdownAction = action;
    }

    public void shutdown() {
        Thread t = new Thread(shutdownAction, "helios-shutdown-command");
        t.setDaemon(false);
        t.start();
    }

    /**
     * Scripts (by SHA, or function and library version) seen to touch only keys on the shard of their
     * declared keys: true lets them run on that shard alone; unknown or false, they hold every shard
     * (see scripting.ScriptPlacement).
     */
    public final ConcurrentHashMap<String, Boolean> scriptStaysOnItsKeysShard = new ConcurrentHashMap<>();

    private volatile Runnable hardShutdownAction = null;

    /**
     * What SHUTDOWN NOSAVE does while a script that wrote is busy ("kill the server in a hard way", as
     * Redis' UNKILLABLE error puts it): the process halts (server), so none of the script's half-done
     * changes reach the log. Without it (tests), busy scripts are abandoned and the server closes.
     */
    public void onHardShutdown(Runnable action) {
        this.hardShutdownAction = action;
    }

    public void shutdownHard() {
        Runnable hard = hardShutdownAction;
        if (hard == null) {
            abandonBusyScripts();
            shutdown();
        } else {
            Thread t = new Thread(hard, "helios-shutdown-command");
            t.start();
        }
    }

    /** Stops every busy script at its next hook, even one that wrote: the server is going away. */
    public void abandonBusyScripts() {
        for (Shard s : shards.all()) {
            BusyScript b = state(s).busyScript;
            if (b != null) {
                b.abandon();
            }
        }
    }

    public long opsPerSecond() {
        return opsPerSecond;
    }

    /**
     * Samples the command counters (racy 64-bit reads of per-shard arrays) for
     * instantaneous_ops_per_sec; called once a second by the server's timer.
     */
    public synchronized void sampleOps() {
        long total = 0;
        for (Shard s : shards.all()) {
            for (long c : state(s).commandCalls) {
                total += c;
            }
        }
        long t = System.nanoTime();
        if (lastOpsSampleNanos != 0 && t > lastOpsSampleNanos) {
            opsPerSecond = Math.max(0, (total - lastOpsSample) * 1_000_000_000L / (t - lastOpsSampleNanos));
        }
        lastOpsSample = total;
        lastOpsSampleNanos = t;
    }

    /** Whether a command of this kind must wait because of CLIENT PAUSE. */
    public boolean isPaused(boolean write, long now) {
        return now < pauseUntilMillis && (!pauseWritesOnly || write);
    }
}

package io.heliosdb.resp.engine;

import io.heliosdb.keyspace.ChangeLog;
import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ObjectTable;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardSlot;
import io.heliosdb.storage.ShardKeyspaces;
import io.heliosdb.storage.ShardStore;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Everything one shard owns: its databases (SELECT 0..15), its allocator and its statistics.
 * Touched only by the shard's thread, except statistics, which INFO reads racily (64-bit reads).
 */
public final class ShardState implements ShardKeyspaces {
    /** Where each shard keeps its RESP state. */
    public static final ShardSlot<ShardState> SLOT = ShardSlot.named("resp");
    private final Shard shard;
    private final SlabAllocator memory;
    private final ObjectTable objects = new ObjectTable();
    private final Keyspace[] dbs;
    /** A script on this shard past lua-time-limit (other clients get BUSY; SCRIPT KILL may stop it), or null. */
    public volatile BusyScript busyScript;
    private final SplittableRandom random = new SplittableRandom();

    // Statistics (written by the shard thread only).
    public final long[] commandCalls;
    /** latency-tracking's per-command histograms (LATENCY HISTOGRAM, INFO latencystats). */
    public final CommandLatencies latencies;
    public final long[] commandMicros;
    public final long[] commandFailed;
    public final long[] commandRejected;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long expiredKeys;

    private final ServerContext server;
    /** Features hearing about this shard's keys, in the order they registered. */
    private KeyEventListener[] listeners = new KeyEventListener[0];
    /** Each feature's state here, by {@link Feature#index}. */
    private Object[] features = new Object[8];
    /** The client whose command runs now (NOLOOP), 0 outside commands. */
    public long currentClientId;

    /**
     * Told of every key change while a listener needs it (WATCH, CLIENT TRACKING, notifications,
     * blocked clients); not installed otherwise, so ordinary writes pay only a null check.
     */
    private final ChangeLog keyHooks = new ChangeLog() {
        @Override
        public void changed(OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
            tell(ks, seg, off, len, KeyEventListener.Cause.CHANGED);
        }

        @Override
        public void removed(OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
            tell(ks, seg, off, len, evicting ? KeyEventListener.Cause.EVICTED : KeyEventListener.Cause.REMOVED);
        }

        @Override
        public void expired(OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
            tell(ks, seg, off, len, KeyEventListener.Cause.EXPIRED);
        }

        private void tell(OffHeapKeyspace ks, MemorySegment seg, long off, int len, KeyEventListener.Cause cause) {
            int db = dbIndexOf(ks);
            for (KeyEventListener l : listeners) {
                if (l.active()) {
                    l.changed(db, ks, seg, off, len, cause);
                }
            }
        }

        @Override
        public void created(OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
            int db = dbIndexOf(ks);
            for (KeyEventListener l : listeners) {
                if (l.active()) {
                    l.created(db, ks, seg, off, len);
                }
            }
        }

        @Override
        public void cleared(OffHeapKeyspace ks) {
            int db = dbIndexOf(ks);
            for (KeyEventListener l : listeners) {
                if (l.active()) {
                    l.cleared(db, ks);
                }
            }
        }
    };

    /** Registers a feature that hears about this shard's keys (before serving). */
    public void listen(KeyEventListener l) {
        KeyEventListener[] bigger = Arrays.copyOf(listeners, listeners.length + 1);
        bigger[listeners.length] = l;
        listeners = bigger;
    }

    /** Installs a feature's state on this shard; a {@link KeyEventListener} also hears its keys. */
    public <T> void install(Feature<T> feature, T state) {
        if (feature.index >= features.length) {
            features = Arrays.copyOf(features, Math.max(features.length * 2, feature.index + 1));
        }
        assert features[feature.index] == null : feature + " installed twice";
        features[feature.index] = state;
        if (state instanceof KeyEventListener l) {
            listen(l);
        }
    }

    /** A feature's state on this shard (installed before serving). */
    @SuppressWarnings("unchecked")
    public <T> T get(Feature<T> feature) {
        Object v = feature.index < features.length ? features[feature.index] : null;
        assert v != null : feature + " is not installed on " + shard;
        return (T) v;
    }

    /** True while maxmemory eviction deletes keys (they are "evicted", not changed by a command). */
    public boolean evicting() {
        return evicting;
    }

    private static byte[] copy(MemorySegment seg, long off, int len) {
        byte[] key = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, key, 0, len);
        return key;
    }

    private int dbIndexOf(Keyspace ks) {
        for (int i = 0; i < dbs.length; i++) {
            if (dbs[i] == ks) {
                return i;
            }
        }
        return 0;
    }

    /**
     * A key looked up by a command that reads it, as Redis' lookupKeyRead: counts a hit or miss,
     * refreshes LRU/LFU ({@code touch}) and announces "keymiss" (class m). Every read of a key the
     * command does not own for writing goes through here, on one shard or across shards, so the
     * statistics and events match Redis command for command.
     */
    public long lookupRead(int db, Keyspace ks, MemorySegment seg, long off, int len, boolean touch) {
        long e = ks.find(seg, off, len);
        if (e == Keyspace.NONE) {
            keyspaceMisses++;
            for (KeyEventListener l : listeners) {
                l.missed(db, seg, off, len);
            }
        } else {
            keyspaceHits++;
            if (touch) {
                ks.touch(e);
            }
        }
        return e;
    }

    /** A read of {@code key} found nothing (for reads that do not go through {@link #lookupRead}). */
    public void announceMiss(int db, byte[] key) {
        MemorySegment k = MemorySegment.ofArray(key);
        for (KeyEventListener l : listeners) {
            l.missed(db, k, 0, key.length);
        }
    }

    /** {@link #lookupRead} of a command argument. */
    public long lookupRead(int db, Keyspace ks, Args a, int arg, boolean touch) {
        return lookupRead(db, ks, a.segment(), a.offset(arg), a.length(arg), touch);
    }

    /** True while maxmemory eviction deletes keys (they are "evicted", not changed by a command). */
    private boolean evicting;
    private boolean hooksOn;

    /** Whether the change hook is installed on this shard's databases. */
    public boolean hooksOn() {
        return hooksOn;
    }

    /** Installs the change hook on every database while some listener is active, removes it otherwise. */
    public void refreshKeyHooks() {
        boolean on = false;
        for (KeyEventListener l : listeners) {
            on |= l.active();
        }
        hooksOn = on;
        for (Keyspace k : dbs) {
            if (k instanceof OffHeapKeyspace o) {
                o.watch(on ? keyHooks : null);
            }
        }
    }

    public ServerContext server() {
        return server;
    }

    public ShardState(Shard shard, ServerContext server, int databases, int commandCount) {
        this.shard = shard;
        this.server = server;
        this.memory = new SlabAllocator("shard-" + shard.id());
        this.dbs = new Keyspace[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new OffHeapKeyspace(memory, server.clock(), objects);
        }
        this.commandCalls = new long[commandCount];
        this.latencies = new CommandLatencies(commandCount);
        this.commandMicros = new long[commandCount];
        this.commandFailed = new long[commandCount];
        this.commandRejected = new long[commandCount];
    }

    public Shard shard() {
        return shard;
    }

    public Keyspace db(int index) {
        return dbs[index];
    }

    @Override
    public int databases() {
        return dbs.length;
    }

    @Override
    public OffHeapKeyspace database(int index) {
        return (OffHeapKeyspace) dbs[index];
    }

    /** SWAPDB: databases are per-shard objects, so swapping them is two pointer writes. */
    public void swap(int a, int b) {
        for (KeyEventListener l : listeners) {
            l.swapping(a, b);
        }
        Keyspace t = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = t;
        for (KeyEventListener l : listeners) {
            l.swapped(a, b);
        }
        if (store != null) {
            store.databasesSwapped();
        }
    }

    private ShardStore store;

    /** The shard's persistence, or null (appendonly no). */
    public ShardStore store() {
        return store;
    }

    @Override
    public void store(ShardStore s) {
        store = s;
    }

    @Override
    public ObjectTable objects() {
        return objects;
    }

    public SlabAllocator memory() {
        return memory;
    }

    /**
     * State that a command family keeps per shard (the Lua interpreter), made on first use, so this
     * class need not name the family. Shard thread only.
     */
    @SuppressWarnings("unchecked")
    public <T> T featureState(Feature<T> feature, Supplier<T> create) {
        Object v = feature.index < features.length ? features[feature.index] : null;
        if (v == null) {
            v = create.get();
            install(feature, (T) v);
        }
        return (T) v;
    }

    public SplittableRandom random() {
        return random;
    }

    /** Off-heap bytes in use: entries plus hash tables. */
    @Override
    public long usedMemory() {
        long tables = 0;
        for (Keyspace k : dbs) {
            if (k instanceof OffHeapKeyspace o) {
                tables += o.tableBytes();
            }
        }
        return memory.usedBytes() + tables + objects.bytes();
    }

    // ---- maxmemory without persistence: Redis' eviction policies -------------------------------

    /** This shard's share of maxmemory when keys are evicted from RAM (appendonly no), 0 = no limit. */
    public volatile long evictionBudget;
    /** Over budget with nothing evictable (or policy noeviction): denyoom commands get the OOM error. */
    public volatile boolean overBudget;
    public long evictedKeys;

    /**
     * Evicts keys until the shard is within its budget, as Redis' performEvictions: sample
     * maxmemory-samples keys (all keys or those with a TTL), drop the best candidate of the policy
     * (least recently used, least frequently used, nearest expiry, or any), repeat.
     */
    public void evictIfNeeded(String policy, int samples) {
        long budget = evictionBudget;
        if (budget <= 0) {
            overBudget = false;
            return;
        }
        if (usedMemory() <= budget) {
            overBudget = false;
            return;
        }
        if (policy.equals("noeviction")) {
            overBudget = true;
            return;
        }
        boolean volatileOnly = policy.startsWith("volatile");
        for (int round = 0; round < 100_000 && usedMemory() > budget; round++) {
            OffHeapKeyspace bestDb = null;
            long best = Keyspace.NONE;
            long bestRank = Long.MIN_VALUE;
            for (int i = 0; i < samples; i++) {
                OffHeapKeyspace db = (OffHeapKeyspace) dbs[random.nextInt(dbs.length)];
                if (db.size() == 0) {
                    db = firstNonEmpty(volatileOnly);
                    if (db == null) {
                        break;
                    }
                }
                long e = volatileOnly ? db.randomVolatileEntry(random) : db.randomEntry(random);
                if (e == Keyspace.NONE) {
                    continue;
                }
                long rank = switch (policy) {
                    case "allkeys-lru", "volatile-lru" -> db.idleSeconds(e);
                    case "allkeys-lfu", "volatile-lfu" -> 255 - db.lfuCounter(e);
                    case "volatile-ttl" -> -db.expireAt(e);
                    default -> 0; // random policies: the first sample
                };
                if (best == Keyspace.NONE || rank > bestRank) {
                    best = e;
                    bestDb = db;
                    bestRank = rank;
                }
            }
            if (best == Keyspace.NONE) {
                overBudget = true; // nothing evictable (no keys with a TTL under a volatile policy)
                return;
            }
            evicting = true;
            try {
                bestDb.deleteEntry(best);
            } finally {
                evicting = false;
            }
            evictedKeys++;
        }
        overBudget = usedMemory() > budget;
    }

    private OffHeapKeyspace firstNonEmpty(boolean volatileOnly) {
        for (Keyspace k : dbs) {
            if (k.size() > 0 && (!volatileOnly || k.volatileCount() > 0)) {
                return (OffHeapKeyspace) k;
            }
        }
        return null;
    }

    /**
     * Active expiry, Redis style: sample keys with a TTL, delete the expired, and repeat while more
     * than 10% of a sample was expired, within a time budget so the loop never stalls.
     */
    public void activeExpireCycle(long budgetMicros) {
        long deadline = System.nanoTime() + budgetMicros * 1000;
        for (KeyEventListener l : listeners) {
            l.housekeeping();
        }
        for (Keyspace db : dbs) {
            while (db.volatileCount() > 0) {
                int expired = db.expireSample(20, random);
                expiredKeys += expired;
                if (expired <= 2 || System.nanoTime() > deadline) {
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                return;
            }
        }
    }
}

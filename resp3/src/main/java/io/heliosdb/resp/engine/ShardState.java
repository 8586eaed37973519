package io.heliosdb.resp.engine;

import io.heliosdb.index.Keyspace;
import io.heliosdb.index.OffHeapKeyspace;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.scheduler.Shard;
import java.util.SplittableRandom;

/**
 * Everything one shard owns: its databases (SELECT 0..15), its allocator and its statistics.
 * Touched only by the shard's thread, except statistics, which INFO reads racily (64-bit reads).
 */
public final class ShardState {
    private final Shard shard;
    private final SlabAllocator memory;
    private final io.heliosdb.index.ObjectTable objects = new io.heliosdb.index.ObjectTable();
    /** Clients blocked on keys of this shard (BLPOP and friends). */
    public final io.heliosdb.resp.lists.BlockedClients blocked = new io.heliosdb.resp.lists.BlockedClients();
    private final Keyspace[] dbs;
    private final CommandContext context;
    private final SplittableRandom random = new SplittableRandom();

    // Statistics (written by the shard thread only).
    public final long[] commandCalls;
    public final long[] commandMicros;
    public final long[] commandFailed;
    public final long[] commandRejected;
    public long keyspaceHits;
    public long keyspaceMisses;
    public long expiredKeys;

    public ShardState(Shard shard, ServerContext server, int databases, int commandCount) {
        this.shard = shard;
        this.memory = new SlabAllocator("shard-" + shard.id());
        this.dbs = new Keyspace[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new OffHeapKeyspace(memory, server.clock(), objects);
        }
        this.commandCalls = new long[commandCount];
        this.commandMicros = new long[commandCount];
        this.commandFailed = new long[commandCount];
        this.commandRejected = new long[commandCount];
        this.context = new CommandContext(server, this);
    }

    public Shard shard() {
        return shard;
    }

    public Keyspace db(int index) {
        return dbs[index];
    }

    public int databases() {
        return dbs.length;
    }

    /** SWAPDB: databases are per-shard objects, so swapping them is two pointer writes. */
    public void swap(int a, int b) {
        Keyspace t = dbs[a];
        dbs[a] = dbs[b];
        dbs[b] = t;
        if (store != null) {
            store.databasesSwapped();
        }
    }

    private io.heliosdb.resp.persistence.ShardStore store;

    /** The shard's persistence, or null (appendonly no). */
    public io.heliosdb.resp.persistence.ShardStore store() {
        return store;
    }

    public void store(io.heliosdb.resp.persistence.ShardStore s) {
        store = s;
    }

    public io.heliosdb.index.ObjectTable objects() {
        return objects;
    }

    public SlabAllocator memory() {
        return memory;
    }

    public CommandContext context() {
        return context;
    }

    public SplittableRandom random() {
        return random;
    }

    /** Off-heap bytes in use: entries plus hash tables. */
    public long usedMemory() {
        long tables = 0;
        for (Keyspace k : dbs) {
            if (k instanceof OffHeapKeyspace o) {
                tables += o.tableBytes();
            }
        }
        return memory.usedBytes() + tables + objects.bytes();
    }

    /**
     * Active expiry, Redis style: sample keys with a TTL, delete the expired, and repeat while more
     * than 10% of a sample was expired, within a time budget so the loop never stalls.
     */
    public void activeExpireCycle(long budgetMicros) {
        long deadline = System.nanoTime() + budgetMicros * 1000;
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

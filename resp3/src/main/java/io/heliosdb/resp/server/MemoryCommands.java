package io.heliosdb.resp.server;

import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.engine.ServerContext;

/**
 * MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE, and ROLE, as a standalone Redis 7.0 answers them,
 * with HeliosDB's own accounting: the data is off-heap (used_memory, as INFO and maxmemory count
 * it), the process' resident size includes the JVM. No jemalloc here, so MALLOC-STATS says what
 * Redis says for another allocator.
 */
final class MemoryCommands {
    /** Redis' memory doctor does not judge instances below this (5 MB). */
    private static final long DOCTOR_MIN_BYTES = 5L * 1024 * 1024;

    private MemoryCommands() {}

    static void register(CommandTable t) {
        t.register("memory|stats", Routing.ALL_SHARDS, MultiShardCommand.allShards(MemoryCommands::stats));
        t.register("memory|doctor", Routing.ALL_SHARDS, MultiShardCommand.allShards(MemoryCommands::doctor));
        t.register("memory|malloc-stats", Routing.SESSION, ctx -> ctx.out().verbatim("Stats not supported for the current allocator"));
        t.register("memory|purge", Routing.SESSION, ctx -> ctx.out().ok()); // nothing to hand back beyond what the JVM does
        t.register("role", Routing.SESSION, ctx -> { // no replication yet: always a master without replicas
            RespWriter out = ctx.out();
            out.array(3);
            out.bulk("master");
            out.integer(0);
            out.array(0);
        });
    }

    /** Per shard: used memory, then per database its keys and keys with a TTL. */
    private static long[] snapshot(ShardState st) {
        long[] r = new long[1 + 2 * st.databases()];
        r[0] = st.usedMemory();
        for (int i = 0; i < st.databases(); i++) {
            r[1 + 2 * i] = st.db(i).size();
            r[2 + 2 * i] = st.db(i).volatileCount();
        }
        return r;
    }

    private static void stats(CrossShardCall call) {
        call.runOnce(call.server().shards().all(), s -> snapshot(ServerContext.state(s)), (out, results) -> {
            int dbs = call.server().databases();
            long used = 0;
            long[] keys = new long[dbs];
            long[] expires = new long[dbs];
            for (Object o : results) {
                long[] r = (long[]) o;
                used += r[0];
                for (int i = 0; i < dbs; i++) {
                    keys[i] += r[1 + 2 * i];
                    expires[i] += r[2 + 2 * i];
                }
            }
            long rss = ProcessFigures.rss();
            long totalKeys = 0;
            int nonEmpty = 0;
            for (int i = 0; i < dbs; i++) {
                totalKeys += keys[i];
                nonEmpty += keys[i] > 0 ? 1 : 0;
            }
            // Redis' overhead is its hash tables; HeliosDB's entries carry theirs: 16 bytes a bucket.
            long overhead = 0;
            for (int i = 0; i < dbs; i++) {
                overhead += (keys[i] + expires[i]) * 16;
            }
            long dataset = Math.max(0, used - overhead);
            out.map(27 + nonEmpty);
            out.bulk("peak.allocated");
            out.integer(used);
            out.bulk("total.allocated");
            out.integer(used);
            out.bulk("startup.allocated");
            out.integer(0);
            for (String zero : new String[]{"replication.backlog", "clients.slaves", "clients.normal", "cluster.links", "aof.buffer",
                    "lua.caches", "functions.caches"}) {
                out.bulk(zero);
                out.integer(0);
            }
            for (int i = 0; i < dbs; i++) {
                if (keys[i] == 0) {
                    continue;
                }
                out.bulk("db." + i);
                out.map(3);
                out.bulk("overhead.hashtable.main");
                out.integer(keys[i] * 16);
                out.bulk("overhead.hashtable.expires");
                out.integer(expires[i] * 16);
                out.bulk("overhead.hashtable.slot-to-keys");
                out.integer(0);
            }
            out.bulk("overhead.total");
            out.integer(overhead);
            out.bulk("keys.count");
            out.integer(totalKeys);
            out.bulk("keys.bytes-per-key");
            out.integer(totalKeys == 0 ? 0 : used / totalKeys);
            out.bulk("dataset.bytes");
            out.integer(dataset);
            out.bulk("dataset.percentage");
            out.doubleValue(used == 0 ? 0 : 100.0 * dataset / used);
            out.bulk("peak.percentage");
            out.doubleValue(100.0);
            out.bulk("allocator.allocated");
            out.integer(used);
            out.bulk("allocator.active");
            out.integer(used);
            out.bulk("allocator.resident");
            out.integer(rss);
            out.bulk("allocator-fragmentation.ratio");
            out.doubleValue(1.0);
            out.bulk("allocator-fragmentation.bytes");
            out.integer(0);
            out.bulk("allocator-rss.ratio");
            out.doubleValue(used == 0 ? 1.0 : (double) rss / used);
            out.bulk("allocator-rss.bytes");
            out.integer(rss - used);
            out.bulk("rss-overhead.ratio");
            out.doubleValue(1.0);
            out.bulk("rss-overhead.bytes");
            out.integer(0);
            out.bulk("fragmentation");
            out.doubleValue(used == 0 ? 1.0 : (double) rss / used);
            out.bulk("fragmentation.bytes");
            out.integer(rss - used);
        });
    }

    private static void doctor(CrossShardCall call) {
        call.runOnce(call.server().shards().all(), s -> ServerContext.state(s).usedMemory(), (out, results) -> {
            long used = 0;
            for (Object o : results) {
                used += (Long) o;
            }
            out.verbatim(used < DOCTOR_MIN_BYTES
                    ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these "
                    + "conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be "
                    + "back to our programming as soon as I finished rebooting.\n"
                    : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
        });
    }
}

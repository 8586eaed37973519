package io.heliosdb.server;

import io.heliosdb.resp.engine.RespParameters;
import io.heliosdb.runtime.config.ConfigRegistry;
import java.util.List;

/**
 * The server's own parameters: where it listens, its shards and transport, its data directory and
 * storage engine. Registered before any protocol's (the Redis names among them keep Redis' types
 * and defaults); the persistence reads them by name.
 */
public final class ServerParameters {
    private static final long LONG_MAX = Long.MAX_VALUE;

    private ServerParameters() {}

    /** A registry with every parameter: the server's, then Redis'. */
    public static ConfigRegistry registry() {
        ConfigRegistry r = new ConfigRegistry();
        register(r);
        RespParameters.register(r);
        return r;
    }

    public static void register(ConfigRegistry r) {
        r.integer("port", false, "6379", 0, 65535);
        r.string("bind", false, "127.0.0.1");
        r.memory("maxmemory", true, "0", 0, -1L); // -1: unsigned, up to 2^64-1, as Redis' unsigned long long
        r.string("dir", true, "./data").protect("dir"); // Redis' PROTECTED_CONFIG: CONFIG SET only under enable-protected-configs
        // Persistence is on by default (the LSM engine under the data dir); "no" gives a pure in-memory
        // server. Fixed at start: switching a running server between the two is not supported yet.
        r.bool("appendonly", false, "yes");
        r.choice("appendfsync", true, "everysec", List.of("everysec", "always", "no")); // Redis' order, as its error lists them
        r.integer("shards", false, Integer.toString(defaultShards(Runtime.getRuntime().availableProcessors())), 1, 1024);
        r.choice("transport", false, "auto", List.of("auto", "io_uring", "epoll", "nio"));
        r.bool("cpu-affinity", false, "no"); // pin only on a machine the server has to itself
        // ms one command or task may keep a shard's loop before the watchdog logs it (0 = off)
        r.integer("shard-watchdog-threshold", true, "1000", 0, Integer.MAX_VALUE);
        // per shard; 64mb (RocksDB's default write buffer): half the flushes and L0 compactions of 32mb
        // under durable SET load, 20-28% less background CPU (perf-reports/durability, issue 14 durab)
        r.memory("lsm-memtable-size", false, "64mb", 1024 * 1024, LONG_MAX);
        r.memory("lsm-block-cache-size", false, "64mb", 0, LONG_MAX); // per shard
        r.memory("lsm-compaction-rate", false, "0", 0, LONG_MAX); // bytes/s per shard, 0 = unlimited
        r.memory("lsm-wal-preallocate", false, "40mb", 0, LONG_MAX); // zero-filled log segments, 0 = off
    }

    /**
     * One shard per core; on a machine with two cores or fewer, one shard: the log syncers and the
     * storage engine's flushes and compactions need a core too (measured on 2 cores: one shard is
     * faster in every side-by-side benchmark, perf-reports/durability and redis-side-by-side).
     */
    static int defaultShards(int cores) {
        return cores <= 2 ? 1 : cores;
    }
}

package io.heliosdb.resp.server;

import com.sun.management.OperatingSystemMXBean;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.latency.LatencyHistograms;
import io.heliosdb.resp.tracking.Tracking;
import io.heliosdb.scheduler.Shard;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** INFO [section ...], with the sections and field names clients and monitoring tools read. */
final class InfoCommand {
    private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");
    private static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");

    private InfoCommand() {}

    /** What each shard reports; taken on the shard's own thread. */
    record ShardSnapshot(long[] keys, long[] expires, long usedMemory, long[] calls, long[] micros, long[] failed,
                         long[] rejected, long hits, long misses, long expired, Object latencies) {}

    static void run(CrossShardCall call) {
        Args a = call.args();
        Set<String> sections = new LinkedHashSet<>();
        if (a.count() == 1) {
            sections.addAll(DEFAULT);
        }
        for (int i = 1; i < a.count(); i++) {
            String s = a.lower(i);
            switch (s) {
                case "default" -> sections.addAll(DEFAULT);
                case "all" -> sections.addAll(ALL);
                case "everything" -> sections.addAll(ALL);
                default -> sections.add(s);
            }
        }
        call.runOnce(call.server().shards().all(), s -> {
            ShardState st = ServerContext.state(s);
            long[] keys = new long[st.databases()];
            long[] expires = new long[st.databases()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = st.db(i).size();
                expires[i] = st.db(i).volatileCount();
            }
            return new ShardSnapshot(keys, expires, st.usedMemory(), st.commandCalls.clone(), st.commandMicros.clone(),
                    st.commandFailed.clone(), st.commandRejected.clone(), st.keyspaceHits, st.keyspaceMisses, st.expiredKeys,
                    sections.contains("latencystats") ? st.latencies.copies() : null);
        }, (out, results) -> out.verbatim(render(call.server(), sections, results)));
    }

    static String render(ServerContext server, Set<String> sections, Object[] results) {
        StringBuilder b = new StringBuilder();
        long now = server.clock().millis();
        long offHeap = 0, hits = 0, misses = 0, expired = 0, totalCalls = 0;
        int dbs = server.databases();
        long[] keys = new long[dbs];
        long[] expires = new long[dbs];
        int commands = server.table().size();
        long[] calls = new long[commands], micros = new long[commands], failed = new long[commands], rejected = new long[commands];
        for (Object o : results) {
            ShardSnapshot s = (ShardSnapshot) o;
            offHeap += s.usedMemory;
            hits += s.hits;
            misses += s.misses;
            expired += s.expired;
            for (int i = 0; i < dbs; i++) {
                keys[i] += s.keys[i];
                expires[i] += s.expires[i];
            }
            for (int i = 0; i < commands; i++) {
                calls[i] += s.calls[i];
                micros[i] += s.micros[i];
                failed[i] += s.failed[i];
                rejected[i] += s.rejected[i];
                totalCalls += s.calls[i];
            }
        }
        // used_memory is the data, as maxmemory counts it: off-heap entries and tables plus the
        // collections' estimated size. The JVM heap's own use (including garbage not yet collected)
        // is not data; it shows in used_memory_rss and heliosdb_heap_used.
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long used = offHeap;
        long rss = rss();
        for (String section : sections) {
            if (!b.isEmpty()) {
                b.append("\r\n");
            }
            switch (section) {
                case "server" -> {
                    b.append("# Server\r\n");
                    line(b, "redis_version", ServerContext.REDIS_VERSION);
                    line(b, "heliosdb_version", ServerContext.HELIOS_VERSION);
                    line(b, "redis_git_sha1", "00000000");
                    line(b, "redis_git_dirty", "0");
                    line(b, "redis_build_id", "heliosdb");
                    line(b, "redis_mode", "standalone");
                    line(b, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
                    line(b, "arch_bits", "64");
                    line(b, "monotonic_clock", "POSIX clock_gettime");
                    line(b, "multiplexing_api", server.shards().transport().configName());
                    line(b, "atomicvar_api", "java");
                    line(b, "gcc_version", "0.0.0");
                    line(b, "process_id", Long.toString(ProcessHandle.current().pid()));
                    line(b, "process_supervised", "no");
                    line(b, "run_id", server.runId());
                    line(b, "tcp_port", Integer.toString(server.tcpPort()));
                    line(b, "server_time_usec", Long.toString(now * 1000));
                    line(b, "uptime_in_seconds", Long.toString((now - server.startMillis()) / 1000));
                    line(b, "uptime_in_days", Long.toString((now - server.startMillis()) / 86_400_000));
                    line(b, "hz", server.config().get("hz"));
                    line(b, "configured_hz", server.config().get("hz"));
                    line(b, "lru_clock", Long.toString((now / 1000) & 0xFFFFFF));
                    line(b, "executable", ProcessHandle.current().info().command().orElse(""));
                    line(b, "config_file", System.getProperty("heliosdb.config", ""));
                    line(b, "io_threads_active", "0");
                    line(b, "shards", Integer.toString(server.shards().size()));
                    line(b, "java_version", Runtime.version().toString());
                }
                case "clients" -> {
                    b.append("# Clients\r\n");
                    line(b, "connected_clients", Integer.toString(server.clients().size()));
                    line(b, "cluster_connections", "0");
                    line(b, "maxclients", server.config().get("maxclients"));
                    line(b, "client_recent_max_input_buffer", "0");
                    line(b, "client_recent_max_output_buffer", "0");
                    line(b, "blocked_clients", Long.toString(blockedClients(server)));
                    line(b, "tracking_clients", Long.toString(server.clients().all().stream().filter(c -> c.tracking != null).count()));
                    line(b, "clients_in_timeout_table", "0");
                }
                case "memory" -> {
                    b.append("# Memory\r\n");
                    line(b, "used_memory", Long.toString(used));
                    line(b, "used_memory_human", human(used));
                    line(b, "used_memory_rss", Long.toString(rss));
                    line(b, "heliosdb_heap_used", Long.toString(heap));
                    line(b, "used_memory_rss_human", human(rss));
                    line(b, "used_memory_peak", Long.toString(used));
                    line(b, "used_memory_peak_human", human(used));
                    line(b, "used_memory_dataset", Long.toString(offHeap));
                    line(b, "used_memory_offheap", Long.toString(offHeap));
                    line(b, "used_memory_heap", Long.toString(heap));
                    line(b, "used_memory_lua", "0");
                    line(b, "used_memory_scripts", "0");
                    long total = totalSystemMemory();
                    line(b, "total_system_memory", Long.toString(total));
                    line(b, "total_system_memory_human", human(total));
                    long max = server.config().number("maxmemory");
                    line(b, "maxmemory", Long.toString(max));
                    line(b, "maxmemory_human", human(max));
                    line(b, "maxmemory_policy", server.config().get("maxmemory-policy"));
                    line(b, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 0.0 : (double) rss / used));
                    line(b, "mem_allocator", "heliosdb-slab");
                    line(b, "lazyfree_pending_objects", "0");
                    var p = server.persistence();
                    if (p != null) {
                        // Tiers: values in RAM (used_memory) and values on disk only (read back on access).
                        long onDisk = 0, entries = 0;
                        for (var shard : server.shards().all()) {
                            ShardState st = shard.get(ShardState.SLOT);
                            for (int i = 0; i < st.databases(); i++) {
                                if (st.db(i) instanceof OffHeapKeyspace o) {
                                    onDisk += o.onDiskEntries(); // racy read of a counter, like the other figures
                                    entries += o.size();
                                }
                            }
                        }
                        long diskHits = p.coldLoads();
                        long ramHits = Math.max(0, hits - diskHits);
                        line(b, "heliosdb_tier_ram_bytes", Long.toString(offHeap)); // what maxmemory bounds (the JVM heap is extra)
                        line(b, "heliosdb_tier_disk_bytes", Long.toString(p.sum(e -> e.tableBytes()) + p.logBytes()));
                        line(b, "heliosdb_tier_ram_values", Long.toString(entries - onDisk));
                        line(b, "heliosdb_tier_disk_only_values", Long.toString(onDisk));
                        line(b, "heliosdb_tier_ram_hits", Long.toString(ramHits));
                        line(b, "heliosdb_tier_disk_hits", Long.toString(diskHits));
                        line(b, "heliosdb_tier_ram_hit_rate", String.format(Locale.ROOT, "%.4f",
                                ramHits + diskHits == 0 ? 0.0 : (double) ramHits / (ramHits + diskHits)));
                        line(b, "heliosdb_tier_values_moved_to_disk", Long.toString(p.evictions()));
                        line(b, "heliosdb_lsm_block_cache_hits", Long.toString(p.sum(e -> e.cache().hits())));
                        line(b, "heliosdb_lsm_block_cache_misses", Long.toString(p.sum(e -> e.cache().misses())));
                    }
                }
                case "persistence" -> {
                    var p = server.persistence();
                    b.append("# Persistence\r\n");
                    line(b, "loading", "0"); // clients are accepted only after loading
                    line(b, "async_loading", "0");
                    line(b, "rdb_changes_since_last_save", Long.toString(p == null ? 0 : p.changesSinceSave()));
                    line(b, "rdb_bgsave_in_progress", p != null && p.bgsaveInProgress ? "1" : "0");
                    line(b, "rdb_last_save_time", Long.toString(server.lastSaveSeconds));
                    line(b, "rdb_last_bgsave_status", p == null ? "ok" : p.lastBgsaveStatus);
                    line(b, "rdb_last_bgsave_time_sec", Long.toString(p == null ? -1 : p.lastBgsaveSeconds));
                    line(b, "aof_enabled", p == null ? "0" : "1");
                    line(b, "aof_rewrite_in_progress", p != null && p.rewriteInProgress ? "1" : "0");
                    line(b, "aof_rewrite_scheduled", "0");
                    line(b, "aof_last_rewrite_time_sec", Long.toString(p == null ? -1 : p.lastRewriteSeconds));
                    line(b, "aof_last_bgrewrite_status", p == null ? "ok" : p.lastRewriteStatus);
                    line(b, "aof_rewrites", Long.toString(p == null ? 0 : p.rewrites));
                    line(b, "aof_last_write_status", p == null ? "ok" : p.lastWriteStatus());
                    if (p != null) {
                        // Summed over shards.
                        line(b, "aof_current_size", Long.toString(p.logBytes()));
                        line(b, "aof_delayed_fsync", Long.toString(p.fsyncErrors));
                        line(b, "heliosdb_appendfsync", p.fsync().name().toLowerCase(Locale.ROOT));
                        line(b, "heliosdb_load_time_ms", Long.toString(p.loadMillis));
                        line(b, "heliosdb_lsm_memtable_bytes", Long.toString(p.sum(e -> e.memtableBytes())));
                        line(b, "heliosdb_lsm_sstable_bytes", Long.toString(p.sum(e -> e.tableBytes())));
                        line(b, "heliosdb_lsm_sstables", Long.toString(p.sum(e -> e.tableCount())));
                        line(b, "heliosdb_lsm_block_cache_bytes", Long.toString(p.sum(e -> e.cache().usedBytes())));
                        line(b, "heliosdb_lsm_flushes", Long.toString(p.sum(e -> e.stats().flushes)));
                        line(b, "heliosdb_lsm_compactions", Long.toString(p.sum(e -> e.stats().compactions)));
                        line(b, "heliosdb_lsm_write_stalls", Long.toString(p.sum(e -> e.stats().stalls)));
                        line(b, "heliosdb_lsm_write_stall_micros", Long.toString(p.sum(e -> e.stats().stallMicros)));
                        line(b, "heliosdb_lsm_background_errors", Long.toString(p.sum(e -> e.stats().backgroundErrors)));
                    }
                }
                case "stats" -> {
                    b.append("# Stats\r\n");
                    line(b, "total_connections_received", Long.toString(server.clients().totalConnections()));
                    line(b, "total_commands_processed", Long.toString(totalCalls));
                    line(b, "instantaneous_ops_per_sec", Long.toString(server.opsPerSecond()));
                    line(b, "total_net_input_bytes", Long.toString(server.netInputBytes.sum()));
                    line(b, "total_net_output_bytes", Long.toString(server.netOutputBytes.sum()));
                    line(b, "rejected_connections", Long.toString(server.clients().rejectedConnections()));
                    line(b, "expired_keys", Long.toString(expired));
                    line(b, "evicted_keys", Long.toString(sumEvicted(server)));
                    line(b, "keyspace_hits", Long.toString(hits));
                    line(b, "keyspace_misses", Long.toString(misses));
                    line(b, "pubsub_channels", Integer.toString(server.pubsub().channels(false, null).size()));
                    line(b, "pubsub_patterns", Integer.toString(server.pubsub().patternCount()));
                    line(b, "pubsubshard_channels", Integer.toString(server.pubsub().channels(true, null).size()));
                    long trackedKeys = 0, trackedItems = 0;
                    for (Shard s : server.shards().all()) {
                        trackedKeys += Tracking.of(ServerContext.state(s)).keys();
                        trackedItems += Tracking.of(ServerContext.state(s)).items();
                    }
                    line(b, "tracking_total_keys", Long.toString(trackedKeys));
                    line(b, "tracking_total_items", Long.toString(trackedItems));
                    line(b, "tracking_total_prefixes", Long.toString(server.trackingBroadcast().stream()
                            .filter(c -> c.tracking != null).flatMap(c -> c.tracking.prefixes.stream())
                            .map(ByteKey::new).distinct().count()));
                    line(b, "total_error_replies", Long.toString(sum(failed) + server.rejectedCalls.sum()));
                    line(b, "heliosdb_internal_errors", Long.toString(server.shards().internalErrors()));
                    line(b, "heliosdb_watchdog_stalls", Long.toString(server.watchdogStalls()));
                }
                case "replication" -> {
                    b.append("# Replication\r\n");
                    line(b, "role", "master");
                    line(b, "connected_slaves", "0");
                    line(b, "master_failover_state", "no-failover");
                    line(b, "master_replid", server.runId());
                    line(b, "master_replid2", "0000000000000000000000000000000000000000");
                    line(b, "master_repl_offset", "0");
                    line(b, "second_repl_offset", "-1");
                    line(b, "repl_backlog_active", "0");
                }
                case "cpu" -> {
                    b.append("# CPU\r\n");
                    double cpu = processCpuSeconds();
                    line(b, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", cpu / 2));
                    line(b, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu / 2));
                }
                case "modules" -> b.append("# Modules\r\n");
                case "errorstats" -> b.append("# Errorstats\r\n");
                case "latencystats" -> {
                    b.append("# Latencystats\r\n");
                    Object[] perShard = new Object[results.length];
                    for (int i = 0; i < results.length; i++) {
                        perShard[i] = ((ShardSnapshot) results[i]).latencies();
                    }
                    LatencyHistograms.info(b, server, perShard);
                }
                case "cluster" -> {
                    b.append("# Cluster\r\n");
                    line(b, "cluster_enabled", "0");
                }
                case "commandstats" -> {
                    b.append("# Commandstats\r\n");
                    for (int i = 0; i < commands; i++) {
                        if (calls[i] == 0 && rejected[i] == 0 && failed[i] == 0) {
                            continue;
                        }
                        CommandSpec spec = server.table().byId(i);
                        b.append("cmdstat_").append(spec.name()).append(":calls=").append(calls[i])
                                .append(",usec=").append(micros[i])
                                .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls[i] == 0 ? 0.0 : (double) micros[i] / calls[i]))
                                .append(",rejected_calls=").append(rejected[i])
                                .append(",failed_calls=").append(failed[i]).append("\r\n");
                    }
                }
                case "keyspace" -> {
                    b.append("# Keyspace\r\n");
                    for (int i = 0; i < dbs; i++) {
                        if (keys[i] > 0) {
                            b.append("db").append(i).append(":keys=").append(keys[i]).append(",expires=").append(expires[i])
                                    .append(",avg_ttl=0\r\n");
                        }
                    }
                }
                default -> b.setLength(Math.max(0, b.length() - 2)); // unknown sections are silently empty
            }
        }
        return b.toString();
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    /**
     * Clients still waiting: one served on another shard is not, though its reply is still on its
     * way to its own loop (in Redis it is unblocked once the command that served it has run).
     */
    private static long blockedClients(ServerContext server) {
        return server.blockedCalls.values().stream()
                .filter(c -> !(c instanceof BlockedClients.Waiter w) || !w.finished()).count();
    }

    private static void line(StringBuilder b, String k, String v) {
        b.append(k).append(':').append(v).append("\r\n");
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    /** Resident set size from /proc (Linux); 0 elsewhere. */
    static long rss() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(f[1]) * 4096;
        } catch (Exception e) {
            return 0;
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return 0;
    }

    private static long sumEvicted(ServerContext server) {
        long n = 0;
        for (Shard s : server.shards().all()) {
            n += ServerContext.state(s).evictedKeys;
        }
        return n;
    }
}

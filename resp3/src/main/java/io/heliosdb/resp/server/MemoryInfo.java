package io.heliosdb.resp.server;

import static io.heliosdb.runtime.info.InfoSections.line;

import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.resp.engine.ShardState;
import java.util.Locale;

/** INFO's memory and persistence sections (the tiers and the storage engine's figures with persistence on). */
final class MemoryInfo {
    private MemoryInfo() {}

    /** # Memory: the data in RAM as maxmemory counts it, the heap and the tiers. */
    static void memory(InfoInput in, StringBuilder b) {
        b.append("# Memory\r\n");
        line(b, "used_memory", Long.toString(in.used()));
        line(b, "used_memory_human", ProcessFigures.human(in.used()));
        line(b, "used_memory_rss", Long.toString(in.rss()));
        line(b, "heliosdb_heap_used", Long.toString(in.heap()));
        line(b, "used_memory_rss_human", ProcessFigures.human(in.rss()));
        line(b, "used_memory_peak", Long.toString(in.used()));
        line(b, "used_memory_peak_human", ProcessFigures.human(in.used()));
        line(b, "used_memory_dataset", Long.toString(in.offHeap()));
        line(b, "used_memory_offheap", Long.toString(in.offHeap()));
        line(b, "used_memory_heap", Long.toString(in.heap()));
        line(b, "used_memory_lua", "0");
        line(b, "used_memory_scripts", "0");
        long total = ProcessFigures.totalSystemMemory();
        line(b, "total_system_memory", Long.toString(total));
        line(b, "total_system_memory_human", ProcessFigures.human(total));
        long max = in.server().config().number("maxmemory");
        line(b, "maxmemory", Long.toString(max));
        line(b, "maxmemory_human", ProcessFigures.human(max));
        line(b, "maxmemory_policy", in.server().config().get("maxmemory-policy"));
        line(b, "mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", in.used() == 0 ? 0.0 : (double) in.rss() / in.used()));
        line(b, "mem_allocator", "heliosdb-slab");
        line(b, "lazyfree_pending_objects", "0");
        var p = in.server().persistence();
        if (p != null) {
            // Tiers: values in RAM (used_memory) and values on disk only (read back on access).
            long onDisk = 0, entries = 0;
            for (var shard : in.server().shards().all()) {
                ShardState st = shard.get(ShardState.SLOT);
                for (int i = 0; i < st.databases(); i++) {
                    if (st.db(i) instanceof OffHeapKeyspace o) {
                        onDisk += o.onDiskEntries(); // racy read of a counter, like the other figures
                        entries += o.size();
                    }
                }
            }
            long diskHits = p.coldLoads();
            long ramHits = Math.max(0, in.hits() - diskHits);
            line(b, "heliosdb_tier_ram_bytes", Long.toString(in.offHeap())); // what maxmemory bounds (the JVM heap is extra)
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

    /** # Persistence: saves, the log and the storage engine. */
    static void persistence(InfoInput in, StringBuilder b) {
        var p = in.server().persistence();
        b.append("# Persistence\r\n");
        line(b, "loading", "0"); // clients are accepted only after loading
        line(b, "async_loading", "0");
        line(b, "rdb_changes_since_last_save", Long.toString(p == null ? 0 : p.changesSinceSave()));
        line(b, "rdb_bgsave_in_progress", p != null && p.bgsaveInProgress ? "1" : "0");
        line(b, "rdb_last_save_time", Long.toString(in.server().lastSaveSeconds));
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
}

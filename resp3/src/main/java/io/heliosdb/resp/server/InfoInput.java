package io.heliosdb.resp.server;

import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.engine.ServerContext;
import java.lang.management.ManagementFactory;

/**
 * What INFO's sections read for one request: the server, and the shards' snapshots summed.
 * {@code results} are the snapshots themselves (latencystats merges them per shard).
 */
record InfoInput(ServerContext server, long now, long offHeap, long used, long heap, long rss,
                 long hits, long misses, long expired, long totalCalls, int dbs, int commands,
                 long[] keys, long[] expires, long[] calls, long[] micros, long[] failed, long[] rejected,
                 Object[] results) {

    static InfoInput gather(ServerContext server, Object[] results) {
        long offHeap = 0, hits = 0, misses = 0, expired = 0, totalCalls = 0;
        int dbs = server.databases();
        long[] keys = new long[dbs];
        long[] expires = new long[dbs];
        int commands = CommandTable.of(server).size();
        long[] calls = new long[commands], micros = new long[commands], failed = new long[commands], rejected = new long[commands];
        for (Object o : results) {
            InfoCommand.ShardSnapshot s = (InfoCommand.ShardSnapshot) o;
            offHeap += s.usedMemory();
            hits += s.hits();
            misses += s.misses();
            expired += s.expired();
            for (int i = 0; i < dbs; i++) {
                keys[i] += s.keys()[i];
                expires[i] += s.expires()[i];
            }
            for (int i = 0; i < commands; i++) {
                calls[i] += s.calls()[i];
                micros[i] += s.micros()[i];
                failed[i] += s.failed()[i];
                rejected[i] += s.rejected()[i];
                totalCalls += s.calls()[i];
            }
        }
        // used_memory is the data, as maxmemory counts it: off-heap entries and tables plus the
        // collections' estimated size. The JVM heap's own use (including garbage not yet collected)
        // is not data; it shows in used_memory_rss and heliosdb_heap_used.
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new InfoInput(server, server.clock().millis(), offHeap, offHeap, heap, ProcessFigures.rss(),
                hits, misses, expired, totalCalls, dbs, commands, keys, expires, calls, micros, failed, rejected, results);
    }
}

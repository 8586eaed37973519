package io.heliosdb.resp.server;

import static io.heliosdb.runtime.info.InfoSections.line;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.latency.LatencyHistograms;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.tracking.Tracking;
import io.heliosdb.resp.tracking.TrackingState;
import io.heliosdb.scheduler.Shard;
import java.util.Locale;

/** INFO's sections of counters: stats, commandstats, latencystats and keyspace. */
final class StatsInfo {
    private StatsInfo() {}

    /** # Stats: connections, commands, keyspace hits, pub/sub and tracking. */
    static void stats(InfoInput in, StringBuilder b) {
        b.append("# Stats\r\n");
        line(b, "total_connections_received", Long.toString(in.server().clients().totalConnections()));
        line(b, "total_commands_processed", Long.toString(in.totalCalls()));
        line(b, "instantaneous_ops_per_sec", Long.toString(in.server().opsPerSecond()));
        line(b, "total_net_input_bytes", Long.toString(in.server().netInputBytes.sum()));
        line(b, "total_net_output_bytes", Long.toString(in.server().netOutputBytes.sum()));
        line(b, "rejected_connections", Long.toString(in.server().clients().rejectedConnections()));
        line(b, "expired_keys", Long.toString(in.expired()));
        line(b, "evicted_keys", Long.toString(sumEvicted(in.server())));
        line(b, "keyspace_hits", Long.toString(in.hits()));
        line(b, "keyspace_misses", Long.toString(in.misses()));
        line(b, "pubsub_channels", Integer.toString(PubSub.of(in.server()).channels(false, null).size()));
        line(b, "pubsub_patterns", Integer.toString(PubSub.of(in.server()).patternCount()));
        line(b, "pubsubshard_channels", Integer.toString(PubSub.of(in.server()).channels(true, null).size()));
        long trackedKeys = 0, trackedItems = 0;
        for (Shard s : in.server().shards().all()) {
            trackedKeys += Tracking.of(ServerContext.state(s)).keys();
            trackedItems += Tracking.of(ServerContext.state(s)).items();
        }
        line(b, "tracking_total_keys", Long.toString(trackedKeys));
        line(b, "tracking_total_items", Long.toString(trackedItems));
        line(b, "tracking_total_prefixes", Long.toString(in.server().trackingBroadcast().stream()
                .filter(c -> c.get(TrackingState.FEATURE) != null).flatMap(c -> c.get(TrackingState.FEATURE).prefixes.stream())
                .map(ByteKey::new).distinct().count()));
        line(b, "total_error_replies", Long.toString(sum(in.failed()) + in.server().rejectedCalls.sum()));
        line(b, "heliosdb_internal_errors", Long.toString(in.server().shards().internalErrors()));
        line(b, "heliosdb_watchdog_stalls", Long.toString(in.server().watchdogStalls()));
    }

    /** # Commandstats: per command that ran or failed. */
    static void commandstats(InfoInput in, StringBuilder b) {
        b.append("# Commandstats\r\n");
        for (int i = 0; i < in.commands(); i++) {
            if (in.calls()[i] == 0 && in.rejected()[i] == 0 && in.failed()[i] == 0) {
                continue;
            }
            CommandSpec spec = CommandTable.of(in.server()).byId(i);
            b.append("cmdstat_").append(spec.name()).append(":calls=").append(in.calls()[i])
                    .append(",usec=").append(in.micros()[i])
                    .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", in.calls()[i] == 0 ? 0.0 : (double) in.micros()[i] / in.calls()[i]))
                    .append(",rejected_calls=").append(in.rejected()[i])
                    .append(",failed_calls=").append(in.failed()[i]).append("\r\n");
        }
    }

    /** # Latencystats: per command's percentiles. */
    static void latencystats(InfoInput in, StringBuilder b) {
        b.append("# Latencystats\r\n");
        Object[] perShard = new Object[in.results().length];
        for (int i = 0; i < in.results().length; i++) {
            perShard[i] = ((InfoCommand.ShardSnapshot) in.results()[i]).latencies();
        }
        LatencyHistograms.info(b, in.server(), perShard);
    }

    /** # Keyspace: per non-empty database. */
    static void keyspace(InfoInput in, StringBuilder b) {
        b.append("# Keyspace\r\n");
        for (int i = 0; i < in.dbs(); i++) {
            if (in.keys()[i] > 0) {
                b.append("db").append(i).append(":keys=").append(in.keys()[i]).append(",expires=").append(in.expires()[i])
                        .append(",avg_ttl=0\r\n");
            }
        }
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
        s += v;
        }
        return s;
    }

    private static long sumEvicted(ServerContext server) {
        long n = 0;
        for (Shard s : server.shards().all()) {
        n += ServerContext.state(s).evictedKeys;
        }
        return n;
    }
}

package io.heliosdb.resp.latency;

import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.LatencyMonitor;
import io.heliosdb.resp.engine.ServerContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HELP over the server's {@link LatencyMonitor}, as Redis 7.0 answers them. */
public final class LatencyCommands {
    /** Redis' LATENCY_GRAPH_COLS. */
    private static final int GRAPH_COLUMNS = 80;
    private static final int GRAPH_ROWS = 4;

    private LatencyCommands() {}

    public static void register(CommandTable t) {
        t.register("latency|latest", Routing.SESSION, LatencyCommands::latest);
        t.register("latency|history", Routing.SESSION, LatencyCommands::history);
        t.register("latency|reset", Routing.SESSION, LatencyCommands::reset);
        t.register("latency|graph", Routing.SESSION, LatencyCommands::graph);
        t.register("latency|doctor", Routing.SESSION, LatencyCommands::doctor);
        t.register("latency|histogram", Routing.ALL_SHARDS, MultiShardCommand.allShards(LatencyHistograms::histogram));
        t.register("latency|help", Routing.SESSION, Help.redis("LATENCY"));
    }

    private static void latest(CommandContext ctx) {
        RespWriter out = ctx.out();
        List<Object[]> rows = ctx.server().latency().latest();
        out.array(rows.size());
        for (Object[] r : rows) {
            out.array(4);
            out.bulk((String) r[0]);
            out.integer((Long) r[1]);
            out.integer((Long) r[2]);
            out.integer((Long) r[3]);
        }
    }

    private static void history(CommandContext ctx) {
        List<long[]> samples = ctx.server().latency().history(ctx.args().string(2));
        RespWriter out = ctx.out();
        if (samples == null) {
            out.array(0);
            return;
        }
        out.array(samples.size());
        for (long[] s : samples) {
            out.array(2);
            out.integer(s[0]);
            out.integer(s[1]);
        }
    }

    private static void reset(CommandContext ctx) {
        LatencyMonitor m = ctx.server().latency();
        if (ctx.args().count() == 2) {
            ctx.out().integer(m.reset(null));
            return;
        }
        int resets = 0;
        for (int i = 2; i < ctx.args().count(); i++) {
            resets += m.reset(ctx.args().string(i));
        }
        ctx.out().integer(resets);
    }

    private static void graph(CommandContext ctx) {
        String event = ctx.args().string(2);
        LatencyMonitor m = ctx.server().latency();
        List<long[]> samples = m.history(event);
        if (samples == null) {
            ctx.out().error("ERR No samples available for event '" + event + "'");
            return;
        }
        long now = ctx.now() / 1000;
        Sparkline line = new Sparkline();
        long min = 0, max = 0;
        boolean first = true;
        for (long[] s : samples) {
            if (first) {
                min = max = s[1];
                first = false;
            } else {
                max = Math.max(max, s[1]);
                min = Math.min(min, s[1]);
            }
            long elapsed = now - s[0];
            String label = elapsed < 60 ? elapsed + "s" : elapsed < 3600 ? elapsed / 60 + "m"
                    : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d";
            line.add(s[1], label);
        }
        StringBuilder g = new StringBuilder();
        g.append(event).append(" - high ").append(max).append(" ms, low ").append(min).append(" ms (all time high ")
                .append(m.max(event)).append(" ms)\n");
        g.append("-".repeat(GRAPH_COLUMNS)).append('\n');
        line.render(g, GRAPH_COLUMNS, GRAPH_ROWS);
        ctx.out().verbatim(g.toString());
    }

    private static void doctor(CommandContext ctx) {
        ServerContext s = ctx.server();
        var cfg = new LatencyDoctor.Settings(s.config().number("latency-monitor-threshold"), s.slowlogThresholdMicros(),
                "always".equals(s.config().get("appendfsync")), s.config().number("hz"), anonHugePages());
        ctx.out().verbatim(LatencyDoctor.report(s.latency(), cfg, ctx.now() / 1000));
    }

    /** Whether this process has anonymous huge pages (Redis reads the same field of /proc/self/smaps). */
    private static boolean anonHugePages() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("AnonHugePages:")) {
                    return !line.substring(14).trim().startsWith("0 ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: Redis answers 0 then too
        }
        return false;
    }
}

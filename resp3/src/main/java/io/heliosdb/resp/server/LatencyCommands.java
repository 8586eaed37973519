package io.heliosdb.resp.server;

import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.keys.Help;

/**
 * LATENCY and CLUSTER as a standalone Redis 7.0 without spikes answers them. HeliosDB samples no
 * latency events (its shards never block on fork or disk the way Redis' events measure), so every
 * series is empty; CLUSTER refuses every subcommand, HELP included, and READONLY, READWRITE and ASKING,
 * as Redis does with cluster-enabled no.
 */
final class LatencyCommands {
    private LatencyCommands() {}

    static void register(CommandTable t) {
        t.register("latency|latest", Routing.SESSION, ctx -> ctx.out().array(0));
        t.register("latency|history", Routing.SESSION, ctx -> ctx.out().array(0));
        t.register("latency|reset", Routing.SESSION, ctx -> ctx.out().integer(0));
        t.register("latency|graph", Routing.SESSION, ctx ->
                ctx.out().error("ERR No samples available for event '" + ctx.args().string(2) + "'"));
        t.register("latency|doctor", Routing.SESSION, LatencyCommands::doctor);
        t.register("latency|help", Routing.SESSION, Help.redis("LATENCY"));
        for (CommandSpec sub : t.find("cluster").subcommands().values()) {
            t.register(sub.name(), Routing.SESSION, LatencyCommands::noCluster);
        }
        for (String name : new String[]{"readonly", "readwrite", "asking"}) { // cluster-only connection modes
            t.register(name, Routing.SESSION, LatencyCommands::noCluster);
        }
    }

    private static void noCluster(CommandContext ctx) {
        ctx.out().error("ERR This instance has cluster support disabled");
    }

    private static void doctor(CommandContext ctx) {
        if (ctx.server().config().number("latency-monitor-threshold") == 0) {
            ctx.out().verbatim("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
                    + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. "
                    + "If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n");
        } else {
            ctx.out().verbatim("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
        }
    }
}

package io.heliosdb.resp.server;

import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Routing;

/**
 * CLUSTER as a standalone Redis 7.0 answers it: every subcommand, HELP included, and READONLY,
 * READWRITE and ASKING are refused, as Redis does with cluster-enabled no.
 */
final class ClusterCommands {
    private ClusterCommands() {}

    static void register(CommandTable t) {
        for (CommandSpec sub : t.find("cluster").subcommands().values()) {
            t.register(sub.name(), Routing.SESSION, ClusterCommands::noCluster);
        }
        for (String name : new String[]{"readonly", "readwrite", "asking"}) { // cluster-only connection modes
            t.register(name, Routing.SESSION, ClusterCommands::noCluster);
        }
    }

    private static void noCluster(CommandContext ctx) {
        ctx.out().error("ERR This instance has cluster support disabled");
    }
}

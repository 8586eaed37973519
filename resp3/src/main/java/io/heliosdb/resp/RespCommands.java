package io.heliosdb.resp;

import io.heliosdb.resp.acl.Acl;
import io.heliosdb.resp.acl.AclCommands;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.connection.ClientLine;
import io.heliosdb.resp.connection.ConnectionCommands;
import io.heliosdb.resp.connection.Exec;
import io.heliosdb.resp.connection.Monitors;
import io.heliosdb.resp.geo.GeoCommands;
import io.heliosdb.resp.hashes.HashCommands;
import io.heliosdb.resp.hyperloglog.HyperLogLogCommands;
import io.heliosdb.resp.keys.DumpCommands;
import io.heliosdb.resp.keys.KeyCommands;
import io.heliosdb.resp.latency.LatencyCommands;
import io.heliosdb.resp.lists.ListCommands;
import io.heliosdb.resp.notify.CommandEvents;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.pubsub.PubSubCommands;
import io.heliosdb.resp.scripting.FunctionCommands;
import io.heliosdb.resp.scripting.ScriptCommands;
import io.heliosdb.resp.server.PersistenceCommands;
import io.heliosdb.resp.server.ServerCommands;
import io.heliosdb.resp.sets.SetCommands;
import io.heliosdb.resp.sort.SortCommand;
import io.heliosdb.resp.streams.StreamCommands;
import io.heliosdb.resp.strings.StringCommands;
import io.heliosdb.resp.tracking.Tracking;
import io.heliosdb.resp.tracking.TrackingCommands;
import io.heliosdb.resp.transactions.TransactionCommands;
import io.heliosdb.resp.transactions.WatchedKeys;
import io.heliosdb.resp.zsets.ZSetCommands;

/** Builds the command table with every family's handlers attached. */
public final class RespCommands {
    private RespCommands() {}

    public static CommandTable table() {
        CommandTable t = CommandTable.loadRedis70();
        // Server-wide features (the table itself is installed first).
        t.onServer(s -> s.install(Acl.FEATURE, new Acl(t,
                () -> s.config().get("acl-pubsub-default").equalsIgnoreCase("allchannels"), ClientLine::of)));
        t.onServer(PubSub::install);
        t.onServer(s -> s.install(Monitors.FEATURE, new Monitors()));
        // Per-shard features that hear about key changes, in the order they hear them.
        t.onEveryShard(CommandEvents::install);
        t.onEveryShard(BlockedClients::install);
        t.onEveryShard(WatchedKeys::install);
        t.onEveryShard(Tracking::install);
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        LatencyCommands.register(t);
        PersistenceCommands.register(t);
        StringCommands.register(t);
        KeyCommands.register(t);
        HashCommands.register(t);
        ListCommands.register(t);
        SetCommands.register(t);
        ZSetCommands.register(t);
        DumpCommands.register(t);
        SortCommand.register(t);
        HyperLogLogCommands.register(t);
        GeoCommands.register(t);
        TransactionCommands.register(t);
        t.register("exec", Routing.ALL_SHARDS, new Exec());
        PubSubCommands.register(t);
        ScriptCommands.register(t);
        FunctionCommands.register(t);
        TrackingCommands.register(t);
        AclCommands.register(t);
        StreamCommands.register(t);
        return t;
    }
}

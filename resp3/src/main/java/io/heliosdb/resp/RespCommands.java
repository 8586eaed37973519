package io.heliosdb.resp;

import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.connection.ConnectionCommands;
import io.heliosdb.resp.keys.KeyCommands;
import io.heliosdb.resp.latency.LatencyCommands;
import io.heliosdb.resp.server.ServerCommands;
import io.heliosdb.resp.strings.StringCommands;

/** Builds the command table with every family's handlers attached. */
public final class RespCommands {
    private RespCommands() {}

    public static CommandTable table() {
        CommandTable t = CommandTable.loadRedis70();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        LatencyCommands.register(t);
        io.heliosdb.resp.server.PersistenceCommands.register(t);
        StringCommands.register(t);
        KeyCommands.register(t);
        io.heliosdb.resp.hashes.HashCommands.register(t);
        io.heliosdb.resp.lists.ListCommands.register(t);
        io.heliosdb.resp.sets.SetCommands.register(t);
        io.heliosdb.resp.zsets.ZSetCommands.register(t);
        io.heliosdb.resp.rdb.DumpCommands.register(t);
        io.heliosdb.resp.sort.SortCommand.register(t);
        io.heliosdb.resp.hyperloglog.HyperLogLogCommands.register(t);
        io.heliosdb.resp.geo.GeoCommands.register(t);
        io.heliosdb.resp.transactions.TransactionCommands.register(t);
        io.heliosdb.resp.pubsub.PubSubCommands.register(t);
        io.heliosdb.resp.scripting.ScriptCommands.register(t);
        io.heliosdb.resp.scripting.FunctionCommands.register(t);
        io.heliosdb.resp.tracking.TrackingCommands.register(t);
        io.heliosdb.resp.acl.AclCommands.register(t);
        io.heliosdb.resp.streams.StreamCommands.register(t);
        return t;
    }
}

package io.heliosdb.resp.transactions;

import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MULTI, DISCARD, WATCH, UNWATCH. Queuing itself, and EXEC, happen in the connection (it must see every command). */
public final class TransactionCommands {
    private TransactionCommands() {}

    public static void register(CommandTable t) {
        t.register("multi", Routing.SESSION, TransactionCommands::multi);
        t.register("discard", Routing.SESSION, TransactionCommands::discard);
        t.register("watch", Routing.ALL_SHARDS, MultiShardCommand.allShards(TransactionCommands::watch));
        t.register("unwatch", Routing.SESSION, ctx -> {
            unwatch(ctx.session());
            ctx.out().ok();
        });
    }

    private static void multi(CommandContext ctx) {
        ClientSession s = ctx.session();
        if (s.get(QueuedCommand.QUEUE) != null) {
            ctx.out().error("ERR MULTI calls can not be nested");
            return;
        }
        s.set(QueuedCommand.QUEUE, new ArrayList<>());
        s.multiAborted = false;
        ctx.out().ok();
    }

    private static void discard(CommandContext ctx) {
        ClientSession s = ctx.session();
        if (s.get(QueuedCommand.QUEUE) == null) {
            ctx.out().error("ERR DISCARD without MULTI");
            return;
        }
        discard(s);
        ctx.out().ok();
    }

    /** Leaves MULTI and ends the WATCH (DISCARD, RESET, disconnect). Connection loop only. */
    public static void discard(ClientSession s) {
        s.set(QueuedCommand.QUEUE, null);
        s.multiAborted = false;
        unwatch(s);
    }

    public static void unwatch(ClientSession s) {
        WatchedKeys.end(s.get(WatchState.FEATURE));
        s.set(WatchState.FEATURE, null);
    }

    private static void watch(CrossShardCall call) {
        ClientSession s = call.session();
        if (s.get(QueuedCommand.QUEUE) != null) {
            call.finish(w -> w.error("ERR WATCH inside MULTI is not allowed"));
            return;
        }
        if (s.get(WatchState.FEATURE) == null) {
            s.set(WatchState.FEATURE, new WatchState());
        }
        WatchState state = s.get(WatchState.FEATURE);
        int db = call.db();
        Map<Shard, List<Integer>> byShard = call.keysByShard(1, 1);
        call.runOnceOnKeys(byShard, shard -> {
            WatchedKeys registry = WatchedKeys.of(ServerContext.state(shard));
            for (int i : byShard.get(shard)) {
                registry.watch(db, call.args().segment(), call.args().offset(i), call.args().length(i), state);
            }
            return null;
        }, (w, results) -> w.ok());
    }
}

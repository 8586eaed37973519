package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SMOVE, LMOVE, RPOPLPUSH: take an element from the source key (argument 1) and give it to the
 * destination (argument 2). Across shards both keys stay locked from the checks to the give, so
 * nobody sees the element in both places or in neither.
 */
public abstract class MoveBetweenKeys implements MultiShardCommand {
    /** Null to go on, or the final reply (source missing, wrong type, bad arguments). */
    protected abstract Consumer<RespWriter> inspectSource(Keyspace ks, Args a);

    /** True when the destination exists with a type this command cannot write. */
    protected abstract boolean destinationWrongType(Keyspace ks, Args a);

    /** Removes and returns the element, or null when there is none to move. */
    protected abstract byte[] take(ShardState s, Keyspace ks, Args a);

    protected abstract void give(ShardState s, Keyspace ks, Args a, byte[] element);

    /** The reply (element null: nothing moved). */
    protected abstract void reply(RespWriter w, byte[] element);

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        Keyspace ks = ctx.db();
        Consumer<RespWriter> early = inspectSource(ks, a);
        if (early != null) {
            early.accept(ctx.out());
            return;
        }
        if (destinationWrongType(ks, a)) {
            ctx.out().error(Errors.WRONGTYPE);
            return;
        }
        byte[] el = take(ctx.shard(), ks, a);
        if (el != null) {
            give(ctx.shard(), ks, a, el);
        }
        reply(ctx.out(), el);
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        Args a = call.args();
        Shard src = call.shardOfArg(1);
        Shard dst = call.shardOfArg(2);
        Shard[] both = {src, dst};
        Map<Shard, List<Integer>> keys = new LinkedHashMap<>();
        keys.put(src, List.of(1));
        keys.put(dst, List.of(2));
        ShardTransaction tx = call.transaction(both);
        tx.lockKeys(call.lockKeys(keys), () -> tx.run(both, s -> s == src ? (Object) inspectSource(call.db(s), a)
                : (Object) destinationWrongType(call.db(s), a), false, () -> {
            Object[] r = tx.results();
            if (failed(call, tx, both, r)) {
                return;
            }
            @SuppressWarnings("unchecked") Consumer<RespWriter> early = (Consumer<RespWriter>) r[0];
            if (early != null || (Boolean) r[1]) {
                tx.release(both);
                call.finish(early != null ? early : w -> w.error(Errors.WRONGTYPE));
                return;
            }
            tx.run(new Shard[]{src}, s -> {
                byte[] el = take(ServerContext.state(s), call.db(s), a);
                return el == null ? new byte[0][] : new byte[][]{el};
            }, true, () -> {
                Object t = tx.results()[0];
                if (failed(call, tx, new Shard[]{dst}, tx.results())) {
                    return;
                }
                byte[][] taken = (byte[][]) t;
                if (taken.length == 0) {
                    tx.release(new Shard[]{dst});
                    call.finish(w -> reply(w, null));
                    return;
                }
                tx.run(new Shard[]{dst}, s -> {
                    ShardState st = ServerContext.state(s);
                    give(st, call.db(s), a, taken[0]);
                    return Boolean.TRUE;
                }, true, () -> call.finish(w -> reply(w, taken[0])));
            });
        }));
    }

    private static boolean failed(CrossShardCall call, ShardTransaction tx, Shard[] held, Object[] r) {
        for (Object o : r) {
            if (o instanceof RuntimeException e) {
                tx.release(held);
                call.finish(w -> w.error(call.failure(e)));
                return true;
            }
        }
        return false;
    }
}

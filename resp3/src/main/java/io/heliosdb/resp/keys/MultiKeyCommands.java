package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.Shard;
import java.util.List;
import java.util.Map;

/** DEL, UNLINK, EXISTS, TOUCH: per-key counts summed, atomic across shards. */
final class MultiKeyCommands {
    private MultiKeyCommands() {}

    /** What one key contributes to the count, on the key's shard. */
    private interface KeyOp {
        boolean apply(Keyspace ks, Args a, int i, Reads read);
    }

    /** A read lookup on the shard the op runs on (see ShardState#lookupRead). */
    private interface Reads {
        long lookup(Keyspace ks, int arg, boolean touch);
    }

    static void register(CommandTable t) {
        KeyOp delete = (ks, a, i, read) -> ks.delete(a.segment(), a.offset(i), a.length(i));
        // EXISTS and TOUCH are reads in Redis (hit/miss counts, "keymiss"); TOUCH updates LRU even under NO-TOUCH.
        KeyOp exists = (ks, a, i, read) -> read.lookup(ks, i, false) != Keyspace.NONE;
        KeyOp touch = (ks, a, i, read) -> read.lookup(ks, i, true) != Keyspace.NONE;
        t.register("del", Routing.KEYS, new Counting(delete));
        t.register("unlink", Routing.KEYS, new Counting(delete));
        t.register("exists", Routing.KEYS, new Counting(exists));
        t.register("touch", Routing.KEYS, new Counting(touch));
    }

    private record Counting(KeyOp op) implements MultiShardCommand {
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            Keyspace ks = ctx.db();
            Reads read = (k, arg, touch) -> ctx.shard().lookupRead(ctx.dbIndex(), k, a, arg, touch);
            long n = 0;
            for (int i = 1; i < a.count(); i++) {
                if (op.apply(ks, a, i, read)) {
                    n++;
                }
            }
            ctx.out().integer(n);
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Map<Shard, List<Integer>> groups = call.keysByShard(1, 1);
            call.runOnceOnKeys(groups, s -> {
                Keyspace ks = call.db(s);
                Reads read = (k, arg, touch) -> ServerContext.state(s).lookupRead(call.db(), k, call.args(), arg, touch);
                long n = 0;
                for (int i : groups.get(s)) {
                    if (op.apply(ks, call.args(), i, read)) {
                        n++;
                    }
                }
                return n;
            }, (out, r) -> {
                long total = 0;
                for (Object o : r) {
                    total += (Long) o;
                }
                out.integer(total);
            });
        }
    }
}

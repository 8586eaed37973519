package io.heliosdb.resp.keys;

import io.heliosdb.index.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.scheduler.Shard;
import java.util.List;
import java.util.Map;

/** DEL, UNLINK, EXISTS, TOUCH: per-key counts summed, atomic across shards. */
final class MultiKeyCommands {
    private MultiKeyCommands() {}

    /** What one key contributes to the count, on the key's shard. */
    private interface KeyOp {
        boolean apply(Keyspace ks, Args a, int i, CommandContext ctxOrNull);
    }

    static void register(CommandTable t) {
        KeyOp delete = (ks, a, i, ctx) -> ks.delete(a.segment(), a.offset(i), a.length(i));
        KeyOp exists = (ks, a, i, ctx) -> ctx != null ? ctx.lookupRead(ks, i) != Keyspace.NONE
                : ks.find(a.segment(), a.offset(i), a.length(i)) != Keyspace.NONE;
        KeyOp touch = (ks, a, i, ctx) -> {
            long e = ks.find(a.segment(), a.offset(i), a.length(i));
            if (e != Keyspace.NONE) {
                ks.touch(e);
            }
            return e != Keyspace.NONE;
        };
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
            long n = 0;
            for (int i = 1; i < a.count(); i++) {
                if (op.apply(ks, a, i, ctx)) {
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
                long n = 0;
                for (int i : groups.get(s)) {
                    if (op.apply(ks, call.args(), i, null)) {
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

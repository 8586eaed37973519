package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.List;
import java.util.Map;

/** MGET, MSET, MSETNX: single-shard fast path, atomic cross-shard path through a shard transaction. */
final class MultiKeyStringCommands {
    private MultiKeyStringCommands() {}

    static void register(CommandTable t) {
        t.register("mget", Routing.KEYS, new Mget());
        t.register("mset", Routing.KEYS, new Mset());
        t.register("msetnx", Routing.KEYS, new Msetnx());
    }

    private static void setPair(Keyspace ks, Args a, int i) {
        StringOps.store(ks, a.segment(), a.offset(i), a.length(i), a.segment(), a.offset(i + 1), a.length(i + 1), 0);
    }

    private static boolean absent(Keyspace ks, Args a, int i) {
        return StringOps.absent(ks, a.segment(), a.offset(i), a.length(i)) == OpStatus.OK;
    }

    static final class Mget implements MultiShardCommand {
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            Keyspace ks = ctx.db();
            ctx.out().array(a.count() - 1);
            for (int i = 1; i < a.count(); i++) {
                // Another type reads as nil here, as a missing key does.
                if (StringOps.get(ctx.reads(), ks, a.segment(), a.offset(i), a.length(i), ctx.out()) != OpStatus.OK) {
                    ctx.out().nullBulk();
                }
            }
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Map<Shard, List<Integer>> groups = call.keysByShard(1, 1);
            byte[][] values = new byte[call.args().count()][];
            call.runOnceOnKeys(groups, s -> {
                Keyspace ks = call.db(s);
                Args a = call.args();
                ValueCopy copy = new ValueCopy();
                for (int i : groups.get(s)) {
                    StringOps.get(KeyReads.DIRECT, ks, a.segment(), a.offset(i), a.length(i), copy);
                    values[i] = copy.take(); // null unless OK; distinct indexes per shard
                }
                return null;
            }, (out, r) -> {
                out.array(values.length - 1);
                for (int i = 1; i < values.length; i++) {
                    if (values[i] == null) {
                        out.nullBulk();
                    } else {
                        out.bulk(values[i]);
                    }
                }
            });
        }
    }

    static final class Mset implements MultiShardCommand {
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            if (a.count() % 2 == 0) {
                ctx.wrongArgs();
                return;
            }
            Keyspace ks = ctx.db();
            for (int i = 1; i < a.count(); i += 2) {
                setPair(ks, a, i);
            }
            ctx.out().ok();
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            if (call.args().count() % 2 == 0) {
                call.finish(w -> w.error(Errors.wrongArgs("mset")));
                return;
            }
            Map<Shard, List<Integer>> groups = call.keysByShard(1, 2);
            call.runOnceOnKeys(groups, s -> {
                Keyspace ks = call.db(s);
                // Later pairs win for repeated keys, as in Redis: indexes are ascending per shard.
                for (int i : groups.get(s)) {
                    setPair(ks, call.args(), i);
                }
                return null;
            }, (out, r) -> out.ok());
        }
    }

    static final class Msetnx implements MultiShardCommand {
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            if (a.count() % 2 == 0) {
                ctx.wrongArgs();
                return;
            }
            Keyspace ks = ctx.db();
            for (int i = 1; i < a.count(); i += 2) {
                if (!absent(ks, a, i)) {
                    ctx.out().integer(0);
                    return;
                }
            }
            for (int i = 1; i < a.count(); i += 2) {
                setPair(ks, a, i);
            }
            ctx.out().integer(1);
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            if (call.args().count() % 2 == 0) {
                call.finish(w -> w.error(Errors.wrongArgs("msetnx")));
                return;
            }
            Map<Shard, List<Integer>> groups = call.keysByShard(1, 2);
            Shard[] shards = groups.keySet().toArray(Shard[]::new);
            ShardTransaction tx = call.transaction(shards);
            // Two steps under one set of key locks: check every key is absent, then write all or nothing.
            tx.lockKeys(call.lockKeys(groups), () -> tx.run(shards, s -> {
                Keyspace ks = call.db(s);
                for (int i : groups.get(s)) {
                    if (!absent(ks, call.args(), i)) {
                        return Boolean.FALSE;
                    }
                }
                return Boolean.TRUE;
            }, false, () -> {
                if (call.finishIfFailed(tx)) {
                    return;
                }
                boolean allAbsent = true;
                for (Object o : tx.results()) {
                    allAbsent &= Boolean.TRUE.equals(o);
                }
                if (!allAbsent) {
                    tx.release(shards);
                    call.finish(w -> w.integer(0));
                    return;
                }
                tx.run(shards, s -> {
                    Keyspace ks = call.db(s);
                    for (int i : groups.get(s)) {
                        setPair(ks, call.args(), i);
                    }
                    return null;
                }, true, () -> call.finish(w -> w.integer(1)));
            }));
        }
    }
}

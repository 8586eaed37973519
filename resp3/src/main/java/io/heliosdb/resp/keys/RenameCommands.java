package io.heliosdb.resp.keys;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RENAME, RENAMENX, COPY (one shard or two) and MOVE. All follow one plan: check the destination,
 * take the source, install it at the destination; across shards the three steps run inside one
 * shard transaction, so nobody sees the key in both places or in neither.
 */
final class RenameCommands {
    private static final byte[] DB = {'d', 'b'};
    private static final byte[] REPLACE = "replace".getBytes();

    private RenameCommands() {}

    static void register(CommandTable t) {
        t.register("rename", Routing.KEYS, new Transfer(Mode.RENAME));
        t.register("renamenx", Routing.KEYS, new Transfer(Mode.RENAMENX));
        t.register("copy", Routing.KEYS, new Transfer(Mode.COPY));
        t.register("move", Routing.KEYS, RenameCommands::move);
    }

    enum Mode { RENAME, RENAMENX, COPY }

    /** Parsed options; error != null when the arguments are invalid. */
    private record Plan(int dstDb, boolean replace, String error) {}

    private record Transfer(Mode mode) implements MultiShardCommand {
        private Plan plan(Args a, int db, int databases) {
            if (mode != Mode.COPY) {
                return new Plan(db, mode == Mode.RENAME, null);
            }
            int dstDb = db;
            boolean replace = false;
            for (int i = 3; i < a.count(); i++) {
                if (a.is(i, REPLACE)) {
                    replace = true;
                } else if (a.is(i, DB) && i + 1 < a.count()) {
                    if (!a.isLong(i + 1)) {
                        return new Plan(0, false, Errors.NOT_INTEGER);
                    }
                    long n = a.parseLong(++i);
                    if (n != (int) n) {
                        return new Plan(0, false, Errors.INT_RANGE); // Redis: getIntFromObjectOrReply
                    }
                    if (n < 0 || n >= databases) {
                        return new Plan(0, false, Errors.DB_RANGE);
                    }
                    dstDb = (int) n;
                } else {
                    return new Plan(0, false, Errors.SYNTAX);
                }
            }
            return new Plan(dstDb, replace, null);
        }

        private boolean sameKey(Args a) {
            return ByteStrings.equals(a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2));
        }

        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            Plan p = plan(a, ctx.dbIndex(), ctx.shard().databases());
            if (p.error != null) {
                ctx.out().error(p.error);
                return;
            }
            Keyspace src = ctx.db();
            Keyspace dst = ctx.shard().db(p.dstDb);
            if (mode == Mode.COPY && sameKey(a) && p.dstDb == ctx.dbIndex()) {
                ctx.out().error("ERR source and destination objects are the same");
                return;
            }
            // COPY reads its source (a miss is a "keymiss"); RENAME takes it for writing.
            long e = mode == Mode.COPY ? ctx.lookupRead(src, 1) : ctx.lookupWrite(src, 1);
            if (e == Keyspace.NONE) {
                if (mode == Mode.COPY) {
                    ctx.out().integer(0);
                } else {
                    ctx.out().error(Errors.NO_SUCH_KEY);
                }
                return;
            }
            if (mode != Mode.COPY && sameKey(a)) {
                if (mode == Mode.RENAME) {
                    ctx.out().ok();
                } else {
                    ctx.out().integer(0);
                }
                return;
            }
            if (!p.replace && dst.find(a.segment(), a.offset(2), a.length(2)) != Keyspace.NONE) {
                ctx.out().integer(0);
                return;
            }
            EntrySnapshot snap = EntrySnapshot.take(src, e);
            if (mode != Mode.COPY) {
                src.deleteEntry(e);
            }
            snap.install(dst, a.segment(), a.offset(2), a.length(2), true);
            BlockedClients.of(ctx.shard()).signal(p.dstDb, a, 2); // Redis deletes the destination and adds it anew: its waiters hear it
            reply(ctx.out(), true);
        }

        private void reply(RespWriter out, boolean done) {
            if (mode == Mode.RENAME) {
                out.ok();
            } else {
                out.integer(done ? 1 : 0);
            }
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Args a = call.args();
            Plan p = plan(a, call.db(), call.server().databases());
            if (p.error != null) {
                call.finish(w -> w.error(p.error));
                return;
            }
            Shard srcShard = call.shardOfArg(1);
            Shard dstShard = call.shardOfArg(2);
            Shard[] both = {srcShard, dstShard};
            ShardTransaction tx = call.transaction(both);
            Map<Shard, List<Integer>> keyArgs = new LinkedHashMap<>();
            keyArgs.put(srcShard, List.of(1));
            keyArgs.put(dstShard, List.of(2));
            tx.lockKeys(call.lockKeys(keyArgs), () -> tx.run(new Shard[]{dstShard}, s -> {
                Keyspace dst = ServerContext.state(s).db(p.dstDb);
                return dst.find(a.segment(), a.offset(2), a.length(2)) != Keyspace.NONE;
            }, false, () -> {
                if (call.finishIfFailed(tx)) {
                    return;
                }
                boolean dstExists = (Boolean) tx.results()[0];
                tx.run(new Shard[]{srcShard}, s -> {
                    Keyspace src = call.db(s);
                    long e = mode == Mode.COPY ? call.lookupRead(s, 1) : src.find(a.segment(), a.offset(1), a.length(1));
                    if (e == Keyspace.NONE || (dstExists && !p.replace)) {
                        return e == Keyspace.NONE ? null : Boolean.FALSE;
                    }
                    EntrySnapshot snap = EntrySnapshot.take(src, e);
                    if (mode != Mode.COPY) {
                        src.deleteEntry(e);
                    }
                    return snap;
                }, true, () -> {
                    if (call.finishIfFailed(tx)) {
                        return;
                    }
                    Object r = tx.results()[0];
                    if (!(r instanceof EntrySnapshot snap)) {
                        tx.release(new Shard[]{dstShard});
                        if (r == null && mode != Mode.COPY) {
                            call.finish(w -> w.error(Errors.NO_SUCH_KEY));
                        } else {
                            call.finish(w -> w.integer(0));
                        }
                        return;
                    }
                    tx.run(new Shard[]{dstShard}, s -> {
                        snap.install(ServerContext.state(s).db(p.dstDb), a.segment(), a.offset(2), a.length(2), true);
                        BlockedClients.of(ServerContext.state(s)).signal(p.dstDb, a, 2); // as on one shard
                        return null;
                    }, true, () -> {
                        if (!call.finishIfFailed(tx)) {
                            call.finish(w -> reply(w, true));
                        }
                    });
                });
            }));
        }
    }

    static void move(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long db = a.parseLong(2);
        if (db != (int) db) {
            ctx.out().error(Errors.INT_RANGE); // Redis: getIntFromObjectOrReply
            return;
        }
        if (db < 0 || db >= ctx.shard().databases()) {
            ctx.out().error(Errors.DB_RANGE);
            return;
        }
        if (db == ctx.dbIndex()) {
            ctx.out().error("ERR source and destination objects are the same");
            return;
        }
        Keyspace src = ctx.db();
        Keyspace dst = ctx.shard().db((int) db);
        long e = ctx.lookupWrite(src, 1);
        if (e == Keyspace.NONE || dst.find(a.segment(), a.offset(1), a.length(1)) != Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        // Same shard, same allocator: the entry block moves between tables without a copy.
        dst.attach(src.detach(e));
        BlockedClients.of(ctx.shard()).signal((int) db, a, 1); // a key added to the other database (Redis' dbAdd)
        ctx.out().integer(1);
    }
}

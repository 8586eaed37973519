package io.heliosdb.resp.lists;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.ops.ListOps;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.blocking.ServeWait;
import io.heliosdb.resp.blocking.commands.BlockingPop.Blocked;
import io.heliosdb.resp.blocking.commands.BlockingPop;
import io.heliosdb.resp.blocking.commands.MultiPop;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The list pops that may wait: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP (and LMPOP, which never
 * waits). Waiting, readiness and serving are {@link io.heliosdb.resp.blocking}'s; this file says how
 * a list serves one waiter.
 */
public final class BlockingCommands {
    private BlockingCommands() {}

    static void register(CommandTable t) {
        t.register("blpop", Routing.ALL_SHARDS, new Bpop(true));
        t.register("brpop", Routing.ALL_SHARDS, new Bpop(false));
        t.register("blmove", Routing.ALL_SHARDS, new Bmove(false));
        t.register("brpoplpush", Routing.ALL_SHARDS, new Bmove(true));
        t.register("blmpop", Routing.ALL_SHARDS, new Lmpop(true));
    }

    // ---- the list commands ------------------------------------------------------------------

    /** One element from a list key the serve found ready. */
    static byte[] popList(Keyspace ks, byte[] key, boolean left) {
        return ListOps.popOne(ks, MemorySegment.ofArray(key), 0, key.length, left);
    }

    /** BLPOP / BRPOP key [key ...] timeout. */
    static final class Bpop extends BlockingPop {
        private final boolean left;

        Bpop(boolean left) {
            this.left = left;
        }

        @Override
        protected Plan plan(Args a) {
            return keysThenTimeout(a);
        }

        @Override
        protected byte type() {
            return ValueType.LIST;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            byte[] key = a.bytes(keyArg);
            byte[] v = popList(ks, key, left);
            return w -> {
                w.array(2);
                w.bulk(key);
                w.bulk(v);
            };
        }

        @Override
        public void timeoutReply(RespWriter w) {
            w.nullArray();
        }
    }

    /** BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH src dst timeout. */
    static final class Bmove extends BlockingPop {
        private final boolean rpoplpush;

        Bmove(boolean rpoplpush) {
            this.rpoplpush = rpoplpush;
        }

        @Override
        protected Plan plan(Args a) {
            if (!rpoplpush && (side(a, 3) < 0 || side(a, 4) < 0)) {
                return Plan.error(Errors.SYNTAX);
            }
            String err = Blocking.timeoutError(a, a.count() - 1);
            if (err != null) {
                return Plan.error(err);
            }
            return new Plan(new int[]{1}, Blocking.timeoutMillis(a, a.count() - 1), null);
        }

        private static int side(Args a, int i) {
            return a.is(i, ListCommands.LEFT) ? 0 : a.is(i, ListCommands.RIGHT) ? 1 : -1;
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            if (call.shardOfArg(1) == call.shardOfArg(2)) {
                super.executeAcross(call);
                return;
            }
            Args a = call.args();
            Plan p = plan(a);
            if (p.error() != null) {
                call.finish(w -> w.error(p.error()));
                return;
            }
            moveLocked(call, p, null);
        }

        /**
         * Source and destination on two shards: both keys locked while it looks, pops and pushes, so
         * no command sees the element in neither list. {@code resumed} is the waiting call that
         * claimed an element (null on the first try): if the element went meanwhile (a pop that ran
         * before the locks were taken) it waits again, first in line.
         */
        private void moveLocked(CrossShardCall call, Plan p, Blocked resumed) {
            Args a = call.args();
            Shard src = call.shardOfArg(1);
            Shard dst = call.shardOfArg(2);
            Shard[] both = {src, dst};
            Map<Shard, List<Integer>> keys = new LinkedHashMap<>();
            keys.put(src, List.of(1));
            keys.put(dst, List.of(2));
            Consumer<Consumer<RespWriter>> finish = resumed == null ? call::finish : resumed::deliver;
            // What the move has done so far, for a failure that aborts it (a lock request, a continuation):
            // [0] the element taken from the source, [1] non-null once it is on the destination.
            Object[] progress = new Object[2];
            call.onAbort(() -> {
                if (progress[0] instanceof byte[] element && progress[1] == null) {
                    putBack(src, call.db(), a, element, fromLeft(a)); // taken but not delivered: it goes back
                }
                // a claimed element must not stay claimed: the waiters behind this call would wait for ever
                endClaim(resumed, src, a, false);
            });
            ShardTransaction tx = call.transaction(both);
            tx.lockKeys(call.lockKeys(keys), () -> tx.run(both, s -> s == src ? (Object) sourceStatus(call.db(s), a)
                    : (Object) canServe(null, call.db(s), a), false, () -> {
                Object[] r = tx.results();
                if (r[0] instanceof RuntimeException || r[1] instanceof RuntimeException) {
                    endClaim(resumed, src, a, false);
                    tx.release(both);
                    finish.accept(w -> w.error(call.failure(r[0] instanceof RuntimeException ? r[0] : r[1])));
                    return;
                }
                int status = (Integer) r[0];
                if (status < 0 || (status > 0 && !(Boolean) r[1])) {
                    endClaim(resumed, src, a, false);
                    tx.release(both);
                    finish.accept(w -> w.error(Errors.WRONGTYPE));
                    return;
                }
                if (status > 0 && resumed != null && call.session() != null && !call.session().channel.isActive()) {
                    endClaim(resumed, src, a, false);
                    tx.release(both);
                    finish.accept(RespWriter::nullBulk); // the client left: it takes no element with it
                    return;
                }
                if (status > 0) {
                    boolean[] claimEnded = {false}; // written by the pop step on src, read after it here
                    tx.run(new Shard[]{src}, s -> {
                        try {
                            byte[] taken = popList(call.db(s), a.bytes(1), fromLeft(a));
                            progress[0] = taken; // seen by an abort of the continuation (published with the result)
                            return taken;
                        } finally {
                            if (resumed != null) { // taken, or failed: either way the claim is over
                                claimEnded[0] = true;
                                resumed.claimOver(ServerContext.state(s), a.bytes(1), false);
                            }
                        }
                    }, false, () -> {
                        Object v = tx.results()[0];
                        if (!(v instanceof byte[] element)) {
                            if (!claimEnded[0]) {
                                endClaim(resumed, src, a, false); // the step failed before it ran
                            }
                            tx.release(both);
                            finish.accept(w -> w.error(call.failure(v)));
                            return;
                        }
                        tx.run(new Shard[]{dst}, s -> {
                            ShardState st = ServerContext.state(s);
                            ListCommands.pushTo(st, call.db(s), a.bytes(2), element, toLeft(a), call.db());
                            progress[1] = Boolean.TRUE; // delivered (published with the result, as above)
                            return Boolean.TRUE;
                        }, true, () -> {
                            Object pushed = tx.results()[0];
                            if (pushed instanceof RuntimeException failure) {
                                progress[1] = failure; // handled here: an abort from now on puts nothing back
                                // the element goes back where it was (src is still held), then the client hears why
                                tx.run(new Shard[]{src}, s -> {
                                    ListCommands.pushTo(ServerContext.state(s), call.db(s), a.bytes(1), element, fromLeft(a), call.db());
                                    return null;
                                }, true, () -> finish.accept(w -> w.error(call.failure(failure))));
                                return;
                            }
                            tx.release(new Shard[]{src});
                            finish.accept(w -> w.bulk(element));
                        });
                    });
                    return;
                }
                if (resumed != null) {
                    endClaim(resumed, src, a, true);
                    tx.release(both);
                    return;
                }
                if (p.timeoutMillis() < 0 || call.inTransaction()) {
                    tx.release(both);
                    call.finish(this::timeoutReply);
                    return;
                }
                Blocked b = new Blocked(this, call);
                tx.release(new Shard[]{dst});
                tx.run(new Shard[]{src}, s -> {
                    call.blockedNow();
                    Blocking.register(ServerContext.state(s), call.db(), a.bytes(1), b);
                    return null;
                }, true, () -> arm(call, b, p));
            }));
        }

        /**
         * Ends a claim on the source shard (see {@link Blocked#claimOver}); nothing for a first try.
         * The command that woke it replies once the waiters served after it there are served too.
         */
        /** After an aborted move: the element taken from the source goes back to the end it came from. */
        private static void putBack(Shard src, int db, Args a, byte[] element, boolean left) {
            byte[] key = a.bytes(1);
            src.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    ShardState st = ServerContext.state(shard);
                    ListCommands.pushTo(st, st.db(db), key, element, left, db);
                }
            });
        }

        private static void endClaim(Blocked resumed, Shard src, Args a, boolean again) {
            if (resumed == null) {
                return;
            }
            ServeWait parent = resumed.takeParent();
            src.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    ShardState st = ServerContext.state(shard);
                    resumed.claimOver(st, a.bytes(1), again);
                    ServeWait.arriveAfter(BlockedClients.of(st).takeRound(), parent, shard);
                }
            });
        }

        private int sourceStatus(Keyspace ks, Args a) {
            OpStatus s = ListOps.probe(null, ks, a.segment(), a.offset(1), a.length(1));
            return s == OpStatus.WRONGTYPE ? -1 : s == OpStatus.OK ? 1 : 0; // a list key is never empty
        }

        private boolean fromLeft(Args a) {
            return !rpoplpush && side(a, 3) == 0;
        }

        private boolean toLeft(Args a) {
            return rpoplpush || side(a, 4) == 0;
        }

        /** A waiting move whose destination lives on another shard takes its element with both keys locked. */
        @Override
        protected boolean servesLater(CrossShardCall call) {
            return call.shardOfArg(1) != call.shardOfArg(2);
        }

        @Override
        protected void resume(Blocked b) {
            moveLocked(b.call, plan(b.call.args()), b);
        }

        @Override
        protected byte type() {
            return ValueType.LIST;
        }

        @Override
        protected boolean canServe(ShardState s, Keyspace ks, Args a) {
            return ListOps.probe(null, ks, a.segment(), a.offset(2), a.length(2)) != OpStatus.WRONGTYPE;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            boolean fromLeft = !rpoplpush && side(a, 3) == 0;
            boolean toLeft = rpoplpush || side(a, 4) == 0;
            byte[] v = popList(ks, a.bytes(1), fromLeft);
            ListCommands.pushTo(s, ks, a.bytes(2), v, toLeft, db);
            return w -> w.bulk(v);
        }

        @Override
        public void timeoutReply(RespWriter w) {
            w.nullBulk();
        }
    }

    /** LMPOP numkeys key... LEFT|RIGHT [COUNT n], and BLMPOP timeout numkeys .... */
    static final class Lmpop extends MultiPop {
        private static final byte[][] WHERE = {ListCommands.LEFT, ListCommands.RIGHT};

        Lmpop(boolean blocking) {
            super(blocking);
        }

        @Override
        protected byte[][] whereWords() {
            return WHERE;
        }

        @Override
        protected byte type() {
            return ValueType.LIST;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            byte[] key = a.bytes(keyArg);
            long count = count(a);
            boolean left = front(a);
            byte[][] popped = ListOps.popMany(ks, MemorySegment.ofArray(key), 0, key.length, left, count);
            return w -> {
                w.array(2);
                w.bulk(key);
                w.array(popped.length);
                for (byte[] v : popped) {
                    w.bulk(v);
                }
            };
        }
    }
}

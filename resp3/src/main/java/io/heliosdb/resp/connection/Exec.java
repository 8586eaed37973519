package io.heliosdb.resp.connection;

import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.ServeInOrder;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.connection.RespConnection;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.transactions.QueuedCommand;
import io.heliosdb.resp.transactions.WatchState;
import io.heliosdb.resp.transactions.WatchedKeys;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * EXEC: runs the queued commands atomically and in isolation, across shards.
 *
 * <p>Every shard the transaction touches (its commands' keys and its WATCHed keys) is locked whole
 * first, through the same globally sequenced two-phase locking as any cross-shard command, so no
 * other client's command on those shards runs until EXEC is done. The WATCH check runs inside those
 * locks. The commands then run in order, runs of consecutive commands for one shard as one step on
 * that shard's thread; multi-shard commands run nested in the transaction's locks. When every key
 * lives on the connection's own shard and nothing else holds it, the whole EXEC runs inline, as
 * one uninterrupted piece of that shard's work (no locks needed: the shard runs nothing else
 * meanwhile).
 */
public final class Exec implements MultiShardCommand {
    private static final String ABORT = "EXECABORT Transaction discarded because of previous errors.";

    /** Where one queued command runs. */
    private static final Shard ON_HOME = null;

    @Override
    public void execute(CommandContext ctx) {
        throw new AssertionError("EXEC is routed across shards");
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        ClientSession session = call.session();
        List<QueuedCommand> queued = session.get(QueuedCommand.QUEUE);
        if (queued == null) {
            call.finish(w -> w.error("ERR EXEC without MULTI"));
            return;
        }
        boolean aborted = session.multiAborted;
        WatchState watch = session.get(WatchState.FEATURE);
        session.set(QueuedCommand.QUEUE, null);
        session.multiAborted = false;
        session.set(WatchState.FEATURE, null);
        if (aborted) {
            WatchedKeys.end(watch);
            call.finish(w -> w.error(ABORT));
            return;
        }
        session.inExec = true;
        new Run(call, queued, watch).start();
    }

    /** One EXEC in progress; its callbacks run on the connection's loop. */
    private static final class Run {
        private final CrossShardCall call;
        private final ServerContext server;
        private final Shard home;
        private final ClientSession session;
        private final List<QueuedCommand> queued;
        private final WatchState watch;
        /** Per command: the shard it runs on, or {@link #ON_HOME} (no keys, a session command, or nested). */
        private final Shard[] where;
        private final boolean[] nested;
        /** A single-shard command whose keys span shards: it fails with CROSSSLOT, as outside MULTI. */
        private final boolean[] crossSlot;
        private final ByteBuf replies = Unpooled.buffer(256);
        private final RespWriter writer = new RespWriter();
        private Shard[] locked;
        private ShardTransaction tx;
        private int db;

        Run(CrossShardCall call, List<QueuedCommand> queued, WatchState watch) {
            this.call = call;
            this.server = call.server();
            this.home = call.home();
            this.session = call.session();
            this.queued = queued;
            this.watch = watch;
            this.where = new Shard[queued.size()];
            this.nested = new boolean[queued.size()];
            this.crossSlot = new boolean[queued.size()];
            this.db = call.db();
            call.serveBlockedAtEnd();
        }

        void start() {
            Set<Shard> shards = new LinkedHashSet<>();
            boolean all = false;
            for (int i = 0; i < queued.size(); i++) {
                QueuedCommand q = queued.get(i);
                if (q.spec().routing() == Routing.ALL_SHARDS) {
                    nested[i] = true;
                    all = true;
                } else if (q.spec().routing() == Routing.KEYS) {
                    Set<Shard> of = keyShards(q);
                    if (of.size() > 1) {
                        nested[i] = q.spec().handler() instanceof MultiShardCommand;
                        crossSlot[i] = !nested[i];
                        all |= nested[i];
                    } else if (of.size() == 1) {
                        where[i] = of.iterator().next();
                        shards.add(where[i]);
                    }
                }
            }
            if (watch != null) {
                shards.addAll(watch.shards());
            }
            if (all) {
                shards.addAll(List.of(server.shards().all()));
            }
            boolean script = queued.stream().anyMatch(q -> q.spec().runsScript());
            if (!all && !script && (shards.isEmpty() || (shards.size() == 1 && shards.contains(home) && home.isRunnableNow()))) {
                runInline(); // nothing else can run on the home shard while this does
                return;
            }
            if (script) {
                shards.add(home); // a script starts from a task (locking runs the rest from the mailbox): see CommandSpec#runsScript
            }
            locked = shards.toArray(Shard[]::new);
            tx = call.transaction(locked);
            call.onAbort(() -> WatchedKeys.end(watch));
            tx.lockAll(this::checkWatch);
        }

        /** The shards of a KEYS-routed command's keys (none for a command without keys). */
        private Set<Shard> keyShards(QueuedCommand q) {
            Set<Shard> of = new LinkedHashSet<>(2);
            Args a = q.args();
            CommandSpec.KeyFinder finder = q.spec().keyFinder();
            if (finder != null && finder.first(a) >= 0 && finder.count(a) == 0) {
                of.addAll(List.of(server.shards().all())); // a script without declared keys may touch any shard
                return of;
            }
            int first = q.spec().firstKeyOf(a);
            if (first <= 0 || a.count() <= first) {
                return of;
            }
            int last = q.spec().lastKeyOf(a);
            for (int i = first; i <= last; i += q.spec().keyStepOf()) {
                of.add(shardOf(a, i));
            }
            return of;
        }

        private Shard shardOf(Args a, int i) {
            return server.shardOfKey(a.segment(), a.offset(i), a.length(i));
        }

        private void runInline() {
            ShardState state = ServerContext.state(home);
            if (watch != null && WatchedKeys.of(state).isDirty(watch)) {
                WatchedKeys.end(watch);
                call.finish(RespWriter::nullArray);
                return;
            }
            for (int i = 0; i < queued.size(); i++) {
                if (crossSlot[i]) {
                    writer.wrap(replies, session.protocol).error(Errors.CROSSSLOT);
                } else {
                    runHere(state, i);
                }
            }
            WatchedKeys.end(watch);
            BlockedClients.of(state).serveReady(state); // Redis serves blocked clients after the whole EXEC, against the final state
            call.awaitServe(BlockedClients.of(state).takeRound());
            // the replies acknowledge these writes: they go out once the home shard has logged them
            home.afterCommit(durable -> finishWith(durable ? null : Errors.NOT_DURABLE));
        }

        private void checkWatch() {
            if (watch == null) {
                runFrom(0);
                return;
            }
            Shard[] watched = watch.shards().toArray(Shard[]::new);
            tx.run(watched, s -> WatchedKeys.of(ServerContext.state(s)).isDirty(watch), false, () -> {
                if (call.finishIfFailed(tx)) {
                    WatchedKeys.end(watch);
                    return;
                }
                for (Object r : tx.results()) {
                    if (!Boolean.FALSE.equals(r)) {
                        WatchedKeys.end(watch);
                        tx.release(locked);
                        call.finish(RespWriter::nullArray);
                        return;
                    }
                }
                runFrom(0);
            });
        }

        /** Runs the commands from {@code i} on; each asynchronous hop continues here when it is back. */
        private void runFrom(int i) {
            while (i < queued.size()) {
                QueuedCommand q = queued.get(i);
                if (nested[i]) {
                    int next = i + 1;
                    if (Monitors.of(server).active()) {
                        Monitors.of(server).feed(session, false, db, q.spec(), q.args());
                    }
                    CrossShardCall inner = new CrossShardCall(server, home, q.spec(), q.args(), db, session.protocol, session,
                            reply -> {
                                reply.accept(writer.wrap(replies, session.protocol));
                                runFrom(next);
                            }, tx);
                    ((MultiShardCommand) q.spec().handler()).executeAcross(inner);
                    return;
                }
                if (where[i] == ON_HOME) {
                    if (crossSlot[i]) {
                        writer.wrap(replies, session.protocol).error(Errors.CROSSSLOT);
                    } else {
                        runHere(ServerContext.state(home), i);
                    }
                    i++;
                    continue;
                }
                Shard target = where[i];
                int from = i;
                while (i < queued.size() && where[i] == target && !nested[i]) {
                    i++;
                }
                int to = i;
                int stepDb = db;
                tx.run(new Shard[]{target}, s -> {
                    ShardState st = ServerContext.state(s);
                    for (int c = from; c < to; c++) {
                        runOn(st, c, stepDb);
                    }
                    return null;
                }, false, () -> {
                    Object r = tx.results()[0];
                    if (r instanceof RuntimeException e) {
                        abortWith(call.failure(e));
                        return;
                    }
                    runFrom(to);
                });
                return;
            }
            WatchedKeys.end(watch);
            // Redis serves blocked clients after the whole EXEC: inside its locks, so nothing runs in between
            ServeInOrder.serve(tx, locked, () -> {
                tx.release(locked);
                finishWith(null);
            });
        }

        /** A step failed (an internal error): the commands that ran stay, and the clients they woke are served, as after any EXEC. */
        private void abortWith(String error) {
            WatchedKeys.end(watch);
            ServeInOrder.serve(tx, locked, () -> {
                tx.release(locked);
                finishWith(error);
            });
        }

        /** A command without keys, a session command, or (inline EXEC) any command: on the home loop. */
        private void runHere(ShardState state, int i) {
            runOn(state, i, db);
            db = session.db; // SELECT inside MULTI applies to the commands after it
        }

        private void runOn(ShardState state, int i, int database) {
            QueuedCommand q = queued.get(i);
            CommandContext c = CommandContext.of(state);
            c.prepare(q.spec(), q.args(), replies, session.protocol, database, session);
            BlockedClients.of(state).hold(); // blocked clients are served after EXEC, not after each command in it
            try {
                RespConnection.execute(state, q.spec(), c, replies, q.args(), session);
            } finally {
                BlockedClients.of(state).unhold();
            }
        }

        private void finishWith(String error) {
            session.inExec = false;
            int n = queued.size();
            call.finish(w -> {
                if (error != null) {
                    w.error(error);
                    return;
                }
                w.array(n);
                w.raw(replies);
            });
        }
    }
}

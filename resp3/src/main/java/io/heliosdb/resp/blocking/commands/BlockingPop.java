package io.heliosdb.resp.blocking.commands;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.blocking.ServeWait;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A pop that may wait (BLPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, ...): the type-agnostic part. A
 * call first looks at its keys (all locked); when none can serve it, it is registered on the
 * shards of its keys in the same locked step, and the first key made ready that holds elements of
 * its type serves it (one waiter per element, oldest first). Each type supplies the pop.
 * Fractional timeouts are timers on the client's loop; CLIENT UNBLOCK ends a wait early.
 */
public abstract class BlockingPop implements MultiShardCommand {
    /** Keys, timeout (ms, 0 = forever, -1 = never wait) or an error. */
    public record Plan(int[] keys, long timeoutMillis, String error) {
        public static Plan error(String e) {
            return new Plan(null, 0, e);
        }
    }

    /** The plan of BLPOP, BRPOP, BZPOPMIN and BZPOPMAX: key [key ...] timeout. */
    protected static Plan keysThenTimeout(Args a) {
        String err = Blocking.timeoutError(a, a.count() - 1);
        if (err != null) {
            return Plan.error(err);
        }
        int[] keys = new int[a.count() - 2];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = 1 + i;
        }
        return new Plan(keys, Blocking.timeoutMillis(a, a.count() - 1), null);
    }

    protected abstract Plan plan(Args a);

    /** The type the keys must hold (LIST or ZSET). */
    protected abstract byte type();

    /** Pops for this call from a non-empty key of the right type; returns the reply. */
    protected abstract Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg);

    /** The reply when the wait ends without an element. */
    public abstract void timeoutReply(RespWriter w);

    /** True when a served call takes its element itself later, from its home loop ({@link #resume}). */
    protected boolean servesLater(CrossShardCall call) {
        return false;
    }

    /** Home loop: a call that {@link #servesLater} claimed an element; it takes it now. */
    protected void resume(Blocked b) {
        throw new AssertionError("only calls that serve later resume");
    }

    /**
     * True when this call can take an element on this shard now; false answers it WRONGTYPE and
     * leaves the element where it is (BLMOVE's destination of another type, as in Redis).
     */
    protected boolean canServe(ShardState s, Keyspace ks, Args a) {
        return true;
    }

    @Override
    public void execute(CommandContext ctx) {
        throw new AssertionError("blocking commands are routed across shards");
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        Args a = call.args();
        Plan p = plan(a);
        if (p.error != null) {
            call.finish(w -> w.error(p.error));
            return;
        }
        Map<Shard, List<Integer>> byShard = new LinkedHashMap<>();
        for (int k : p.keys) {
            byShard.computeIfAbsent(call.shardOfArg(k), s -> new ArrayList<>()).add(k);
        }
        Shard[] shards = byShard.keySet().toArray(Shard[]::new);
        ShardTransaction tx = call.transaction(shards);
        tx.lockKeys(call.lockKeys(byShard), () -> tx.run(shards, s -> {
            Keyspace ks = call.db(s);
            Map<Integer, Integer> status = new LinkedHashMap<>();
            for (int k : byShard.get(s)) {
                status.put(k, status(ks, a, k));
            }
            return status;
        }, false, () -> afterLook(call, tx, shards, p)));
    }

    /** -1 wrong type, 0 empty or absent, 1 has elements. */
    private int status(Keyspace ks, Args a, int k) {
        long e = ks.find(a.segment(), a.offset(k), a.length(k));
        if (e == Keyspace.NONE) {
            return 0;
        }
        if (ks.type(e) != type()) {
            return -1;
        }
        return ks.object(e).size() > 0 ? 1 : 0;
    }

    private static void failed(CrossShardCall call, RuntimeException e) {
        call.finish(w -> w.error(call.failure(e)));
    }

    private void afterLook(CrossShardCall call, ShardTransaction tx, Shard[] shards, Plan p) {
        Args a = call.args();
        Map<Integer, Integer> status = new LinkedHashMap<>();
        for (Object r : tx.results()) {
            if (r instanceof RuntimeException e) {
                tx.release(shards);
                failed(call, e);
                return;
            }
            @SuppressWarnings("unchecked") Map<Integer, Integer> m = (Map<Integer, Integer>) r;
            status.putAll(m);
        }
        for (int k : p.keys) {
            int st = status.get(k);
            if (st < 0) {
                tx.release(shards);
                call.finish(w -> w.error(Errors.WRONGTYPE));
                return;
            }
            if (st > 0) {
                popNow(call, tx, shards, k);
                return;
            }
        }
        if (p.timeoutMillis < 0 || call.inTransaction()) {
            tx.release(shards);
            call.finish(this::timeoutReply); // MULTI and scripts never block: a timeout at once, as in Redis
            return;
        }
        Blocked b = new Blocked(this, call);
        tx.run(shards, s -> {
            ShardState state = ServerContext.state(s);
            for (int k : p.keys) {
                if (call.shardOfArg(k) == s) {
                    call.blockedNow();
                    Blocking.register(state, call.db(), a.bytes(k), b);
                }
            }
            return null;
        }, true, () -> arm(call, b, p));
    }

    /** Key {@code k} has elements: pop from it like the non-blocking form. */
    private void popNow(CrossShardCall call, ShardTransaction tx, Shard[] shards, int k) {
        Args a = call.args();
        Shard target = call.shardOfArg(k);
        List<Shard> others = new ArrayList<>(List.of(shards));
        others.remove(target);
        tx.release(others.toArray(Shard[]::new));
        tx.run(new Shard[]{target}, s -> {
            ShardState state = ServerContext.state(s);
            Keyspace ks = call.db(s);
            if (!canServe(state, ks, a)) {
                return (Consumer<RespWriter>) w -> w.error(Errors.WRONGTYPE);
            }
            return pop(state, ks, call.db(), a, k);
        }, true, () -> {
            Object r = tx.results()[0];
            if (r instanceof RuntimeException e) {
                failed(call, e);
            } else {
                @SuppressWarnings("unchecked") Consumer<RespWriter> reply = (Consumer<RespWriter>) r;
                call.finish(reply);
            }
        });
    }

    /** Home loop, after registration: CLIENT UNBLOCK can find it, the timeout runs. */
    protected void arm(CrossShardCall call, Blocked b, Plan p) {
        if (call.session() != null) {
            call.server().blockedCalls.put(call.session().id, b);
        }
        if (p.timeoutMillis > 0) {
            call.home().loop().schedule(b::timeout, p.timeoutMillis, TimeUnit.MILLISECONDS);
        }
        b.armed();
    }

    /** One waiting call; registered on every shard of its keys, served by whichever comes first. */
    public static final class Blocked implements BlockedClients.Waiter, Blocking.Unblockable {
        final BlockingPop command;
        public final CrossShardCall call;
        final AtomicBoolean done = new AtomicBoolean();
        /** Set on the home loop once registered everywhere; an end before that is delivered after. */
        private boolean armed;
        private Consumer<RespWriter> earlyEnd;
        private boolean resumePending;
        /** The timeout fired while a claimed element was being moved (home loop). */
        private volatile boolean timedOutWhileClaimed; // set on the home loop, read on the source shard
        /**
         * Set (by the source shard) when this call claimed an element it takes later itself: it stays
         * first in its key's queue, and the waiters behind it wait, until the move is over.
         */
        private volatile boolean claimed;
        /** The round of the claim under way: the command that woke it replies once the move is over. */
        private final AtomicReference<ServeWait> parent = new AtomicReference<>();
        /** The call tells {@link #parent} when it has replied, whichever way it ends (home loop). */
        private boolean toldOnFinish;

        public Blocked(BlockingPop command, CrossShardCall call) {
            this.command = command;
            this.call = call;
        }

        @Override
        public boolean finished() {
            return done.get() && !claimed;
        }

        /** Home loop: registration finished. */
        void armed() {
            armed = true;
            if (earlyEnd != null) {
                deliver(earlyEnd);
            } else if (resumePending) {
                command.resume(this);
            }
        }

        @Override
        public boolean unblock(boolean error) {
            return end(error ? w -> w.error(Blocking.UNBLOCKED) : command::timeoutReply, false);
        }

        /** The timeout: as CLIENT UNBLOCK, and remembered when a claimed move is under way. */
        boolean timeout() {
            return end(command::timeoutReply, true);
        }

        private boolean end(Consumer<RespWriter> reply, boolean isTimeout) {
            if (!done.compareAndSet(false, true)) {
                if (isTimeout) {
                    timedOutWhileClaimed = true; // the move may still find the element gone
                }
                return false;
            }
            Shard home = call.home();
            if (home.inShardThread()) {
                deliver(reply);
            } else {
                home.postControl(new Finish(this, reply));
            }
            return true;
        }

        /** Home loop: the call's reply. */
        public void deliver(Consumer<RespWriter> reply) {
            if (!armed) {
                earlyEnd = reply;
                return;
            }
            if (call.session() != null) {
                call.server().blockedCalls.remove(call.session().id, this);
            }
            call.finish(reply);
        }

        @Override
        public BlockedClients.Outcome serve(ShardState shard, int db, byte[] key) {
            if (claimed) {
                return BlockedClients.Outcome.STOP; // its move is under way: nobody behind it goes first
            }
            if (done.get()) {
                return BlockedClients.Outcome.DONE;
            }
            if (call.session() != null && !call.session().channel.isActive()) {
                done.set(true); // the client left: it must not take an element with it
                call.server().blockedCalls.remove(call.session().id, this);
                return BlockedClients.Outcome.DONE;
            }
            Args a = call.args();
            Keyspace ks = shard.db(db);
            int arg = keyArg(a, key);
            long e = ks.find(MemorySegment.ofArray(key), 0, key.length);
            if (arg < 0 || e == Keyspace.NONE || ks.type(e) != command.type() || ks.object(e).size() == 0) {
                return BlockedClients.Outcome.SKIP; // Redis serves a key's waiters of the key's type only
            }
            if (!done.compareAndSet(false, true)) {
                return BlockedClients.Outcome.DONE;
            }
            if (command.servesLater(call)) {
                // the element stays until the call comes back with both keys locked
                claimed = true;
                parent.set(BlockedClients.of(shard).joinRound());
                call.home().postControl(new Resume(this));
                return BlockedClients.Outcome.STOP;
            }
            Consumer<RespWriter> reply = command.canServe(shard, ks, a) ? command.pop(shard, ks, db, a, arg)
                    : w -> w.error(Errors.WRONGTYPE); // the element stays where it is, the next waiter may take it
            deliverFrom(shard.shard(), reply);
            return BlockedClients.Outcome.DONE;
        }

        private int keyArg(Args a, byte[] key) {
            for (int k : command.plan(a).keys) {
                if (Arrays.equals(a.bytes(k), key)) {
                    return k;
                }
            }
            return -1;
        }

        /** Home loop: a claim arrived; the move starts once the registration is complete. */
        void resume() {
            if (!toldOnFinish) {
                toldOnFinish = true;
                call.onFinished(() -> ServeWait.arriveAfter(null, takeParent(), call.home()));
            }
            if (!armed) {
                resumePending = true;
                return;
            }
            command.resume(this);
        }

        /** The round waiting for the claimed move, once: whoever ends the claim tells it. */
        public ServeWait takeParent() {
            return parent.getAndSet(null);
        }

        /**
         * Source shard: the claimed move is over (moved, or the element was gone): the waiters behind
         * it go on with what the key holds. {@code again}: the element was gone and the call waits on,
         * still first in line (unless its timeout passed meanwhile).
         */
        public void claimOver(ShardState source, byte[] key, boolean again) {
            if (again) {
                if (timedOutWhileClaimed) {
                    call.home().postControl(new Finish(this, command::timeoutReply));
                } else {
                    done.set(false);
                }
            }
            claimed = false;
            BlockedClients.of(source).signal(call.db(), key);
            BlockedClients.of(source).serveReady(source);
        }

        /** Sends the reply home once {@code from}'s changes are logged. Shard thread of {@code from}. */
        void deliverFrom(Shard from, Consumer<RespWriter> reply) {
            Shard home = call.home();
            from.afterCommit(durable -> home.postControl(new Finish(this,
                    durable ? reply : w -> w.error(Errors.NOT_DURABLE))));
        }
    }

    private record Resume(Blocked b) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            b.resume();
        }
    }

    private record Finish(Blocked b, Consumer<RespWriter> reply) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            b.deliver(reply);
        }
    }
}

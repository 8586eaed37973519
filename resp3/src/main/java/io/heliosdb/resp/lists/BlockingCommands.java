package io.heliosdb.resp.lists;

import io.heliosdb.index.Keyspace;
import io.heliosdb.index.ValueType;
import io.heliosdb.index.collection.ListValue;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Pops that may wait: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP (and LMPOP, which never waits), plus
 * the sorted-set forms registered by the zset family. A call first looks at its keys (all locked);
 * when none can serve it, it is registered on the shards of its keys, and the first push that
 * makes one of them non-empty serves it (one waiter per element, oldest first). Fractional
 * timeouts are timers on the client's loop; CLIENT UNBLOCK ends a wait early.
 */
public final class BlockingCommands {
    private static final byte[] COUNT = "count".getBytes();


    private BlockingCommands() {}

    static void register(CommandTable t) {
        t.register("blpop", Routing.ALL_SHARDS, new Bpop(true));
        t.register("brpop", Routing.ALL_SHARDS, new Bpop(false));
        t.register("blmove", Routing.ALL_SHARDS, new Bmove(false));
        t.register("brpoplpush", Routing.ALL_SHARDS, new Bmove(true));
        t.register("blmpop", Routing.ALL_SHARDS, new Mpop(true, false));
    }

    /**
     * CLIENT UNBLOCK: ends the wait of client {@code id} with a timeout reply (or the UNBLOCKED
     * error); false when it is not blocked.
     */
    public static boolean unblock(ServerContext server, long id, boolean error) {
        Object o = server.blockedCalls.get(id);
        if (o instanceof Unblockable u) {
            return u.unblock(error);
        }
        Blocked b = (Blocked) o;
        return b != null && b.end(error ? w -> w.error("UNBLOCKED client unblocked via CLIENT UNBLOCK") : b.command::timeoutReply);
    }

    /** A blocked call of another kind (XREAD BLOCK) that CLIENT UNBLOCK can end: true when it was still waiting. */
    public interface Unblockable {
        boolean unblock(boolean error);
    }

    /** Redis' timeout argument: seconds as a float, to milliseconds; null after an error. */
    public static String timeoutError(Args a, int i) {
        double d = TypedKeys.parseUnchecked(a.string(i)); // string2ld: a long double holds what overflows a double
        if (Double.isNaN(d)) {
            return "ERR timeout is not a float or out of range";
        }
        // Redis 7.0 casts seconds*1000 to long long: beyond its range (inf included) that gives
        // LLONG_MIN on x86, so a huge timeout of either sign is "negative".
        double ms = d * 1000;
        if (ms < 0 && (long) ms < 0 || ms >= 0x1p63 || ms < -0x1p63) {
            return "ERR timeout is negative";
        }
        return null;
    }

    public static long timeoutMillis(Args a, int i) {
        double d = TypedKeys.parseUnchecked(a.string(i)); // read as timeoutError read it
        return (long) Math.ceil(d * 1000);
    }

    /** What a blocking call is: its keys, timeout, and how to pop for it. */
    public abstract static class Blocker implements MultiShardCommand {
        /** Keys, timeout (ms, 0 = forever, -1 = never wait) or an error. */
        public record Plan(int[] keys, long timeoutMillis, String error) {
            public static Plan error(String e) {
                return new Plan(null, 0, e);
            }
        }

        protected abstract Plan plan(Args a);

        /** The type the keys must hold (LIST or ZSET). */
        protected abstract byte type();

        /** Pops for this call from a non-empty key of the right type; returns the reply. */
        protected abstract Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg);

        /** The reply when the wait ends without an element. */
        public abstract void timeoutReply(RespWriter w);

        /** Serves a blocked call from {@code keyArg} on this shard: returns the reply. */
        protected Consumer<RespWriter> serveBlocked(ShardState s, Keyspace ks, int db, Args a, int keyArg, Blocked b) {
            return pop(s, ks, db, a, keyArg);
        }

        /** True when a served call takes its element itself later, from its home loop ({@link #resume}). */
        protected boolean servesLater(CrossShardCall call) {
            return false;
        }

        /** Home loop: a call that {@link #servesLater} claimed an element; it takes it now. */
        protected void resume(Blocked b) {
            throw new AssertionError("only calls that serve later resume");
        }

        /** True when this call can be served now from its keys on this shard (the destination of a move, for instance). */
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

        private void afterLook(CrossShardCall call, ShardTransaction tx, Shard[] shards, Plan p) {
            Args a = call.args();
            Map<Integer, Integer> status = new LinkedHashMap<>();
            for (Object r : tx.results()) {
                if (r instanceof RuntimeException e) {
                    tx.release(shards);
                    call.finish(w -> w.error(e instanceof IllegalStateException ? e.getMessage() : "ERR internal error: " + e));
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
                        Consumer<RespWriter> reply = pop(state, ks, call.db(), a, k);
                        state.blocked.serveReady(state);
                        return reply;
                    }, true, () -> {
                        Object r = tx.results()[0];
                        if (r instanceof RuntimeException e) {
                            call.finish(w -> w.error(e instanceof IllegalStateException ? e.getMessage() : "ERR internal error: " + e));
                        } else {
                            @SuppressWarnings("unchecked") Consumer<RespWriter> reply = (Consumer<RespWriter>) r;
                            call.finish(reply);
                        }
                    });
                    return;
                }
            }
            if (p.timeoutMillis < 0 || call.inTransaction()) {
                tx.release(shards);
                call.finish(this::timeoutReply);
                return;
            }
            Blocked b = new Blocked(this, call);
            tx.run(shards, s -> {
                ShardState state = ServerContext.state(s);
                for (int k : p.keys) {
                    if (call.shardOfArg(k) == s) {
                        state.blocked.block(call.db(), a.bytes(k), b);
                    }
                }
                return null;
            }, true, () -> arm(call, b, p));
        }

        /** Home loop, after registration: CLIENT UNBLOCK can find it, the timeout runs. */
        void arm(CrossShardCall call, Blocked b, Plan p) {
            if (call.session() != null) {
                call.server().blockedCalls.put(call.session().id, b);
            }
            if (p.timeoutMillis > 0) {
                call.home().loop().schedule(b::timeout, p.timeoutMillis, TimeUnit.MILLISECONDS);
            }
            b.armed();
        }
    }

    /** One waiting call; registered on every shard of its keys, served by whichever comes first. */
    static final class Blocked implements BlockedClients.Waiter {
        final Blocker command;
        final CrossShardCall call;
        final AtomicBoolean done = new AtomicBoolean();
        /** Set on the home loop once registered everywhere; an end before that is delivered after. */
        private boolean armed;
        private Consumer<RespWriter> earlyEnd;
        private boolean resumePending;
        /** The timeout fired while a claimed element was being moved (home loop). */
        private volatile boolean timedOutWhileClaimed; // set on the home loop, read on the source shard

        Blocked(Blocker command, CrossShardCall call) {
            this.command = command;
            this.call = call;
        }

        /**
         * Set (by the source shard) when this call claimed an element it takes later itself: it stays
         * first in its key's queue, and the waiters behind it wait, until the move is over.
         */
        private volatile boolean claimed;

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

        /** Ends the wait from the home loop (timeout, CLIENT UNBLOCK); false when already over. */
        boolean end(Consumer<RespWriter> reply) {
            return end(reply, false);
        }

        /** The timeout: as {@link #end}, and remembered when a claimed move is under way. */
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

        void deliver(Consumer<RespWriter> reply) {
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
        public boolean serve(ShardState shard, int db, byte[] key) {
            if (claimed) {
                return false; // its move is under way: nobody behind it goes first
            }
            if (done.get()) {
                return true;
            }
            if (call.session() != null && !call.session().channel.isActive()) {
                done.set(true); // the client left: it must not take an element with it
                if (call.session() != null) {
                    call.server().blockedCalls.remove(call.session().id, this);
                }
                return true;
            }
            Args a = call.args();
            Keyspace ks = shard.db(db);
            int arg = -1;
            for (int k : command.plan(a).keys) {
                if (java.util.Arrays.equals(a.bytes(k), key)) {
                    arg = k;
                    break;
                }
            }
            long e = ks.find(java.lang.foreign.MemorySegment.ofArray(key), 0, key.length);
            if (arg < 0 || e == Keyspace.NONE || ks.type(e) != command.type() || ks.object(e).size() == 0
                    || !command.canServe(shard, ks, a)) {
                return false;
            }
            if (!done.compareAndSet(false, true)) {
                return true;
            }
            if (command.servesLater(call)) {
                // the element stays until the call comes back with both keys locked (Bmove#moveLocked)
                claimed = true;
                call.home().postControl(new Resume(this));
                return false;
            }
            Consumer<RespWriter> reply = command.serveBlocked(shard, ks, db, a, arg, this);
            deliverFrom(shard.shard(), reply);
            return true;
        }

        /** Home loop: a claim arrived; the move starts once the registration is complete. */
        void resume() {
            if (!armed) {
                resumePending = true;
                return;
            }
            command.resume(this);
        }

        /**
         * Source shard: the claimed move is over (moved, or the element was gone): the waiters behind
         * it go on with what the key holds. {@code again}: the element was gone and the call waits on,
         * still first in line (unless its timeout passed meanwhile).
         */
        void claimOver(ShardState source, byte[] key, boolean again) {
            if (again) {
                if (timedOutWhileClaimed) {
                    Shard home = call.home();
                    home.postControl(new Finish(this, command::timeoutReply));
                } else {
                    done.set(false);
                }
            }
            claimed = false;
            source.blocked.signal(call.db(), key);
            source.blocked.serveReady(source);
        }

        /** Sends the reply home once {@code from}'s changes are logged. Shard thread of {@code from}. */
        void deliverFrom(Shard from, Consumer<RespWriter> reply) {
            Shard home = call.home();
            from.afterCommit(durable -> home.postControl(new Finish(this,
                    durable ? reply : w -> w.error(ShardTransaction.NOT_DURABLE))));
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

    // ---- the list commands ------------------------------------------------------------------

    static byte[] popList(Keyspace ks, byte[] key, boolean left) {
        java.lang.foreign.MemorySegment k = java.lang.foreign.MemorySegment.ofArray(key);
        long e = ks.find(k, 0, key.length);
        ListValue l = (ListValue) ks.object(e);
        byte[] v = left ? l.removeFirst() : l.removeLast();
        TypedKeys.changed(ks, e);
        return v;
    }

    /** BLPOP / BRPOP key [key ...] timeout. */
    static final class Bpop extends Blocker {
        private final boolean left;

        Bpop(boolean left) {
            this.left = left;
        }

        @Override
        protected Plan plan(Args a) {
            String err = timeoutError(a, a.count() - 1);
            if (err != null) {
                return Plan.error(err);
            }
            int[] keys = new int[a.count() - 2];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = 1 + i;
            }
            return new Plan(keys, timeoutMillis(a, a.count() - 1), null);
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
    static final class Bmove extends Blocker {
        private final boolean rpoplpush;

        Bmove(boolean rpoplpush) {
            this.rpoplpush = rpoplpush;
        }

        @Override
        protected Plan plan(Args a) {
            if (!rpoplpush && (side(a, 3) < 0 || side(a, 4) < 0)) {
                return Plan.error(Errors.SYNTAX);
            }
            String err = timeoutError(a, a.count() - 1);
            if (err != null) {
                return Plan.error(err);
            }
            return new Plan(new int[]{1}, timeoutMillis(a, a.count() - 1), null);
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
            if (p.error != null) {
                call.finish(w -> w.error(p.error));
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
            ShardTransaction tx = call.transaction(both);
            tx.lockKeys(call.lockKeys(keys), () -> tx.run(both, s -> s == src ? (Object) sourceStatus(call.db(s), a)
                    : (Object) canServe(null, call.db(s), a), false, () -> {
                Object[] r = tx.results();
                if (r[0] instanceof RuntimeException || r[1] instanceof RuntimeException) {
                    endClaim(resumed, src, a, false);
                    tx.release(both);
                    finish.accept(w -> w.error("ERR internal error"));
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
                    tx.run(new Shard[]{src}, s -> {
                        byte[] popped = popList(call.db(s), a.bytes(1), fromLeft(a));
                        if (resumed != null) {
                            resumed.claimOver(ServerContext.state(s), a.bytes(1), false);
                        }
                        return popped;
                    }, true, () -> {
                        Object v = tx.results()[0];
                        if (!(v instanceof byte[] element)) {
                            tx.release(new Shard[]{dst});
                            finish.accept(w -> w.error(v instanceof IllegalStateException e ? e.getMessage() : "ERR internal error"));
                            return;
                        }
                        tx.run(new Shard[]{dst}, s -> {
                            ShardState st = ServerContext.state(s);
                            ListCommands.pushTo(st, call.db(s), a.bytes(2), element, toLeft(a), call.db());
                            st.blocked.serveReady(st);
                            return Boolean.TRUE;
                        }, true, () -> finish.accept(w -> w.bulk(element)));
                    });
                    return;
                }
                if (resumed != null) {
                    endClaim(resumed, src, a, true);
                    tx.release(both);
                    return;
                }
                if (p.timeoutMillis < 0 || call.inTransaction()) {
                    tx.release(both);
                    call.finish(this::timeoutReply);
                    return;
                }
                Blocked b = new Blocked(this, call);
                tx.release(new Shard[]{dst});
                tx.run(new Shard[]{src}, s -> {
                    ServerContext.state(s).blocked.block(call.db(), a.bytes(1), b);
                    return null;
                }, true, () -> arm(call, b, p));
            }));
        }

        /** Ends a claim on the source shard (see {@link Blocked#claimOver}); nothing for a first try. */
        private static void endClaim(Blocked resumed, Shard src, Args a, boolean again) {
            if (resumed == null) {
                return;
            }
            src.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    resumed.claimOver(ServerContext.state(shard), a.bytes(1), again);
                }
            });
        }

        private int sourceStatus(Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(1), a.length(1));
            if (e == Keyspace.NONE) {
                return 0;
            }
            return ks.type(e) != ValueType.LIST ? -1 : ks.object(e).size() > 0 ? 1 : 0;
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
            long e = ks.find(a.segment(), a.offset(2), a.length(2));
            return e == Keyspace.NONE || ks.type(e) == ValueType.LIST;
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
    public static final class Mpop extends Blocker {
        private final boolean blocking;
        private final boolean zset;

        public Mpop(boolean blocking, boolean zset) {
            this.blocking = blocking;
            this.zset = zset;
        }

        @Override
        protected Plan plan(Args a) {
            // Redis' order: numkeys, where, COUNT, and only then the timeout (lmpopGenericCommand)
            int at = blocking ? 2 : 1;
            if (!a.isLong(at)) {
                return Plan.error("ERR numkeys should be greater than 0");
            }
            long n = a.parseLong(at);
            if (n <= 0) {
                return Plan.error("ERR numkeys should be greater than 0");
            }
            if (n > a.count()) {
                return Plan.error(Errors.SYNTAX); // the where argument would be past the end
            }
            int where = at + 1 + (int) n;
            if (where >= a.count()) {
                return Plan.error(Errors.SYNTAX);
            }
            if (!(zset ? a.is(where, MIN) || a.is(where, MAX) : a.is(where, ListCommands.LEFT) || a.is(where, ListCommands.RIGHT))) {
                return Plan.error(Errors.SYNTAX);
            }
            for (int i = where + 1; i < a.count(); i++) {
                if (a.is(i, COUNT) && i + 1 < a.count() && i == where + 1) {
                    if (!a.isLong(i + 1) || a.parseLong(i + 1) <= 0) {
                        return Plan.error("ERR count should be greater than 0");
                    }
                    i++;
                } else {
                    return Plan.error(Errors.SYNTAX);
                }
            }
            if (blocking) {
                String err = timeoutError(a, 1);
                if (err != null) {
                    return Plan.error(err);
                }
            }
            int[] keys = new int[(int) n];
            for (int i = 0; i < n; i++) {
                keys[i] = at + 1 + i;
            }
            return new Plan(keys, blocking ? timeoutMillis(a, 1) : -1, null);
        }

        private static final byte[] MIN = "min".getBytes();
        private static final byte[] MAX = "max".getBytes();

        private int whereArg(Args a) {
            int at = blocking ? 2 : 1;
            return at + 1 + (int) a.parseLong(at);
        }

        private long count(Args a) {
            int where = whereArg(a);
            return where + 2 < a.count() ? a.parseLong(where + 2) : 1;
        }

        @Override
        protected byte type() {
            return zset ? ValueType.ZSET : ValueType.LIST;
        }

        @Override
        protected Consumer<RespWriter> pop(ShardState s, Keyspace ks, int db, Args a, int keyArg) {
            byte[] key = a.bytes(keyArg);
            long count = count(a);
            if (zset) {
                boolean min = a.is(whereArg(a), MIN);
                Consumer<RespWriter> items = io.heliosdb.resp.zsets.ZSetCommands.popForMpop(ks, key, min, count);
                return w -> {
                    w.array(2);
                    w.bulk(key);
                    items.accept(w);
                };
            }
            boolean left = a.is(whereArg(a), ListCommands.LEFT);
            java.lang.foreign.MemorySegment k = java.lang.foreign.MemorySegment.ofArray(key);
            long e = ks.find(k, 0, key.length);
            ListValue l = (ListValue) ks.object(e);
            List<byte[]> popped = new ArrayList<>();
            while (popped.size() < count && l.size() > 0) {
                popped.add(left ? l.removeFirst() : l.removeLast());
            }
            TypedKeys.changed(ks, e);
            return w -> {
                w.array(2);
                w.bulk(key);
                w.array(popped.size());
                for (byte[] v : popped) {
                    w.bulk(v);
                }
            };
        }

        @Override
        public void timeoutReply(RespWriter w) {
            w.nullArray();
        }
    }
}

package io.heliosdb.resp.command;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.ServeInOrder;
import io.heliosdb.resp.blocking.ServeWait;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandObserver;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.FaultInjection;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One execution of a {@link MultiShardCommand} whose keys span shards. Its arguments are a private
 * copy (safe to read from any shard); the coordinator code runs on the connection's loop, steps run
 * on the owning shards inside a {@link ShardTransaction}.
 */
public final class CrossShardCall {
    private final ServerContext server;
    private final Shard home;
    private final CommandSpec spec;
    private final Args args;
    private final int db;
    private final int protocol;
    private final Consumer<Consumer<RespWriter>> finisher;
    private final ClientSession session;
    private boolean finished;
    /** What a failed transaction of this call must undo before the error is answered (EXEC: its WATCH). */
    private Runnable onAbort;

    public void onAbort(Runnable cleanup) {
        this.onAbort = cleanup;
    }

    /** Every transaction this call started: whatever they still hold is handed back when it answers. */
    private List<ShardTransaction> transactions;
    /** The MULTI/EXEC or script transaction this call runs inside (holding its shards), or null. */
    private final ShardTransaction outer;
    private final boolean synchronous;
    private final long startNanos = System.nanoTime();
    /** When the call started waiting as a blocked client (0: it did not): waiting is not latency. */
    private volatile long blockedNanos;
    /** Moves across shards that this call's steps woke (written by steps on their shards): it replies once they are over. */
    private List<ServeWait> serving;
    /** Told once the reply is written (home loop). */
    private Runnable onFinished;

    public CrossShardCall(ServerContext server, Shard home, CommandSpec spec, Args source, int db, int protocol,
                          ClientSession session, Consumer<Consumer<RespWriter>> finisher) {
        this(server, home, spec, source, db, protocol, session, finisher, null);
    }

    /** A call made inside {@code outer} (EXEC, a script), which already holds every shard it may touch. */
    public CrossShardCall(ServerContext server, Shard home, CommandSpec spec, Args source, int db, int protocol,
                          ClientSession session, Consumer<Consumer<RespWriter>> finisher,
                          ShardTransaction outer) {
        this(server, home, spec, source, db, protocol, session, finisher, outer, false);
    }

    /**
     * A call made from a running script: its steps run synchronously ({@link ShardTransaction#synchronous})
     * on shards the script holds, and it finishes before {@code executeAcross} returns.
     */
    public CrossShardCall(ServerContext server, Shard home, CommandSpec spec, Args source, int db, int protocol,
                          ClientSession session, Consumer<Consumer<RespWriter>> finisher,
                          ShardTransaction outer, boolean synchronous) {
        this.synchronous = synchronous;
        this.outer = outer;
        this.server = server;
        this.session = session;
        this.home = home;
        this.spec = spec;
        this.db = db;
        this.protocol = protocol;
        this.finisher = finisher;
        // Private heap copy of the frame: other shards read it while the connection reads on.
        long base = source.minOffset();
        long end = source.endOffset();
        byte[] copy = new byte[(int) (end - base)];
        MemorySegment.copy(source.segment(), NativeMemory.BYTE, base, copy, 0, copy.length);
        this.args = new Args();
        this.args.copyRebased(source, MemorySegment.ofArray(copy), base);
    }

    public ServerContext server() {
        return server;
    }

    public Args args() {
        return args;
    }

    public CommandSpec spec() {
        return spec;
    }

    public int db() {
        return db;
    }

    public int protocol() {
        return protocol;
    }

    /** The calling client's session (read-only here: this code may run after the client moved on). */
    public ClientSession session() {
        return session;
    }

    public Shard home() {
        return home;
    }

    public Shard shardOfArg(int i) {
        return server.shardOfKey(args.segment(), args.offset(i), args.length(i));
    }

    /** The selected database on {@code shard}; call only from that shard's thread (inside a step). */
    public Keyspace db(Shard shard) {
        return ServerContext.state(shard).db(db);
    }

    /** A read lookup of argument {@code arg} on {@code shard} (statistics, LRU, "keymiss"); call only inside a step there. */
    public long lookupRead(Shard shard, int arg) {
        return ServerContext.state(shard).lookupRead(db, db(shard), args, arg, session == null || !session.noTouch);
    }

    /** How operations run by a step on {@code shard} look up the keys they read: as {@link #lookupRead}. */
    public KeyReads reads(Shard shard) {
        ShardState state = ServerContext.state(shard);
        boolean touch = session == null || !session.noTouch;
        return (ks, seg, off, len) -> state.lookupRead(db, ks, seg, off, len, touch);
    }

    /** Groups argument indexes (keys at {@code first}, {@code first+step}, ...) by owning shard. */
    public Map<Shard, List<Integer>> keysByShard(int first, int step) {
        Map<Shard, List<Integer>> m = new LinkedHashMap<>();
        for (int i = first; i < args.count(); i += step) {
            m.computeIfAbsent(shardOfArg(i), s -> new ArrayList<>()).add(i);
        }
        return m;
    }

    /** The key arguments of each shard, as lock-table keys. */
    public Map<Shard, List<KeyBytes>> lockKeys(Map<Shard, List<Integer>> argsByShard) {
        Map<Shard, List<KeyBytes>> keys = new LinkedHashMap<>();
        argsByShard.forEach((shard, indexes) -> {
            List<KeyBytes> l = new ArrayList<>();
            for (int i : indexes) {
                l.add(KeyBytes.copyOf(args.segment(), args.offset(i), args.length(i)));
            }
            keys.put(shard, l);
        });
        return keys;
    }

    /**
     * Like {@link #runOnce} but locks only the given keys on each shard, so commands on other keys
     * of those shards go on meanwhile. {@code argsByShard}: key argument indexes per shard.
     */
    public void runOnceOnKeys(Map<Shard, List<Integer>> argsByShard, Function<Shard, Object> step,
                              BiConsumer<RespWriter, Object[]> reply) {
        Shard[] shards = argsByShard.keySet().toArray(Shard[]::new);
        ShardTransaction tx = transaction(shards);
        tx.lockKeys(lockKeys(argsByShard), () -> tx.run(shards, step, true, () -> finishWith(tx, reply)));
    }

    private void finishWith(ShardTransaction tx, BiConsumer<RespWriter, Object[]> reply) {
        Object[] results = tx.results();
        for (Object r : results) {
            if (r instanceof RuntimeException e) {
                finish(w -> w.error(failure(e)));
                return;
            }
        }
        finish(w -> reply.accept(w, results));
    }

    public ShardTransaction transaction(Shard[] shards) {
        ShardTransaction t = synchronous ? ShardTransaction.synchronous(home, shards, outer) : new ShardTransaction(home, shards, outer);
        if (transactions == null) {
            transactions = new ArrayList<>(2);
        }
        transactions.add(t);
        return t.observe(stepObserver).onFailure(id -> {
            if (finished) {
                return;
            }
            Runnable c = onAbort;
            if (c != null) {
                onAbort = null;
                c.run();
            }
            Consumer<RespWriter> reply = w -> w.error(Errors.internal(id)); // its locks are already released
            if (servesBlockedAtEnd && !inTransaction()) {
                // EXEC or a script: the clients its commands woke are served at its end all the same
                ServeInOrder.serveAfterFailure(home, t.shards(), () -> {
                    if (!finished) {
                        finish(reply);
                    }
                });
            } else {
                finish(reply);
            }
        });
    }

    /**
     * If a step of {@code tx}'s last run failed, answers the client with that failure (what the
     * transaction still holds is released on the way) and returns true. For continuations.
     */
    public boolean finishIfFailed(ShardTransaction tx) {
        for (Object r : tx.results()) {
            if (r instanceof RuntimeException e) {
                finish(w -> w.error(failure(e)));
                return true;
            }
        }
        return false;
    }

    /** The error reply for a failed step's result (not durable, or a bug with its id). */
    public String failure(Object stepResult) {
        return Errors.ofFailure(stepResult, server.shards().errors());
    }

    /**
     * Every step of this call on a shard is a piece of this command there: keyspace notifications
     * record and announce what it changed, and a tracking client's reads are remembered.
     */
    private final ShardTransaction.StepObserver stepObserver = new ShardTransaction.StepObserver() {
        @Override
        public boolean before(Shard shard) {
            ShardState st = ServerContext.state(shard);
            if (spec.isWrite() && server.notifyFlags() != 0 && !st.get(CommandObserver.FEATURE).recording()) {
                st.get(CommandObserver.FEATURE).begin();
                return true;
            }
            return false;
        }

        @Override
        public void after(Shard shard, boolean started) {
            ShardState st = ServerContext.state(shard);
            if (started) {
                st.get(CommandObserver.FEATURE).end(server.notifyFlags(), spec, args, db);
            }
            if (BlockedClients.of(st).hasReady() && !inTransaction() && !servesBlockedAtEnd) {
                BlockedClients.of(st).serveReady(st); // a step of a command on its own made keys ready: serve them now
            }
            if (!inTransaction()) {
                awaitServe(BlockedClients.of(st).takeRound()); // a synchronous call (in a script) must not wait
            }
            if (session != null && !spec.isWrite()) {
                st.get(ReadObserver.FEATURE).read(st, spec, args, session);
            }
        }
    };

    /**
     * Set by a call that runs other commands (EXEC): its steps leave ready keys alone, and it serves
     * blocked clients itself once every command has run, as Redis does after EXEC.
     */
    private boolean servesBlockedAtEnd;

    public void serveBlockedAtEnd() {
        servesBlockedAtEnd = true;
    }

    /** The transaction holding this call's shards (EXEC's, a script's), or null. */
    public ShardTransaction outer() {
        return outer;
    }

    /** A call from a running script: it must finish before {@code executeAcross} returns. */
    public boolean isSynchronous() {
        return synchronous;
    }

    /** True inside MULTI/EXEC or a script: blocking commands must not block (Redis runs them as timed out). */
    public boolean inTransaction() {
        return outer != null || synchronous;
    }

    /**
     * Locks {@code shards}, runs {@code step} on each, releases each right after its step, then calls
     * {@code reply} on the home loop with results indexed like {@code shards}.
     */
    public void runOnce(Shard[] shards, Function<Shard, Object> step, BiConsumer<RespWriter, Object[]> reply) {
        ShardTransaction tx = transaction(shards);
        tx.lockAll(() -> tx.run(shards, step, true, () -> finishWith(tx, reply)));
    }

    /**
     * The call now waits as a blocked client (any shard's thread, once per key it waits on). As in
     * Redis, the time it waits is not the command's latency: only what ran before it blocked counts.
     */
    public void blockedNow() {
        if (blockedNanos == 0) {
            blockedNanos = System.nanoTime();
        }
    }

    /**
     * The reply waits until the moves of {@code round} (null: none) are over, as Redis serves the
     * clients a command woke before its reply leaves. Any thread (a step's shard).
     */
    public void awaitServe(ServeWait round) {
        if (round == null) {
            return;
        }
        synchronized (this) {
            if (serving == null) {
                serving = new ArrayList<>(2);
            }
            serving.add(round);
        }
    }

    /** Runs {@code r} on the home loop once the reply is written, after any registered before. */
    public void onFinished(Runnable r) {
        Runnable before = onFinished;
        onFinished = before == null ? r : () -> {
            before.run();
            r.run();
        };
    }

    /**
     * Writes the reply and lets the connection go on. Home loop only; exactly once. Every lock is
     * handed back first: the moves the reply waits for need theirs.
     */
    public void finish(Consumer<RespWriter> reply) {
        assert home.inShardThread();
        assert !finished : "finish called twice";
        finished = true;
        long blocked = blockedNanos;
        long micros = ((blocked != 0 ? blocked : System.nanoTime()) - startNanos) / 1000;
        if (server.latencyTracking()) {
            ServerContext.state(home).latencies.record(spec.id(), micros);
        }
        long ms = micros / 1000;
        if (ms > 0) {
            server.latencySample(spec.flags().contains("fast") ? "fast-command" : "command", ms);
        }
        if (transactions != null) {
            for (ShardTransaction t : transactions) {
                t.releaseHeld(); // after a failed step a command may answer without releasing
            }
            // The reply acknowledges the write only once its commit record is in the log.
            afterLogged(0, true, reply);
            return;
        }
        serveThenReply(reply);
    }

    private void afterLogged(int i, boolean durable, Consumer<RespWriter> reply) {
        if (i == transactions.size()) {
            serveThenReply(durable ? reply : w -> w.error(Errors.NOT_DURABLE));
        } else {
            transactions.get(i).whenLogged(d -> afterLogged(i + 1, durable && d, reply));
        }
    }

    private void serveThenReply(Consumer<RespWriter> reply) {
        List<ServeWait> w;
        synchronized (this) {
            w = serving;
            serving = null;
        }
        if (w == null) {
            replied(reply);
        } else {
            ServeWait.whenAllOver(w, home, () -> replied(reply));
        }
    }

    private void replied(Consumer<RespWriter> reply) {
        finisher.accept(guarded(reply));
        Runnable r = onFinished;
        if (r != null) {
            onFinished = null;
            r.run();
        }
    }

    /**
     * The reply as the finisher will write it, guarded: if rendering throws (a bug in the command's
     * reply code), what it wrote is taken back and the internal error goes out instead, so the
     * client gets one answer and the connection (or the EXEC around this call) goes on.
     */
    private Consumer<RespWriter> guarded(Consumer<RespWriter> reply) {
        return w -> {
            ByteBuf buf = w.buffer();
            int mark = buf == null ? -1 : buf.writerIndex();
            try {
                home.injectedFault(FaultInjection.Point.REPLY);
                reply.accept(w);
            } catch (Throwable t) {
                if (mark >= 0) {
                    buf.writerIndex(mark);
                }
                w.error(Errors.internal(server.shards().errors().report(home + " writing the reply of " + spec.name(), t)));
            }
        };
    }
}

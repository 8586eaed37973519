package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.KeySources;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.ValueSink;
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
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Commands that read several keys and may store a result (SINTER, SUNIONSTORE, ZUNIONSTORE, ...).
 * The computation is written once over the values of the source keys ({@link KeySources}); this
 * class brings those values together: on one shard it passes the live values, across shards it
 * locks every key, copies the sources out of their shards, computes on the connection's loop and
 * runs the store on the destination's shard inside the same transaction. A storing command hands
 * its store to an operation ({@link Outcome#storing}): it runs on the destination's shard, writes
 * the key and the count the reply shows.
 */
public abstract class KeyGather implements MultiShardCommand {
    /** A source key that holds a value of a type the command cannot read. */
    public static final Object WRONG_TYPE = KeySources.WRONG_TYPE;

    /** An operation that stores a result at the destination (a key of {@code ks}) and writes the count to reply to {@code out}. */
    @FunctionalInterface
    public interface Store {
        OpStatus run(Keyspace ks, MemorySegment seg, long off, int len, ValueSink out);
    }

    /** What a computation decided: the reply, and (when {@code store}) the value for the destination (null = delete it). */
    public record Outcome(Consumer<RespWriter> reply, boolean store, byte type, CollectionValue value, byte[] string, boolean keepTtl,
            Store op) {
        public Outcome(Consumer<RespWriter> reply, boolean store, byte type, CollectionValue value) {
            this(reply, store, type, value, null, false, null);
        }

        /** Stores a string at the destination, keeping its TTL (PFMERGE changes the value in place). */
        public static Outcome stringKeepingTtl(Consumer<RespWriter> r, byte[] value) {
            return new Outcome(r, true, ValueType.STRING, null, value, true, null);
        }

        public static Outcome reply(Consumer<RespWriter> r) {
            return new Outcome(r, false, (byte) 0, null, null, false, null);
        }

        /** Stores a string at the destination (null: deletes it). */
        public static Outcome string(Consumer<RespWriter> r, byte[] value) {
            return new Outcome(r, true, ValueType.STRING, null, value, false, null);
        }

        /** Leaves the store to an operation; the reply is what it wrote (the count), or its status' error. */
        public static Outcome storing(Store op) {
            return new Outcome(null, true, (byte) 0, null, null, false, op);
        }

        public static Outcome error(String message) {
            return reply(w -> w.error(message));
        }
    }

    private final KeySources.Types types = this::accepts;

    /** Argument indexes of the keys read, or null after an argument error (then {@link #argumentError}). */
    protected abstract int[] sources(Args a);

    /** Argument index of the destination key, or -1. */
    protected int destination(Args a) {
        return -1;
    }

    /** The reply for arguments {@link #sources} refused. */
    protected String argumentError(Args a) {
        return Errors.SYNTAX;
    }

    /** Which types a source may hold (others are {@link #WRONG_TYPE}). */
    protected boolean accepts(byte type) {
        return true;
    }

    /**
     * Computes from the source values (aligned with {@link #sources}: null = absent,
     * {@link #WRONG_TYPE}, a {@link CollectionValue}, or a string's bytes). Must not change them.
     * {@code server} gives the parameters a result is built under (set-max-intset-entries, ...).
     */
    protected abstract Outcome compute(ServerContext server, Args a, Object[] values);

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        int[] src = sources(a);
        if (src == null) {
            ctx.out().error(argumentError(a));
            return;
        }
        Object[] values = gather(ctx.reads(), ctx.db(), a, src);
        Outcome o = compute(ctx.server(), a, values);
        Consumer<RespWriter> reply = o.store ? install(ctx.shard(), ctx.dbIndex(), a, destination(a), o) : o.reply;
        reply.accept(ctx.out());
    }

    /** The live values of the sources on this shard. */
    private Object[] gather(KeyReads reads, Keyspace ks, Args a, int[] src) {
        Object[] values = new Object[src.length];
        for (int i = 0; i < src.length; i++) {
            values[i] = read(reads, ks, a, src[i], false);
            if (values[i] == WRONG_TYPE) {
                break; // Redis stops looking keys up at the first of the wrong type
            }
        }
        return values;
    }

    private Object read(KeyReads reads, Keyspace ks, Args a, int arg, boolean copy) {
        return KeySources.read(reads, ks, a.segment(), a.offset(arg), a.length(arg), types, copy);
    }

    /** {@link KeySources#stringBytes} (for the commands that read one string entry: PFADD, SORT, DUMP, ...). */
    public static byte[] stringBytes(Keyspace ks, long e) {
        return KeySources.stringBytes(ks, e);
    }

    /** Stores what {@code o} decided at argument {@code d}; the reply to send. */
    private static Consumer<RespWriter> install(ShardState shard, int db, Args a, int d, Outcome o) {
        Keyspace ks = shard.db(db);
        if (o.op != null) {
            RecordedReply reply = new RecordedReply();
            OpStatus s = o.op.run(ks, a.segment(), a.offset(d), a.length(d), reply);
            return reply.reply(s);
        }
        if (o.type == ValueType.STRING) {
            KeySources.storeString(ks, a.segment(), a.offset(d), a.length(d), o.string, o.keepTtl);
        } else {
            KeySources.storeCollection(ks, a.segment(), a.offset(d), a.length(d), o.type, o.value);
        }
        return o.reply;
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        Args a = call.args();
        int[] src = sources(a);
        if (src == null) {
            String err = argumentError(a);
            call.finish(w -> w.error(err));
            return;
        }
        int d = destination(a);
        Map<Shard, List<Integer>> byShard = new LinkedHashMap<>();
        for (int i : src) {
            byShard.computeIfAbsent(call.shardOfArg(i), s -> new ArrayList<>()).add(i);
        }
        Shard dstShard = d < 0 ? null : call.shardOfArg(d);
        if (d >= 0) {
            byShard.computeIfAbsent(dstShard, s -> new ArrayList<>()).add(d);
        }
        Shard[] shards = byShard.keySet().toArray(Shard[]::new);
        ShardTransaction tx = call.transaction(shards);
        if (shards.length == 1) {
            // Everything on one shard: gather, compute and store in one step there.
            tx.lockKeys(call.lockKeys(byShard), () -> tx.run(shards, s -> {
                Object[] values = gather(call.reads(s), call.db(s), a, src);
                Outcome o = compute(call.server(), a, values);
                return o.store ? Outcome.reply(install(ServerContext.state(s), call.db(), a, d, o)) : o;
            }, true, () -> finish(call, tx.results()[0])));
            return;
        }
        tx.lockKeys(call.lockKeys(byShard), () -> tx.run(shards, s -> {
            Keyspace ks = call.db(s);
            KeyReads reads = call.reads(s);
            Map<Integer, Object> copies = new LinkedHashMap<>();
            for (int i : byShard.get(s)) {
                if (i != d || contains(src, d)) {
                    copies.put(i, read(reads, ks, a, i, true));
                }
            }
            return copies;
        }, d < 0, () -> {
            Object[] results = tx.results();
            Map<Integer, Object> all = new LinkedHashMap<>();
            for (Object r : results) {
                if (r instanceof RuntimeException e) {
                    if (d >= 0) {
                        tx.release(shards);
                    }
                    call.finish(w -> w.error(call.failure(e)));
                    return;
                }
                @SuppressWarnings("unchecked") Map<Integer, Object> m = (Map<Integer, Object>) r;
                all.putAll(m);
            }
            Object[] values = new Object[src.length];
            for (int i = 0; i < src.length; i++) {
                values[i] = all.get(src[i]);
            }
            Outcome o = compute(call.server(), a, values);
            if (d < 0) {
                call.finish(o.reply);
                return;
            }
            List<Shard> others = new ArrayList<>(List.of(shards));
            others.remove(dstShard);
            tx.release(others.toArray(Shard[]::new));
            tx.run(new Shard[]{dstShard}, s -> o.store ? Outcome.reply(install(ServerContext.state(s), call.db(), a, d, o)) : o, true,
                    () -> finish(call, tx.results()[0]));
        }));
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static void finish(CrossShardCall call, Object r) {
        if (r instanceof Outcome o) {
            call.finish(o.reply);
        } else {
            call.finish(w -> w.error(call.failure(r)));
        }
    }
}

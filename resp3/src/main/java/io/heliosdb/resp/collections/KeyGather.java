package io.heliosdb.resp.collections;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.CollectionValue;
import io.heliosdb.memory.NativeMemory;
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
 * The computation is written once over the values of the source keys; this class brings those
 * values together: on one shard it passes the live values, across shards it locks every key,
 * copies the sources out of their shards, computes on the connection's loop and installs the
 * result on the destination's shard inside the same transaction.
 */
public abstract class KeyGather implements MultiShardCommand {
    /** A source key that holds a value of a type the command cannot read. */
    public static final Object WRONG_TYPE = new Object() {
        @Override
        public String toString() {
            return "WRONGTYPE";
        }
    };

    /** What a computation decided: the reply, and (when {@code store}) the value for the destination (null = delete it). */
    public record Outcome(Consumer<RespWriter> reply, boolean store, byte type, CollectionValue value, byte[] string, boolean keepTtl) {
        public Outcome(Consumer<RespWriter> reply, boolean store, byte type, CollectionValue value) {
            this(reply, store, type, value, null, false);
        }

        /** Stores a string at the destination, keeping its TTL (PFMERGE changes the value in place). */
        public static Outcome stringKeepingTtl(Consumer<RespWriter> r, byte[] value) {
            return new Outcome(r, true, ValueType.STRING, null, value, true);
        }

        public static Outcome reply(Consumer<RespWriter> r) {
            return new Outcome(r, false, (byte) 0, null, null, false);
        }

        /** Stores a string at the destination (null: deletes it). */
        public static Outcome string(Consumer<RespWriter> r, byte[] value) {
            return new Outcome(r, true, ValueType.STRING, null, value, false);
        }

        public static Outcome error(String message) {
            return reply(w -> w.error(message));
        }
    }

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
     */
    protected abstract Outcome compute(Args a, Object[] values);

    @Override
    public void execute(CommandContext ctx) {
        Args a = ctx.args();
        int[] src = sources(a);
        if (src == null) {
            ctx.out().error(argumentError(a));
            return;
        }
        Keyspace ks = ctx.db();
        Object[] values = new Object[src.length];
        for (int i = 0; i < src.length; i++) {
            values[i] = read(ks, ctx.lookupRead(ks, src[i]), false);
            if (values[i] == WRONG_TYPE) {
                break; // Redis stops looking keys up at the first of the wrong type
            }
        }
        Outcome o = compute(a, values);
        if (o.store) {
            int d = destination(a);
            install(ctx.shard(), ctx.dbIndex(), a, d, o);
        }
        o.reply.accept(ctx.out());
    }

    private Object read(Keyspace ks, long e, boolean copy) {
        if (e == Keyspace.NONE) {
            return null;
        }
        if (!accepts(ks.type(e))) {
            return WRONG_TYPE;
        }
        if (ks.encoding(e) == ValueEncoding.OBJECT) {
            return copy ? ks.object(e).copy() : ks.object(e);
        }
        return stringBytes(ks, e);
    }

    public static byte[] stringBytes(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            return Long.toString(ks.longValue(e)).getBytes();
        }
        byte[] b = new byte[ks.valueLength(e)];
        MemorySegment.copy(ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), b, 0, b.length);
        return b;
    }

    private static void install(ShardState shard, int db, Args a, int d, Outcome o) {
        Keyspace ks = shard.db(db);
        if (o.type == ValueType.STRING) {
            if (o.string == null) {
                ks.delete(a.segment(), a.offset(d), a.length(d));
            } else {
                // A computed string is "raw" at any size in Redis (it was not created from a reply argument).
                long e = ks.putUninitialized(a.segment(), a.offset(d), a.length(d), ValueType.STRING,
                        ValueEncoding.RAW_MUTABLE, o.string.length, o.keepTtl ? Keyspace.KEEP_TTL : 0);
                MemorySegment.copy(o.string, 0, ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), o.string.length);
            }
            return;
        }
        if (o.value == null || o.value.size() == 0) {
            ks.delete(a.segment(), a.offset(d), a.length(d));
            return;
        }
        ks.putObject(a.segment(), a.offset(d), a.length(d), o.type, o.value, 0); // a new key signals its waiters, an overwrite does not (Redis' setKey)
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
                Keyspace ks = call.db(s);
                Object[] values = new Object[src.length];
                for (int i = 0; i < src.length; i++) {
                    values[i] = read(ks, call.lookupRead(s, src[i]), false);
                    if (values[i] == WRONG_TYPE) {
                        break;
                    }
                }
                Outcome o = compute(a, values);
                if (o.store) {
                    install(ServerContext.state(s), call.db(), a, d, o);
                }
                return o;
            }, true, () -> finish(call, tx.results()[0])));
            return;
        }
        tx.lockKeys(call.lockKeys(byShard), () -> tx.run(shards, s -> {
            Keyspace ks = call.db(s);
            Map<Integer, Object> copies = new LinkedHashMap<>();
            for (int i : byShard.get(s)) {
                if (i != d || contains(src, d)) {
                    copies.put(i, read(ks, call.lookupRead(s, i), true));
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
            Outcome o = compute(a, values);
            if (d < 0) {
                call.finish(o.reply);
                return;
            }
            List<Shard> others = new ArrayList<>(List.of(shards));
            others.remove(dstShard);
            tx.release(others.toArray(Shard[]::new));
            tx.run(new Shard[]{dstShard}, s -> {
                if (o.store) {
                    install(ServerContext.state(s), call.db(), a, d, o);
                }
                return o;
            }, true, () -> finish(call, tx.results()[0]));
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

package io.heliosdb.resp.hyperloglog;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import java.lang.foreign.MemorySegment;

/** PFADD, PFCOUNT, PFMERGE on strings in Redis' HyperLogLog format. */
public final class HyperLogLogCommands {
    static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    static final String CORRUPTED = "INVALIDOBJ Corrupted HLL object detected";
    private static final String SPARSE_MAX = "hll-sparse-max-bytes";

    private HyperLogLogCommands() {}

    public static void register(CommandTable t) {
        t.register("pfadd", Routing.KEYS, HyperLogLogCommands::pfadd);
        t.register("pfcount", Routing.KEYS, new PfCount());
        t.register("pfmerge", Routing.KEYS, new PfMerge());
        t.register("pfdebug", Routing.KEYS, HllDebug::pfdebug);
        t.register("pfselftest", Routing.SESSION, HllDebug::pfselftest);
    }

    static long sparseMax(CommandContext ctx) {
        return TypedKeys.limit(ctx, SPARSE_MAX);
    }

    /** hll-sparse-max-bytes, past which a sparse HLL becomes dense (PFMERGE's result too, as Redis' hllSparseSet). */
    static long sparseMax(ServerContext server) {
        return server.configParam(SPARSE_MAX).number();
    }

    /** Stores an HLL string (Redis reports "raw"), keeping the key's TTL. */
    static void store(Keyspace ks, Args a, int arg, byte[] s) {
        long e = ks.putUninitialized(a.segment(), a.offset(arg), a.length(arg), ValueType.STRING, ValueEncoding.RAW_MUTABLE,
                s.length, Keyspace.KEEP_TTL);
        MemorySegment.copy(s, 0, ks.segment(e), NativeMemory.BYTE, ks.valueOffset(e), s.length);
    }

    static void pfadd(CommandContext ctx) {
        Args a = ctx.args();
        Keyspace ks = ctx.db();
        long e = ctx.lookupWrite(ks, 1);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            ctx.out().error(Errors.WRONGTYPE);
            return;
        }
        byte[] s = e == Keyspace.NONE ? Hll.empty() : KeyGather.stringBytes(ks, e);
        byte[] r;
        try {
            r = Hll.registers(s);
        } catch (Hll.NotHll bad) {
            ctx.out().error(bad.corrupted ? CORRUPTED : NOT_HLL);
            return;
        }
        boolean changed = e == Keyspace.NONE;
        boolean grew = false;
        for (int i = 2; i < a.count(); i++) {
            grew |= Hll.add(r, a.bytes(i));
        }
        if (grew) {
            store(ks, a, 1, Hll.encode(r, Hll.isDense(s), sparseMax(ctx), null));
        } else if (changed) {
            store(ks, a, 1, s);
        }
        ctx.out().integer(changed || grew ? 1 : 0);
    }

    /** Commands over the HLLs in arguments 1..n: merged registers (max per register). */
    abstract static class MergingCommand extends KeyGather {
        @Override
        protected int[] sources(Args a) {
            int[] s = new int[a.count() - 1];
            for (int i = 0; i < s.length; i++) {
                s[i] = 1 + i;
            }
            return s;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.STRING;
        }

        /** The merged registers, or the error reply; {@code dense[0]} tells whether any input was dense. */
        static Object merge(Object[] values, boolean[] dense) {
            byte[] merged = new byte[Hll.REGISTERS];
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Errors.WRONGTYPE;
                }
                if (v == null) {
                    continue;
                }
                try {
                    byte[] s = (byte[]) v;
                    byte[] r = Hll.registers(s);
                    dense[0] |= Hll.isDense(s);
                    for (int i = 0; i < Hll.REGISTERS; i++) {
                        merged[i] = (byte) Math.max(merged[i], r[i]);
                    }
                } catch (Hll.NotHll bad) {
                    return bad.corrupted ? CORRUPTED : NOT_HLL;
                }
            }
            return merged;
        }
    }

    /** PFCOUNT key [key ...]: one key uses and refreshes the cached cardinality; several are merged. */
    static final class PfCount extends MergingCommand {
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            if (a.count() > 2) {
                super.execute(ctx);
                return;
            }
            Keyspace ks = ctx.db();
            long e = ctx.lookupRead(ks, 1);
            if (e == Keyspace.NONE) {
                ctx.out().integer(0);
                return;
            }
            if (ks.type(e) != ValueType.STRING) {
                ctx.out().error(Errors.WRONGTYPE);
                return;
            }
            byte[] s = KeyGather.stringBytes(ks, e);
            byte[] r;
            try {
                r = Hll.registers(s);
            } catch (Hll.NotHll bad) {
                ctx.out().error(bad.corrupted ? CORRUPTED : NOT_HLL);
                return;
            }
            long cached = Hll.cached(s);
            if (cached >= 0) {
                ctx.out().integer(cached);
                return;
            }
            long card = Hll.count(r);
            Hll.cache(s, card);
            store(ks, a, 1, s); // Redis writes the cache back into the string
            ctx.out().integer(card);
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            Object merged = merge(values, new boolean[1]);
            if (merged instanceof String error) {
                return Outcome.error(error);
            }
            long card = Hll.count((byte[]) merged);
            return Outcome.reply(w -> w.integer(card));
        }
    }

    /** PFMERGE destkey [sourcekey ...]: the destination's own registers take part, as in Redis. */
    static final class PfMerge extends MergingCommand {
        @Override
        protected int destination(Args a) {
            return 1;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            boolean[] dense = new boolean[1];
            Object merged = merge(values, dense);
            if (merged instanceof String error) {
                return Outcome.error(error);
            }
            byte[] out = Hll.encode((byte[]) merged, dense[0], sparseMax(server), null);
            return Outcome.stringKeepingTtl(RespWriter::ok, out);
        }
    }
}

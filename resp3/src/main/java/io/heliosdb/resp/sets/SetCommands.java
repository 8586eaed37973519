package io.heliosdb.resp.sets;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.SetOps;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.MoveBetweenKeys;
import io.heliosdb.resp.collections.RecordedReply;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import java.util.function.Consumer;

/**
 * The set family: arguments parsed and checked in Redis' order, the work done by {@link SetOps}
 * on the key's shard (or, for the multi-key commands, over the values {@link KeyGather} brings
 * together), its status rendered here.
 */
public final class SetCommands {
    private static final String MAX_INTSET = "set-max-intset-entries";

    private SetCommands() {}

    public static void register(CommandTable t) {
        t.register("sadd", Routing.KEYS, SetCommands::sadd);
        t.register("srem", Routing.KEYS, SetCommands::srem);
        t.register("smembers", Routing.KEYS, SetCommands::smembers);
        t.register("sismember", Routing.KEYS, SetCommands::sismember);
        t.register("smismember", Routing.KEYS, SetCommands::smismember);
        t.register("scard", Routing.KEYS, SetCommands::scard);
        t.register("spop", Routing.KEYS, SetCommands::spop);
        t.register("srandmember", Routing.KEYS, SetCommands::srandmember);
        t.register("sscan", Routing.KEYS, SetCommands::sscan);
        t.register("smove", Routing.KEYS, new Smove());
        t.register("sinter", Routing.KEYS, new SetAlgebra(SetOps.Algebra.INTER, false));
        t.register("sinterstore", Routing.KEYS, new SetAlgebra(SetOps.Algebra.INTER, true));
        t.register("sunion", Routing.KEYS, new SetAlgebra(SetOps.Algebra.UNION, false));
        t.register("sunionstore", Routing.KEYS, new SetAlgebra(SetOps.Algebra.UNION, true));
        t.register("sdiff", Routing.KEYS, new SetAlgebra(SetOps.Algebra.DIFF, false));
        t.register("sdiffstore", Routing.KEYS, new SetAlgebra(SetOps.Algebra.DIFF, true));
        t.register("sintercard", Routing.ALL_SHARDS, new SinterCard());
    }

    static int maxIntset(CommandContext ctx) {
        return (int) TypedKeys.limit(ctx, MAX_INTSET);
    }

    /** set-max-intset-entries, which decides a built set's encoding (and so its order). */
    static int maxIntset(ServerContext server) {
        return (int) server.configParam(MAX_INTSET).number();
    }

    /** A status whose result (if any) is already in the reply, or Redis' error for it. */
    private static void render(RespWriter out, OpStatus s) {
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    static void sadd(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.sadd(ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), maxIntset(ctx), ctx.out()));
    }

    static void srem(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.srem(ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), ctx.out()));
    }

    static void smembers(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.smembers(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out()));
    }

    static void sismember(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.sismember(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2),
                ctx.out()));
    }

    static void smismember(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.smismember(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), ctx.out()));
    }

    static void scard(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), SetOps.scard(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out()));
    }

    static void spop(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.SYNTAX);
            return;
        }
        if (a.count() == 2) {
            OpStatus s = SetOps.pop(ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.shard().random(), out);
            if (s == OpStatus.NOT_FOUND) {
                out.nullBulk();
            } else {
                render(out, s);
            }
            return;
        }
        if (!a.isLong(2) || a.parseLong(2) < 0) {
            out.error(Errors.MUST_BE_POSITIVE);
            return;
        }
        render(out, SetOps.pop(ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), ctx.shard().random(), out));
    }

    static void srandmember(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.SYNTAX);
            return;
        }
        if (a.count() == 2) {
            OpStatus s = SetOps.randomMember(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.shard().random(), out);
            if (s == OpStatus.NOT_FOUND) {
                out.nullBulk();
            } else {
                render(out, s);
            }
            return;
        }
        if (!a.isLong(2)) {
            out.error(Errors.NOT_INTEGER);
            return;
        }
        long count = a.parseLong(2);
        if (count == Long.MIN_VALUE) {
            out.error(TypedKeys.COUNT_RANGE);
            return;
        }
        if (count < -Long.MAX_VALUE / 2) { // that many picks could never be written: refused (Redis 7.0 tries)
            out.error("ERR value is out of range");
            return;
        }
        render(out, SetOps.randomMembers(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), count, ctx.shard().random(), out));
    }

    static void sscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = SetOps.check(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
        if (s == OpStatus.NOT_FOUND) {
            ElementScan.emptyReply(out);
            return;
        }
        if (s != OpStatus.OK) {
            render(out, s);
            return;
        }
        ElementScan.Options o = ElementScan.parse(ctx);
        if (o == null) {
            return;
        }
        // looked up (and counted) above already
        render(out, SetOps.scan(KeyReads.DIRECT, ctx.db(), a.segment(), a.offset(1), a.length(1), o.cursor(), o.count(), o.pattern(), out));
    }

    private static final Consumer<RespWriter> ZERO = w -> w.integer(0);

    /**
     * SMOVE: the per-shard parts are {@link SetOps}' moveSource, moveDestination, removeMember and
     * addMember (under the destination shard's set-max-intset-entries, as Redis' setTypeAdd).
     */
    private static final class Smove extends MoveBetweenKeys {
        @Override
        protected Consumer<RespWriter> inspectSource(Keyspace ks, Args a) {
            OpStatus s = SetOps.moveSource(ks, a.segment(), a.offset(1), a.length(1));
            if (s == OpStatus.NOT_FOUND) {
                return ZERO;
            }
            if (s != OpStatus.OK) {
                String error = StatusErrors.text(s);
                return w -> w.error(error);
            }
            return null;
        }

        @Override
        protected boolean destinationWrongType(Keyspace ks, Args a) {
            return SetOps.moveDestination(ks, a.segment(), a.offset(2), a.length(2)) == OpStatus.WRONGTYPE;
        }

        @Override
        protected byte[] take(ShardState s, Keyspace ks, Args a) {
            if (sameKey(a)) {
                // same key: nothing moves, but it answers 1 if present
                return SetOps.hasMember(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(3), a.length(3)) == OpStatus.OK
                        ? new byte[0] : null;
            }
            return SetOps.removeMember(ks, a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(3), a.length(3)) == OpStatus.OK
                    ? a.bytes(3) : null;
        }

        @Override
        protected void give(ShardState s, Keyspace ks, Args a, byte[] element) {
            if (!sameKey(a)) {
                SetOps.addMember(ks, a.segment(), a.offset(2), a.length(2), element, maxIntset(s.server()));
            }
        }

        private static boolean sameKey(Args a) {
            return ByteStrings.equals(a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2));
        }

        @Override
        protected void reply(RespWriter w, byte[] element) {
            w.integer(element == null ? 0 : 1);
        }
    }

    /** SINTER/SUNION/SDIFF and their STORE forms. */
    private static final class SetAlgebra extends KeyGather {
        private final SetOps.Algebra op;
        private final boolean store;

        SetAlgebra(SetOps.Algebra op, boolean store) {
            this.op = op;
            this.store = store;
        }

        @Override
        protected int[] sources(Args a) {
            int first = store ? 2 : 1;
            int[] s = new int[a.count() - first];
            for (int i = 0; i < s.length; i++) {
                s[i] = first + i;
            }
            return s;
        }

        @Override
        protected int destination(Args a) {
            return store ? 1 : -1;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.SET;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            int maxIntset = maxIntset(server);
            if (store) {
                return Outcome.storing((ks, seg, off, len, out) -> SetOps.store(ks, seg, off, len, op, values, maxIntset, out));
            }
            RecordedReply reply = new RecordedReply(); // now: the sources may be live values
            return Outcome.reply(reply.reply(SetOps.algebra(op, values, maxIntset, reply)));
        }
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
    private static final class SinterCard extends KeyGather {

        @Override
        protected int[] sources(Args a) {
            return numKeys(a, 1);
        }

        @Override
        protected String argumentError(Args a) {
            return numKeysError(a, 1);
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.SET;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            int n = (int) a.parseLong(1);
            Object limitOrError = cardLimit(a, 2 + n);
            if (limitOrError instanceof String e) {
                return Outcome.error(e);
            }
            RecordedReply reply = new RecordedReply();
            OpStatus s = SetOps.interCard(values, (Long) limitOrError, reply); // now: the sources may be live values
            return Outcome.reply(reply.reply(s));
        }
    }

    private static final byte[] LIMIT_WORD = "limit".getBytes();

    /** The "[LIMIT n]" tail of SINTERCARD and ZINTERCARD from argument {@code from}: the limit (0 = none) or an error. */
    public static Object cardLimit(Args a, int from) {
        long limit = 0;
        for (int i = from; i < a.count(); i++) {
            if (a.is(i, LIMIT_WORD) && i + 1 < a.count()) {
                if (!a.isLong(i + 1)) {
                    return "ERR LIMIT can't be negative"; // getPositiveLongFromObjectOrReply's message for any bad value
                }
                limit = a.parseLong(++i);
                if (limit < 0) {
                    return "ERR LIMIT can't be negative";
                }
            } else {
                return Errors.SYNTAX;
            }
        }
        return limit;
    }

    /** Key indexes of a "numkeys key..." list starting at {@code at}, or null when numkeys is bad. */
    public static int[] numKeys(Args a, int at) {
        if (!a.isLong(at)) {
            return null;
        }
        long n = a.parseLong(at);
        if (n <= 0 || n > a.count() - at - 1) {
            return null;
        }
        int[] s = new int[(int) n];
        for (int i = 0; i < n; i++) {
            s[i] = at + 1 + i;
        }
        return s;
    }

    /** SINTERCARD's numkeys error (Redis: getRangeLongFromObjectOrReply, whose message covers a non-number too). */
    public static String numKeysError(Args a, int at) {
        if (!a.isLong(at)) {
            return "ERR numkeys should be greater than 0";
        }
        long n = a.parseLong(at);
        if (n <= 0) {
            return "ERR numkeys should be greater than 0";
        }
        return "ERR Number of keys can't be greater than number of args";
    }
}

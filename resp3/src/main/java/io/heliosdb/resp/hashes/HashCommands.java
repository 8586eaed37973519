package io.heliosdb.resp.hashes;

import io.heliosdb.keyspace.ops.HashOps;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.LongDoubleArithmetic;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;

/**
 * The hash family: arguments parsed and checked in Redis' order, the work done by {@link HashOps}
 * on the key's shard, its status rendered here.
 */
public final class HashCommands {
    private static final byte[] WITHVALUES = "withvalues".getBytes();
    private static final String HASH_NOT_INTEGER = "ERR hash value is not an integer";
    private static final String HASH_NOT_FLOAT = "ERR hash value is not a float";

    private HashCommands() {}

    public static void register(CommandTable t) {
        t.register("hset", Routing.KEYS, ctx -> hset(ctx, false));
        t.register("hmset", Routing.KEYS, ctx -> hset(ctx, true));
        t.register("hsetnx", Routing.KEYS, HashCommands::hsetnx);
        t.register("hget", Routing.KEYS, HashCommands::hget);
        t.register("hmget", Routing.KEYS, HashCommands::hmget);
        t.register("hgetall", Routing.KEYS, ctx -> all(ctx, true, true));
        t.register("hkeys", Routing.KEYS, ctx -> all(ctx, true, false));
        t.register("hvals", Routing.KEYS, ctx -> all(ctx, false, true));
        t.register("hdel", Routing.KEYS, HashCommands::hdel);
        t.register("hexists", Routing.KEYS, HashCommands::hexists);
        t.register("hlen", Routing.KEYS, HashCommands::hlen);
        t.register("hstrlen", Routing.KEYS, HashCommands::hstrlen);
        t.register("hincrby", Routing.KEYS, HashCommands::hincrby);
        t.register("hincrbyfloat", Routing.KEYS, HashCommands::hincrbyfloat);
        t.register("hrandfield", Routing.KEYS, HashCommands::hrandfield);
        t.register("hscan", Routing.KEYS, HashCommands::hscan);
    }

    private static int maxEntries(CommandContext ctx) {
        return (int) TypedKeys.limit(ctx, "hash-max-listpack-entries");
    }

    private static int maxValue(CommandContext ctx) {
        return (int) TypedKeys.limit(ctx, "hash-max-listpack-value");
    }

    /** A status whose result (if any) is already in the reply, or Redis' error for it. */
    private static void render(RespWriter out, OpStatus s) {
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    static void hset(CommandContext ctx, boolean hmset) {
        Args a = ctx.args();
        if (a.count() % 2 != 0) {
            ctx.wrongArgs();
            return;
        }
        render(ctx.out(), HashOps.hset(ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(),
                maxEntries(ctx), maxValue(ctx), hmset, ctx.out()));
    }

    static void hsetnx(CommandContext ctx) {
        Args a = ctx.args();
        MemorySegment seg = a.segment();
        OpStatus s = HashOps.hsetnx(ctx.db(), seg, a.offset(1), a.length(1), seg, a.offset(2), a.length(2), seg, a.offset(3), a.length(3),
                maxEntries(ctx), maxValue(ctx), ctx.out());
        if (s == OpStatus.NOT_APPLIED) {
            ctx.out().integer(0);
        } else {
            render(ctx.out(), s);
        }
    }

    static void hget(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = HashOps.hget(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else {
            render(out, s);
        }
    }

    static void hmget(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.hmget(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), ctx.out()));
    }

    static void all(CommandContext ctx, boolean keys, boolean values) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.all(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), keys, values, ctx.out()));
    }

    static void hdel(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.hdel(ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), ctx.out()));
    }

    static void hexists(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.hexists(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2),
                ctx.out()));
    }

    static void hlen(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.hlen(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out()));
    }

    static void hstrlen(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), HashOps.hstrlen(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2),
                ctx.out()));
    }

    static void hincrby(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        OpStatus s = HashOps.hincrby(ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), a.parseLong(3),
                maxEntries(ctx), maxValue(ctx), ctx.out());
        if (s == OpStatus.NOT_INTEGER) {
            ctx.out().error(HASH_NOT_INTEGER); // the stored value: the increment was checked above
        } else {
            render(ctx.out(), s);
        }
    }

    static void hincrbyfloat(CommandContext ctx) {
        Args a = ctx.args();
        BigDecimal by = LongDoubleArithmetic.parse(a.segment(), a.offset(3), a.length(3));
        if (by == null) {
            ctx.out().error(Errors.NOT_FLOAT);
            return;
        }
        if (by == LongDoubleArithmetic.INFINITY) {
            ctx.out().error("ERR value is NaN or Infinity");
            return;
        }
        OpStatus s = HashOps.hincrbyfloat(ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2), by,
                maxEntries(ctx), maxValue(ctx), ctx.out());
        if (s == OpStatus.NOT_FLOAT) {
            ctx.out().error(HASH_NOT_FLOAT); // the stored value: the increment was checked above
        } else {
            render(ctx.out(), s);
        }
    }

    static void hrandfield(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() == 2) {
            OpStatus s = HashOps.randomField(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.shard().random(), out);
            if (s == OpStatus.NOT_FOUND) {
                out.nullBulk();
            } else {
                render(out, s);
            }
            return;
        }
        TypedKeys.RandomCount rc = TypedKeys.RandomCount.parse(ctx, WITHVALUES);
        if (rc == null) {
            return;
        }
        render(out, HashOps.randomFields(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), rc.count(), rc.withValues(),
                ctx.shard().random(), out));
    }

    static void hscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = HashOps.check(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
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
        render(out, HashOps.scan(KeyReads.DIRECT, ctx.db(), a.segment(), a.offset(1), a.length(1), o.cursor(), o.count(), o.pattern(), out));
    }
}

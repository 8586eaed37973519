package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.LongDoubleArithmetic;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import java.math.BigDecimal;

/** The string family: GET/SET and friends, counters, ranges. Each handler runs on the key's shard. */
public final class StringCommands {
    private static final byte[] PERSIST = {'p', 'e', 'r', 's', 'i', 's', 't'};
    private static final byte[] EMPTY = {};

    private StringCommands() {}

    public static void register(CommandTable t) {
        t.register("get", Routing.KEYS, StringCommands::get);
        t.register("set", Routing.KEYS, new SetCommand());
        t.register("getset", Routing.KEYS, StringCommands::getset);
        t.register("getdel", Routing.KEYS, StringCommands::getdel);
        t.register("getex", Routing.KEYS, StringCommands::getex);
        t.register("setnx", Routing.KEYS, StringCommands::setnx);
        t.register("setex", Routing.KEYS, ctx -> setWithTtl(ctx, 1000, "setex"));
        t.register("psetex", Routing.KEYS, ctx -> setWithTtl(ctx, 1, "psetex"));
        t.register("incr", Routing.KEYS, ctx -> incrBy(ctx, 1));
        t.register("decr", Routing.KEYS, ctx -> incrBy(ctx, -1));
        t.register("incrby", Routing.KEYS, ctx -> incrByArg(ctx, false));
        t.register("decrby", Routing.KEYS, ctx -> incrByArg(ctx, true));
        t.register("incrbyfloat", Routing.KEYS, StringCommands::incrbyfloat);
        t.register("append", Routing.KEYS, StringCommands::append);
        t.register("strlen", Routing.KEYS, StringCommands::strlen);
        t.register("getrange", Routing.KEYS, StringCommands::getrange);
        t.register("substr", Routing.KEYS, StringCommands::getrange);
        t.register("setrange", Routing.KEYS, StringCommands::setrange);
        t.register("lcs", Routing.KEYS, new LcsCommand());
        MultiKeyStringCommands.register(t);
        BitmapCommands.register(t);
    }

    /** Renders a status that the command has no reply of its own for: Redis' error text. */
    static void error(RespWriter out, OpStatus s) {
        out.error(StatusErrors.text(s));
    }

    static void get(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = StringOps.get(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else if (s != OpStatus.OK) {
            error(out, s);
        }
    }

    static void getset(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = StringOps.set(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.segment(), a.offset(2), a.length(2), StringOps.SET_GET, 0, ctx.now(), out);
        if (s != OpStatus.OK) {
            error(out, s);
        }
    }

    static void getdel(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = StringOps.getdel(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else if (s != OpStatus.OK) {
            error(out, s);
        }
    }

    static void getex(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        int expireOption = -1;
        boolean persist = false;
        for (int i = 2; i < a.count(); i++) {
            boolean hasNext = i + 1 < a.count();
            if (Expiry.isOption(a, i) && hasNext && Expiry.mayFollow(a, i, expireOption) && !persist) {
                expireOption = i++;
            } else if (a.is(i, PERSIST) && expireOption < 0) {
                persist = true;
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        long now = ctx.now();
        long expireAt = persist ? 0 : expireOption > 0 ? Expiry.parse(a, expireOption, now) : Keyspace.KEEP_TTL;
        OpStatus s;
        if (expireAt == Expiry.NOT_INTEGER || expireAt == Expiry.INVALID) {
            // Redis looks the key up before it validates the expiry value.
            s = StringOps.check(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
            if (s == OpStatus.OK) {
                out.error(Expiry.error(expireAt, ctx.spec().name()));
                return;
            }
        } else {
            s = StringOps.getex(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), expireAt, now, out);
        }
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else if (s != OpStatus.OK) {
            error(out, s);
        }
    }

    static void setnx(CommandContext ctx) {
        Args a = ctx.args();
        OpStatus s = StringOps.set(KeyReads.DIRECT, ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.segment(), a.offset(2), a.length(2), StringOps.SET_NX, 0, ctx.now(), ctx.out());
        ctx.out().integer(s == OpStatus.OK ? 1 : 0);
    }

    static void setWithTtl(CommandContext ctx, long unit, String name) {
        Args a = ctx.args();
        long now = ctx.now();
        long at = Expiry.toAbsolute(a, 2, unit, false, now, false);
        if (at == Expiry.NOT_INTEGER || at == Expiry.INVALID) {
            ctx.out().error(Expiry.error(at, name));
            return;
        }
        StringOps.set(KeyReads.DIRECT, ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.segment(), a.offset(3), a.length(3), 0, at, now, ctx.out());
        ctx.out().ok();
    }

    static void incrByArg(CommandContext ctx, boolean negate) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long by = a.parseLong(2);
        if (negate) {
            if (by == Long.MIN_VALUE) {
                ctx.out().error("ERR decrement would overflow");
                return;
            }
            by = -by;
        }
        incrBy(ctx, by);
    }

    static void incrBy(CommandContext ctx, long by) {
        Args a = ctx.args();
        OpStatus s = StringOps.incrBy(ctx.db(), a.segment(), a.offset(1), a.length(1), by, ctx.out());
        if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    static void incrbyfloat(CommandContext ctx) {
        Args a = ctx.args();
        // Parsed here, judged by the operation: Redis checks the key's type and value first.
        BigDecimal by = LongDoubleArithmetic.parse(a.segment(), a.offset(2), a.length(2));
        OpStatus s = StringOps.incrByFloat(ctx.db(), a.segment(), a.offset(1), a.length(1), by, ctx.out());
        if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    static void append(CommandContext ctx) {
        Args a = ctx.args();
        OpStatus s = StringOps.append(ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.segment(), a.offset(2), a.length(2), maxStringLength(ctx), ctx.out());
        if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    static void strlen(CommandContext ctx) {
        Args a = ctx.args();
        OpStatus s = StringOps.strlen(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().integer(0);
        } else if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    static void getrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        OpStatus s = StringOps.getrange(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1),
                a.parseLong(2), a.parseLong(3), ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().bulk(EMPTY);
        } else if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    static void setrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long offset = a.parseLong(2);
        if (offset < 0) {
            ctx.out().error(Errors.OFFSET_RANGE);
            return;
        }
        OpStatus s = StringOps.setrange(ctx.db(), a.segment(), a.offset(1), a.length(1), offset,
                a.segment(), a.offset(3), a.length(3), maxStringLength(ctx), ctx.out());
        if (s != OpStatus.OK) {
            error(ctx.out(), s);
        }
    }

    /** proto-max-bulk-len, which Redis checks growing strings against; values here stay below 2 GiB. */
    static long maxStringLength(CommandContext ctx) {
        return Math.min(ctx.server().protoMaxBulkLen(), Integer.MAX_VALUE - 16);
    }
}

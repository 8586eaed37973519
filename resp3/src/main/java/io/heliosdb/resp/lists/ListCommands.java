package io.heliosdb.resp.lists;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.ListOps;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.MoveBetweenKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import io.heliosdb.resp.engine.ShardState;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/** The list family (the blocking forms are in {@link BlockingCommands}). */
public final class ListCommands {
    static final byte[] LEFT = "left".getBytes();
    static final byte[] RIGHT = "right".getBytes();
    private static final byte[] BEFORE = "before".getBytes();
    private static final byte[] AFTER = "after".getBytes();
    private static final byte[] RANK = "rank".getBytes();
    private static final byte[] COUNT = "count".getBytes();
    private static final byte[] MAXLEN = "maxlen".getBytes();

    private ListCommands() {}

    public static void register(CommandTable t) {
        t.register("lpush", Routing.KEYS, ctx -> push(ctx, true, false));
        t.register("rpush", Routing.KEYS, ctx -> push(ctx, false, false));
        t.register("lpushx", Routing.KEYS, ctx -> push(ctx, true, true));
        t.register("rpushx", Routing.KEYS, ctx -> push(ctx, false, true));
        t.register("lpop", Routing.KEYS, ctx -> pop(ctx, true));
        t.register("rpop", Routing.KEYS, ctx -> pop(ctx, false));
        t.register("llen", Routing.KEYS, ListCommands::llen);
        t.register("lrange", Routing.KEYS, ListCommands::lrange);
        t.register("lindex", Routing.KEYS, ListCommands::lindex);
        t.register("lset", Routing.KEYS, ListCommands::lset);
        t.register("linsert", Routing.KEYS, ListCommands::linsert);
        t.register("lrem", Routing.KEYS, ListCommands::lrem);
        t.register("ltrim", Routing.KEYS, ListCommands::ltrim);
        t.register("lpos", Routing.KEYS, ListCommands::lpos);
        t.register("lmove", Routing.KEYS, new Lmove(false));
        t.register("rpoplpush", Routing.KEYS, new Lmove(true));
        t.register("lmpop", Routing.ALL_SHARDS, new BlockingCommands.Lmpop(false));
        BlockingCommands.register(t);
    }

    static void push(CommandContext ctx, boolean left, boolean onlyIfExists) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = ListOps.push(ctx.db(), a.segment(), a.offset(1), a.length(1), a, 2, a.count(), left, onlyIfExists, out);
        if (s == OpStatus.OK) {
            BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        } else if (s == OpStatus.NOT_FOUND) {
            out.integer(0);
        } else {
            out.error(StatusErrors.text(s));
        }
    }

    static void pop(CommandContext ctx, boolean left) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.wrongArgs(ctx.spec().name())); // Redis: addReplyErrorArity
            return;
        }
        long count = ListOps.SINGLE;
        if (a.count() == 3) {
            if (!a.isLong(2) || a.parseLong(2) < 0) {
                out.error(Errors.MUST_BE_POSITIVE);
                return;
            }
            count = a.parseLong(2);
        }
        OpStatus s = ListOps.pop(ctx.db(), a.segment(), a.offset(1), a.length(1), left, count, out);
        if (s == OpStatus.NOT_FOUND) {
            if (count == ListOps.SINGLE) {
                out.nullBulk();
            } else {
                out.nullArray();
            }
        } else if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    static void llen(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), ListOps.llen(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out()));
    }

    /** The reply of an operation whose only non-OK outcomes are errors. */
    private static void render(RespWriter out, OpStatus s) {
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    static void lrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        render(ctx.out(), ListOps.lrange(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), a.parseLong(3),
                ctx.out()));
    }

    static void lindex(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        // Redis looks the key up before it parses the index
        OpStatus s = a.isLong(2) ? ListOps.lindex(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), out)
                : ListOps.probe(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else if (s == OpStatus.OK && !a.isLong(2)) {
            out.error(Errors.NOT_INTEGER);
        } else {
            render(out, s);
        }
    }

    static void lset(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        // Redis looks the key up before it parses the index
        OpStatus s = a.isLong(2) ? ListOps.lset(ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), a.bytes(3), out)
                : ListOps.probe(null, ctx.db(), a.segment(), a.offset(1), a.length(1));
        if (s == OpStatus.NOT_FOUND) {
            out.error(Errors.NO_SUCH_KEY);
        } else if (s == OpStatus.OK && !a.isLong(2)) {
            out.error(Errors.NOT_INTEGER);
        } else if (s == OpStatus.OUT_OF_RANGE) {
            out.error("ERR index out of range");
        } else {
            render(out, s);
        }
    }

    static void linsert(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        boolean before;
        if (a.is(2, BEFORE)) {
            before = true;
        } else if (a.is(2, AFTER)) {
            before = false;
        } else {
            out.error(Errors.SYNTAX);
            return;
        }
        OpStatus s = ListOps.linsert(ctx.db(), a.segment(), a.offset(1), a.length(1), before, a.bytes(3), a.bytes(4), out);
        if (s == OpStatus.NOT_FOUND) {
            out.integer(0);
        } else if (s == OpStatus.NOT_APPLIED) {
            out.integer(-1);
        } else {
            render(out, s);
        }
    }

    static void lrem(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        render(ctx.out(), ListOps.lrem(ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), a.bytes(3), ctx.out()));
    }

    static void ltrim(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        render(ctx.out(), ListOps.ltrim(ctx.db(), a.segment(), a.offset(1), a.length(1), a.parseLong(2), a.parseLong(3), ctx.out()));
    }

    static void lpos(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        long rank = 1;
        long count = ListOps.SINGLE;
        long maxlen = 0;
        for (int i = 3; i < a.count(); i++) {
            if (i + 1 >= a.count()) {
                out.error(Errors.SYNTAX);
                return;
            }
            if (a.is(i, RANK)) {
                if (!a.isLong(i + 1)) {
                    out.error(Errors.NOT_INTEGER);
                    return;
                }
                rank = a.parseLong(++i);
                if (rank == 0) {
                    out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                    return;
                }
                if (rank == Long.MIN_VALUE) {
                    rank = -1; // Redis 7.0 negates it in place: -LLONG_MIN stays negative and the first match from the tail wins
                }
            } else if (a.is(i, COUNT)) {
                if (!a.isLong(i + 1)) {
                    out.error("ERR COUNT can't be negative"); // getPositiveLongFromObjectOrReply's message covers junk too
                    return;
                }
                count = a.parseLong(++i);
                if (count < 0) {
                    out.error("ERR COUNT can't be negative");
                    return;
                }
            } else if (a.is(i, MAXLEN)) {
                if (!a.isLong(i + 1)) {
                    out.error("ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = a.parseLong(++i);
                if (maxlen < 0) {
                    out.error("ERR MAXLEN can't be negative");
                    return;
                }
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        OpStatus s = ListOps.lpos(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.bytes(2), rank, count, maxlen, out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else {
            render(out, s);
        }
    }

    /** LMOVE src dst LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (= RIGHT LEFT). */
    static final class Lmove extends MoveBetweenKeys {
        private final boolean rpoplpush;

        Lmove(boolean rpoplpush) {
            this.rpoplpush = rpoplpush;
        }

        private int side(Args a, int i) {
            if (a.is(i, LEFT)) {
                return 0;
            }
            return a.is(i, RIGHT) ? 1 : -1;
        }

        boolean fromLeft(Args a) {
            return !rpoplpush && side(a, 3) == 0;
        }

        boolean toLeft(Args a) {
            return rpoplpush || side(a, 4) == 0;
        }

        @Override
        protected Consumer<RespWriter> inspectSource(Keyspace ks, Args a) {
            if (!rpoplpush && (side(a, 3) < 0 || side(a, 4) < 0)) {
                return w -> w.error(Errors.SYNTAX);
            }
            OpStatus s = ListOps.probe(null, ks, a.segment(), a.offset(1), a.length(1));
            if (s == OpStatus.NOT_FOUND) {
                return RespWriter::nullBulk;
            }
            return s == OpStatus.OK ? null : w -> w.error(StatusErrors.text(s));
        }

        @Override
        protected boolean destinationWrongType(Keyspace ks, Args a) {
            return ListOps.probe(null, ks, a.segment(), a.offset(2), a.length(2)) == OpStatus.WRONGTYPE;
        }

        @Override
        protected byte[] take(ShardState s, Keyspace ks, Args a) {
            return ListOps.popOne(ks, a.segment(), a.offset(1), a.length(1), fromLeft(a));
        }

        @Override
        protected void give(ShardState s, Keyspace ks, Args a, byte[] element) {
            pushTo(s, ks, a.bytes(2), element, toLeft(a), dbOf(s, ks));
        }

        @Override
        protected void reply(RespWriter w, byte[] element) {
            if (element == null) {
                w.nullBulk();
            } else {
                w.bulk(element);
            }
        }
    }

    static int dbOf(ShardState s, Keyspace ks) {
        for (int i = 0; i < s.databases(); i++) {
            if (s.db(i) == ks) {
                return i;
            }
        }
        throw new AssertionError("keyspace of another shard");
    }

    /** Pushes one element to a list key (creating it) and wakes its waiters. */
    static void pushTo(ShardState s, Keyspace ks, byte[] key, byte[] element, boolean left, int db) {
        if (ListOps.pushOne(ks, MemorySegment.ofArray(key), 0, key.length, element, left)) {
            BlockedClients.of(s).signal(db, key);
        }
    }
}

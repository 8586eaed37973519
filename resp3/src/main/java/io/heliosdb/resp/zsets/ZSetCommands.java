package io.heliosdb.resp.zsets;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.keyspace.ops.KeySources;
import io.heliosdb.keyspace.ops.OpStatus;
import io.heliosdb.keyspace.ops.ZSetAlgebra.Op;
import io.heliosdb.keyspace.ops.ZSetAlgebra;
import io.heliosdb.keyspace.ops.ZSetOps;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.RecordedReply;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.command.StatusErrors;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.sets.SetCommands;
import java.util.Arrays;

/** The sorted-set family. */
public final class ZSetCommands {
    private static final byte[] NX = "nx".getBytes();
    private static final byte[] XX = "xx".getBytes();
    private static final byte[] GT = "gt".getBytes();
    private static final byte[] LT = "lt".getBytes();
    private static final byte[] CH = "ch".getBytes();
    private static final byte[] INCR = "incr".getBytes();
    private static final byte[] WITHSCORES = "withscores".getBytes();
    private static final byte[] LIMIT = "limit".getBytes();
    private static final byte[] BYSCORE = "byscore".getBytes();
    private static final byte[] BYLEX = "bylex".getBytes();
    private static final byte[] REV = "rev".getBytes();
    private static final byte[] WEIGHTS = "weights".getBytes();
    private static final byte[] AGGREGATE = "aggregate".getBytes();
    private static final byte[] SUM = "sum".getBytes();
    private static final byte[] MIN = "min".getBytes();
    private static final byte[] MAX = "max".getBytes();

    private ZSetCommands() {}

    public static void register(CommandTable t) {
        t.register("zadd", Routing.KEYS, ZSetCommands::zadd);
        t.register("zincrby", Routing.KEYS, ZSetCommands::zincrby);
        t.register("zscore", Routing.KEYS, ZSetCommands::zscore);
        t.register("zmscore", Routing.KEYS, ZSetCommands::zmscore);
        t.register("zrank", Routing.KEYS, ctx -> zrank(ctx, false));
        t.register("zrevrank", Routing.KEYS, ctx -> zrank(ctx, true));
        t.register("zcard", Routing.KEYS, ZSetCommands::zcard);
        t.register("zcount", Routing.KEYS, ZSetCommands::zcount);
        t.register("zlexcount", Routing.KEYS, ZSetCommands::zlexcount);
        t.register("zrem", Routing.KEYS, ZSetCommands::zrem);
        t.register("zrange", Routing.KEYS, ctx -> range(ctx, Kind.ZRANGE));
        t.register("zrevrange", Routing.KEYS, ctx -> range(ctx, Kind.REVRANGE));
        t.register("zrangebyscore", Routing.KEYS, ctx -> range(ctx, Kind.BYSCORE));
        t.register("zrevrangebyscore", Routing.KEYS, ctx -> range(ctx, Kind.REVBYSCORE));
        t.register("zrangebylex", Routing.KEYS, ctx -> range(ctx, Kind.BYLEX));
        t.register("zrevrangebylex", Routing.KEYS, ctx -> range(ctx, Kind.REVBYLEX));
        t.register("zrangestore", Routing.KEYS, new ZRangeStore());
        t.register("zremrangebyrank", Routing.KEYS, ctx -> removeRange(ctx, 0));
        t.register("zremrangebyscore", Routing.KEYS, ctx -> removeRange(ctx, 1));
        t.register("zremrangebylex", Routing.KEYS, ctx -> removeRange(ctx, 2));
        t.register("zpopmin", Routing.KEYS, ctx -> zpop(ctx, true));
        t.register("zpopmax", Routing.KEYS, ctx -> zpop(ctx, false));
        t.register("zrandmember", Routing.KEYS, ZSetCommands::zrandmember);
        t.register("zscan", Routing.KEYS, ZSetCommands::zscan);
        t.register("zunion", Routing.ALL_SHARDS, new ZAlgebra(Op.UNION, false));
        t.register("zinter", Routing.ALL_SHARDS, new ZAlgebra(Op.INTER, false));
        t.register("zdiff", Routing.ALL_SHARDS, new ZAlgebra(Op.DIFF, false));
        t.register("zunionstore", Routing.ALL_SHARDS, new ZAlgebra(Op.UNION, true));
        t.register("zinterstore", Routing.ALL_SHARDS, new ZAlgebra(Op.INTER, true));
        t.register("zdiffstore", Routing.ALL_SHARDS, new ZAlgebra(Op.DIFF, true));
        t.register("zintercard", Routing.ALL_SHARDS, new ZInterCard());
        t.register("zmpop", Routing.ALL_SHARDS, new ZSetBlocking.Zmpop(false));
        t.register("bzmpop", Routing.ALL_SHARDS, new ZSetBlocking.Zmpop(true));
        t.register("bzpopmin", Routing.ALL_SHARDS, new ZSetBlocking.Bzpop(true));
        t.register("bzpopmax", Routing.ALL_SHARDS, new ZSetBlocking.Bzpop(false));
    }

    static void writeScore(RespWriter w, double d) {
        w.doubleValue(d);
    }

    /** The listpack limits a growing set is checked against (cached parameters, no lookup). */
    static ZSetOps.Limits limits(CommandContext ctx) {
        return new ZSetOps.Limits((int) TypedKeys.limit(ctx, "zset-max-listpack-entries"),
                (int) TypedKeys.limit(ctx, "zset-max-listpack-value"));
    }

    /** Offsets of the arguments {@code from, from + step, ...} (members given in the request). */
    static long[] offsets(Args a, int from, int step) {
        long[] r = new long[(a.count() - from + step - 1) / step];
        for (int k = 0; k < r.length; k++) {
            r[k] = a.offset(from + k * step);
        }
        return r;
    }

    static int[] lengths(Args a, int from, int step) {
        int[] r = new int[(a.count() - from + step - 1) / step];
        for (int k = 0; k < r.length; k++) {
            r[k] = a.length(from + k * step);
        }
        return r;
    }

    /** The reply of an operation whose only non-OK outcomes are errors. */
    private static void render(RespWriter out, OpStatus s) {
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
        }
    }

    private static final String SCORE_NAN = "ERR resulting score is not a number (NaN)";

    // ---- ZADD / ZINCRBY ---------------------------------------------------------------------

    static void zadd(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        int flags = 0;
        int i = 2;
        for (; i < a.count(); i++) {
            if (a.is(i, NX)) {
                flags |= ZSetOps.NX;
            } else if (a.is(i, XX)) {
                flags |= ZSetOps.XX;
            } else if (a.is(i, GT)) {
                flags |= ZSetOps.GT;
            } else if (a.is(i, LT)) {
                flags |= ZSetOps.LT;
            } else if (a.is(i, CH)) {
                flags |= ZSetOps.CH;
            } else if (a.is(i, INCR)) {
                flags |= ZSetOps.INCR;
            } else {
                break;
            }
        }
        boolean nx = (flags & ZSetOps.NX) != 0, xx = (flags & ZSetOps.XX) != 0;
        boolean gt = (flags & ZSetOps.GT) != 0, lt = (flags & ZSetOps.LT) != 0, incr = (flags & ZSetOps.INCR) != 0;
        int pairs = a.count() - i;
        if (pairs % 2 != 0 || pairs == 0) {
            out.error(Errors.SYNTAX);
            return;
        }
        if (nx && xx) {
            out.error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && pairs > 2) {
            out.error("ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[pairs / 2];
        for (int p = 0; p < scores.length; p++) {
            scores[p] = TypedKeys.parseDouble(a, i + 2 * p);
            if (Double.isNaN(scores[p])) {
                out.error(Errors.NOT_FLOAT);
                return;
            }
        }
        OpStatus s = ZSetOps.zadd(ctx.db(), a.segment(), a.offset(1), a.length(1), flags, scores, a.segment(), offsets(a, i + 1, 2),
                lengths(a, i + 1, 2), limits(ctx), out);
        if (s == OpStatus.OK) {
            // an add wakes the key's waiters; an OK that added nothing left a key that existed, with members,
            // which nobody waits on (a waiter there is served anyway)
            BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        } else if (s == OpStatus.NOT_FOUND) {
            if (incr) {
                out.nullBulk();
            } else {
                out.integer(0);
            }
        } else if (s == OpStatus.NOT_APPLIED) {
            out.nullBulk();
        } else if (s == OpStatus.NAN_OR_INFINITY) {
            out.error(SCORE_NAN);
        } else {
            render(out, s);
        }
    }

    static void zincrby(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        // Redis runs ZINCRBY through ZADD's parser: an option word there leaves one lone element.
        String third = a.lower(2);
        if (third.equals("nx") || third.equals("xx") || third.equals("gt") || third.equals("lt") || third.equals("ch")
                || third.equals("incr")) {
            out.error(Errors.SYNTAX);
            return;
        }
        double by = TypedKeys.parseDouble(a, 2);
        if (Double.isNaN(by)) {
            out.error(Errors.NOT_FLOAT);
            return;
        }
        OpStatus s = ZSetOps.zincrby(ctx.db(), a.segment(), a.offset(1), a.length(1), by, a.segment(), a.offset(3), a.length(3),
                limits(ctx), out);
        if (s == OpStatus.OK) {
            BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        } else if (s == OpStatus.NAN_OR_INFINITY) {
            out.error(SCORE_NAN);
        } else {
            render(out, s);
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    static void zscore(CommandContext ctx) {
        Args a = ctx.args();
        OpStatus s = ZSetOps.zscore(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2),
                ctx.out());
        if (s == OpStatus.NOT_FOUND) {
            ctx.out().nullBulk();
        } else {
            render(ctx.out(), s);
        }
    }

    static void zmscore(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), ZSetOps.zmscore(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), offsets(a, 2, 1),
                lengths(a, 2, 1), ctx.out()));
    }

    private static final byte[] WITHSCORE = "withscore".getBytes();

    /** ZRANK / ZREVRANK key member [WITHSCORE] (the option is Redis 7.2's). */
    static void zrank(CommandContext ctx, boolean rev) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        boolean withScore = false;
        if (a.count() == 4 && a.is(3, WITHSCORE)) {
            withScore = true;
        } else if (a.count() > 3) {
            out.error(Errors.SYNTAX);
            return;
        }
        OpStatus s = ZSetOps.zrank(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2),
                rev, withScore, out);
        if (s == OpStatus.NOT_FOUND) {
            if (withScore) {
                out.nullArray();
            } else {
                out.nullBulk();
            }
        } else {
            render(out, s);
        }
    }

    static void zcard(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), ZSetOps.zcard(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), ctx.out()));
    }

    static void zcount(CommandContext ctx) {
        Args a = ctx.args();
        ZTree.ScoreRange r = ZRanges.score(a.string(2), a.string(3));
        if (r == null) {
            ctx.out().error(Errors.MIN_MAX_NOT_FLOAT);
            return;
        }
        render(ctx.out(), ZSetOps.zcount(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), r, ctx.out()));
    }

    static void zlexcount(CommandContext ctx) {
        Args a = ctx.args();
        ZTree.LexRange r = ZRanges.lex(a.bytes(2), a.bytes(3));
        if (r == null) {
            ctx.out().error(Errors.MIN_MAX_NOT_LEX);
            return;
        }
        render(ctx.out(), ZSetOps.zlexcount(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), r, ctx.out()));
    }

    static void zrem(CommandContext ctx) {
        Args a = ctx.args();
        render(ctx.out(), ZSetOps.zrem(ctx.db(), a.segment(), a.offset(1), a.length(1), a.segment(), offsets(a, 2, 1), lengths(a, 2, 1),
                ctx.out()));
    }

    // ---- ranges -------------------------------------------------------------------------------

    enum Kind { ZRANGE, REVRANGE, BYSCORE, REVBYSCORE, BYLEX, REVBYLEX, STORE }

    /** A parsed range request; error != null when the arguments are bad. */
    record Spec(ZSetOps.Range range, String error) {
        static Spec error(String e) {
            return new Spec(null, e);
        }

        static Spec of(int by, boolean rev, boolean withScores, long offset, long limit, long start, long end, ZTree.ScoreRange score,
                ZTree.LexRange lex) {
            return new Spec(new ZSetOps.Range(by, rev, withScores, offset, limit, start, end, score, lex), null);
        }
    }

    /** Parses a range with the key at {@code keyArg} (type 0 rank, 1 score, 2 lex). */
    static Spec parse(Args a, int keyArg, Kind kind) {
        int type = switch (kind) {
            case BYSCORE, REVBYSCORE -> 1;
            case BYLEX, REVBYLEX -> 2;
            default -> 0;
        };
        boolean rev = kind == Kind.REVRANGE || kind == Kind.REVBYSCORE || kind == Kind.REVBYLEX;
        boolean withScores = false;
        long offset = 0, limit = -1;
        boolean general = kind == Kind.ZRANGE || kind == Kind.STORE;
        for (int i = keyArg + 3; i < a.count(); i++) {
            if (kind != Kind.STORE && a.is(i, WITHSCORES)) { // with BYLEX refused below, as Redis does
                withScores = true;
            } else if (a.is(i, LIMIT) && i + 2 < a.count() && kind != Kind.REVRANGE) {
                if (!a.isLong(i + 1) || !a.isLong(i + 2)) {
                    return Spec.error(Errors.NOT_INTEGER);
                }
                offset = a.parseLong(i + 1);
                limit = a.parseLong(i + 2);
                i += 2;
            } else if (general && a.is(i, BYSCORE) && type == 0) {
                type = 1;
            } else if (general && a.is(i, BYLEX) && type == 0) {
                type = 2;
            } else if (general && a.is(i, REV) && !rev) { // once, as in Redis
                rev = true;
            } else {
                return Spec.error(Errors.SYNTAX);
            }
        }
        if (withScores && type == 2) {
            return Spec.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        boolean hasLimit = limit != -1; // Redis 7.0 checks the count only (LIMIT 5 -1 passes with a rank range)
        if (hasLimit && type == 0) {
            return Spec.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        int minArg = keyArg + 1, maxArg = keyArg + 2;
        if (rev && type != 0) {
            minArg = keyArg + 2;
            maxArg = keyArg + 1;
        }
        switch (type) {
            case 0 -> {
                if (!a.isLong(keyArg + 1) || !a.isLong(keyArg + 2)) {
                    return Spec.error(Errors.NOT_INTEGER);
                }
                return Spec.of(0, rev, withScores, 0, -1, a.parseLong(keyArg + 1), a.parseLong(keyArg + 2), null, null);
            }
            case 1 -> {
                ZTree.ScoreRange r = ZRanges.score(a.string(minArg), a.string(maxArg));
                if (r == null) {
                    return Spec.error(Errors.MIN_MAX_NOT_FLOAT);
                }
                return Spec.of(1, rev, withScores, offset, limit, 0, 0, r, null);
            }
            default -> {
                ZTree.LexRange r = ZRanges.lex(a.bytes(minArg), a.bytes(maxArg));
                if (r == null) {
                    return Spec.error(Errors.MIN_MAX_NOT_LEX);
                }
                return Spec.of(2, rev, false, offset, limit, 0, 0, null, r);
            }
        }
    }

    static void range(CommandContext ctx, Kind kind) {
        Spec s = parse(ctx.args(), 1, kind);
        if (s.error != null) {
            ctx.out().error(s.error);
            return;
        }
        Args a = ctx.args();
        render(ctx.out(), ZSetOps.range(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), s.range(), ctx.out()));
    }

    private static final class ZRangeStore extends KeyGather {
        @Override
        protected int[] sources(Args a) {
            return new int[]{2};
        }

        @Override
        protected int destination(Args a) {
            return 1;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.ZSET;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            Spec s = parse(a, 2, Kind.STORE);
            if (s.error != null) {
                return Outcome.error(s.error);
            }
            ZSetOps.Limits limits = limits(server);
            return Outcome.storing((ks, seg, off, len, out) -> ZSetOps.rangeStore(ks, seg, off, len, values[0], s.range(), limits, out));
        }
    }

    /** The listpack limits a set built by a command (ZUNIONSTORE, GEOSEARCHSTORE, ...) is encoded under. */
    public static ZSetOps.Limits limits(ServerContext server) {
        return new ZSetOps.Limits((int) server.configParam("zset-max-listpack-entries").number(),
                (int) server.configParam("zset-max-listpack-value").number());
    }

    static void removeRange(CommandContext ctx, int type) {
        Args a = ctx.args();
        Spec s;
        switch (type) {
            case 0 -> {
                if (!a.isLong(2) || !a.isLong(3)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return;
                }
                s = Spec.of(0, false, false, 0, -1, a.parseLong(2), a.parseLong(3), null, null);
            }
            case 1 -> {
                ZTree.ScoreRange r = ZRanges.score(a.string(2), a.string(3));
                if (r == null) {
                    ctx.out().error(Errors.MIN_MAX_NOT_FLOAT);
                    return;
                }
                s = Spec.of(1, false, false, 0, -1, 0, 0, r, null);
            }
            default -> {
                ZTree.LexRange r = ZRanges.lex(a.bytes(2), a.bytes(3));
                if (r == null) {
                    ctx.out().error(Errors.MIN_MAX_NOT_LEX);
                    return;
                }
                s = Spec.of(2, false, false, 0, -1, 0, 0, null, r);
            }
        }
        render(ctx.out(), ZSetOps.removeRange(ctx.db(), a.segment(), a.offset(1), a.length(1), s.range(), ctx.out()));
    }

    // ---- pops ---------------------------------------------------------------------------------

    static void zpop(CommandContext ctx, boolean min) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.SYNTAX);
            return;
        }
        long count = 1;
        boolean hasCount = a.count() == 3;
        if (hasCount) {
            if (!a.isLong(2) || a.parseLong(2) < 0) {
                out.error(Errors.MUST_BE_POSITIVE);
                return;
            }
            count = a.parseLong(2);
        }
        render(out, ZSetOps.pop(ctx.db(), a.segment(), a.offset(1), a.length(1), min, hasCount ? count : ZSetOps.SINGLE, out));
    }

    // ---- random, scan -------------------------------------------------------------------------

    static void zrandmember(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        long count = ZSetOps.SINGLE;
        boolean withScores = false;
        if (a.count() > 2) {
            TypedKeys.RandomCount rc = TypedKeys.RandomCount.parse(ctx, WITHSCORES);
            if (rc == null) {
                return;
            }
            count = rc.count();
            withScores = rc.withValues();
        }
        OpStatus s = ZSetOps.randomMembers(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1), count, withScores,
                ctx.shard().random(), out);
        if (s == OpStatus.NOT_FOUND) {
            out.nullBulk();
        } else {
            render(out, s);
        }
    }

    static void zscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        Args a = ctx.args();
        RespWriter out = ctx.out();
        OpStatus s = ZSetOps.check(ctx.reads(), ctx.db(), a.segment(), a.offset(1), a.length(1));
        if (s == OpStatus.NOT_FOUND) {
            ElementScan.emptyReply(out);
            return;
        }
        if (s != OpStatus.OK) {
            out.error(StatusErrors.text(s));
            return;
        }
        ElementScan.Options o = ElementScan.parse(ctx);
        if (o == null) {
            return;
        }
        // looked up (and counted) above already
        OpStatus r = ZSetOps.scan(KeyReads.DIRECT, ctx.db(), a.segment(), a.offset(1), a.length(1), o.cursor(), o.count(), o.pattern(), out);
        if (r != OpStatus.OK) {
            out.error(StatusErrors.text(r));
        }
    }

    // ---- ZUNION / ZINTER / ZDIFF -------------------------------------------------------------

    private static final class ZAlgebra extends KeyGather {
        private final Op op;
        private final boolean store;

        ZAlgebra(Op op, boolean store) {
            this.op = op;
            this.store = store;
        }

        private int numKeysArg() {
            return store ? 2 : 1;
        }

        @Override
        protected int[] sources(Args a) {
            int at = numKeysArg();
            if (!a.isLong(at)) {
                return null;
            }
            long n = a.parseLong(at);
            if (n < 1 || n > a.count() - at - 1) {
                return null;
            }
            int[] s = new int[(int) n];
            for (int i = 0; i < n; i++) {
                s[i] = at + 1 + i;
            }
            return s;
        }

        @Override
        protected String argumentError(Args a) {
            int at = numKeysArg();
            if (!a.isLong(at)) {
                return Errors.NOT_INTEGER;
            }
            if (a.parseLong(at) < 1) {
                return "ERR at least 1 input key is needed for '" + a.lower(0) + "' command";
            }
            return Errors.SYNTAX;
        }

        @Override
        protected int destination(Args a) {
            return store ? 1 : -1;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.ZSET || type == ValueType.SET;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            int at = numKeysArg();
            int n = values.length;
            if (KeySources.anyWrongType(values)) {
                return Outcome.error(Errors.WRONGTYPE); // Redis looks the keys up before the options
            }
            double[] weights = new double[n];
            Arrays.fill(weights, 1);
            int aggregate = ZSetAlgebra.SUM;
            boolean withScores = false;
            for (int i = at + 1 + n; i < a.count(); i++) {
                if (op != Op.DIFF && a.is(i, WEIGHTS) && i + n < a.count()) {
                    for (int w = 0; w < n; w++) {
                        weights[w] = TypedKeys.parseDouble(a, i + 1 + w);
                        if (Double.isNaN(weights[w])) {
                            return Outcome.error("ERR weight value is not a float");
                        }
                    }
                    i += n;
                } else if (op != Op.DIFF && a.is(i, AGGREGATE) && i + 1 < a.count()) {
                    i++;
                    if (a.is(i, SUM)) {
                        aggregate = ZSetAlgebra.SUM;
                    } else if (a.is(i, MIN)) {
                        aggregate = ZSetAlgebra.MIN;
                    } else if (a.is(i, MAX)) {
                        aggregate = ZSetAlgebra.MAX;
                    } else {
                        return Outcome.error(Errors.SYNTAX);
                    }
                } else if (!store && a.is(i, WITHSCORES)) {
                    withScores = true;
                } else {
                    return Outcome.error(Errors.SYNTAX);
                }
            }
            if (store) {
                ZSetOps.Limits limits = limits(server);
                int how = aggregate;
                return Outcome.storing((ks, seg, off, len, out) -> ZSetAlgebra.store(ks, seg, off, len, op, values, weights, how, limits, out));
            }
            RecordedReply reply = new RecordedReply(); // now: the sources may be live values
            return Outcome.reply(reply.reply(ZSetAlgebra.reply(op, values, weights, aggregate, withScores, reply)));
        }
    }

    private static final class ZInterCard extends KeyGather {
        @Override
        protected int[] sources(Args a) {
            return SetCommands.numKeys(a, 1);
        }

        @Override
        protected String argumentError(Args a) {
            // Redis' zunionInterDiffGenericCommand words these apart from SINTERCARD
            if (!a.isLong(1)) {
                return Errors.NOT_INTEGER;
            }
            return a.parseLong(1) < 1 ? "ERR at least 1 input key is needed for 'zintercard' command" : Errors.SYNTAX;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.ZSET || type == ValueType.SET;
        }

        @Override
        protected Outcome compute(ServerContext server, Args a, Object[] values) {
            if (KeySources.anyWrongType(values)) {
                return Outcome.error(Errors.WRONGTYPE); // Redis looks the keys up before the LIMIT
            }
            Object limitOrError = SetCommands.cardLimit(a, 2 + values.length);
            if (limitOrError instanceof String e) {
                return Outcome.error(e);
            }
            RecordedReply reply = new RecordedReply();
            OpStatus s = ZSetAlgebra.interCard(values, (Long) limitOrError, reply); // now: the sources may be live values
            return Outcome.reply(reply.reply(s));
        }
    }
}

package io.heliosdb.resp.zsets;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;
import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree.Node;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.sets.SetCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

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

    static void add(CommandContext ctx, ZSetValue z, ByteKey m, double score) {
        z.put(m, score);
        z.checkCompact((int) TypedKeys.limit(ctx, "zset-max-listpack-entries"), (int) TypedKeys.limit(ctx, "zset-max-listpack-value"),
                m.bytes.length);
    }

    static void writeScore(RespWriter w, double d) {
        w.doubleValue(d);
    }

    // ---- ZADD / ZINCRBY ---------------------------------------------------------------------

    static void zadd(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
        int i = 2;
        for (; i < a.count(); i++) {
            if (a.is(i, NX)) {
                nx = true;
            } else if (a.is(i, XX)) {
                xx = true;
            } else if (a.is(i, GT)) {
                gt = true;
            } else if (a.is(i, LT)) {
                lt = true;
            } else if (a.is(i, CH)) {
                ch = true;
            } else if (a.is(i, INCR)) {
                incr = true;
            } else {
                break;
            }
        }
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
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (xx) {
                if (incr) {
                    out.nullBulk();
                } else {
                    out.integer(0);
                }
                return;
            }
            e = TypedKeys.create(ctx, 1, ValueType.ZSET, new ZSetValue());
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        int maxEntries = (int) TypedKeys.limit(ctx, "zset-max-listpack-entries");
        int maxValue = (int) TypedKeys.limit(ctx, "zset-max-listpack-value");
        long added = 0, changed = 0;
        double incrResult = Double.NaN;
        boolean incrDone = false;
        for (int p = 0; p < scores.length; p++) {
            int arg = i + 2 * p + 1;
            double score = scores[p];
            int found = z.find(a.segment(), a.offset(arg), a.length(arg)); // no member copy unless it is new
            if (found >= 0) {
                double cur = z.scoreAt(found);
                if (nx) {
                    continue;
                }
                if (incr) {
                    score = cur + score;
                    if (Double.isNaN(score)) {
                        if (z.size() == 0) {
                            ctx.db().deleteEntry(e);
                        }
                        out.error("ERR resulting score is not a number (NaN)");
                        return;
                    }
                }
                if ((gt && score <= cur) || (lt && score >= cur)) {
                    continue;
                }
                if (score != cur) {
                    z.rescoreAt(found, score); // an existing member: no encoding change possible
                    changed++;
                }
                incrResult = score;
                incrDone = true;
            } else {
                if (xx) {
                    continue;
                }
                z.add(a.segment(), a.offset(arg), a.length(arg), score);
                z.checkCompact(maxEntries, maxValue, a.length(arg));
                added++;
                incrResult = score;
                incrDone = true;
            }
        }
        if (z.size() == 0) {
            ctx.db().deleteEntry(e);
        } else if (added + changed > 0) {
            ctx.db().objectChanged(e);
            if (added > 0) {
                BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
            }
        }
        if (incr) {
            if (incrDone) {
                writeScore(out, incrResult);
            } else {
                out.nullBulk();
            }
        } else {
            out.integer(ch ? added + changed : added);
        }
    }

    static void zincrby(CommandContext ctx) {
        Args a = ctx.args();
        // Redis runs ZINCRBY through ZADD's parser: an option word there leaves one lone element.
        String third = a.lower(2);
        if (third.equals("nx") || third.equals("xx") || third.equals("gt") || third.equals("lt") || third.equals("ch")
                || third.equals("incr")) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        double by = TypedKeys.parseDouble(a, 2);
        if (Double.isNaN(by)) {
            ctx.out().error(Errors.NOT_FLOAT);
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        boolean created = false;
        if (e == Keyspace.NONE) {
            e = TypedKeys.create(ctx, 1, ValueType.ZSET, new ZSetValue());
            created = true;
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        ByteKey m = TypedKeys.key(a, 3);
        Double cur = z.score(m);
        double score = cur == null ? by : cur + by;
        if (Double.isNaN(score)) {
            if (created) {
                ctx.db().deleteEntry(e);
            }
            ctx.out().error("ERR resulting score is not a number (NaN)");
            return;
        }
        add(ctx, z, m, score);
        ctx.db().objectChanged(e);
        BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        writeScore(ctx.out(), score);
    }

    // ---- reads --------------------------------------------------------------------------------

    static ZSetValue readable(CommandContext ctx, long e) {
        return e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
    }

    static void zscore(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
        Args a = ctx.args();
        int m = z == null ? -1 : z.find(a.segment(), a.offset(2), a.length(2));
        if (m < 0) {
            ctx.out().nullBulk();
        } else {
            writeScore(ctx.out(), z.scoreAt(m));
        }
    }

    static void zmscore(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = readable(ctx, e);
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            Double s = z == null ? null : z.score(TypedKeys.key(a, i));
            if (s == null) {
                ctx.out().nullBulk();
            } else {
                writeScore(ctx.out(), s);
            }
        }
    }

    private static final byte[] WITHSCORE = "withscore".getBytes();

    /** ZRANK / ZREVRANK key member [WITHSCORE] (the option is Redis 7.2's). */
    static void zrank(CommandContext ctx, boolean rev) {
        Args a = ctx.args();
        boolean withScore = false;
        if (a.count() == 4 && a.is(3, WITHSCORE)) {
            withScore = true;
        } else if (a.count() > 3) {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = readable(ctx, e);
        ByteKey m = TypedKeys.key(a, 2);
        long r = z == null ? -1 : z.rank(m);
        if (r < 0) {
            if (withScore) {
                ctx.out().nullArray();
            } else {
                ctx.out().nullBulk();
            }
            return;
        }
        long rank = rev ? z.size() - 1 - r : r;
        if (withScore) {
            ctx.out().array(2);
            ctx.out().integer(rank);
            writeScore(ctx.out(), z.score(m));
        } else {
            ctx.out().integer(rank);
        }
    }

    static void zcard(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ctx.out().integer(e == Keyspace.NONE ? 0 : TypedKeys.value(ctx, e).size());
    }

    static void zcount(CommandContext ctx) {
        Args a = ctx.args();
        ZTree.ScoreRange r = ZRanges.score(a.string(2), a.string(3));
        if (r == null) {
            ctx.out().error(Errors.MIN_MAX_NOT_FLOAT);
            return;
        }
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = readable(ctx, e);
        ctx.out().integer(z == null ? 0 : countScore(z, r));
    }

    static long countScore(ZSetValue z, ZTree.ScoreRange r) {
        Node first = z.list().firstInRange(r);
        if (first == null) {
            return 0;
        }
        Node last = z.list().lastInRange(r);
        return z.list().rank(last.score, last.member) - z.list().rank(first.score, first.member) + 1;
    }

    static void zlexcount(CommandContext ctx) {
        Args a = ctx.args();
        ZTree.LexRange r = ZRanges.lex(a.bytes(2), a.bytes(3));
        if (r == null) {
            ctx.out().error(Errors.MIN_MAX_NOT_LEX);
            return;
        }
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = readable(ctx, e);
        if (z == null) {
            ctx.out().integer(0);
            return;
        }
        if (z.compact()) {
            ctx.out().integer(ZRanges.byLex(z, r, false, 0, -1).size()); // a listpack is counted by walking it
            return;
        }
        Node first = z.list().firstInLex(r);
        if (first == null) {
            ctx.out().integer(0);
            return;
        }
        // Redis' arithmetic, which also defines the answer when scores differ (lex order undefined).
        long count = z.size() - (z.list().rank(first.score, first.member) - 1);
        Node last = z.list().lastInLex(r);
        if (last != null) {
            count -= z.size() - z.list().rank(last.score, last.member);
        }
        ctx.out().integer(count);
    }

    static void zrem(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        int removed = 0;
        for (int i = 2; i < a.count(); i++) {
            if (z.remove(TypedKeys.key(a, i))) {
                removed++;
            }
        }
        if (removed > 0) {
            TypedKeys.changed(ctx.db(), e);
        }
        ctx.out().integer(removed);
    }

    // ---- ranges -------------------------------------------------------------------------------

    enum Kind { ZRANGE, REVRANGE, BYSCORE, REVBYSCORE, BYLEX, REVBYLEX, STORE }

    /** A parsed range request; error != null when the arguments are bad. */
    record Spec(int type, boolean rev, boolean withScores, long offset, long limit, long start, long end,
                ZTree.ScoreRange score, ZTree.LexRange lex, String error) {
        static Spec error(String e) {
            return new Spec(0, false, false, 0, 0, 0, 0, null, null, e);
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
                return new Spec(0, rev, withScores, 0, -1, a.parseLong(keyArg + 1), a.parseLong(keyArg + 2), null, null, null);
            }
            case 1 -> {
                ZTree.ScoreRange r = ZRanges.score(a.string(minArg), a.string(maxArg));
                if (r == null) {
                    return Spec.error(Errors.MIN_MAX_NOT_FLOAT);
                }
                return new Spec(1, rev, withScores, offset, limit, 0, 0, r, null, null);
            }
            default -> {
                ZTree.LexRange r = ZRanges.lex(a.bytes(minArg), a.bytes(maxArg));
                if (r == null) {
                    return Spec.error(Errors.MIN_MAX_NOT_LEX);
                }
                return new Spec(2, rev, false, offset, limit, 0, 0, null, r, null);
            }
        }
    }

    static List<Node> select(ZSetValue z, Spec s) {
        return switch (s.type) {
            case 0 -> ZRanges.byRank(z, s.start, s.end, s.rev);
            case 1 -> ZRanges.byScore(z, s.score, s.rev, s.offset, s.limit);
            default -> ZRanges.byLex(z, s.lex, s.rev, s.offset, s.limit);
        };
    }

    static void range(CommandContext ctx, Kind kind) {
        Spec s = parse(ctx.args(), 1, kind);
        if (s.error != null) {
            ctx.out().error(s.error);
            return;
        }
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        ZSetValue z = readable(ctx, e);
        List<Node> nodes = z == null ? List.of() : select(z, s);
        writeNodes(ctx.out(), nodes, s.withScores);
    }

    /** Members, or member/score pairs (RESP3: an array of pairs, RESP2: flat). */
    static void writeNodes(RespWriter out, List<Node> nodes, boolean withScores) {
        List<Scored> items = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            items.add(new Scored(n.member, n.score));
        }
        writeScored(out, items, withScores);
    }

    /** Plain (member, score) pairs for replies computed away from the collection. */
    record Scored(ByteKey member, double score) {}

    static void writeScored(RespWriter out, List<Scored> items, boolean withScores) {
        if (!withScores) {
            out.array(items.size());
            for (Scored n : items) {
                out.bulk(n.member.bytes);
            }
            return;
        }
        if (out.resp3()) {
            out.array(items.size());
            for (Scored n : items) {
                out.array(2);
                out.bulk(n.member.bytes);
                writeScore(out, n.score);
            }
            return;
        }
        out.array(items.size() * 2);
        for (Scored n : items) {
            out.bulk(n.member.bytes);
            writeScore(out, n.score);
        }
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
        protected Outcome compute(Args a, Object[] values) {
            Spec s = parse(a, 2, Kind.STORE);
            if (s.error != null) {
                return Outcome.error(s.error);
            }
            if (values[0] == WRONG_TYPE) {
                return Outcome.error(Errors.WRONGTYPE);
            }
            ZSetValue result = new ZSetValue();
            if (values[0] != null) {
                for (Node n : select((ZSetValue) values[0], s)) {
                    result.put(n.member, n.score);
                }
            }
            compactFor(result);
            long n = result.size();
            return new Outcome(w -> w.integer(n), true, ValueType.ZSET, result);
        }
    }

    /** The encoding Redis would choose for a newly built set (default limits). */
    public static void compactFor(ZSetValue z) {
        boolean compact = z.size() <= 128;
        for (Node n = z.list().first(); n != null && compact; n = n.next()) {
            compact = n.member.bytes.length <= 64;
        }
        z.compact(false);
        z.compact(compact);
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
                s = new Spec(0, false, false, 0, -1, a.parseLong(2), a.parseLong(3), null, null, null);
            }
            case 1 -> {
                ZTree.ScoreRange r = ZRanges.score(a.string(2), a.string(3));
                if (r == null) {
                    ctx.out().error(Errors.MIN_MAX_NOT_FLOAT);
                    return;
                }
                s = new Spec(1, false, false, 0, -1, 0, 0, r, null, null);
            }
            default -> {
                ZTree.LexRange r = ZRanges.lex(a.bytes(2), a.bytes(3));
                if (r == null) {
                    ctx.out().error(Errors.MIN_MAX_NOT_LEX);
                    return;
                }
                s = new Spec(2, false, false, 0, -1, 0, 0, null, r, null);
            }
        }
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        List<Node> nodes;
        if (type == 2 && !z.compact()) {
            // Redis' skiplist delete-by-lex walks from the minimum without the end checks of a range read.
            nodes = new ArrayList<>();
            for (Node n = s.lex.empty() ? null : z.list().firstAtOrAboveMin(s.lex); n != null && s.lex.belowMax(n.member); n = n.next()) {
                nodes.add(n);
            }
        } else {
            nodes = select(z, s);
        }
        for (Node n : nodes) {
            z.remove(n.member);
        }
        if (!nodes.isEmpty()) {
            TypedKeys.changed(ctx.db(), e);
        }
        ctx.out().integer(nodes.size());
    }

    // ---- pops ---------------------------------------------------------------------------------

    static List<Scored> popFrom(ZSetValue z, boolean min, long count) {
        List<Scored> out = new ArrayList<>();
        while (out.size() < count && z.size() > 0) {
            Node n = min ? z.list().first() : z.list().last();
            out.add(new Scored(n.member, n.score));
            z.remove(n.member);
        }
        return out;
    }

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
        long e = TypedKeys.write(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE || count == 0) {
            out.array(0);
            return;
        }
        List<Scored> popped = popFrom(TypedKeys.value(ctx, e), min, count);
        TypedKeys.changed(ctx.db(), e);
        if (hasCount) {
            writeScored(out, popped, true);
        } else {
            out.array(2);
            out.bulk(popped.get(0).member.bytes);
            writeScore(out, popped.get(0).score);
        }
    }

    // ---- random, scan -------------------------------------------------------------------------

    static void zrandmember(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() == 2) {
            long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
            if (e == WRONG) {
                return;
            }
            if (e == Keyspace.NONE) {
                out.nullBulk();
                return;
            }
            ZSetValue z = TypedKeys.value(ctx, e);
            out.bulk(z.list().byRank(1 + ctx.shard().random().nextInt(z.size())).member.bytes);
            return;
        }
        TypedKeys.RandomCount rc = TypedKeys.RandomCount.parse(ctx, WITHSCORES);
        if (rc == null) {
            return;
        }
        long n = rc.count();
        boolean withScores = rc.withValues();
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE || n == 0) {
            out.array(0);
            return;
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        List<Scored> chosen = new ArrayList<>();
        if (n < 0) {
            for (long i = 0; i < -n; i++) {
                Node x = z.list().byRank(1 + ctx.shard().random().nextInt(z.size()));
                chosen.add(new Scored(x.member, x.score));
            }
        } else {
            for (Node x = z.list().first(); x != null; x = x.next()) {
                chosen.add(new Scored(x.member, x.score));
            }
            if (n < chosen.size()) {
                Collections.shuffle(chosen, new Random(ctx.shard().random().nextLong()));
                chosen = chosen.subList(0, (int) n);
            }
        }
        writeScored(out, chosen, withScores);
    }

    static void zscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        long e = TypedKeys.read(ctx, 1, ValueType.ZSET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ElementScan.emptyReply(ctx.out());
            return;
        }
        ElementScan.Options o = ElementScan.parse(ctx);
        if (o == null) {
            return;
        }
        ZSetValue z = TypedKeys.value(ctx, e);
        List<Node> all = new ArrayList<>(z.size());
        for (Node x = z.list().first(); x != null; x = x.next()) {
            all.add(x);
        }
        ElementScan.reply(ctx.out(), o, all, z.compact(), x -> x.member, 2, (w, x) -> {
            w.bulk(x.member.bytes);
            w.bulk(RespWriter.formatDouble(x.score));
        }, z.size());
    }

    // ---- ZUNION / ZINTER / ZDIFF -------------------------------------------------------------

    enum Op { UNION, INTER, DIFF }

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
        protected Outcome compute(Args a, Object[] values) {
            int at = numKeysArg();
            int n = values.length;
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE); // Redis looks the keys up before the options
                }
            }
            double[] weights = new double[n];
            Arrays.fill(weights, 1);
            int aggregate = 0; // 0 sum, 1 min, 2 max
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
                        aggregate = 0;
                    } else if (a.is(i, MIN)) {
                        aggregate = 1;
                    } else if (a.is(i, MAX)) {
                        aggregate = 2;
                    } else {
                        return Outcome.error(Errors.SYNTAX);
                    }
                } else if (!store && a.is(i, WITHSCORES)) {
                    withScores = true;
                } else {
                    return Outcome.error(Errors.SYNTAX);
                }
            }
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
            }
            ZSetValue result = combine(op, values, weights, aggregate);
            if (store) {
                compactFor(result);
                long size = result.size();
                return new Outcome(w -> w.integer(size), true, ValueType.ZSET, result);
            }
            List<Scored> items = new ArrayList<>();
            for (Node x = result.list().first(); x != null; x = x.next()) {
                items.add(new Scored(x.member, x.score));
            }
            boolean ws = withScores;
            return Outcome.reply(w -> writeScored(w, items, ws));
        }
    }

    /** member → score of a source (a plain set counts every member as 1). */
    static Map<ByteKey, Double> scoresOf(Object v) {
        Map<ByteKey, Double> m = new LinkedHashMap<>();
        if (v instanceof ZSetValue z) {
            for (Node x = z.list().first(); x != null; x = x.next()) {
                m.put(x.member, x.score);
            }
        } else if (v instanceof SetValue s) {
            for (ByteKey k : s.members()) {
                m.put(k, 1.0);
            }
        }
        return m;
    }

    private static double weighted(double score, double weight) {
        double r = score * weight;
        return Double.isNaN(r) ? 0 : r;
    }

    private static double aggregate(int how, double a, double b) {
        return switch (how) {
            case 1 -> b < a ? b : a; // C's comparison, not Math.min: -0 and 0 keep Redis' order
            case 2 -> b > a ? b : a;
            default -> {
                double r = a + b;
                yield Double.isNaN(r) ? 0 : r;
            }
        };
    }

    static ZSetValue combine(Op op, Object[] values, double[] weights, int how) {
        ZSetValue result = new ZSetValue();
        result.compact(false); // built as a skiplist, as Redis does; a stored result may become a listpack after
        List<Map<ByteKey, Double>> maps = new ArrayList<>();
        for (Object v : values) {
            maps.add(scoresOf(v));
        }
        switch (op) {
            case UNION -> {
                Map<ByteKey, Double> acc = new LinkedHashMap<>();
                for (int i = 0; i < maps.size(); i++) {
                    for (Map.Entry<ByteKey, Double> x : maps.get(i).entrySet()) {
                        double s = weighted(x.getValue(), weights[i]);
                        acc.merge(x.getKey(), s, (p, q) -> aggregate(how, p, q));
                    }
                }
                acc.forEach(result::put);
            }
            case INTER -> {
                for (Map<ByteKey, Double> m : maps) {
                    if (m.isEmpty()) {
                        return result;
                    }
                }
                // As Redis: the smallest input first (a stable sort by size), its weighted score cleared
                // of NaN; the others' weighted scores go into the aggregate as they are (inf * 0 there
                // makes a SUM NaN, hence 0).
                Integer[] order = new Integer[maps.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, Comparator.comparingInt(i -> maps.get(i).size()));
                outer:
                for (Map.Entry<ByteKey, Double> x : maps.get(order[0]).entrySet()) {
                    double s = weighted(x.getValue(), weights[order[0]]);
                    for (int k = 1; k < order.length; k++) {
                        Double o = maps.get(order[k]).get(x.getKey());
                        if (o == null) {
                            continue outer;
                        }
                        s = aggregate(how, s, o * weights[order[k]]);
                    }
                    result.put(x.getKey(), s);
                }
            }
            case DIFF -> {
                outer:
                for (Map.Entry<ByteKey, Double> x : maps.get(0).entrySet()) {
                    for (int i = 1; i < maps.size(); i++) {
                        if (maps.get(i).containsKey(x.getKey())) {
                            continue outer;
                        }
                    }
                    result.put(x.getKey(), x.getValue());
                }
            }
        }
        return result;
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
        protected Outcome compute(Args a, Object[] values) {
            int n = values.length;
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
            }
            Object limitOrError = SetCommands.cardLimit(a, 2 + n);
            if (limitOrError instanceof String e) {
                return Outcome.error(e);
            }
            long limit = (Long) limitOrError;
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
            }
            double[] w = new double[n];
            Arrays.fill(w, 1);
            long card = combine(Op.INTER, values, w, 0).size();
            long r = limit > 0 ? Math.min(card, limit) : card;
            return Outcome.reply(x -> x.integer(r));
        }
    }
}

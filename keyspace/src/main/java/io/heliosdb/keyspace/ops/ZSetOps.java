package io.heliosdb.keyspace.ops;

import static io.heliosdb.keyspace.ops.TypedEntries.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.RedisDoubles;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.collection.ZTree.Node;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Operations on sorted sets (Redis' t_zset.c), on the shard that owns the key. A missing key reads
 * as an empty set; a set left empty is deleted. Members given by the request are (segment, offset,
 * length) views, copied only when they are stored. Waking blocked clients after an add is the
 * caller's.
 */
public final class ZSetOps {
    /** ZADD flags. */
    public static final int NX = 1, XX = 2, GT = 4, LT = 8, CH = 16, INCR = 32;

    /**
     * No count given (ZPOPMIN/ZPOPMAX: one flat member/score pair; ZRANDMEMBER: one member): a value
     * no count can have, as ZRANDMEMBER's counts may be negative.
     */
    public static final long SINGLE = Long.MIN_VALUE;

    /** Listpack limits (zset-max-listpack-entries / -value) for a set that grows. */
    public record Limits(int maxEntries, int maxValue) {}

    /**
     * A range request: by rank ({@code start..end}), score or lex, optionally reversed, after
     * skipping {@code offset} and at most {@code limit} (-1 = all) of a score or lex range.
     */
    public record Range(int by, boolean rev, boolean withScores, long offset, long limit, long start, long end,
            ZTree.ScoreRange score, ZTree.LexRange lex) {
        public static final int BY_RANK = 0, BY_SCORE = 1, BY_LEX = 2;
    }

    private ZSetOps() {}

    private static ZSetValue value(Keyspace ks, long e) {
        return (ZSetValue) ks.object(e);
    }

    // ---- adds -----------------------------------------------------------------------------------

    /**
     * ZADD with {@code flags} (NX, XX, GT, LT, CH, INCR; their combinations already validated),
     * member i at {@code mSeg[mOff[i], mOff[i] + mLen[i])} with {@code scores[i]}. The count added (CH:
     * added or changed), or with INCR the new score; NOT_FOUND with XX on a missing key (nothing
     * written), NOT_APPLIED with INCR when nothing was done, NAN_OR_INFINITY when INCR would make the
     * score NaN.
     */
    public static OpStatus zadd(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, int flags, double[] scores,
            MemorySegment mSeg, long[] mOff, int[] mLen, Limits limits, ValueSink out) {
        boolean nx = (flags & NX) != 0, xx = (flags & XX) != 0, gt = (flags & GT) != 0, lt = (flags & LT) != 0;
        boolean incr = (flags & INCR) != 0;
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            if (xx) {
                return OpStatus.NOT_FOUND;
            }
            e = ks.putObject(kSeg, kOff, kLen, ValueType.ZSET, new ZSetValue(), 0);
        }
        ZSetValue z = value(ks, e);
        long added = 0, changed = 0;
        double incrResult = Double.NaN;
        boolean incrDone = false;
        for (int p = 0; p < scores.length; p++) {
            double score = scores[p];
            int found = z.find(mSeg, mOff[p], mLen[p]); // no member copy unless it is new
            if (found >= 0) {
                double cur = z.scoreAt(found);
                if (nx) {
                    continue;
                }
                if (incr) {
                    score = cur + score;
                    if (Double.isNaN(score)) {
                        if (z.size() == 0) {
                            ks.deleteEntry(e);
                        }
                        return OpStatus.NAN_OR_INFINITY;
                    }
                }
                if ((gt && score <= cur) || (lt && score >= cur)) {
                    continue;
                }
                if (score != cur) {
                    z.rescoreAt(found, score); // an existing member: no encoding change possible
                    changed++;
                }
            } else {
                if (xx) {
                    continue;
                }
                z.add(mSeg, mOff[p], mLen[p], score);
                z.checkCompact(limits.maxEntries(), limits.maxValue(), mLen[p]);
                added++;
            }
            incrResult = score;
            incrDone = true;
        }
        if (z.size() == 0) {
            ks.deleteEntry(e);
        } else if (added + changed > 0) {
            ks.objectChanged(e);
        }
        if (!incr) {
            out.integer((flags & CH) != 0 ? added + changed : added);
            return OpStatus.OK;
        }
        if (!incrDone) {
            return OpStatus.NOT_APPLIED;
        }
        out.doubleValue(incrResult);
        return OpStatus.OK;
    }

    /** ZINCRBY: the new score; NAN_OR_INFINITY when it would be NaN (nothing changed). */
    public static OpStatus zincrby(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, double by, MemorySegment mSeg, long mOff,
            int mLen, Limits limits, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        boolean created = false;
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.ZSET, new ZSetValue(), 0);
            created = true;
        }
        ZSetValue z = value(ks, e);
        ByteKey m = member(mSeg, mOff, mLen);
        Double cur = z.score(m);
        double score = cur == null ? by : cur + by;
        if (Double.isNaN(score)) {
            if (created) {
                ks.deleteEntry(e);
            }
            return OpStatus.NAN_OR_INFINITY;
        }
        z.put(m, score);
        z.checkCompact(limits.maxEntries(), limits.maxValue(), mLen);
        ks.objectChanged(e);
        out.doubleValue(score);
        return OpStatus.OK;
    }

    private static ByteKey member(MemorySegment seg, long off, int len) {
        return new ByteKey(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
    }

    // ---- reads ----------------------------------------------------------------------------------

    /** ZSCORE: the score; NOT_FOUND when the key or the member is missing. */
    public static OpStatus zscore(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg, long mOff,
            int mLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ZSetValue z = value(ks, e);
        int m = z.find(mSeg, mOff, mLen);
        if (m < 0) {
            return OpStatus.NOT_FOUND;
        }
        out.doubleValue(z.scoreAt(m));
        return OpStatus.OK;
    }

    /** ZMSCORE: an array of the members' scores, nil for a missing one. */
    public static OpStatus zmscore(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg,
            long[] mOff, int[] mLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        ZSetValue z = e == Keyspace.NONE ? null : value(ks, e);
        out.array(mOff.length);
        for (int i = 0; i < mOff.length; i++) {
            int m = z == null ? -1 : z.find(mSeg, mOff[i], mLen[i]);
            if (m < 0) {
                out.nullBulk();
            } else {
                out.doubleValue(z.scoreAt(m));
            }
        }
        return OpStatus.OK;
    }

    /** ZRANK/ZREVRANK: the rank, or with {@code withScore} [rank, score]; NOT_FOUND when key or member is missing. */
    public static OpStatus zrank(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg, long mOff,
            int mLen, boolean rev, boolean withScore, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ZSetValue z = value(ks, e);
        ByteKey m = member(mSeg, mOff, mLen);
        long r = z.rank(m);
        if (r < 0) {
            return OpStatus.NOT_FOUND;
        }
        long rank = rev ? z.size() - 1 - r : r;
        if (withScore) {
            out.array(2);
            out.integer(rank);
            out.doubleValue(z.score(m));
        } else {
            out.integer(rank);
        }
        return OpStatus.OK;
    }

    /** Whether the key holds a sorted set: OK, NOT_FOUND or WRONGTYPE (ZSCAN looks before it reads its options). */
    public static OpStatus check(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        return e == WRONG ? OpStatus.WRONGTYPE : e == Keyspace.NONE ? OpStatus.NOT_FOUND : OpStatus.OK;
    }

    /**
     * ZSCAN: one step from {@code cursor} ({@link CollectionScan#step}): member, then its score as
     * Redis writes it (a string in every protocol); a missing key scans as empty. WRONGTYPE.
     */
    public static OpStatus scan(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long cursor, int count,
            byte[] pattern, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            CollectionScan.empty(out);
            return OpStatus.OK;
        }
        ZSetValue z = (ZSetValue) ks.object(e);
        List<Node> all = new ArrayList<>(z.size());
        for (Node x = z.list().first(); x != null; x = x.next()) {
            all.add(x);
        }
        CollectionScan.step(out, cursor, count, pattern, all, z.compact(), x -> x.member, 2, (w, x) -> {
            w.bulk(x.member.bytes);
            w.bulk(RedisDoubles.format(x.score).getBytes(StandardCharsets.US_ASCII));
        }, z.size());
        return OpStatus.OK;
    }

    /** ZCARD: the number of members (0 for a missing key). */
    public static OpStatus zcard(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ks.object(e).size());
        return OpStatus.OK;
    }

    /** ZCOUNT: how many scores are in {@code r}. */
    public static OpStatus zcount(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ZTree.ScoreRange r,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ZSetRanges.countScore(value(ks, e), r));
        return OpStatus.OK;
    }

    /** ZLEXCOUNT: how many members are in {@code r}. */
    public static OpStatus zlexcount(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ZTree.LexRange r,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ZSetRanges.countLex(value(ks, e), r));
        return OpStatus.OK;
    }

    /** ZRANGE and its older forms: the members of {@code r}, with their scores as pairs when asked. */
    public static OpStatus range(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, Range r, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        writeNodes(e == Keyspace.NONE ? List.of() : ZSetRanges.select(value(ks, e), r), r.withScores(), out);
        return OpStatus.OK;
    }

    /**
     * ZRANGESTORE: the members of a gathered source ({@link KeySources}: null = missing) in {@code r},
     * stored at the key as a new set in the encoding {@code limits} allow, replacing it (deleting it
     * when nothing is in range); their count to {@code out}. WRONGTYPE (nothing stored) when the
     * source is of another type.
     */
    public static OpStatus rangeStore(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, Object source, Range r, Limits limits,
            ValueSink out) {
        if (source == KeySources.WRONG_TYPE) {
            return OpStatus.WRONGTYPE;
        }
        ZSetValue result = new ZSetValue();
        if (source != null) {
            for (Node n : ZSetRanges.select((ZSetValue) source, r)) {
                result.put(n.member, n.score);
            }
        }
        ZSetAlgebra.compactFor(result, limits);
        KeySources.storeCollection(ks, kSeg, kOff, kLen, ValueType.ZSET, result);
        out.integer(result.size());
        return OpStatus.OK;
    }

    /** Members, or (member, score) pairs. */
    public static void writeNodes(List<Node> nodes, boolean withScores, ValueSink out) {
        if (!withScores) {
            out.array(nodes.size());
            for (Node n : nodes) {
                out.bulk(n.member.bytes);
            }
            return;
        }
        out.pairs(nodes.size());
        for (Node n : nodes) {
            out.pair();
            out.bulk(n.member.bytes);
            out.doubleValue(n.score);
        }
    }

    /**
     * ZRANDMEMBER: with {@code count} {@link #SINGLE} one member (NOT_FOUND for a missing key); else
     * {@code count} ≥ 0 distinct members (at most all), or -count picks that may repeat, with their
     * scores as pairs when asked.
     */
    public static OpStatus randomMembers(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long count,
            boolean withScores, RandomGenerator random, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (count == SINGLE) {
            if (e == Keyspace.NONE) {
                return OpStatus.NOT_FOUND;
            }
            ZSetValue z = value(ks, e);
            out.bulk(z.list().byRank(1 + random.nextInt(z.size())).member.bytes);
            return OpStatus.OK;
        }
        if (e == Keyspace.NONE || count == 0) {
            out.array(0);
            return OpStatus.OK;
        }
        ZSetValue z = value(ks, e);
        List<Node> chosen = new ArrayList<>();
        if (count < 0) {
            for (long i = 0; i < -count; i++) {
                chosen.add(z.list().byRank(1 + random.nextInt(z.size())));
            }
        } else {
            for (Node x = z.list().first(); x != null; x = x.next()) {
                chosen.add(x);
            }
            if (count < chosen.size()) {
                Collections.shuffle(chosen, new Random(random.nextLong()));
                chosen = chosen.subList(0, (int) count);
            }
        }
        writeNodes(chosen, withScores, out);
        return OpStatus.OK;
    }

    // ---- removals -------------------------------------------------------------------------------

    /** ZREM: how many of the members were removed. */
    public static OpStatus zrem(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg, long[] mOff, int[] mLen,
            ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.integer(0);
            return OpStatus.OK;
        }
        ZSetValue z = value(ks, e);
        int removed = 0;
        for (int i = 0; i < mOff.length; i++) {
            if (z.remove(member(mSeg, mOff[i], mLen[i]))) {
                removed++;
            }
        }
        if (removed > 0) {
            TypedEntries.changed(ks, e);
        }
        out.integer(removed);
        return OpStatus.OK;
    }

    /** ZREMRANGEBYRANK/SCORE/LEX: how many members of {@code r} were removed. */
    public static OpStatus removeRange(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, Range r, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.integer(0);
            return OpStatus.OK;
        }
        ZSetValue z = value(ks, e);
        List<Node> nodes;
        if (r.by() == Range.BY_LEX && !z.compact()) {
            // Redis' skiplist delete-by-lex walks from the minimum without the end checks of a range read.
            nodes = new ArrayList<>();
            ZTree.LexRange lex = r.lex();
            for (Node n = lex.empty() ? null : z.list().firstAtOrAboveMin(lex); n != null && lex.belowMax(n.member); n = n.next()) {
                nodes.add(n);
            }
        } else {
            nodes = ZSetRanges.select(z, r);
        }
        for (Node n : nodes) {
            z.remove(n.member);
        }
        if (!nodes.isEmpty()) {
            TypedEntries.changed(ks, e);
        }
        out.integer(nodes.size());
        return OpStatus.OK;
    }

    /**
     * ZPOPMIN/ZPOPMAX: with {@code count} {@link #SINGLE} one flat [member, score], else up to
     * {@code count} pairs (an empty array for a missing key either way).
     */
    public static OpStatus pop(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean min, long count, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE || count == 0) {
            out.array(0);
            return OpStatus.OK;
        }
        List<Node> popped = popFrom(value(ks, e), min, count == SINGLE ? 1 : count);
        TypedEntries.changed(ks, e);
        if (count == SINGLE) {
            out.array(2);
            out.bulk(popped.get(0).member.bytes);
            out.doubleValue(popped.get(0).score);
        } else {
            writeNodes(popped, true, out);
        }
        return OpStatus.OK;
    }

    /**
     * Removes up to {@code count} lowest ({@code min}) or highest members of a sorted-set key (a
     * blocking pop's serve, replied later; a node's member and score stay valid); null when the key
     * is missing or not a sorted set.
     */
    public static List<Node> popMany(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean min, long count) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.ZSET);
        if (e == WRONG || e == Keyspace.NONE) {
            return null;
        }
        List<Node> popped = popFrom(value(ks, e), min, count);
        TypedEntries.changed(ks, e);
        return popped;
    }

    private static List<Node> popFrom(ZSetValue z, boolean min, long count) {
        List<Node> out = new ArrayList<>();
        while (out.size() < count && z.size() > 0) {
            Node n = min ? z.list().first() : z.list().last();
            out.add(n);
            z.remove(n.member);
        }
        return out;
    }
}

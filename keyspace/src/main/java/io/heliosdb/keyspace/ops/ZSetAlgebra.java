package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree.Node;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sorted-set algebra (Redis' zunionInterDiffGenericCommand) over sources gathered from their shards. */
public final class ZSetAlgebra {
    public enum Op { UNION, INTER, DIFF }

    /** AGGREGATE SUM, MIN, MAX. */
    public static final int SUM = 0, MIN = 1, MAX = 2;

    private ZSetAlgebra() {}

    /** member → score of a source (a plain set counts every member as 1). */
    private static Map<ByteKey, Double> scoresOf(Object v) {
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
            case MIN -> b < a ? b : a; // C's comparison, not Math.min: -0 and 0 keep Redis' order
            case MAX -> b > a ? b : a;
            default -> {
                double r = a + b;
                yield Double.isNaN(r) ? 0 : r;
            }
        };
    }

    /**
     * ZUNION/ZINTER/ZDIFF over gathered sources (a {@link ZSetValue}, a {@link SetValue} whose members
     * score 1, or null for a missing key): {@code weights} per source, {@code how} 0 SUM, 1 MIN, 2 MAX.
     */
    public static ZSetValue combine(Op op, Object[] values, double[] weights, int how) {
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

    /**
     * ZUNION, ZINTER, ZDIFF: {@link #combine}'s members by rank (with their scores when
     * {@code withScores}) to {@code out}; WRONGTYPE when a source is {@link KeySources#WRONG_TYPE}.
     */
    public static OpStatus reply(Op op, Object[] sources, double[] weights, int how, boolean withScores, ValueSink out) {
        if (KeySources.anyWrongType(sources)) {
            return OpStatus.WRONGTYPE;
        }
        ZSetOps.writeNodes(ZSetRanges.byRank(combine(op, sources, weights, how), 0, -1, false), withScores, out);
        return OpStatus.OK;
    }

    /**
     * ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE: {@link #combine} stored at the key in the encoding
     * Redis' zsetConvertToListpackIfNeeded picks under {@code limits}, replacing it (deleting it when
     * the result is empty); the result's size to {@code out}. WRONGTYPE (nothing stored) when a
     * source is {@link KeySources#WRONG_TYPE}.
     */
    public static OpStatus store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, Op op, Object[] sources, double[] weights, int how,
            ZSetOps.Limits limits, ValueSink out) {
        if (KeySources.anyWrongType(sources)) {
            return OpStatus.WRONGTYPE;
        }
        ZSetValue result = combine(op, sources, weights, how); // built before the store: the destination may be a source
        compactFor(result, limits);
        KeySources.storeCollection(ks, kSeg, kOff, kLen, ValueType.ZSET, result);
        out.integer(result.size());
        return OpStatus.OK;
    }

    /** ZINTERCARD: the size of the sources' intersection, at most {@code limit} unless 0, to {@code out}; WRONGTYPE. */
    public static OpStatus interCard(Object[] sources, long limit, ValueSink out) {
        if (KeySources.anyWrongType(sources)) {
            return OpStatus.WRONGTYPE;
        }
        double[] w = new double[sources.length];
        Arrays.fill(w, 1);
        long card = combine(Op.INTER, sources, w, SUM).size();
        out.integer(limit > 0 ? Math.min(card, limit) : card);
        return OpStatus.OK;
    }

    /** The encoding Redis picks for a newly built set: a listpack while within {@code limits}, else a skiplist. */
    public static void compactFor(ZSetValue z, ZSetOps.Limits limits) {
        boolean compact = z.size() <= limits.maxEntries();
        for (Node n = z.list().first(); n != null && compact; n = n.next()) {
            compact = n.member.bytes.length <= limits.maxValue();
        }
        z.compact(false);
        z.compact(compact);
    }
}

package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.collection.ZTree.Node;
import java.util.ArrayList;
import java.util.List;

/** Selection of sorted-set ranges by rank, score and lex, as Redis' t_zset.c walks them. */
public final class ZSetRanges {
    private ZSetRanges() {}

    /** Nodes in a score range, forward or reverse, after skipping {@code offset}, at most {@code limit} (-1 = all). */
    public static List<Node> byScore(ZSetValue z, ZTree.ScoreRange r, boolean rev, long offset, long limit) {
        List<Node> out = new ArrayList<>();
        if (offset < 0) {
            return out;
        }
        Node n = rev ? z.list().lastInRange(r) : z.list().firstInRange(r);
        while (n != null && offset > 0) {
            n = rev ? n.previous() : n.next();
            offset--;
        }
        while (n != null && limit != 0) {
            if (rev ? !r.aboveMin(n.score) : !r.belowMax(n.score)) {
                break;
            }
            out.add(n);
            limit--;
            n = rev ? n.previous() : n.next();
        }
        return out;
    }

    public static List<Node> byLex(ZSetValue z, ZTree.LexRange r, boolean rev, long offset, long limit) {
        List<Node> out = new ArrayList<>();
        if (offset < 0) {
            return out;
        }
        Node n = rev ? lastInLex(z, r) : firstInLex(z, r);
        while (n != null && offset > 0) {
            n = rev ? n.previous() : n.next();
            offset--;
        }
        while (n != null && limit != 0) {
            if (rev ? !r.aboveMin(n.member) : !r.belowMax(n.member)) {
                break;
            }
            out.add(n);
            limit--;
            n = rev ? n.previous() : n.next();
        }
        return out;
    }

    /**
     * The first element of a lex range. Lex ranges assume equal scores; when they are not, Redis'
     * answer depends on its encoding (a listpack is searched from the head, a skiplist by descent),
     * so a small set is searched the same way here.
     */
    public static Node firstInLex(ZSetValue z, ZTree.LexRange r) {
        if (!z.compact() || !z.list().mayContain(r)) {
            return z.list().firstInLex(r);
        }
        for (Node n = z.list().first(); n != null; n = n.next()) {
            if (r.aboveMin(n.member)) {
                return r.belowMax(n.member) ? n : null;
            }
        }
        return null;
    }

    public static Node lastInLex(ZSetValue z, ZTree.LexRange r) {
        if (!z.compact() || !z.list().mayContain(r)) {
            return z.list().lastInLex(r);
        }
        for (Node n = z.list().last(); n != null; n = n.previous()) {
            if (r.belowMax(n.member)) {
                return r.aboveMin(n.member) ? n : null;
            }
        }
        return null;
    }

    /** Nodes by rank range (Redis' start/stop rules). */
    public static List<Node> byRank(ZSetValue z, long start, long end, boolean rev) {
        long size = z.size();
        List<Node> out = new ArrayList<>();
        long from = ListOps.rangeStart(start, end, size);
        if (from < 0) {
            return out;
        }
        long n = ListOps.rangeEnd(end, size) - from + 1;
        Node x = rev ? z.list().byRank(size - from) : z.list().byRank(from + 1);
        for (long i = 0; i < n && x != null; i++) {
            out.add(x);
            x = rev ? x.previous() : x.next();
        }
        return out;
    }

    /** The members of {@code z} in {@code r}. */
    public static List<Node> select(ZSetValue z, ZSetOps.Range r) {
        return switch (r.by()) {
            case ZSetOps.Range.BY_RANK -> byRank(z, r.start(), r.end(), r.rev());
            case ZSetOps.Range.BY_SCORE -> byScore(z, r.score(), r.rev(), r.offset(), r.limit());
            default -> byLex(z, r.lex(), r.rev(), r.offset(), r.limit());
        };
    }

    /** How many members have a score in {@code r}. */
    public static long countScore(ZSetValue z, ZTree.ScoreRange r) {
        Node first = z.list().firstInRange(r);
        if (first == null) {
            return 0;
        }
        Node last = z.list().lastInRange(r);
        return z.list().rank(last.score, last.member) - z.list().rank(first.score, first.member) + 1;
    }

    /** How many members are in lex range {@code r} (Redis' arithmetic, which also defines it when scores differ). */
    public static long countLex(ZSetValue z, ZTree.LexRange r) {
        if (z.compact()) {
            return byLex(z, r, false, 0, -1).size(); // a listpack is counted by walking it
        }
        Node first = z.list().firstInLex(r);
        if (first == null) {
            return 0;
        }
        long count = z.size() - (z.list().rank(first.score, first.member) - 1);
        Node last = z.list().lastInLex(r);
        if (last != null) {
            count -= z.size() - z.list().rank(last.score, last.member);
        }
        return count;
    }
}

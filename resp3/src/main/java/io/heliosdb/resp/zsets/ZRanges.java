package io.heliosdb.resp.zsets;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.collection.ZTree.Node;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.lists.ListCommands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parsing of score and lex bounds and selection of ranges, as Redis' t_zset.c does them. */
final class ZRanges {
    private ZRanges() {}

    /** "(1.5", "1.5", "-inf", "+inf" read by strtod as zslParseRange does (" 2" and "" are numbers); null when invalid. */
    static ZTree.ScoreRange score(String min, String max) {
        boolean minEx = min.startsWith("(");
        boolean maxEx = max.startsWith("(");
        double lo = TypedKeys.strtod(minEx ? min.substring(1) : min);
        double hi = TypedKeys.strtod(maxEx ? max.substring(1) : max);
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            return null;
        }
        return new ZTree.ScoreRange(lo, minEx, hi, maxEx);
    }

    /** "[a", "(a", "-", "+"; null when invalid. */
    static ZTree.LexRange lex(byte[] min, byte[] max) {
        Object[] lo = lexItem(min);
        Object[] hi = lexItem(max);
        if (lo == null || hi == null) {
            return null;
        }
        // lexItem: {key or null, exclusive, kind} kind 0 = value, 1 = "-", 2 = "+"
        int loKind = (Integer) lo[2];
        int hiKind = (Integer) hi[2];
        return new ZTree.LexRange((ByteKey) lo[0], (Boolean) lo[1], (ByteKey) hi[0], (Boolean) hi[1],
                loKind == 1, hiKind == 2);
    }

    private static Object[] lexItem(byte[] b) {
        if (b.length == 1 && b[0] == '-') {
            return new Object[]{null, false, 1};
        }
        if (b.length == 1 && b[0] == '+') {
            return new Object[]{null, false, 2};
        }
        if (b.length >= 1 && (b[0] == '(' || b[0] == '[')) {
            return new Object[]{new ByteKey(Arrays.copyOfRange(b, 1, b.length)), b[0] == '(', 0};
        }
        return null;
    }

    /** Nodes in a score range, forward or reverse, after skipping {@code offset}, at most {@code limit} (-1 = all). */
    static List<Node> byScore(ZSetValue z, ZTree.ScoreRange r, boolean rev, long offset, long limit) {
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

    static List<Node> byLex(ZSetValue z, ZTree.LexRange r, boolean rev, long offset, long limit) {
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
    static Node firstInLex(ZSetValue z, ZTree.LexRange r) {
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

    static Node lastInLex(ZSetValue z, ZTree.LexRange r) {
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
    static List<Node> byRank(ZSetValue z, long start, long end, boolean rev) {
        long size = z.size();
        List<Node> out = new ArrayList<>();
        long[] r = ListCommands.range(start, end, size);
        if (r == null) {
            return out;
        }
        long n = r[1] - r[0] + 1;
        Node x = rev ? z.list().byRank(size - r[0]) : z.list().byRank(r[0] + 1);
        for (long i = 0; i < n && x != null; i++) {
            out.add(x);
            x = rev ? x.previous() : x.next();
        }
        return out;
    }
}

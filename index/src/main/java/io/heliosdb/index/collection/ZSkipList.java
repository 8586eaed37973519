package io.heliosdb.index.collection;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis' zskiplist: members ordered by (score, member bytes), each forward link knowing how many
 * elements it spans, so rank and by-rank lookups are O(log n) like range seeks.
 */
public final class ZSkipList {
    static final int MAX_LEVEL = 32;

    /**
     * One element. The two lowest levels' links live in the node itself (three nodes in four have
     * one level, 15 in 16 at most two), so a search mostly touches one object per hop, as Redis'
     * node with its inline level array does; higher levels use an overflow array.
     */
    public static final class Node {
        public final ByteKey member;
        /** Changed only by {@link ZSkipList#updateScore}, which keeps the order. */
        public double score;
        Node backward;
        private Node f0;
        private Node f1;
        private long s0;
        private long s1;
        private final Node[] fUp;
        private final long[] sUp;
        final byte level;

        Node(int level, double score, ByteKey member) {
            this.member = member;
            this.score = score;
            this.level = (byte) level;
            this.fUp = level > 2 ? new Node[level - 2] : null;
            this.sUp = level > 2 ? new long[level - 2] : null;
        }

        Node fwd(int i) {
            return i == 0 ? f0 : i == 1 ? f1 : fUp[i - 2];
        }

        void fwd(int i, Node n) {
            if (i == 0) {
                f0 = n;
            } else if (i == 1) {
                f1 = n;
            } else {
                fUp[i - 2] = n;
            }
        }

        long span(int i) {
            return i == 0 ? s0 : i == 1 ? s1 : sUp[i - 2];
        }

        void span(int i, long v) {
            if (i == 0) {
                s0 = v;
            } else if (i == 1) {
                s1 = v;
            } else {
                sUp[i - 2] = v;
            }
        }

        public Node next() {
            return f0;
        }

        public Node previous() {
            return backward;
        }
    }

    private final Node header = new Node(MAX_LEVEL, 0, null);
    private Node tail;
    private int level = 1;
    private long length;

    public long length() {
        return length;
    }

    public Node first() {
        return header.fwd(0);
    }

    public Node last() {
        return tail;
    }

    private static int randomLevel() {
        int l = 1;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (l < MAX_LEVEL && (r.nextInt() & 0xFFFF) < 0xFFFF / 4) {
            l++;
        }
        return l;
    }

    private static boolean before(Node n, double score, ByteKey member) {
        return n.score < score || (n.score == score && n.member.compareTo(member) < 0);
    }

    /** Search paths of insert/delete, per thread (a shard's thread owns its sets), so updates allocate only the node. */
    private static final ThreadLocal<Node[]> UPDATE = ThreadLocal.withInitial(() -> new Node[MAX_LEVEL]);
    private static final ThreadLocal<long[]> RANK = ThreadLocal.withInitial(() -> new long[MAX_LEVEL]);

    public Node insert(double score, ByteKey member) {
        return link(score, member, null);
    }

    /**
     * Moves an element to a new score, reusing its node (Redis' zslUpdateScore): in place when the
     * order does not change, else unlinked and linked again at its new position.
     */
    public Node updateScore(Node n, double newScore) {
        Node next = n.f0;
        if ((n.backward == null || n.backward.score < newScore || (n.backward.score == newScore && n.backward.member.compareTo(n.member) < 0))
                && (next == null || next.score > newScore || (next.score == newScore && next.member.compareTo(n.member) > 0))) {
            n.score = newScore;
            return n;
        }
        delete(n.score, n.member);
        n.score = newScore;
        return link(newScore, n.member, n);
    }

    private Node link(double score, ByteKey member, Node reuse) {
        Node[] update = UPDATE.get();
        long[] rank = RANK.get();
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.fwd(i) != null && before(x.fwd(i), score, member)) {
                rank[i] += x.span(i);
                x = x.fwd(i);
            }
            update[i] = x;
        }
        int lvl = reuse == null ? randomLevel() : reuse.level;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span(i, length);
            }
            level = lvl;
        }
        x = reuse != null ? reuse : new Node(lvl, score, member);
        for (int i = 0; i < lvl; i++) {
            x.fwd(i, update[i].fwd(i));
            update[i].fwd(i, x);
            x.span(i, update[i].span(i) - (rank[0] - rank[i]));
            update[i].span(i, (rank[0] - rank[i]) + 1);
        }
        for (int i = lvl; i < level; i++) {
            update[i].span(i, update[i].span(i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.fwd(0) != null) {
            x.fwd(0).backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    public boolean delete(double score, ByteKey member) {
        Node[] update = UPDATE.get();
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && before(x.fwd(i), score, member)) {
                x = x.fwd(i);
            }
            update[i] = x;
        }
        x = x.fwd(0);
        if (x == null || x.score != score || !x.member.equals(member)) {
            return false;
        }
        for (int i = 0; i < level; i++) {
            if (update[i].fwd(i) == x) {
                update[i].span(i, update[i].span(i) + x.span(i) - 1);
                update[i].fwd(i, x.fwd(i));
            } else {
                update[i].span(i, update[i].span(i) - 1);
            }
        }
        if (x.fwd(0) != null) {
            x.fwd(0).backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.fwd(level - 1) == null) {
            level--;
        }
        length--;
        return true;
    }

    /** 1-based rank of the element, 0 if absent. */
    public long rank(double score, ByteKey member) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && (before(x.fwd(i), score, member)
                    || (x.fwd(i).score == score && x.fwd(i).member.equals(member)))) {
                rank += x.span(i);
                x = x.fwd(i);
            }
            if (x.member != null && x.score == score && x.member.equals(member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The element at 1-based rank, or null. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && traversed + x.span(i) <= rank) {
                traversed += x.span(i);
                x = x.fwd(i);
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    /** Score bounds; exclusive flags as in "(1.5". */
    public record ScoreRange(double min, boolean minEx, double max, boolean maxEx) {
        public boolean aboveMin(double v) {
            return minEx ? v > min : v >= min;
        }

        public boolean belowMax(double v) {
            return maxEx ? v < max : v <= max;
        }

        public boolean empty() {
            return min > max || (min == max && (minEx || maxEx));
        }
    }

    /** Lex bounds: null min = "-", null max = "+" (unbounded). */
    public record LexRange(ByteKey min, boolean minEx, ByteKey max, boolean maxEx, boolean minInf, boolean maxInf) {
        public boolean aboveMin(ByteKey v) {
            if (minInf) {
                return true;
            }
            if (min == null) {
                return false; // "+" as the minimum
            }
            int c = v.compareTo(min);
            return minEx ? c > 0 : c >= 0;
        }

        /** Redis' sdscmplex of the bounds: the range is empty when min &gt; max (or equal and exclusive). */
        public boolean empty() {
            int lo = minInf ? -1 : min == null ? 1 : 0;
            int hi = maxInf ? 1 : max == null ? -1 : 0;
            int cmp = lo != 0 || hi != 0 ? Integer.compare(lo, hi) : min.compareTo(max);
            if (lo == hi && lo != 0) {
                cmp = 0;
            }
            return cmp > 0 || (cmp == 0 && (minEx || maxEx));
        }

        public boolean belowMax(ByteKey v) {
            if (maxInf) {
                return true;
            }
            if (max == null) {
                return false; // "-" as the maximum
            }
            int c = v.compareTo(max);
            return maxEx ? c < 0 : c <= 0;
        }
    }

    public Node firstInRange(ScoreRange r) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && !r.aboveMin(x.fwd(i).score)) {
                x = x.fwd(i);
            }
        }
        x = x.fwd(0);
        return x != null && r.belowMax(x.score) ? x : null;
    }

    public Node lastInRange(ScoreRange r) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && r.belowMax(x.fwd(i).score)) {
                x = x.fwd(i);
            }
        }
        return x != header && r.aboveMin(x.score) ? x : null;
    }

    /** Redis' zslIsInLexRange: false when no element can be in the range (checked on the ends only). */
    public boolean mayContain(LexRange r) {
        if (r.empty() || tail == null) {
            return false;
        }
        return r.aboveMin(tail.member) && r.belowMax(header.fwd(0).member);
    }

    public Node firstInLex(LexRange r) {
        if (!mayContain(r)) {
            return null;
        }
        return firstAtOrAboveMin(r);
    }

    /** The first element not below the range's minimum, by descent, without Redis' end checks (ZREMRANGEBYLEX). */
    public Node firstAtOrAboveMin(LexRange r) {
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && !r.aboveMin(x.fwd(i).member)) {
                x = x.fwd(i);
            }
        }
        x = x.fwd(0);
        return x != null && r.belowMax(x.member) ? x : null;
    }

    public Node lastInLex(LexRange r) {
        if (!mayContain(r)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && r.belowMax(x.fwd(i).member)) {
                x = x.fwd(i);
            }
        }
        return x != header && r.aboveMin(x.member) ? x : null;
    }
}

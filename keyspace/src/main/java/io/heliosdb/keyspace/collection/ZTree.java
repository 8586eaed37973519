package io.heliosdb.keyspace.collection;

import java.util.Arrays;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;

/**
 * The order of a sorted set: an order-statistic B+tree of (score, member) with no Java object per
 * element. Leaves hold up to {@value #LEAF_CAP} scores and member ids (entries of the set's
 * {@link PackedDict}, where the member bytes live) and are linked both ways; inner nodes hold each
 * child's element count (O(log n) rank and by-rank) and a copy of its smallest key at the time it
 * was split off: every key in child k is at least that separator, every key in child k-1 below it.
 *
 * <p>Compared with Redis' skiplist the same operations touch a handful of contiguous arrays per
 * level instead of one node per hop. Scores compare as C doubles ({@code -0.0 == 0.0}), ties by
 * unsigned member bytes, as Redis' zslInsert does.
 */
public final class ZTree {
    static final int LEAF_CAP = 64;
    static final int INNER_CAP = 32;
    /** A node with fewer elements is merged into a neighbour that has room. */
    private static final int LEAF_MIN = LEAF_CAP / 4;
    private static final int INNER_MIN = INNER_CAP / 4;

    private static final class Leaf {
        final double[] scores = new double[LEAF_CAP];
        final int[] ids = new int[LEAF_CAP];
        int count;
        Leaf prev;
        Leaf next;
    }

    private static final class Inner {
        final Object[] kids = new Object[INNER_CAP];
        final int[] counts = new int[INNER_CAP];
        /** Separator of kids[k] for k &ge; 1 (index 0 unused). */
        final double[] sepScore = new double[INNER_CAP];
        final byte[][] sepMember = new byte[INNER_CAP][];
        int n;
    }

    /**
     * A position in the order, made on demand (not stored): valid until the set changes.
     */
    public final class Node {
        public final ByteKey member;
        public final double score;
        private final Leaf leaf;
        private final int index;

        private Node(Leaf leaf, int index) {
            this.leaf = leaf;
            this.index = index;
            this.score = leaf.scores[index];
            this.member = new ByteKey(dict.key(leaf.ids[index]));
        }

        public Node next() {
            return after(leaf, index);
        }

        public Node previous() {
            return before(leaf, index);
        }
    }

    private final PackedDict dict;
    private Object root = new Leaf();
    private Leaf head;
    private Leaf tail;
    private int length;
    private int leaves = 1;
    private int inners;

    /** Promoted separator of the last split (set by {@link #insert(Object, double, byte[], int)}). */
    private double upScore;
    private byte[] upMember;

    ZTree(PackedDict dict) {
        this.dict = dict;
        head = tail = (Leaf) root;
    }

    public long length() {
        return length;
    }

    public Node first() {
        return length == 0 ? null : new Node(head, 0);
    }

    public Node last() {
        return length == 0 ? null : new Node(tail, tail.count - 1);
    }

    private Node after(Leaf l, int i) {
        if (i + 1 < l.count) {
            return new Node(l, i + 1);
        }
        return l.next == null ? null : new Node(l.next, 0);
    }

    private Node before(Leaf l, int i) {
        if (i > 0) {
            return new Node(l, i - 1);
        }
        return l.prev == null ? null : new Node(l.prev, l.prev.count - 1);
    }

    /** Heap bytes of the tree's nodes (the members are counted by the dict). */
    long memoryBytes() {
        return 48 + leaves * (48L + 16 + 8L * LEAF_CAP + 16 + 4L * LEAF_CAP)
                + inners * (32L + 4 * (16 + 8L * INNER_CAP)) + 0;
    }

    // --- comparisons ---------------------------------------------------------------------------

    /** A separator against (s, member of entry m). */
    private int compare(double sepScore, byte[] sepMember, double s, int m) {
        if (sepScore < s) {
            return -1;
        }
        if (sepScore > s) {
            return 1;
        }
        return -Integer.signum(dict.compareKey(m, sepMember));
    }

    /** Entry i of a leaf against (s, member of entry m). */
    private int compare(Leaf l, int i, double s, int m) {
        double x = l.scores[i];
        if (x < s) {
            return -1;
        }
        if (x > s) {
            return 1;
        }
        return l.ids[i] == m ? 0 : dict.compareKeys(l.ids[i], m);
    }

    /** The child of an inner node that holds (s, m): the last k whose separator is &le; the key. */
    private int child(Inner in, double s, int m) {
        int lo = 1;
        int hi = in.n - 1;
        int k = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(in.sepScore[mid], in.sepMember[mid], s, m) <= 0) {
                k = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return k;
    }

    /** First index in the leaf whose entry is &ge; (s, m). */
    private int lowerBound(Leaf l, double s, int m) {
        int lo = 0;
        int hi = l.count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(l, mid, s, m) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int size(Object node) {
        if (node instanceof Leaf l) {
            return l.count;
        }
        Inner in = (Inner) node;
        int sum = 0;
        for (int k = 0; k < in.n; k++) {
            sum += in.counts[k];
        }
        return sum;
    }

    // --- insert --------------------------------------------------------------------------------

    /**
     * Adds dict entry {@code id} (already in the dict: searches compare members there) at
     * {@code score}; the pair must be absent.
     */
    void insert(double score, int id) {
        Object right = insert(root, score, id);
        if (right != null) {
            Inner r = new Inner();
            inners++;
            r.kids[0] = root;
            r.counts[0] = size(root);
            r.kids[1] = right;
            r.counts[1] = size(right);
            r.sepScore[1] = upScore;
            r.sepMember[1] = upMember;
            r.n = 2;
            root = r;
        }
        length++;
    }

    /** Inserts below {@code node}; returns a new right sibling when the node split (its separator in up*). */
    private Object insert(Object node, double s, int id) {
        if (node instanceof Leaf l) {
            return insertInLeaf(l, lowerBound(l, s, id), s, id);
        }
        Inner in = (Inner) node;
        int k = child(in, s, id);
        Object right = insert(in.kids[k], s, id);
        if (right == null) {
            in.counts[k]++;
            return null;
        }
        in.counts[k] = size(in.kids[k]);
        return insertChild(in, k + 1, right, size(right), upScore, upMember);
    }

    private Leaf insertInLeaf(Leaf l, int pos, double s, int id) {
        if (l.count < LEAF_CAP) {
            shiftIn(l, pos, s, id);
            return null;
        }
        Leaf r = new Leaf();
        leaves++;
        r.prev = l;
        r.next = l.next;
        if (l.next != null) {
            l.next.prev = r;
        } else {
            tail = r;
        }
        l.next = r;
        if (pos == LEAF_CAP && r.next == null) {
            // appending past the last element (rising scores): keep the full leaf full
            shiftIn(r, 0, s, id);
        } else {
            int half = LEAF_CAP / 2;
            System.arraycopy(l.scores, half, r.scores, 0, LEAF_CAP - half);
            System.arraycopy(l.ids, half, r.ids, 0, LEAF_CAP - half);
            r.count = LEAF_CAP - half;
            l.count = half;
            if (pos <= half) {
                shiftIn(l, pos, s, id);
            } else {
                shiftIn(r, pos - half, s, id);
            }
        }
        upScore = r.scores[0];
        upMember = dict.key(r.ids[0]);
        return r;
    }

    private static void shiftIn(Leaf l, int pos, double s, int id) {
        System.arraycopy(l.scores, pos, l.scores, pos + 1, l.count - pos);
        System.arraycopy(l.ids, pos, l.ids, pos + 1, l.count - pos);
        l.scores[pos] = s;
        l.ids[pos] = id;
        l.count++;
    }

    /** Puts a child at position k of an inner node, splitting the node when full. */
    private Inner insertChild(Inner in, int k, Object kid, int count, double sepS, byte[] sepM) {
        if (in.n < INNER_CAP) {
            placeChild(in, k, kid, count, sepS, sepM);
            return null;
        }
        Inner r = new Inner();
        inners++;
        int half = INNER_CAP / 2;
        int moved = INNER_CAP - half;
        System.arraycopy(in.kids, half, r.kids, 0, moved);
        System.arraycopy(in.counts, half, r.counts, 0, moved);
        System.arraycopy(in.sepScore, half, r.sepScore, 0, moved);
        System.arraycopy(in.sepMember, half, r.sepMember, 0, moved);
        Arrays.fill(in.kids, half, INNER_CAP, null);
        Arrays.fill(in.sepMember, half, INNER_CAP, null);
        in.n = half;
        r.n = moved;
        double promotedS = r.sepScore[0];
        byte[] promotedM = r.sepMember[0];
        if (k <= half) {
            placeChild(in, k, kid, count, sepS, sepM);
        } else {
            placeChild(r, k - half, kid, count, sepS, sepM);
        }
        // r's first separator moves up: it is r's lower bound in the parent (k == half puts the new
        // child at the end of the left node, so r still starts with the old kids[half])
        upScore = promotedS;
        upMember = promotedM;
        r.sepMember[0] = null;
        return r;
    }

    private static void placeChild(Inner in, int k, Object kid, int count, double sepS, byte[] sepM) {
        int tailN = in.n - k;
        System.arraycopy(in.kids, k, in.kids, k + 1, tailN);
        System.arraycopy(in.counts, k, in.counts, k + 1, tailN);
        System.arraycopy(in.sepScore, k, in.sepScore, k + 1, tailN);
        System.arraycopy(in.sepMember, k, in.sepMember, k + 1, tailN);
        in.kids[k] = kid;
        in.counts[k] = count;
        in.sepScore[k] = sepS;
        in.sepMember[k] = sepM;
        in.n++;
    }

    // --- delete --------------------------------------------------------------------------------

    /** Removes (score, member of dict entry id); false when absent. */
    boolean delete(double score, int id) {
        if (!delete(root, score, id)) {
            return false;
        }
        length--;
        if (length == 0) {
            root = head = tail = new Leaf();
            leaves = 1;
            inners = 0;
            return true;
        }
        while (root instanceof Inner in && in.n == 1) {
            root = in.kids[0];
            inners--;
        }
        return true;
    }

    private boolean delete(Object node, double s, int m) {
        if (node instanceof Leaf l) {
            int i = lowerBound(l, s, m);
            if (i == l.count || compare(l, i, s, m) != 0) {
                return false;
            }
            System.arraycopy(l.scores, i + 1, l.scores, i, l.count - i - 1);
            System.arraycopy(l.ids, i + 1, l.ids, i, l.count - i - 1);
            l.count--;
            return true;
        }
        Inner in = (Inner) node;
        int k = child(in, s, m);
        if (!delete(in.kids[k], s, m)) {
            return false;
        }
        in.counts[k]--;
        rebalance(in, k);
        return true;
    }

    /** After a removal below child k: drops it when empty, merges it into a neighbour when small. */
    private void rebalance(Inner in, int k) {
        Object kid = in.kids[k];
        int count = in.counts[k];
        if (count == 0) {
            if (kid instanceof Leaf l) {
                unlink(l);
            } else {
                inners--;
            }
            removeChild(in, k);
            return;
        }
        boolean small = kid instanceof Leaf l ? l.count < LEAF_MIN : ((Inner) kid).n < INNER_MIN;
        if (!small || in.n < 2) {
            return;
        }
        int left = k > 0 ? k - 1 : k;
        int right = left + 1;
        if (merge(in.kids[left], in.kids[right], in.sepScore[right], in.sepMember[right])) {
            in.counts[left] += in.counts[right];
            removeChild(in, right);
        }
    }

    /** Moves all of b into a when it fits (b follows a; sep is b's separator). */
    private boolean merge(Object a, Object b, double sepS, byte[] sepM) {
        if (a instanceof Leaf la) {
            Leaf lb = (Leaf) b;
            if (la.count + lb.count > LEAF_CAP) {
                return false;
            }
            System.arraycopy(lb.scores, 0, la.scores, la.count, lb.count);
            System.arraycopy(lb.ids, 0, la.ids, la.count, lb.count);
            la.count += lb.count;
            unlink(lb);
            return true;
        }
        Inner ia = (Inner) a;
        Inner ib = (Inner) b;
        if (ia.n + ib.n > INNER_CAP) {
            return false;
        }
        System.arraycopy(ib.kids, 0, ia.kids, ia.n, ib.n);
        System.arraycopy(ib.counts, 0, ia.counts, ia.n, ib.n);
        System.arraycopy(ib.sepScore, 0, ia.sepScore, ia.n, ib.n);
        System.arraycopy(ib.sepMember, 0, ia.sepMember, ia.n, ib.n);
        ia.sepScore[ia.n] = sepS; // b's first child is bounded below by b's separator
        ia.sepMember[ia.n] = sepM;
        ia.n += ib.n;
        inners--;
        return true;
    }

    private void unlink(Leaf l) {
        if (l.prev != null) {
            l.prev.next = l.next;
        } else {
            head = l.next;
        }
        if (l.next != null) {
            l.next.prev = l.prev;
        } else {
            tail = l.prev;
        }
        leaves--;
    }

    private static void removeChild(Inner in, int k) {
        int tailN = in.n - k - 1;
        System.arraycopy(in.kids, k + 1, in.kids, k, tailN);
        System.arraycopy(in.counts, k + 1, in.counts, k, tailN);
        System.arraycopy(in.sepScore, k + 1, in.sepScore, k, tailN);
        System.arraycopy(in.sepMember, k + 1, in.sepMember, k, tailN);
        in.n--;
        in.kids[in.n] = null;
        in.sepMember[in.n] = null;
        in.sepMember[0] = null;
    }

    // --- lookups -------------------------------------------------------------------------------

    private Leaf foundLeaf;
    private int foundIndex;

    /** Finds (s, m) into foundLeaf/foundIndex; returns its 1-based rank or 0 when absent. */
    private long locate(double s, int m) {
        long rank = 0;
        Object x = root;
        while (x instanceof Inner in) {
            int k = child(in, s, m);
            for (int j = 0; j < k; j++) {
                rank += in.counts[j];
            }
            x = in.kids[k];
        }
        Leaf l = (Leaf) x;
        int i = lowerBound(l, s, m);
        if (i == l.count || compare(l, i, s, m) != 0) {
            return 0;
        }
        foundLeaf = l;
        foundIndex = i;
        return rank + i + 1;
    }

    /** Points an element at a new member id (its dict entry moved). */
    void renumber(double score, int oldId, int id) {
        long r = locate(score, oldId);
        assert r > 0 : "renumbered element missing";
        foundLeaf.ids[foundIndex] = id;
    }

    /**
     * Moves an element to a new score: in place when it keeps its position inside its leaf (as
     * Redis' zslUpdateScore), else removed and inserted again.
     */
    void rescore(double old, int id, double score) {
        long r = locate(old, id);
        assert r > 0 : "rescored element missing";
        Leaf l = foundLeaf;
        int i = foundIndex;
        if (i > 0 && i < l.count - 1
                && compare(l, i - 1, score, id) < 0 && compare(l, i + 1, score, id) > 0) {
            l.scores[i] = score;
            return;
        }
        delete(old, id);
        insert(score, id);
    }

    /** 1-based rank of the element, 0 if absent. */
    public long rank(double score, ByteKey member) {
        int id = dict.find(member.bytes, PackedDict.hash(member));
        return id < 0 ? 0 : locate(score, id);
    }

    /** 1-based rank of dict entry {@code id} at {@code score}, 0 if absent. */
    long rankOf(double score, int id) {
        return locate(score, id);
    }

    /** The element at 1-based rank, or null. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        long r = rank - 1;
        Object x = root;
        while (x instanceof Inner in) {
            int k = 0;
            while (r >= in.counts[k]) {
                r -= in.counts[k];
                k++;
            }
            x = in.kids[k];
        }
        return new Node((Leaf) x, (int) r);
    }

    /** Replaces -0 scores by 0 (the order is unchanged: they compare equal). */
    void normalizeZeros() {
        for (Leaf l = head; l != null; l = l.next) {
            for (int i = 0; i < l.count; i++) {
                if (l.scores[i] == 0.0) {
                    l.scores[i] = 0.0;
                }
            }
        }
    }

    /** Every element in order as (score, id). */
    void forEach(IdVisitor v) {
        for (Leaf l = head; l != null; l = l.next) {
            for (int i = 0; i < l.count; i++) {
                v.visit(l.scores[i], l.ids[i]);
            }
        }
    }

    interface IdVisitor {
        void visit(double score, int id);
    }

    // --- monotone seeks ------------------------------------------------------------------------

    /**
     * The first element for which {@code p} holds, for a predicate that is false then true along the
     * order (null when it never holds). Separators are keys, so they answer it too.
     */
    private Node firstWhere(DoublePredicate onScore, Predicate<ByteKey> onMember) {
        Object x = root;
        while (x instanceof Inner in) {
            int lo = 1;
            int hi = in.n - 1;
            int k = 0;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                boolean holds = onScore != null ? onScore.test(in.sepScore[mid]) : onMember.test(new ByteKey(in.sepMember[mid]));
                if (!holds) {
                    k = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            x = in.kids[k];
        }
        Leaf l = (Leaf) x;
        int lo = 0;
        int hi = l.count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            boolean holds = onScore != null ? onScore.test(l.scores[mid]) : onMember.test(new ByteKey(dict.key(l.ids[mid])));
            if (holds) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if (lo < l.count) {
            return new Node(l, lo);
        }
        return l.next == null ? null : new Node(l.next, 0);
    }

    /** The last element before the first one where {@code p} holds (the last where it does not). */
    private Node lastBefore(DoublePredicate onScore, Predicate<ByteKey> onMember) {
        Node n = firstWhere(onScore, onMember);
        return n == null ? last() : n.previous();
    }

    public Node firstInRange(ScoreRange r) {
        Node x = firstWhere(r::aboveMin, null);
        return x != null && r.belowMax(x.score) ? x : null;
    }

    public Node lastInRange(ScoreRange r) {
        Node x = lastBefore(v -> !r.belowMax(v), null);
        return x != null && r.aboveMin(x.score) ? x : null;
    }

    /** Redis' zslIsInLexRange: false when no element can be in the range (checked on the ends only). */
    public boolean mayContain(LexRange r) {
        if (r.empty() || length == 0) {
            return false;
        }
        return r.aboveMin(last().member) && r.belowMax(first().member);
    }

    public Node firstInLex(LexRange r) {
        if (!mayContain(r)) {
            return null;
        }
        return firstAtOrAboveMin(r);
    }

    /** The first element not below the range's minimum, by descent, without Redis' end checks (ZREMRANGEBYLEX). */
    public Node firstAtOrAboveMin(LexRange r) {
        Node x = firstWhere(null, r::aboveMin);
        return x != null && r.belowMax(x.member) ? x : null;
    }

    public Node lastInLex(LexRange r) {
        if (!mayContain(r)) {
            return null;
        }
        Node x = lastBefore(null, v -> !r.belowMax(v));
        return x != null && r.aboveMin(x.member) ? x : null;
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
}

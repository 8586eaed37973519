package io.heliosdb.keyspace.collection;

import java.lang.foreign.MemorySegment;
import java.util.function.BiConsumer;

/**
 * A Redis sorted set: members and their scores in a {@link PackedDict} (score as the 8-byte value),
 * ordered by a {@link ZTree} for rank and ranges; no Java object per member.
 * {@link #compact} mirrors Redis' listpack/skiplist encoding choice.
 */
public final class ZSetValue extends Versioned {
    private final PackedDict dict;
    private final ZTree tree;
    private boolean compact = true;

    public ZSetValue() {
        this.dict = new PackedDict();
        this.tree = new ZTree(dict);
    }

    /** The member's entry (for {@link #scoreAt}/{@link #rescoreAt}), or -1: one lookup for read-then-write commands. */
    public int find(ByteKey m) {
        return dict.find(m.bytes, PackedDict.hash(m));
    }

    /** The entry of a member given in a request's segment (no copy), or -1. */
    public int find(MemorySegment seg, long off, int len) {
        return dict.find(seg, off, len, PackedDict.hash(seg, off, len));
    }

    public double scoreAt(int e) {
        return Double.longBitsToDouble(dict.valueLong(e));
    }

    public Double score(ByteKey m) {
        int e = find(m);
        return e < 0 ? null : scoreAt(e);
    }

    /** Moves a member found with {@link #find} to a new score, without looking it up again. */
    public void rescoreAt(int e, double score) {
        if (compact && score == 0.0) {
            score = 0.0; // a listpack stores an integral score as an integer: Redis loses the sign of -0 there
        }
        double old = scoreAt(e);
        if (old == score) {
            return; // as Redis' zsetAdd: -0 and 0 are the same score
        }
        if (journal() != null) {
            journal(dict.key(e), scoreBytes(score));
        }
        tree.rescore(old, e, score);
        dict.setValueLong(e, Double.doubleToRawLongBits(score));
    }

    /** Adds a member given in a request's segment (known to be absent): copies it only into the dict. */
    public void add(MemorySegment seg, long off, int len, double score) {
        if (compact && score == 0.0) {
            score = 0.0;
        }
        int e = dict.insertLong(seg, off, len, PackedDict.hash(seg, off, len), Double.doubleToRawLongBits(score));
        if (journal() != null) {
            journal(dict.key(e), scoreBytes(score));
        }
        tree.insert(score, e);
    }

    /** Adds or moves a member; true when it was new. */
    public boolean put(ByteKey m, double score) {
        int h = PackedDict.hash(m);
        int e = dict.find(m.bytes, h);
        if (e >= 0) {
            rescoreAt(e, score);
            return false;
        }
        if (compact && score == 0.0) {
            score = 0.0;
        }
        journal(m.bytes, scoreBytes(score));
        e = dict.insert(m.bytes, h, scoreBytes(score));
        tree.insert(score, e);
        return true;
    }

    public boolean remove(ByteKey m) {
        int e = find(m);
        if (e < 0) {
            return false;
        }
        boolean deleted = tree.delete(scoreAt(e), e);
        assert deleted : "member missing from the order";
        int last = dict.size() - 1;
        if (e != last) {
            // the dict moves its last entry into the hole: the tree must follow it
            tree.renumber(scoreAt(last), last, e);
        }
        dict.remove(e, false);
        journal(m.bytes, null);
        return true;
    }

    public ZTree list() {
        return tree;
    }

    /** 0-based rank, or -1. */
    public long rank(ByteKey m) {
        int e = find(m);
        return e < 0 ? -1 : tree.rankOf(scoreAt(e), e) - 1;
    }

    public boolean compact() {
        return compact;
    }

    public void checkCompact(int maxEntries, int maxValue, int memberLen) {
        if (compact && (dict.size() > maxEntries || memberLen > maxValue)) {
            compact = false;
        }
    }

    public void compact(boolean c) {
        if (c && !compact) {
            // -0 becomes 0 in a listpack, as above
            tree.normalizeZeros();
            for (int e = 0; e < dict.size(); e++) {
                if (scoreAt(e) == 0.0) {
                    dict.setValueLong(e, 0L);
                }
            }
        }
        compact = c;
    }

    @Override
    public long memoryBytes() {
        return 32 + dict.memoryBytes() + tree.memoryBytes();
    }

    @Override
    public int size() {
        return dict.size();
    }

    private static byte[] scoreBytes(double d) {
        long bits = Double.doubleToRawLongBits(d);
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (bits >>> (56 - 8 * i));
        }
        return b;
    }

    @Override
    public void forEachElement(BiConsumer<byte[], byte[]> element) {
        tree.forEach((score, id) -> element.accept(dict.key(id), scoreBytes(score)));
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (value[i] & 0xFF);
        }
        put(new ByteKey(member), Double.longBitsToDouble(bits));
    }

    @Override
    public ZSetValue copy() {
        ZSetValue z = new ZSetValue();
        z.compact = compact;
        tree.forEach((score, id) -> z.put(new ByteKey(dict.key(id)), score));
        return z;
    }
}

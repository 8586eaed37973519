package io.heliosdb.index.collection;

import java.util.HashMap;

/**
 * A Redis sorted set: member → score map plus a {@link ZSkipList} for order, rank and ranges.
 * {@link #compact} mirrors Redis' listpack/skiplist encoding choice.
 */
public final class ZSetValue extends Versioned {
    private final HashMap<ByteKey, ZSkipList.Node> nodes = new HashMap<>();
    private final ZSkipList list = new ZSkipList();
    private boolean compact = true;
    private long bytes = 96;

    public Double score(ByteKey m) {
        ZSkipList.Node n = nodes.get(m);
        return n == null ? null : n.score;
    }

    /** The member's node (its score is {@code node.score}), or null: one lookup for read-then-write commands. */
    public ZSkipList.Node node(ByteKey m) {
        return nodes.get(m);
    }

    /** Moves a member found with {@link #node} to a new score, without looking it up again. */
    public void rescore(ZSkipList.Node n, double score) {
        if (compact && score == 0.0) {
            score = 0.0;
        }
        if (n.score == score) {
            return;
        }
        if (journal() != null) {
            journal(n.member.bytes, scoreBytes(score));
        }
        list.updateScore(n, score);
    }

    /** Adds or moves a member; true when it was new. */
    public boolean put(ByteKey m, double score) {
        if (compact && score == 0.0) {
            score = 0.0; // a listpack stores an integral score as an integer: Redis loses the sign of -0 there
        }
        ZSkipList.Node n = nodes.get(m);
        if (n != null && n.score == score) {
            return false;
        }
        if (journal() != null) {
            journal(m.bytes, scoreBytes(score));
        }
        if (n != null) {
            list.updateScore(n, score);
            return false;
        }
        nodes.put(m, list.insert(score, m));
        bytes += ByteKey.overhead(m.bytes.length) + 48 + 80;
        return true;
    }

    public boolean remove(ByteKey m) {
        ZSkipList.Node n = nodes.remove(m);
        if (n == null) {
            return false;
        }
        list.delete(n.score, n.member);
        journal(m.bytes, null);
        bytes -= ByteKey.overhead(m.bytes.length) + 48 + 80;
        return true;
    }

    public ZSkipList list() {
        return list;
    }

    /** 0-based rank, or -1. */
    public long rank(ByteKey m) {
        ZSkipList.Node n = nodes.get(m);
        return n == null ? -1 : list.rank(n.score, n.member) - 1;
    }

    public boolean compact() {
        return compact;
    }

    public void checkCompact(int maxEntries, int maxValue, int memberLen) {
        if (compact && (nodes.size() > maxEntries || memberLen > maxValue)) {
            compact = false;
        }
    }

    public void compact(boolean c) {
        if (c && !compact) {
            for (ZSkipList.Node n = list.first(); n != null; n = n.next()) {
                if (n.score == 0.0) {
                    n.score = 0.0; // -0 becomes 0 in a listpack, as above
                }
            }
        }
        compact = c;
    }

    @Override
    public long memoryBytes() {
        return bytes;
    }

    @Override
    public int size() {
        return nodes.size();
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
    public void forEachElement(java.util.function.BiConsumer<byte[], byte[]> element) {
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) {
            element.accept(n.member.bytes, scoreBytes(n.score));
        }
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
        for (ZSkipList.Node n = list.first(); n != null; n = n.next()) {
            z.put(n.member, n.score);
        }
        z.compact = compact;
        return z;
    }
}

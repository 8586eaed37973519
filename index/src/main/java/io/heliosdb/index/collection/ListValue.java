package io.heliosdb.index.collection;

import java.util.Arrays;

/**
 * A Redis list: a growable ring of elements, O(1) at both ends and by index. Each element also
 * carries a sequence number that orders it (pushes at the head count down, at the tail up,
 * inserts take a number between their neighbours), so that a large list is persisted element by
 * element: an element's record key is its sequence number.
 */
public final class ListValue extends Versioned {
    /** Gap between the sequence numbers of pushed elements, leaving room for inserts in between. */
    private static final long STEP = 1L << 20;

    private byte[][] ring = new byte[8][];
    private long[] seqs = new long[8];
    private int head;
    private int size;
    private long bytes = 64;

    @Override
    public int size() {
        return size;
    }

    private int slot(int index) {
        return (head + index) & (ring.length - 1);
    }

    public byte[] get(int index) {
        assert index >= 0 && index < size;
        return ring[slot(index)];
    }

    private long seq(int index) {
        return seqs[slot(index)];
    }

    public void set(int index, byte[] v) {
        int i = slot(index);
        bytes += v.length - ring[i].length;
        ring[i] = v;
        journal(seqKey(seqs[i]), v);
    }

    private void grow() {
        if (size == ring.length) {
            resize(ring.length * 2);
        }
    }

    private void resize(int capacity) {
        byte[][] n = new byte[capacity][];
        long[] ns = new long[capacity];
        for (int i = 0; i < size; i++) {
            n[i] = get(i);
            ns[i] = seq(i);
        }
        ring = n;
        seqs = ns;
        head = 0;
    }

    public void addFirst(byte[] v) {
        long s = size == 0 ? 0 : seq(0) - STEP;
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = v;
        seqs[head] = s;
        size++;
        bytes += 24 + v.length;
        journal(seqKey(s), v);
    }

    public void addLast(byte[] v) {
        long s = size == 0 ? 0 : seq(size - 1) + STEP;
        grow();
        int i = slot(size);
        ring[i] = v;
        seqs[i] = s;
        size++;
        bytes += 24 + v.length;
        journal(seqKey(s), v);
    }

    public byte[] removeFirst() {
        byte[] v = ring[head];
        journal(seqKey(seqs[head]), null);
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        bytes -= 24 + v.length;
        shrink();
        return v;
    }

    public byte[] removeLast() {
        int i = slot(size - 1);
        byte[] v = ring[i];
        journal(seqKey(seqs[i]), null);
        ring[i] = null;
        size--;
        bytes -= 24 + v.length;
        shrink();
        return v;
    }

    /** Inserts before position {@code index} (0..size). */
    public void insert(int index, byte[] v) {
        if (index == 0) {
            addFirst(v);
            return;
        }
        if (index == size) {
            addLast(v);
            return;
        }
        long before = seq(index - 1);
        long after = seq(index);
        grow();
        for (int i = size; i > index; i--) {
            ring[slot(i)] = get(i - 1);
            seqs[slot(i)] = seq(i - 1);
        }
        size++;
        bytes += 24 + v.length;
        ring[slot(index)] = v;
        if (after - before > 1) {
            long s = before + (after - before) / 2;
            seqs[slot(index)] = s;
            journal(seqKey(s), v);
        } else {
            renumber(); // no room between the neighbours: new numbers for all, stored whole
        }
    }

    private void renumber() {
        for (int i = 0; i < size; i++) {
            seqs[slot(i)] = i * STEP;
        }
        journalOverflow();
    }

    public byte[] remove(int index) {
        if (index == 0) {
            return removeFirst();
        }
        byte[] v = get(index);
        journal(seqKey(seq(index)), null);
        for (int i = index; i < size - 1; i++) {
            ring[slot(i)] = get(i + 1);
            seqs[slot(i)] = seq(i + 1);
        }
        ring[slot(size - 1)] = null;
        size--;
        bytes -= 24 + v.length;
        shrink();
        return v;
    }

    /** Keeps only [start, end] (inclusive, valid indexes, start &lt;= end). */
    public void trim(int start, int end) {
        for (int i = 0; i < start; i++) {
            journal(seqKey(seq(i)), null);
        }
        for (int i = end + 1; i < size; i++) {
            journal(seqKey(seq(i)), null);
        }
        int n = end - start + 1;
        int capacity = Math.max(8, Integer.highestOneBit(Math.max(1, n)) * 2);
        byte[][] r = new byte[capacity][];
        long[] rs = new long[capacity];
        long b = 64;
        for (int i = start; i <= end; i++) {
            r[i - start] = get(i);
            rs[i - start] = seq(i);
            b += 24 + r[i - start].length;
        }
        ring = r;
        seqs = rs;
        head = 0;
        size = n;
        bytes = b;
    }

    public void clear() {
        for (int i = 0; i < size; i++) {
            journal(seqKey(seq(i)), null);
        }
        ring = new byte[8][];
        seqs = new long[8];
        head = 0;
        size = 0;
        bytes = 64;
    }

    private void shrink() {
        if (ring.length > 64 && size < ring.length / 4) {
            resize(ring.length / 2);
        }
    }

    /** Sequence numbers as record keys: big-endian with the sign flipped, so byte order is numeric order. */
    static byte[] seqKey(long s) {
        long u = s ^ Long.MIN_VALUE;
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u >>> (56 - 8 * i));
        }
        return b;
    }

    @Override
    public void forEachElement(java.util.function.BiConsumer<byte[], byte[]> element) {
        for (int i = 0; i < size; i++) {
            element.accept(seqKey(seq(i)), get(i));
        }
    }

    /** Elements come back in key order, that is list order. */
    @Override
    public void loadElement(byte[] member, byte[] value) {
        long u = 0;
        for (int i = 0; i < 8; i++) {
            u = (u << 8) | (member[i] & 0xFF);
        }
        long s = u ^ Long.MIN_VALUE;
        assert size == 0 || s > seq(size - 1) : "list elements out of order";
        grow();
        int i = slot(size);
        ring[i] = value;
        seqs[i] = s;
        size++;
        bytes += 24 + value.length;
    }

    @Override
    public long memoryBytes() {
        return bytes + 16L * ring.length;
    }

    @Override
    public ListValue copy() {
        ListValue l = new ListValue();
        l.ring = Arrays.copyOf(ring, ring.length);
        l.seqs = Arrays.copyOf(seqs, seqs.length);
        l.head = head;
        l.size = size;
        l.bytes = bytes;
        return l;
    }
}

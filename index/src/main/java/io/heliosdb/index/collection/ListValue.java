package io.heliosdb.index.collection;

import java.util.Arrays;

/** A Redis list: a growable ring of elements, O(1) at both ends and by index. */
public final class ListValue implements CollectionValue {
    private byte[][] ring = new byte[8][];
    private int head;
    private int size;
    private long bytes = 64;

    @Override
    public int size() {
        return size;
    }

    public byte[] get(int index) {
        assert index >= 0 && index < size;
        return ring[(head + index) & (ring.length - 1)];
    }

    public void set(int index, byte[] v) {
        int i = (head + index) & (ring.length - 1);
        bytes += v.length - ring[i].length;
        ring[i] = v;
    }

    private void grow() {
        if (size == ring.length) {
            byte[][] n = new byte[ring.length * 2][];
            for (int i = 0; i < size; i++) {
                n[i] = get(i);
            }
            ring = n;
            head = 0;
        }
    }

    public void addFirst(byte[] v) {
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = v;
        size++;
        bytes += 24 + v.length;
    }

    public void addLast(byte[] v) {
        grow();
        ring[(head + size) & (ring.length - 1)] = v;
        size++;
        bytes += 24 + v.length;
    }

    public byte[] removeFirst() {
        byte[] v = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        bytes -= 24 + v.length;
        shrink();
        return v;
    }

    public byte[] removeLast() {
        int i = (head + size - 1) & (ring.length - 1);
        byte[] v = ring[i];
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
        addLast(v);
        for (int i = size - 1; i > index; i--) {
            ring[(head + i) & (ring.length - 1)] = get(i - 1);
        }
        ring[(head + index) & (ring.length - 1)] = v;
    }

    public byte[] remove(int index) {
        if (index == 0) {
            return removeFirst();
        }
        byte[] v = get(index);
        for (int i = index; i < size - 1; i++) {
            ring[(head + i) & (ring.length - 1)] = get(i + 1);
        }
        ring[(head + size - 1) & (ring.length - 1)] = null;
        size--;
        bytes -= 24 + v.length;
        shrink();
        return v;
    }

    /** Keeps only [start, end] (inclusive, valid indexes, start &lt;= end). */
    public void trim(int start, int end) {
        byte[][] n = new byte[Math.max(8, Integer.highestOneBit(Math.max(1, end - start + 1)) * 2)][];
        long b = 64;
        for (int i = start; i <= end; i++) {
            n[i - start] = get(i);
            b += 24 + n[i - start].length;
        }
        ring = n;
        head = 0;
        size = end - start + 1;
        bytes = b;
    }

    public void clear() {
        ring = new byte[8][];
        head = 0;
        size = 0;
        bytes = 64;
    }

    private void shrink() {
        if (ring.length > 64 && size < ring.length / 4) {
            byte[][] n = new byte[ring.length / 2][];
            for (int i = 0; i < size; i++) {
                n[i] = get(i);
            }
            ring = n;
            head = 0;
        }
    }

    @Override
    public long memoryBytes() {
        return bytes + 8L * ring.length;
    }

    @Override
    public ListValue copy() {
        ListValue l = new ListValue();
        l.ring = Arrays.copyOf(ring, ring.length);
        l.head = head;
        l.size = size;
        l.bytes = bytes;
        return l;
    }
}

package io.heliosdb.keyspace.collection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.function.BiConsumer;

/**
 * A Redis list as Redis 7 keeps it: a sequence of chunks (its quicklist of listpack nodes), each
 * packing up to {@link #CHUNK} elements into one byte array with an end-offset table, so a small
 * element costs its bytes plus four, not an object of its own. Pushes and pops at either end are
 * O(1) amortized; access by index walks the chunks (sequential access is O(1) through a cursor).
 *
 * <p>Persistence of a large list is per chunk: each chunk has an ordering number (pushes count
 * outward in steps, a split takes the midpoint, a full gap renumbers and the list is written whole),
 * and a changed chunk is written whole at the next commit.
 */
public final class ListValue extends Versioned {
    static final int CHUNK = 128;
    private static final long STEP = 1L << 32;

    private static final class Chunk {
        long id;
        byte[] data = new byte[64];
        int[] ends = new int[8];
        int size;

        int start(int i) {
            return i == 0 ? 0 : ends[i - 1];
        }

        int used() {
            return size == 0 ? 0 : ends[size - 1];
        }

        byte[] get(int i) {
            return Arrays.copyOfRange(data, start(i), ends[i]);
        }

        /** Inserts {@code v} at position {@code i}. */
        void insert(int i, byte[] v) {
            int at = start(i);
            int used = used();
            if (used + v.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, used + v.length));
            }
            System.arraycopy(data, at, data, at + v.length, used - at);
            System.arraycopy(v, 0, data, at, v.length);
            if (size == ends.length) {
                ends = Arrays.copyOf(ends, Math.min(CHUNK, ends.length * 2));
            }
            System.arraycopy(ends, i, ends, i + 1, size - i);
            ends[i] = at + v.length;
            for (int k = i + 1; k <= size; k++) {
                ends[k] += v.length;
            }
            size++;
        }

        byte[] remove(int i) {
            byte[] v = get(i);
            int at = start(i);
            int used = used();
            System.arraycopy(data, ends[i], data, at, used - ends[i]);
            System.arraycopy(ends, i + 1, ends, i, size - i - 1);
            size--;
            for (int k = i; k < size; k++) {
                ends[k] -= v.length;
            }
            shrink();
            return v;
        }

        void set(int i, byte[] v) {
            remove(i);
            insert(i, v);
        }

        private void shrink() {
            if (data.length > 256 && used() < data.length / 4) {
                data = Arrays.copyOf(data, Math.max(64, data.length / 2));
            }
        }

        long heapBytes() {
            return 48 + 16 + data.length + 16 + 4L * ends.length;
        }

        /** Stored form: count u32, then each element's length u32 and bytes. */
        byte[] serialize() {
            byte[] out = new byte[4 + 4 * size + used()];
            putInt(out, 0, size);
            int p = 4;
            for (int i = 0; i < size; i++) {
                int len = ends[i] - start(i);
                putInt(out, p, len);
                System.arraycopy(data, start(i), out, p + 4, len);
                p += 4 + len;
            }
            return out;
        }
    }

    private final ArrayList<Chunk> chunks = new ArrayList<>();
    private int size;
    private long bytes = 64;
    // Cursor: the chunk that served the last access, and the list index of its first element.
    private int cursorChunk;
    private int cursorStart;
    /** Chunks changed since the last commit (only tracked while stored element by element). */
    private LinkedHashSet<Chunk> dirty;
    private ArrayList<Long> dropped;

    @Override
    public int size() {
        return size;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /** Finds the chunk holding list index {@code index}, walking from the cursor or the nearer end. */
    private Chunk locate(int index) {
        assert index >= 0 && index < size;
        if (cursorChunk >= chunks.size()) {
            resetCursor();
        }
        if (index < cursorStart) {
            if (cursorStart - index > index) {
                resetCursor(); // nearer to the front
            } else {
                while (index < cursorStart) {
                    cursorChunk--;
                    cursorStart -= chunks.get(cursorChunk).size;
                }
                return chunks.get(cursorChunk);
            }
        } else if (size - index < index - cursorStart) {
            cursorChunk = chunks.size() - 1; // nearer to the back
            cursorStart = size - chunks.get(cursorChunk).size;
            while (index < cursorStart) {
                cursorChunk--;
                cursorStart -= chunks.get(cursorChunk).size;
            }
            return chunks.get(cursorChunk);
        }
        while (index >= cursorStart + chunks.get(cursorChunk).size) {
            cursorStart += chunks.get(cursorChunk).size;
            cursorChunk++;
        }
        return chunks.get(cursorChunk);
    }

    private void resetCursor() {
        cursorChunk = 0;
        cursorStart = 0;
    }

    private void touched(Chunk c) {
        if (super.journal() != null) {
            if (dirty == null) {
                dirty = new LinkedHashSet<>();
            }
            dirty.add(c);
        }
    }

    private void removeChunk(int ci) {
        Chunk c = chunks.remove(ci);
        bytes -= c.heapBytes();
        if (super.journal() != null) {
            if (dirty != null) {
                dirty.remove(c);
            }
            if (dropped == null) {
                dropped = new ArrayList<>();
            }
            dropped.add(c.id);
        }
        resetCursor();
    }

    private Chunk newChunk(int at, long id) {
        Chunk c = new Chunk();
        c.id = id;
        chunks.add(at, c);
        bytes += c.heapBytes();
        resetCursor();
        return c;
    }

    private void account(Chunk c, long before) {
        bytes += c.heapBytes() - before;
    }

    public byte[] get(int index) {
        Chunk c = locate(index);
        return c.get(index - cursorStart);
    }

    /** Receives elements in place: the bytes are {@code data[off, off + len)}, valid during the call. */
    public interface ElementSink {
        void element(byte[] data, int off, int len);
    }

    /** Elements {@code from..to} (inclusive, in range) in order, without copying them (LRANGE). */
    public void forEachInRange(int from, int to, ElementSink sink) {
        assert from >= 0 && to < size;
        for (int i = from; i <= to; ) {
            Chunk c = locate(i);
            for (int k = i - cursorStart; k < c.size && i <= to; k++, i++) {
                int start = c.start(k);
                sink.element(c.data, start, c.ends[k] - start);
            }
        }
    }

    public void set(int index, byte[] v) {
        Chunk c = locate(index);
        long before = c.heapBytes();
        c.set(index - cursorStart, v);
        account(c, before);
        touched(c);
    }

    public void addFirst(byte[] v) {
        Chunk c = chunks.isEmpty() ? null : chunks.get(0);
        if (c == null || c.size >= CHUNK) {
            c = newChunk(0, c == null ? 0 : c.id - STEP);
        }
        long before = c.heapBytes();
        c.insert(0, v);
        account(c, before);
        size++;
        resetCursor();
        touched(c);
    }

    public void addLast(byte[] v) {
        Chunk c = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
        if (c == null || c.size >= CHUNK) {
            c = newChunk(chunks.size(), c == null ? 0 : c.id + STEP);
        }
        long before = c.heapBytes();
        c.insert(c.size, v);
        account(c, before);
        size++;
        touched(c);
    }

    public byte[] removeFirst() {
        return remove(0);
    }

    public byte[] removeLast() {
        return remove(size - 1);
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
        Chunk c = locate(index);
        int ci = cursorChunk;
        int pos = index - cursorStart;
        if (c.size >= CHUNK) {
            // Split the full chunk in two; the second half gets a number between its neighbours.
            long next = ci + 1 < chunks.size() ? chunks.get(ci + 1).id : c.id + 2 * STEP;
            Chunk second = newChunk(ci + 1, c.id + (next - c.id) / 2);
            long beforeSecond = second.heapBytes();
            long before = c.heapBytes();
            int half = c.size / 2;
            for (int k = half; k < c.size; k++) {
                second.insert(second.size, c.get(k));
            }
            int moved = c.size - half;
            for (int k = 0; k < moved; k++) {
                c.remove(c.size - 1);
            }
            account(c, before);
            account(second, beforeSecond);
            touched(c);
            touched(second);
            if (second.id == c.id || (ci + 2 < chunks.size() && second.id >= chunks.get(ci + 2).id)) {
                renumber();
            }
            if (pos > half) {
                c = second;
                pos -= half;
            }
        }
        long before = c.heapBytes();
        c.insert(pos, v);
        account(c, before);
        size++;
        resetCursor();
        touched(c);
    }

    /** New numbers for every chunk: the list is then stored whole under a new version. */
    private void renumber() {
        for (int i = 0; i < chunks.size(); i++) {
            chunks.get(i).id = i * STEP;
        }
        journalOverflow();
        if (dirty != null) {
            dirty.clear();
        }
        if (dropped != null) {
            dropped.clear();
        }
    }

    public byte[] remove(int index) {
        Chunk c = locate(index);
        int ci = cursorChunk;
        long before = c.heapBytes();
        byte[] v = c.remove(index - cursorStart);
        account(c, before);
        size--;
        if (c.size == 0) {
            removeChunk(ci);
        } else {
            touched(c);
        }
        resetCursor();
        return v;
    }

    /** Keeps only [start, end] (inclusive, valid indexes, start &lt;= end); whole chunks go at once. */
    public void trim(int start, int end) {
        int dropTail = size - 1 - end;
        while (dropTail > 0) {
            Chunk last = chunks.get(chunks.size() - 1);
            if (last.size <= dropTail) {
                dropTail -= last.size;
                size -= last.size;
                removeChunk(chunks.size() - 1);
            } else {
                remove(size - 1);
                dropTail--;
            }
        }
        int dropHead = start;
        while (dropHead > 0) {
            Chunk first = chunks.get(0);
            if (first.size <= dropHead) {
                dropHead -= first.size;
                size -= first.size;
                removeChunk(0);
            } else {
                remove(0);
                dropHead--;
            }
        }
    }

    public void clear() {
        while (!chunks.isEmpty()) {
            removeChunk(chunks.size() - 1);
        }
        size = 0;
        bytes = 64;
        resetCursor();
    }

    /** Brings pending chunk changes into the journal (the persistence reads it at commit). */
    @Override
    public Journal journal() {
        Journal j = super.journal();
        if (j != null && !j.overflowed()) {
            if (dropped != null) {
                for (long id : dropped) {
                    journal(idKey(id), null);
                }
                dropped.clear();
            }
            if (dirty != null) {
                for (Chunk c : dirty) {
                    journal(idKey(c.id), c.serialize());
                }
                dirty.clear();
            }
        }
        return j;
    }

    static byte[] idKey(long id) {
        long u = id ^ Long.MIN_VALUE;
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (u >>> (56 - 8 * i));
        }
        return b;
    }

    @Override
    public void forEachElement(BiConsumer<byte[], byte[]> element) {
        for (Chunk c : chunks) {
            element.accept(idKey(c.id), c.serialize());
        }
    }

    /** Chunks come back in key order, that is list order. */
    @Override
    public void loadElement(byte[] member, byte[] value) {
        long u = 0;
        for (int i = 0; i < 8; i++) {
            u = (u << 8) | (member[i] & 0xFF);
        }
        long id = u ^ Long.MIN_VALUE;
        assert chunks.isEmpty() || id > chunks.get(chunks.size() - 1).id : "list chunks out of order";
        Chunk c = newChunk(chunks.size(), id);
        int n = getInt(value, 0);
        int p = 4;
        long before = c.heapBytes();
        for (int i = 0; i < n; i++) {
            int len = getInt(value, p);
            c.insert(c.size, Arrays.copyOfRange(value, p + 4, p + 4 + len));
            p += 4 + len;
        }
        account(c, before);
        size += n;
    }

    @Override
    public void version(long v) {
        super.version(v);
        if (dirty != null) {
            dirty.clear();
        }
        if (dropped != null) {
            dropped.clear();
        }
    }

    @Override
    public long memoryBytes() {
        return bytes + 8L * chunks.size();
    }

    @Override
    public ListValue copy() {
        ListValue l = new ListValue();
        for (Chunk c : chunks) {
            Chunk d = l.newChunk(l.chunks.size(), c.id);
            d.data = Arrays.copyOf(c.data, c.data.length);
            d.ends = Arrays.copyOf(c.ends, c.ends.length);
            d.size = c.size;
        }
        l.size = size;
        l.bytes = bytes;
        return l;
    }
}

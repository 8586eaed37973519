package io.heliosdb.keyspace.collection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A Redis stream: entries in ID order, the stream's counters, and its consumer groups.
 *
 * <p>Entries only ever append (IDs grow) and leave from the front (XTRIM) or anywhere (XDEL), so
 * they live in parallel arrays of ID halves and field blobs over a window [start, end): an append
 * is an array store, a range is a binary search, trimming moves {@code start}, and a deletion
 * leaves a tombstone (a null blob) that compaction squeezes out once tombstones are half the window.
 *
 * <p>Persisted element by element (large streams): entry records are 'E' + the 16-byte ID, group
 * records 'G' + name, and one 'M' record holds the counters; that is also the order they load in.
 */
public final class StreamValue extends Versioned {
    /** A stream ID: two unsigned 64-bit halves. */
    public record Id(long ms, long seq) implements Comparable<Id> {
        public static final Id MIN = new Id(0, 0);
        public static final Id MAX = new Id(-1L, -1L);

        @Override
        public int compareTo(Id o) {
            int c = Long.compareUnsigned(ms, o.ms);
            return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
        }

        /** The next ID, or null after the last possible one. */
        public Id next() {
            if (seq != -1L) {
                return new Id(ms, seq + 1);
            }
            return ms == -1L ? null : new Id(ms + 1, 0);
        }

        /** The previous ID, or null before 0-0. */
        public Id previous() {
            if (seq != 0) {
                return new Id(ms, seq - 1);
            }
            return ms == 0 ? null : new Id(ms - 1, -1L);
        }

        public byte[] bytes() {
            return ByteBuffer.allocate(16).putLong(ms).putLong(seq).array();
        }

        public static Id of(byte[] b, int off) {
            ByteBuffer bb = ByteBuffer.wrap(b, off, 16);
            return new Id(bb.getLong(), bb.getLong());
        }
    }

    /** An entry delivered to a consumer and not yet acknowledged. */
    public static final class Pending {
        public Consumer consumer;
        public long deliveryTime;
        public long deliveryCount;

        Pending(Consumer c, long time, long count) {
            this.consumer = c;
            this.deliveryTime = time;
            this.deliveryCount = count;
        }
    }

    /** A new pending entry owned by {@code c} (XREADGROUP, XCLAIM FORCE); the caller puts it in both PELs. */
    public static Pending newPending(Consumer c, long time, long count) {
        return new Pending(c, time, count);
    }

    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public long activeTime = -1;
        public final TreeMap<Id, Pending> pending = new TreeMap<>();

        Consumer(byte[] name, long now) {
            this.name = name;
            this.seenTime = now;
        }
    }

    public static final class Group {
        public final byte[] name;
        public Id lastId;
        /** Entries read by the group (XINFO's entries-read), -1 when unknown. */
        public long entriesRead;
        public final TreeMap<Id, Pending> pending = new TreeMap<>();
        public final TreeMap<ByteKey, Consumer> consumers = new TreeMap<>();

        Group(byte[] name, Id lastId, long entriesRead) {
            this.name = name;
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }

        public Consumer consumer(byte[] name) {
            return consumers.get(new ByteKey(name));
        }

        public Consumer createConsumer(byte[] name, long now) {
            Consumer c = new Consumer(name, now);
            consumers.put(new ByteKey(name), c);
            return c;
        }
    }

    private long[] ms = new long[8];
    private long[] seq = new long[8];
    /** Append order of each entry: which listpack node Redis would have put it in (ordinal / node size). */
    private long[] ord = new long[8];
    private long nextOrdinal;
    private byte[][] data = new byte[8][];
    private int start;
    private int end;
    private int tombstones;
    private long bytes;

    public Id lastId = Id.MIN;
    public Id maxDeletedId = Id.MIN;
    public long entriesAdded;
    public final TreeMap<ByteKey, Group> groups = new TreeMap<>();

    // ---- entries -----------------------------------------------------------------------------

    /** Live entries (XLEN). */
    @Override
    public int size() {
        return end - start - tombstones;
    }

    /**
     * Appends an entry; {@code id} must be greater than {@link #lastId}. {@code nodeEntries}
     * (stream-node-max-entries) tracks where Redis would start a new listpack node: after a full
     * one, or when the tail node is gone (all its entries deleted or trimmed).
     */
    public void append(Id id, byte[][] fieldsAndValues, long nodeEntries) {
        appendEncoded(id, encode(fieldsAndValues), nodeEntries);
    }

    /** {@link #append} of fields and values already in the blob form ({@link #encode}'s). */
    public void appendEncoded(Id id, byte[] blob, long nodeEntries) {
        assert id.compareTo(lastId) > 0 : id + " after " + lastId;
        if (!tailNodeAlive(nodeEntries)) {
            nextOrdinal = (nextOrdinal + nodeEntries - 1) / nodeEntries * nodeEntries;
        }
        if (end == ms.length) {
            compactOrGrow();
        }
        ms[end] = id.ms;
        seq[end] = id.seq;
        ord[end] = nextOrdinal++;
        data[end] = blob;
        end++;
        lastId = id;
        entriesAdded++;
        bytes += blob.length + 40;
        if (journal() != null) {
            journal(entryKey(id), blob);
        }
    }

    private boolean tailNodeAlive(long nodeEntries) {
        if (end == start) {
            return false;
        }
        long block = ord[end - 1] / nodeEntries;
        for (int i = end - 1; i >= start && ord[i] / nodeEntries == block; i--) {
            if (data[i] != null) {
                return true;
            }
        }
        return false;
    }

    public Id idAt(int i) {
        return new Id(ms[i], seq[i]);
    }

    /** Fields and values of the entry at window index {@code i} (null when deleted). */
    public byte[][] fieldsAt(int i) {
        return data[i] == null ? null : decode(data[i]);
    }

    public boolean liveAt(int i) {
        return data[i] != null;
    }

    /** Window bounds: entries are at [{@link #first()}, {@link #end()}), some of them deleted. */
    public int first() {
        return start;
    }

    public int end() {
        return end;
    }

    /** First window index whose ID is &gt;= {@code id}. */
    public int lowerBound(Id id) {
        int lo = start;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(ms[mid], id.ms);
            if (c == 0) {
                c = Long.compareUnsigned(seq[mid], id.seq);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Window index of the live entry {@code id}, or -1. */
    public int indexOf(Id id) {
        int i = lowerBound(id);
        return i < end && ms[i] == id.ms && seq[i] == id.seq && data[i] != null ? i : -1;
    }

    /**
     * Redis' streamEstimateDistanceFromFirstEverEntry: the entries_read counter of a group whose last
     * delivered ID is {@code id}, or -1 when it cannot be known (an XDEL hole may lie before it).
     */
    public long estimateEntriesRead(Id id) {
        if (entriesAdded == 0) {
            return 0;
        }
        int cmpLast = id.compareTo(lastId);
        if ((size() == 0 && cmpLast <= 0) || cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return -1;
        }
        Id first = firstId() == null ? Id.MIN : firstId();
        int cmpFirst = id.compareTo(first);
        if (maxDeletedId.equals(Id.MIN) || maxDeletedId.compareTo(first) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - size();
            } else if (cmpFirst == 0) {
                return entriesAdded - size() + 1;
            }
        }
        return -1;
    }

    /** The first live entry's ID, or null when empty. */
    public Id firstId() {
        for (int i = start; i < end; i++) {
            if (data[i] != null) {
                return idAt(i);
            }
        }
        return null;
    }

    /** The last live entry's ID, or null when empty. */
    public Id lastLiveId() {
        for (int i = end - 1; i >= start; i--) {
            if (data[i] != null) {
                return idAt(i);
            }
        }
        return null;
    }

    /** XDEL of one ID: true when it was there. */
    public boolean delete(Id id) {
        int i = indexOf(id);
        if (i < 0) {
            return false;
        }
        bytes -= data[i].length + 40;
        data[i] = null;
        tombstones++;
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        if (journal() != null) {
            journal(entryKey(id), null);
        }
        trimDeadHead();
        return true;
    }

    /** Removes the oldest live entry (trimming). */
    public void removeFirst() {
        trimDeadHead();
        assert start < end;
        Id id = idAt(start);
        bytes -= data[start].length + 40;
        data[start] = null;
        start++;
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        if (journal() != null) {
            journal(entryKey(id), null);
        }
        trimDeadHead();
    }

    private void trimDeadHead() {
        while (start < end && data[start] == null) {
            start++;
            tombstones--;
        }
        if (start == end) {
            start = end = 0;
            tombstones = 0;
        }
    }

    private void compactOrGrow() {
        int live = end - start - tombstones;
        if (start > 0 || tombstones > live) {
            int w = 0;
            for (int i = start; i < end; i++) {
                if (data[i] != null) {
                    ms[w] = ms[i];
                    seq[w] = seq[i];
                    ord[w] = ord[i];
                    data[w] = data[i];
                    w++;
                }
            }
            Arrays.fill(data, w, end, null);
            start = 0;
            end = w;
            tombstones = 0;
        }
        if (end > ms.length * 3 / 4) {
            int n = ms.length * 2;
            ms = Arrays.copyOf(ms, n);
            seq = Arrays.copyOf(seq, n);
            ord = Arrays.copyOf(ord, n);
            data = Arrays.copyOf(data, n);
        }
    }

    // ---- groups ------------------------------------------------------------------------------

    public Group group(byte[] name) {
        return groups.get(new ByteKey(name));
    }

    public Group createGroup(byte[] name, Id lastId, long entriesRead) {
        Group g = new Group(name, lastId, entriesRead);
        groups.put(new ByteKey(name), g);
        groupChanged(g);
        return g;
    }

    public void destroyGroup(byte[] name) {
        groups.remove(new ByteKey(name));
        journal(groupKey(name), null);
    }

    /** Notes a group's new state for persistence (call once per command that changed it). */
    public void groupChanged(Group g) {
        if (journal() != null) {
            journal(groupKey(g.name), encodeGroup(g));
        }
    }

    /** Notes the stream counters' new state (XSETID, trims and deletions change them too). */
    public void metaChanged() {
        if (journal() != null) {
            journal(META, encodeMeta());
        }
    }

    // ---- CollectionValue ---------------------------------------------------------------------

    @Override
    public long memoryBytes() {
        return 96 + bytes + ms.length * 24L + groups.size() * 200L;
    }

    @Override
    public CollectionValue copy() {
        StreamValue c = new StreamValue();
        forEachElement(c::loadElement);
        return c;
    }

    @Override
    public void forEachElement(BiConsumer<byte[], byte[]> element) {
        for (int i = start; i < end; i++) {
            if (data[i] != null) {
                element.accept(entryKey(idAt(i)), data[i]);
            }
        }
        for (Group g : groups.values()) {
            element.accept(groupKey(g.name), encodeGroup(g));
        }
        element.accept(META, encodeMeta());
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        switch (member[0]) {
            case 'E' -> {
                Id id = Id.of(member, 1);
                if (end == ms.length) {
                    compactOrGrow();
                }
                ms[end] = id.ms;
                seq[end] = id.seq;
                ord[end] = nextOrdinal++;
                data[end] = value;
                end++;
                bytes += value.length + 40;
                lastId = id;
            }
            case 'G' -> decodeGroup(Arrays.copyOfRange(member, 1, member.length), value);
            case 'M' -> {
                ByteBuffer b = ByteBuffer.wrap(value);
                lastId = new Id(b.getLong(), b.getLong());
                maxDeletedId = new Id(b.getLong(), b.getLong());
                entriesAdded = b.getLong();
            }
            default -> throw new IllegalStateException("unknown stream record " + member[0]);
        }
    }

    /** Rebuilds a group (RDB loading); its PEL and consumers are added by the caller. */
    public Group loadGroup(byte[] name, Id lastId, long entriesRead) {
        Group g = new Group(name, lastId, entriesRead);
        groups.put(new ByteKey(name), g);
        return g;
    }

    /** Adds a loaded entry at the end (RDB loading: no journal, counters set by the caller). */
    public void loadEntry(Id id, byte[][] fieldsAndValues) {
        if (end == ms.length) {
            compactOrGrow();
        }
        byte[] blob = encode(fieldsAndValues);
        ms[end] = id.ms;
        seq[end] = id.seq;
        ord[end] = nextOrdinal++;
        data[end] = blob;
        end++;
        bytes += blob.length + 40;
    }

    /**
     * The head node as Redis would hold it (entries appended in the same run of {@code nodeEntries}):
     * {live entries, window index of its last entry}. Approximate trimming removes whole nodes only.
     */
    public int[] headNode(long nodeEntries) {
        trimDeadHead();
        if (start == end) {
            return new int[]{0, -1};
        }
        long node = ord[start] / nodeEntries;
        int live = 0;
        int last = start;
        for (int i = start; i < end && ord[i] / nodeEntries == node; i++) {
            if (data[i] != null) {
                live++;
            }
            last = i;
        }
        return new int[]{live, last};
    }

    private static final byte[] META = {'M'};

    private static byte[] entryKey(Id id) {
        byte[] k = new byte[17];
        k[0] = 'E';
        System.arraycopy(id.bytes(), 0, k, 1, 16);
        return k;
    }

    private static byte[] groupKey(byte[] name) {
        byte[] k = new byte[name.length + 1];
        k[0] = 'G';
        System.arraycopy(name, 0, k, 1, name.length);
        return k;
    }

    private byte[] encodeMeta() {
        return ByteBuffer.allocate(40).putLong(lastId.ms).putLong(lastId.seq).putLong(maxDeletedId.ms)
                .putLong(maxDeletedId.seq).putLong(entriesAdded).array();
    }

    private static byte[] encodeGroup(Group g) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        writeLong(o, g.lastId.ms);
        writeLong(o, g.lastId.seq);
        writeLong(o, g.entriesRead);
        writeVarint(o, g.consumers.size());
        for (Consumer c : g.consumers.values()) {
            writeVarint(o, c.name.length);
            o.writeBytes(c.name);
            writeLong(o, c.seenTime);
            writeLong(o, c.activeTime);
        }
        writeVarint(o, g.pending.size());
        for (Map.Entry<Id, Pending> p : g.pending.entrySet()) {
            writeLong(o, p.getKey().ms);
            writeLong(o, p.getKey().seq);
            writeLong(o, p.getValue().deliveryTime);
            writeLong(o, p.getValue().deliveryCount);
            writeVarint(o, p.getValue().consumer.name.length);
            o.writeBytes(p.getValue().consumer.name);
        }
        return o.toByteArray();
    }

    private void decodeGroup(byte[] name, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        Group g = loadGroup(name, new Id(b.getLong(), b.getLong()), b.getLong());
        int consumers = (int) readVarint(b);
        for (int i = 0; i < consumers; i++) {
            byte[] cn = new byte[(int) readVarint(b)];
            b.get(cn);
            Consumer c = g.createConsumer(cn, b.getLong());
            c.activeTime = b.getLong();
        }
        int pending = (int) readVarint(b);
        for (int i = 0; i < pending; i++) {
            Id id = new Id(b.getLong(), b.getLong());
            long time = b.getLong();
            long count = b.getLong();
            byte[] cn = new byte[(int) readVarint(b)];
            b.get(cn);
            Consumer c = g.consumer(cn);
            if (c == null) {
                c = g.createConsumer(cn, time);
            }
            Pending p = new Pending(c, time, count);
            g.pending.put(id, p);
            c.pending.put(id, p);
        }
    }

    // ---- field blobs -------------------------------------------------------------------------

    public static byte[] encode(byte[][] fv) {
        int n = 5;
        for (byte[] b : fv) {
            n += 5 + b.length;
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream(n);
        writeVarint(o, fv.length);
        for (byte[] b : fv) {
            writeVarint(o, b.length);
            o.writeBytes(b);
        }
        return o.toByteArray();
    }

    static byte[][] decode(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int n = (int) readVarint(b);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = new byte[(int) readVarint(b)];
            b.get(out[i]);
        }
        return out;
    }

    private static void writeVarint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }

    private static long readVarint(ByteBuffer b) {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    private static void writeLong(ByteArrayOutputStream o, long v) {
        for (int i = 7; i >= 0; i--) {
            o.write((int) (v >>> (8 * i)));
        }
    }
}

package io.heliosdb.keyspace.ops;

import static io.heliosdb.keyspace.ops.TypedEntries.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Operations on lists (Redis' t_list.c), on the shard that owns the key. A missing key reads as an
 * empty list; a list left empty is deleted. Waking blocked clients after a push is the caller's
 * (it knows the waiting registry and the database number).
 */
public final class ListOps {
    /** LPOP/RPOP without a count: one element, not an array. */
    public static final long SINGLE = -1;

    private ListOps() {}

    /**
     * LPUSH/RPUSH (LPUSHX/RPUSHX with {@code onlyIfExists}) of elements {@code from} to {@code to}
     * (exclusive) of {@code elements}: the new length to {@code out}. NOT_FOUND: the key is missing
     * and {@code onlyIfExists} (nothing written).
     */
    public static OpStatus push(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList elements, int from, int to,
            boolean left, boolean onlyIfExists, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            if (onlyIfExists) {
                return OpStatus.NOT_FOUND;
            }
            e = ks.putObject(kSeg, kOff, kLen, ValueType.LIST, new ListValue(), 0);
        }
        ListValue l = (ListValue) ks.object(e);
        MemorySegment seg = elements.segment();
        for (int i = from; i < to; i++) {
            byte[] v = ByteStrings.toBytes(seg, elements.offset(i), elements.length(i));
            if (left) {
                l.addFirst(v);
            } else {
                l.addLast(v);
            }
        }
        ks.objectChanged(e);
        out.integer(l.size());
        return OpStatus.OK;
    }

    /** Pushes one element (a move's or a blocking move's destination), creating the key; false on WRONGTYPE. */
    public static boolean pushOne(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, byte[] element, boolean left) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return false;
        }
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.LIST, new ListValue(), 0);
        }
        ListValue l = (ListValue) ks.object(e);
        if (left) {
            l.addFirst(element);
        } else {
            l.addLast(element);
        }
        ks.objectChanged(e);
        return true;
    }

    /**
     * LPOP/RPOP: with {@code count} {@link #SINGLE} one element, else an array of up to {@code count}
     * (≥ 0). NOT_FOUND: the key is missing (nothing written).
     */
    public static OpStatus pop(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean left, long count, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ListValue l = (ListValue) ks.object(e);
        if (count == SINGLE) {
            out.bulk(left ? l.removeFirst() : l.removeLast());
        } else {
            int n = (int) Math.min(count, l.size());
            out.array(n);
            for (int i = 0; i < n; i++) {
                out.bulk(left ? l.removeFirst() : l.removeLast());
            }
        }
        TypedEntries.changed(ks, e);
        return OpStatus.OK;
    }

    /**
     * Removes and returns one element of a list key (a move's source, a blocking pop's serve: the
     * element travels on before any reply); null when the key is missing or not a list.
     */
    public static byte[] popOne(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean left) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG || e == Keyspace.NONE) {
            return null;
        }
        ListValue l = (ListValue) ks.object(e);
        byte[] v = left ? l.removeFirst() : l.removeLast();
        TypedEntries.changed(ks, e);
        return v;
    }

    /** Removes and returns up to {@code count} elements (LMPOP's serve, replied later); null like {@link #popOne}. */
    public static byte[][] popMany(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean left, long count) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG || e == Keyspace.NONE) {
            return null;
        }
        ListValue l = (ListValue) ks.object(e);
        byte[][] popped = new byte[(int) Math.min(count, l.size())][];
        for (int i = 0; i < popped.length; i++) {
            popped[i] = left ? l.removeFirst() : l.removeLast();
        }
        TypedEntries.changed(ks, e);
        return popped;
    }

    /** LLEN: the length (0 for a missing key). */
    public static OpStatus llen(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ks.object(e).size());
        return OpStatus.OK;
    }

    /** LRANGE: the elements from {@code start} to {@code end} (Redis' negative indexes), straight from the chunks. */
    public static OpStatus lrange(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long start, long end,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.array(0);
            return OpStatus.OK;
        }
        ListValue l = (ListValue) ks.object(e);
        int size = l.size();
        long from = rangeStart(start, end, size);
        if (from < 0) {
            out.array(0);
            return OpStatus.OK;
        }
        int to = (int) rangeEnd(end, size);
        out.array((int) (to - from + 1));
        l.forEachInRange((int) from, to, out::bulk);
        return OpStatus.OK;
    }

    /** Redis' start normalisation for LRANGE/LTRIM: the first index, or -1 when the range is empty. */
    public static long rangeStart(long start, long end, long size) {
        if (start < 0) {
            start += size;
        }
        if (end < 0) {
            end += size;
        }
        if (start < 0) {
            start = 0;
        }
        return start > end || start >= size ? -1 : start;
    }

    /** The last index of a non-empty range (see {@link #rangeStart}). */
    public static long rangeEnd(long end, long size) {
        if (end < 0) {
            end += size;
        }
        return Math.min(end, size - 1);
    }

    /**
     * The state of a list key as LINDEX and LSET see it before they parse their index: OK (a list),
     * NOT_FOUND or WRONGTYPE. {@code reads} null: a write lookup.
     */
    public static OpStatus probe(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = reads == null ? TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST)
                : TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.LIST);
        return e == WRONG ? OpStatus.WRONGTYPE : e == Keyspace.NONE ? OpStatus.NOT_FOUND : OpStatus.OK;
    }

    /** LINDEX: the element; NOT_FOUND when the key is missing or the index out of range. */
    public static OpStatus lindex(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long index, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ListValue l = (ListValue) ks.object(e);
        int i = index(index, l.size());
        if (i < 0) {
            return OpStatus.NOT_FOUND;
        }
        out.bulk(l.get(i));
        return OpStatus.OK;
    }

    private static int index(long i, int size) {
        if (i < 0) {
            i += size;
        }
        return i < 0 || i >= size ? -1 : (int) i;
    }

    /** LSET: OK (+OK to {@code out}); NOT_FOUND for a missing key, OUT_OF_RANGE for a bad index. */
    public static OpStatus lset(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long index, byte[] element, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ListValue l = (ListValue) ks.object(e);
        int i = index(index, l.size());
        if (i < 0) {
            return OpStatus.OUT_OF_RANGE;
        }
        l.set(i, element);
        ks.objectChanged(e);
        out.ok();
        return OpStatus.OK;
    }

    /**
     * LINSERT: the new length; NOT_FOUND when the key is missing (Redis replies 0), NOT_APPLIED when
     * the pivot is not in the list (-1).
     */
    public static OpStatus linsert(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean before, byte[] pivot,
            byte[] element, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        ListValue l = (ListValue) ks.object(e);
        for (int i = 0; i < l.size(); i++) {
            if (Arrays.equals(l.get(i), pivot)) {
                l.insert(before ? i : i + 1, element);
                ks.objectChanged(e);
                out.integer(l.size());
                return OpStatus.OK;
            }
        }
        return OpStatus.NOT_APPLIED;
    }

    /** LREM: removes up to |count| occurrences (0: all; negative: from the tail); the number removed. */
    public static OpStatus lrem(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long count, byte[] element, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.integer(0);
            return OpStatus.OK;
        }
        ListValue l = (ListValue) ks.object(e);
        long removed = 0;
        if (count >= 0) {
            for (int i = 0; i < l.size() && (count == 0 || removed < count); ) {
                if (Arrays.equals(l.get(i), element)) {
                    l.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : -count; // Redis: -LLONG_MIN stays negative, no limit
            for (int i = l.size() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(l.get(i), element)) {
                    l.remove(i);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            TypedEntries.changed(ks, e);
        }
        out.integer(removed);
        return OpStatus.OK;
    }

    /** LTRIM: keeps {@code start..end} (+OK to {@code out}); an empty range deletes the key. */
    public static OpStatus ltrim(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long start, long end, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e != Keyspace.NONE) {
            ListValue l = (ListValue) ks.object(e);
            long from = rangeStart(start, end, l.size());
            if (from < 0) {
                l.clear();
            } else {
                long to = rangeEnd(end, l.size());
                if (from != 0 || to != l.size() - 1) {
                    l.trim((int) from, (int) to);
                }
            }
            TypedEntries.changed(ks, e);
        }
        out.ok();
        return OpStatus.OK;
    }

    /**
     * LPOS: the index of the {@code rank}-th match (negative: from the tail), looking at most
     * {@code maxlen} elements (0: all). With {@code count} {@link #SINGLE} one integer, NOT_FOUND
     * when nothing matches; else an array of up to {@code count} indexes (0: all matches).
     */
    public static OpStatus lpos(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, byte[] element, long rank,
            long count, long maxlen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.LIST);
        if (e == WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            if (count == SINGLE) {
                return OpStatus.NOT_FOUND;
            }
            out.array(0);
            return OpStatus.OK;
        }
        ListValue l = (ListValue) ks.object(e);
        long want = count == SINGLE ? 1 : count == 0 ? Long.MAX_VALUE : count;
        long skip = Math.abs(rank) - 1;
        int n = l.size();
        long[] found = new long[(int) Math.min(want, 16)];
        int nFound = 0;
        for (int step = 0; step < n && (maxlen == 0 || step < maxlen) && nFound < want; step++) {
            int i = rank > 0 ? step : n - 1 - step;
            if (Arrays.equals(l.get(i), element)) {
                if (skip > 0) {
                    skip--;
                } else {
                    if (nFound == found.length) {
                        found = Arrays.copyOf(found, found.length * 2);
                    }
                    found[nFound++] = i;
                }
            }
        }
        if (count == SINGLE) {
            if (nFound == 0) {
                return OpStatus.NOT_FOUND;
            }
            out.integer(found[0]);
            return OpStatus.OK;
        }
        out.array(nFound);
        for (int k = 0; k < nFound; k++) {
            out.integer(found[k]);
        }
        return OpStatus.OK;
    }
}

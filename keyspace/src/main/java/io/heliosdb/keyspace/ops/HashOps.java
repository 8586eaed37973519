package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.PackedDict;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Operations on hash values, run on the shard that owns the key. A missing key reads as an empty
 * hash; a write to a missing key creates it; a hash left empty is deleted. {@code maxEntries} and
 * {@code maxValue} are Redis' listpack limits (hash-max-listpack-entries / -value), which decide
 * the encoding a hash reports and iterates in.
 */
public final class HashOps {
    private HashOps() {}

    /**
     * HSET/HMSET: the field/value pairs at {@code fv[from..to)} set; the count of new fields to
     * {@code out}, or {@link ValueSink#ok} when {@code replyOk} (HMSET). WRONGTYPE otherwise.
     */
    public static OpStatus hset(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList fv, int from, int to,
            int maxEntries, int maxValue, boolean replyOk, ValueSink out) {
        long e = writable(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = (HashValue) ks.object(e);
        MemorySegment seg = fv.segment();
        int added = 0;
        for (int i = from; i + 1 < to; i += 2) {
            // straight from the caller's buffer into the hash's pages: no per-field objects
            if (h.put(seg, fv.offset(i), fv.length(i), fv.offset(i + 1), fv.length(i + 1))) {
                added++;
            }
            h.checkCompact(maxEntries, maxValue, fv.length(i), fv.length(i + 1));
        }
        ks.objectChanged(e);
        if (replyOk) {
            out.ok();
        } else {
            out.integer(added);
        }
        return OpStatus.OK;
    }

    /** HSETNX: 1 to {@code out} when the field was set; NOT_APPLIED when it exists; WRONGTYPE. */
    public static OpStatus hsetnx(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment fSeg, long fOff, int fLen,
            MemorySegment vSeg, long vOff, int vLen, int maxEntries, int maxValue, ValueSink out) {
        long e = writable(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = (HashValue) ks.object(e);
        if (h.find(fSeg, fOff, fLen) >= 0) {
            return OpStatus.NOT_APPLIED;
        }
        put(h, key(fSeg, fOff, fLen), ByteStrings.toBytes(vSeg, vOff, vLen), maxEntries, maxValue);
        ks.objectChanged(e);
        out.integer(1);
        return OpStatus.OK;
    }

    /** HGET: the field's value to {@code out} (zero-copy); NOT_FOUND (key or field missing) or WRONGTYPE. */
    public static OpStatus hget(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
            MemorySegment fSeg, long fOff, int fLen, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.HASH) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = (HashValue) ks.object(e);
        int i = h.find(fSeg, fOff, fLen);
        if (i < 0) {
            return OpStatus.NOT_FOUND;
        }
        value(h, i, out);
        return OpStatus.OK;
    }

    /** HMGET: an array of the values of the fields {@code f[from..to)}, nil for a missing one; WRONGTYPE. */
    public static OpStatus hmget(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList f, int from, int to,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = e == Keyspace.NONE ? null : (HashValue) ks.object(e);
        MemorySegment seg = f.segment();
        out.array(to - from);
        for (int i = from; i < to; i++) {
            int at = h == null ? -1 : h.find(seg, f.offset(i), f.length(i));
            if (at < 0) {
                out.nullBulk();
            } else {
                value(h, at, out);
            }
        }
        return OpStatus.OK;
    }

    /** HDEL: the fields {@code f[from..to)} removed, their count to {@code out}; WRONGTYPE. */
    public static OpStatus hdel(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList f, int from, int to, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            out.integer(0);
            return OpStatus.OK;
        }
        if (ks.type(e) != ValueType.HASH) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = (HashValue) ks.object(e);
        MemorySegment seg = f.segment();
        int removed = 0;
        for (int i = from; i < to; i++) {
            if (h.remove(seg, f.offset(i), f.length(i))) { // no per-field objects
                removed++;
            }
        }
        if (removed > 0) {
            TypedEntries.changed(ks, e);
        }
        out.integer(removed);
        return OpStatus.OK;
    }

    /** HEXISTS: 1 or 0 to {@code out}; WRONGTYPE. */
    public static OpStatus hexists(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
            MemorySegment fSeg, long fOff, int fLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e != Keyspace.NONE && ((HashValue) ks.object(e)).find(fSeg, fOff, fLen) >= 0 ? 1 : 0);
        return OpStatus.OK;
    }

    /** HLEN: the number of fields (0 for a missing key) to {@code out}; WRONGTYPE. */
    public static OpStatus hlen(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ks.object(e).size());
        return OpStatus.OK;
    }

    /** HSTRLEN: the length of the field's value (0 when missing) to {@code out}; WRONGTYPE. */
    public static OpStatus hstrlen(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
            MemorySegment fSeg, long fOff, int fLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        int len = 0;
        if (e != Keyspace.NONE) {
            HashValue h = (HashValue) ks.object(e);
            int i = h.find(fSeg, fOff, fLen);
            len = i < 0 ? 0 : h.dict().valueLength(i);
        }
        out.integer(len);
        return OpStatus.OK;
    }

    /**
     * HGETALL/HKEYS/HVALS: every field and/or value in the hash's order. With both, a map of
     * (field, value) pairs, else an array; empty for a missing key. WRONGTYPE.
     */
    public static OpStatus all(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, boolean fields, boolean values,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = e == Keyspace.NONE ? null : (HashValue) ks.object(e);
        int n = h == null ? 0 : h.size();
        if (fields && values) {
            out.map(n);
        } else {
            out.array(n);
        }
        for (int i = 0; i < n; i++) {
            if (fields) {
                field(h, i, out);
            }
            if (values) {
                value(h, i, out);
            }
        }
        return OpStatus.OK;
    }

    /**
     * HINCRBY: the field's integer plus {@code by} stored and to {@code out} (a missing field counts
     * as 0); NOT_INTEGER when the stored value is not an integer, OVERFLOW, WRONGTYPE.
     */
    public static OpStatus hincrby(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment fSeg, long fOff, int fLen,
            long by, int maxEntries, int maxValue, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        ByteKey f = key(fSeg, fOff, fLen);
        byte[] cur = e == Keyspace.NONE ? null : ((HashValue) ks.object(e)).get(f);
        long v = 0;
        if (cur != null) {
            if (!SetValue.isIntsetMember(cur)) { // Redis' string2ll: canonical decimal within 64 bits
                return OpStatus.NOT_INTEGER;
            }
            v = Long.parseLong(new String(cur, StandardCharsets.US_ASCII));
        }
        if ((by < 0 && v < 0 && by < Long.MIN_VALUE - v) || (by > 0 && v > 0 && by > Long.MAX_VALUE - v)) {
            return OpStatus.OVERFLOW;
        }
        v += by;
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.HASH, new HashValue(), 0);
        }
        put((HashValue) ks.object(e), f, Long.toString(v).getBytes(), maxEntries, maxValue);
        ks.objectChanged(e);
        out.integer(v);
        return OpStatus.OK;
    }

    /**
     * HINCRBYFLOAT: the field's value plus {@code by} in Redis' long-double arithmetic, stored and
     * to {@code out} as its text (a missing field counts as 0); NOT_FLOAT when the stored value is
     * not a float, NAN_OR_INFINITY when either side is infinite or the sum is not finite, WRONGTYPE.
     */
    public static OpStatus hincrbyfloat(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment fSeg, long fOff, int fLen,
            BigDecimal by, int maxEntries, int maxValue, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        ByteKey f = key(fSeg, fOff, fLen);
        byte[] cur = e == Keyspace.NONE ? null : ((HashValue) ks.object(e)).get(f);
        BigDecimal v = BigDecimal.ZERO;
        if (cur != null) {
            v = LongDoubleArithmetic.parse(MemorySegment.ofArray(cur), 0, cur.length);
            if (v == null) {
                return OpStatus.NOT_FLOAT;
            }
        }
        BigDecimal sum = by == LongDoubleArithmetic.INFINITY || v == LongDoubleArithmetic.INFINITY ? null : LongDoubleArithmetic.add(v, by);
        if (sum == null) {
            return OpStatus.NAN_OR_INFINITY;
        }
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.HASH, new HashValue(), 0);
        }
        byte[] b = LongDoubleArithmetic.format(sum).getBytes(StandardCharsets.US_ASCII);
        put((HashValue) ks.object(e), f, b, maxEntries, maxValue);
        ks.objectChanged(e);
        out.bulk(b);
        return OpStatus.OK;
    }

    /** HRANDFIELD without a count: one random field to {@code out}; NOT_FOUND or WRONGTYPE. */
    public static OpStatus randomField(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, RandomGenerator random,
            ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.HASH) {
            return OpStatus.WRONGTYPE;
        }
        HashValue h = (HashValue) ks.object(e);
        field(h, random.nextInt(h.size()), out);
        return OpStatus.OK;
    }

    /**
     * HRANDFIELD with a count: {@code count} distinct random fields (all when the hash has fewer),
     * or, when negative, -count picks that may repeat; an array of them, empty for a missing key.
     * With values, (field, value) {@link ValueSink#pairs}. WRONGTYPE.
     */
    public static OpStatus randomFields(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long count,
            boolean withValues, RandomGenerator random, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE || count == 0) {
            out.array(0);
            return OpStatus.OK;
        }
        HashValue h = (HashValue) ks.object(e);
        int[] chosen = pick(h.size(), count, random);
        if (withValues) {
            out.pairs(chosen.length);
            for (int i : chosen) {
                out.pair();
                field(h, i, out);
                value(h, i, out);
            }
            return OpStatus.OK;
        }
        out.array(chosen.length);
        for (int i : chosen) {
            field(h, i, out);
        }
        return OpStatus.OK;
    }

    /** Whether the key holds a hash: OK, NOT_FOUND or WRONGTYPE (HSCAN looks before it reads its options). */
    public static OpStatus check(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        return e == TypedEntries.WRONG ? OpStatus.WRONGTYPE : e == Keyspace.NONE ? OpStatus.NOT_FOUND : OpStatus.OK;
    }

    /**
     * HSCAN: one step from {@code cursor} ({@link CollectionScan#step}), each field followed by its
     * value; a missing key scans as empty. WRONGTYPE.
     */
    public static OpStatus scan(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long cursor, int count, byte[] pattern,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.HASH);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            CollectionScan.empty(out);
            return OpStatus.OK;
        }
        HashValue h = (HashValue) ks.object(e);
        CollectionScan.step(out, cursor, count, pattern, h.entries(), h.compact(), Map.Entry::getKey, 2, (w, f) -> {
            w.bulk(f.getKey().bytes);
            w.bulk(f.getValue());
        }, h.size());
        return OpStatus.OK;
    }

    /** Entry indexes for a random pick of {@code n} (negative: -n with repeats) out of {@code size}. */
    private static int[] pick(int size, long n, RandomGenerator random) {
        if (n < 0) {
            int[] chosen = new int[(int) -n];
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = random.nextInt(size);
            }
            return chosen;
        }
        if (n >= size) {
            return IntStream.range(0, size).toArray();
        }
        if (n * 3 < size) {
            // few of many: random picks, repeats skipped (no pass over the whole hash)
            LinkedHashSet<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < n) {
                picked.add(random.nextInt(size));
            }
            return picked.stream().mapToInt(Integer::intValue).toArray();
        }
        // a partial Fisher-Yates over the entry indexes: n distinct picks
        int[] all = IntStream.range(0, size).toArray();
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, (int) n);
    }

    /** Sets a field applying Redis' listpack→hashtable rule; true when new. */
    static boolean put(HashValue h, ByteKey field, byte[] value, int maxEntries, int maxValue) {
        boolean added = h.put(field, value);
        h.checkCompact(maxEntries, maxValue, field.bytes.length, value.length);
        return added;
    }

    /** A copy of a field, as the hash's lookups by copy take it. */
    private static ByteKey key(MemorySegment seg, long off, int len) {
        return new ByteKey(ByteStrings.toBytes(seg, off, len));
    }

    /** The key's hash entry, created when missing; NONE when the key holds another type. */
    private static long writable(Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return ks.putObject(kSeg, kOff, kLen, ValueType.HASH, new HashValue(), 0);
        }
        return ks.type(e) == ValueType.HASH ? e : Keyspace.NONE;
    }

    /** The value of entry {@code i}, from the hash's pages without a copy. */
    private static void value(HashValue h, int i, ValueSink out) {
        PackedDict d = h.dict();
        out.bulk(d.pageOf(i), d.valueOffset(i), d.valueLength(i));
    }

    private static void field(HashValue h, int i, ValueSink out) {
        PackedDict d = h.dict();
        out.bulk(d.pageOf(i), d.keyOffset(i), d.keyLength(i));
    }
}

package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Operations on string values. Each runs on the shard that owns the key, changes the keyspace and
 * reports its result to a {@link ValueSink} and its outcome as an {@link OpStatus}; parsing and
 * rendering belong to the protocol. Expiry times are absolute unix ms, with the keyspace's
 * conventions: 0 for none, {@link Keyspace#KEEP_TTL} to keep the key's own.
 */
public final class StringOps {
    /** SET only when the key does not exist. */
    public static final int SET_NX = 1;
    /** SET only when the key exists. */
    public static final int SET_XX = 2;
    /** SET reports the old value first (a string, or nullBulk when absent). */
    public static final int SET_GET = 4;

    private static final byte[] EMPTY = {};

    private StringOps() {}

    /** GET: the value to {@code out}; NOT_FOUND (nothing written) or WRONGTYPE otherwise. */
    public static OpStatus get(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        value(ks, e, out);
        return OpStatus.OK;
    }

    /** The string value of entry {@code e} (zero-copy unless it is INT-encoded). */
    public static void value(Keyspace ks, long e, ValueSink out) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            out.bulkDecimal(ks.longValue(e));
        } else {
            out.bulk(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
        }
    }

    /** The length of the string value of entry {@code e} (of its decimal text when INT-encoded). */
    public static int length(Keyspace ks, long e) {
        return ks.encoding(e) == ValueEncoding.INT ? ByteStrings.decimalLength(ks.longValue(e)) : ks.valueLength(e);
    }

    /** Stores like Redis' tryObjectEncoding: a canonical integer of at most 20 chars becomes INT. Returns the entry. */
    public static long store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment vSeg, long vOff, int vLen, long expireAt) {
        if (vLen <= 20 && ByteStrings.isLong(vSeg, vOff, vLen)) {
            return ks.putLong(kSeg, kOff, kLen, ByteStrings.parseLong(vSeg, vOff, vLen), expireAt);
        }
        return ks.putBytes(kSeg, kOff, kLen, vSeg, vOff, vLen, expireAt);
    }

    /**
     * SET with {@code flags} ({@link #SET_NX}, {@link #SET_XX}, {@link #SET_GET}). An {@code expireAt}
     * at or before {@code now} leaves no key (Redis sets and deletes at once). With SET_GET the old
     * value goes to {@code out} first, whether or not the value is then stored; without it nothing
     * is written. NOT_APPLIED when NX or XX did not hold; WRONGTYPE (nothing changed) when SET_GET
     * finds another type.
     */
    public static OpStatus set(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                               MemorySegment vSeg, long vOff, int vLen, int flags, long expireAt, long now, ValueSink out) {
        boolean get = (flags & SET_GET) != 0;
        // Only NX, XX and GET need the old entry; a plain SET goes straight to the store. GET reads it
        // as GET does (a miss is announced), NX and XX only check it.
        long e = get ? reads.lookupRead(ks, kSeg, kOff, kLen)
                : (flags & (SET_NX | SET_XX)) != 0 ? ks.find(kSeg, kOff, kLen) : Keyspace.NONE;
        if (get) {
            if (e == Keyspace.NONE) {
                out.nullBulk();
            } else if (ks.type(e) != ValueType.STRING) {
                return OpStatus.WRONGTYPE;
            } else {
                value(ks, e, out);
            }
        }
        if (((flags & SET_NX) != 0 && e != Keyspace.NONE) || ((flags & SET_XX) != 0 && e == Keyspace.NONE)) {
            return OpStatus.NOT_APPLIED;
        }
        if (expireAt > 0 && expireAt <= now) {
            ks.delete(kSeg, kOff, kLen);
        } else {
            store(ks, kSeg, kOff, kLen, vSeg, vOff, vLen, expireAt);
        }
        return OpStatus.OK;
    }

    /** GETDEL: the value to {@code out} and the key deleted; NOT_FOUND or WRONGTYPE otherwise. */
    public static OpStatus getdel(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        value(ks, e, out);
        ks.deleteEntry(e);
        return OpStatus.OK;
    }

    /**
     * GETEX: the value to {@code out}, then the TTL changed: {@code expireAt} KEEP_TTL leaves it, 0
     * removes it (PERSIST), a time at or before {@code now} deletes the key. NOT_FOUND or WRONGTYPE
     * otherwise.
     */
    public static OpStatus getex(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                                 long expireAt, long now, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        value(ks, e, out);
        if (expireAt == 0) {
            ks.setExpireAt(e, 0);
        } else if (expireAt > 0) {
            if (expireAt <= now) {
                ks.deleteEntry(e);
            } else {
                ks.setExpireAt(e, expireAt);
            }
        }
        return OpStatus.OK;
    }

    /** A read of the key that only classifies it: OK (a string), NOT_FOUND or WRONGTYPE; nothing written. */
    public static OpStatus check(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        return e == Keyspace.NONE ? OpStatus.NOT_FOUND : ks.type(e) != ValueType.STRING ? OpStatus.WRONGTYPE : OpStatus.OK;
    }

    /** MSETNX's check: OK when no key of that name (of any type) exists, NOT_APPLIED otherwise. */
    public static OpStatus absent(Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        return ks.find(kSeg, kOff, kLen) == Keyspace.NONE ? OpStatus.OK : OpStatus.NOT_APPLIED;
    }

    /**
     * INCRBY: the new value to {@code out} (an integer). WRONGTYPE, NOT_INTEGER (the stored value is
     * not one) or OVERFLOW, nothing changed. A missing key counts as 0; the TTL is kept.
     */
    public static OpStatus incrBy(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long by, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        long current = 0;
        if (e != Keyspace.NONE) {
            if (ks.type(e) != ValueType.STRING) {
                return OpStatus.WRONGTYPE;
            }
            if (ks.encoding(e) == ValueEncoding.INT) {
                current = ks.longValue(e);
            } else if (ByteStrings.isLong(ks.segment(e), ks.valueOffset(e), ks.valueLength(e))) {
                current = ByteStrings.parseLong(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
            } else {
                return OpStatus.NOT_INTEGER;
            }
        }
        long result = current + by;
        if (((current ^ result) & (by ^ result)) < 0) {
            return OpStatus.OVERFLOW;
        }
        if (e != Keyspace.NONE && ks.encoding(e) == ValueEncoding.INT) {
            ks.setLong(e, result); // in place: same entry, same TTL, no second lookup
        } else {
            ks.putLong(kSeg, kOff, kLen, result, Keyspace.KEEP_TTL);
        }
        out.integer(result);
        return OpStatus.OK;
    }

    /**
     * INCRBYFLOAT in Redis' long double arithmetic: the new value's text to {@code out} (a bulk
     * string). {@code by} is the parsed increment ({@link LongDoubleArithmetic#parse}), null when it
     * was not a float: Redis checks it only after the key's type and value, so this reports
     * WRONGTYPE, then NOT_FLOAT (the value or the increment), then NAN_OR_INFINITY.
     */
    public static OpStatus incrByFloat(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, BigDecimal by, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        BigDecimal current = BigDecimal.ZERO;
        if (e != Keyspace.NONE) {
            if (ks.type(e) != ValueType.STRING) {
                return OpStatus.WRONGTYPE;
            }
            current = ks.encoding(e) == ValueEncoding.INT ? BigDecimal.valueOf(ks.longValue(e))
                    : LongDoubleArithmetic.parse(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
            if (current == null) {
                return OpStatus.NOT_FLOAT;
            }
        }
        if (by == null) {
            return OpStatus.NOT_FLOAT;
        }
        boolean infinite = current == LongDoubleArithmetic.INFINITY || by == LongDoubleArithmetic.INFINITY;
        BigDecimal sum = infinite ? null : LongDoubleArithmetic.add(current, by);
        if (sum == null) {
            return OpStatus.NAN_OR_INFINITY;
        }
        byte[] b = LongDoubleArithmetic.format(sum).getBytes(StandardCharsets.US_ASCII);
        ks.putBytes(kSeg, kOff, kLen, MemorySegment.ofArray(b), 0, b.length, Keyspace.KEEP_TTL);
        out.bulk(b);
        return OpStatus.OK;
    }

    /**
     * APPEND: the new length to {@code out}; a missing key is created. WRONGTYPE, or TOO_LARGE when
     * the result would exceed {@code maxLength} (nothing changed).
     */
    public static OpStatus append(Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                                  MemorySegment vSeg, long vOff, int vLen, long maxLength, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            store(ks, kSeg, kOff, kLen, vSeg, vOff, vLen, 0);
            out.integer(vLen);
            return OpStatus.OK;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        long oldLen = length(ks, e);
        long newLen = oldLen + vLen;
        if (newLen > maxLength) {
            return OpStatus.TOO_LARGE;
        }
        e = ks.resizeRaw(e, (int) newLen);
        MemorySegment.copy(vSeg, vOff, ks.segment(e), ks.valueOffset(e) + oldLen, vLen);
        out.integer(newLen);
        return OpStatus.OK;
    }

    /** STRLEN: the length to {@code out}; NOT_FOUND (nothing written) or WRONGTYPE otherwise. */
    public static OpStatus strlen(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(length(ks, e));
        return OpStatus.OK;
    }

    /**
     * GETRANGE: the bytes from {@code start} to {@code end} inclusive (negative counts from the end,
     * clamped to the value) to {@code out}, possibly empty. NOT_FOUND (nothing written) or WRONGTYPE.
     */
    public static OpStatus getrange(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
                                    long start, long end, ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        if (start < 0 && end < 0 && start > end) {
            out.bulk(EMPTY);
            return OpStatus.OK;
        }
        boolean isInt = ks.encoding(e) == ValueEncoding.INT;
        byte[] digits = isInt ? Long.toString(ks.longValue(e)).getBytes(StandardCharsets.US_ASCII) : null;
        long len = isInt ? digits.length : ks.valueLength(e);
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        start = Math.max(0, start);
        end = Math.max(0, end);
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            out.bulk(EMPTY);
        } else if (isInt) {
            out.bulk(Arrays.copyOfRange(digits, (int) start, (int) end + 1));
        } else {
            out.bulk(ks.segment(e), ks.valueOffset(e) + start, (int) (end - start + 1));
        }
        return OpStatus.OK;
    }

    /**
     * SETRANGE at {@code offset} (&gt;= 0, checked by the caller): the new length to {@code out}; the
     * value is zero-padded and the key created as needed (not for an empty value). WRONGTYPE, or
     * TOO_LARGE when the result would exceed {@code maxLength}.
     */
    public static OpStatus setrange(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long offset,
                                    MemorySegment vSeg, long vOff, int vLen, long maxLength, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STRING) {
            return OpStatus.WRONGTYPE;
        }
        long oldLen = e == Keyspace.NONE ? 0 : length(ks, e);
        if (vLen == 0) {
            out.integer(oldLen);
            return OpStatus.OK;
        }
        if (offset > maxLength - vLen) { // checkStringLength; offset + vLen may overflow
            return OpStatus.TOO_LARGE;
        }
        long newLen = Math.max(oldLen, offset + vLen);
        if (e == Keyspace.NONE) {
            e = ks.putUninitialized(kSeg, kOff, kLen, ValueType.STRING, ValueEncoding.RAW_MUTABLE, 0, 0);
        }
        e = ks.resizeRaw(e, (int) newLen);
        MemorySegment.copy(vSeg, vOff, ks.segment(e), ks.valueOffset(e) + offset, vLen);
        out.integer(newLen);
        return OpStatus.OK;
    }
}

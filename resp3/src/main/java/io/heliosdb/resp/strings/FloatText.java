package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.ops.LongDoubleArithmetic;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;

/** INCRBYFLOAT's long-double arithmetic for other families (HINCRBYFLOAT). */
public final class FloatText {
    /** What {@link #parse} returns for "inf": any sum with it is refused. */
    public static final BigDecimal INFINITE = LongDoubleArithmetic.INFINITY;

    private FloatText() {}

    /** A float as Redis' string2ld accepts it, {@link #INFINITE}, or null. */
    public static BigDecimal parse(byte[] b) {
        return LongDoubleArithmetic.parse(MemorySegment.ofArray(b), 0, b.length);
    }

    /** a + b formatted as Redis replies it, or null when not finite. */
    public static String add(BigDecimal a, BigDecimal b) {
        BigDecimal sum = LongDoubleArithmetic.add(a, b);
        return sum == null ? null : LongDoubleArithmetic.format(sum);
    }
}

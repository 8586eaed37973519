package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import java.lang.foreign.MemorySegment;

/**
 * Operations on string values. Each runs on the shard that owns the key, changes the keyspace and
 * reports its result to a {@link ValueSink} and its outcome as an {@link OpStatus}; parsing and
 * rendering belong to the protocol.
 */
public final class StringOps {
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
}

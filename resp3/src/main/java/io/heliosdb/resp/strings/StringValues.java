package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ops.StringOps;
import io.heliosdb.memory.ByteStrings;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Shared rules for string values: how they are stored, read back and reported. */
public final class StringValues {
    private StringValues() {}

    /** Stores like Redis' tryObjectEncoding: a canonical integer of at most 20 chars becomes INT. */
    public static long store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment vSeg, long vOff, int vLen, long expireAt) {
        return StringOps.store(ks, kSeg, kOff, kLen, vSeg, vOff, vLen, expireAt);
    }

    public static int length(Keyspace ks, long e) {
        return StringOps.length(ks, e);
    }

    /** The value as bytes (allocates: for cold paths such as LCS and cross-shard moves). */
    static byte[] bytes(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            return Long.toString(ks.longValue(e)).getBytes(StandardCharsets.US_ASCII);
        }
        return ByteStrings.toBytes(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
    }
}

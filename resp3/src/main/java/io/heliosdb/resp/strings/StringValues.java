package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.resp.codec.RespWriter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Shared rules for string values: how they are stored, read back and reported. */
public final class StringValues {
    private StringValues() {}

    /** Stores like Redis' tryObjectEncoding: a canonical integer of at most 20 chars becomes INT. */
    public static long store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment vSeg, long vOff, int vLen, long expireAt) {
        if (vLen <= 20 && ByteStrings.isLong(vSeg, vOff, vLen)) {
            return ks.putLong(kSeg, kOff, kLen, ByteStrings.parseLong(vSeg, vOff, vLen), expireAt);
        }
        return ks.putBytes(kSeg, kOff, kLen, vSeg, vOff, vLen, expireAt);
    }

    static void reply(Keyspace ks, long e, RespWriter out) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            out.bulkDecimal(ks.longValue(e));
        } else {
            out.bulk(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
        }
    }

    public static int length(Keyspace ks, long e) {
        return ks.encoding(e) == ValueEncoding.INT ? ByteStrings.decimalLength(ks.longValue(e)) : ks.valueLength(e);
    }

    /** The value as bytes (allocates: for cold paths such as LCS and cross-shard moves). */
    static byte[] bytes(Keyspace ks, long e) {
        if (ks.encoding(e) == ValueEncoding.INT) {
            return Long.toString(ks.longValue(e)).getBytes(StandardCharsets.US_ASCII);
        }
        return ByteStrings.toBytes(ks.segment(e), ks.valueOffset(e), ks.valueLength(e));
    }
}

package io.heliosdb.resp.strings;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.StringOps;
import java.lang.foreign.MemorySegment;

/** How string values are stored, for other families (RESTORE); the rules live in {@link StringOps}. */
public final class StringValues {
    private StringValues() {}

    /** Stores like Redis' tryObjectEncoding: a canonical integer of at most 20 chars becomes INT. */
    public static long store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment vSeg, long vOff, int vLen, long expireAt) {
        return StringOps.store(ks, kSeg, kOff, kLen, vSeg, vOff, vLen, expireAt);
    }
}

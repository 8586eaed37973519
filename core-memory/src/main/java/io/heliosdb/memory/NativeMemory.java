package io.heliosdb.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Bridge between native addresses handed out by other libraries (netty's direct buffers) and
 * the FFM API. {@link #ALL} spans the whole address space, so a foreign address is just an offset
 * into it: copies in and out of netty buffers need no per-call segment objects (no garbage).
 * Only the protocol edge may use this; everything else works on sized segments.
 */
public final class NativeMemory {
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private NativeMemory() {}
}

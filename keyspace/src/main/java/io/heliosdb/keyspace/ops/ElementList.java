package io.heliosdb.keyspace.ops;

import java.lang.foreign.MemorySegment;

/**
 * The byte strings a multi-element operation reads (HSET's field/value pairs, SADD's members), in
 * place: a protocol's request arguments implement it, so no element is copied before the operation
 * stores it. An operation reads a range of it given by index.
 */
public interface ElementList {
    /** The segment every element lies in. */
    MemorySegment segment();

    long offset(int i);

    int length(int i);

    /** Elements held as arrays (tests, cold callers): one segment over their concatenation. */
    static ElementList of(byte[]... elements) {
        int total = 0;
        for (byte[] e : elements) {
            total += e.length;
        }
        byte[] all = new byte[total];
        long[] offsets = new long[elements.length];
        int at = 0;
        for (int i = 0; i < elements.length; i++) {
            offsets[i] = at;
            System.arraycopy(elements[i], 0, all, at, elements[i].length);
            at += elements[i].length;
        }
        MemorySegment seg = MemorySegment.ofArray(all);
        return new ElementList() {
            @Override
            public MemorySegment segment() {
                return seg;
            }

            @Override
            public long offset(int i) {
                return offsets[i];
            }

            @Override
            public int length(int i) {
                return elements[i].length;
            }
        };
    }
}

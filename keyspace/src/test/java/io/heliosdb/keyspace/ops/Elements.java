package io.heliosdb.keyspace.ops;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Byte strings laid out in one segment, as a request's arguments are (element 0 is often the key). */
final class Elements implements ElementList {
    private final MemorySegment seg;
    private final long[] offsets;
    private final int[] lengths;

    private Elements(String... s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        offsets = new long[s.length];
        lengths = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            byte[] x = s[i].getBytes(StandardCharsets.UTF_8);
            offsets[i] = b.size() + 1; // a gap byte, so that no element starts where the segment does
            b.write('|');
            b.writeBytes(x);
            lengths[i] = x.length;
        }
        seg = MemorySegment.ofArray(b.toByteArray());
    }

    static Elements of(String... s) {
        return new Elements(s);
    }

    int count() {
        return offsets.length;
    }

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
        return lengths[i];
    }
}

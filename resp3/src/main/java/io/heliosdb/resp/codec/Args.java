package io.heliosdb.resp.codec;

import io.heliosdb.keyspace.ops.ElementList;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * The arguments of one command: a flyweight over (offset, length) pairs into a memory segment
 * holding the request bytes. Reused for every command of a connection; valid only while the command
 * runs.
 */
public final class Args implements ElementList {
    private MemorySegment segment;
    private long[] offsets = new long[16];
    private int[] lengths = new int[16];
    private int count;

    public void reset(MemorySegment segment) {
        this.segment = segment;
        this.count = 0;
    }

    /** Appends an argument by position (used when replaying a stored command). */
    public void addRaw(long offset, int length) {
        add(offset, length);
    }

    void add(long offset, int length) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count++] = length;
    }

    /** Copies {@code other}'s arguments, rebased onto {@code segment} whose byte 0 is {@code other}'s {@code base}. */
    public void copyRebased(Args other, MemorySegment segment, long base) {
        reset(segment);
        for (int i = 0; i < other.count; i++) {
            add(other.offsets[i] - base, other.lengths[i]);
        }
    }

    /** Points the same offsets at a new segment holding the same bytes (the input buffer grew). */
    public void moveTo(MemorySegment bigger) {
        this.segment = bigger;
    }

    public int count() {
        return count;
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long offset(int i) {
        assert i < count;
        return offsets[i];
    }

    @Override
    public int length(int i) {
        assert i < count;
        return lengths[i];
    }

    /** Lowest offset used by any argument (start of the frame's payload). */
    public long minOffset() {
        long m = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            m = Math.min(m, offsets[i]);
        }
        return count == 0 ? 0 : m;
    }

    /** One past the highest byte used by any argument. */
    public long endOffset() {
        long m = 0;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, offsets[i] + lengths[i]);
        }
        return m;
    }

    public boolean is(int i, byte[] lowerAscii) {
        return ByteStrings.equalsIgnoreCase(segment, offsets[i], lengths[i], lowerAscii);
    }

    public boolean isLong(int i) {
        return ByteStrings.isLong(segment, offsets[i], lengths[i]);
    }

    public long parseLong(int i) {
        return ByteStrings.parseLong(segment, offsets[i], lengths[i]);
    }

    /** A Java string of argument {@code i} (allocates: for cold paths only). */
    public String string(int i) {
        return ByteStrings.toString(segment, offsets[i], lengths[i]);
    }

    public byte[] bytes(int i) {
        return ByteStrings.toBytes(segment, offsets[i], lengths[i]);
    }

    /** Argument {@code i} lower-cased as a Java string (allocates: for cold paths only). */
    public String lower(int i) {
        return string(i).toLowerCase(Locale.ROOT);
    }
}

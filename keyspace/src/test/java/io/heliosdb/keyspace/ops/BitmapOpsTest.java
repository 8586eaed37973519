package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BitmapOps on a real off-heap keyspace: bits as Redis numbers them, ranges, every status. */
class BitmapOpsTest {
    private SlabAllocator memory;
    private Keyspace ks;
    private final StringOpsTest.Sink out = new StringOpsTest.Sink();
    private final MemorySegment k = seg("b");

    @BeforeEach
    void setUp() {
        memory = new SlabAllocator("test");
        ks = new OffHeapKeyspace(memory, new ManualClock(1_000_000));
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void put(String v) {
        MemorySegment val = seg(v);
        StringOps.store(ks, k, 0, 1, val, 0, (int) val.byteSize(), 0);
    }

    private long count(long start, long end, int flags) {
        assertEquals(OpStatus.OK, BitmapOps.bitcount(KeyReads.DIRECT, ks, k, 0, 1, start, end, flags, out));
        return Long.parseLong(out.take().get(0).substring(1));
    }

    private long pos(int bit, long start, long end, int flags) {
        assertEquals(OpStatus.OK, BitmapOps.bitpos(KeyReads.DIRECT, ks, k, 0, 1, bit, start, end, flags, out));
        return Long.parseLong(out.take().get(0).substring(1));
    }

    @Test
    void setbitGrowsTheStringAndGetbitReadsIt() {
        assertEquals(OpStatus.NOT_FOUND, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 7, out));
        assertEquals(OpStatus.OK, BitmapOps.setbit(ks, k, 0, 1, 7, true, out));
        assertEquals(OpStatus.OK, BitmapOps.setbit(ks, k, 0, 1, 7, true, out));
        assertEquals(OpStatus.OK, BitmapOps.setbit(ks, k, 0, 1, 17, true, out));
        assertEquals(OpStatus.OK, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 7, out));
        assertEquals(OpStatus.OK, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 6, out));
        assertEquals(OpStatus.OK, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 1000, out));
        assertEquals(List.of(":0", ":1", ":0", ":1", ":0", ":0"), out.take());
        assertEquals(OpStatus.OK, StringOps.get(KeyReads.DIRECT, ks, k, 0, 1, out));
        assertEquals(List.of("$\u0001\u0000@"), out.take());
        // an INT-encoded value reads as its digits ("1" is 0x31) and becomes raw when written
        put("1");
        assertEquals(OpStatus.OK, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 2, out));
        assertEquals(OpStatus.OK, BitmapOps.setbit(ks, k, 0, 1, 6, true, out));
        assertEquals(List.of(":1", ":0"), out.take());
        assertEquals(OpStatus.OK, StringOps.get(KeyReads.DIRECT, ks, k, 0, 1, out));
        assertEquals(List.of("$3"), out.take());
    }

    @Test
    void bitcountCountsWholeStringsAndRanges() {
        assertEquals(OpStatus.NOT_FOUND, BitmapOps.bitcount(KeyReads.DIRECT, ks, k, 0, 1, 0, -1, 0, out));
        put("foobar");
        assertEquals(26, count(0, 0, 0));
        assertEquals(4, count(0, 0, BitmapOps.RANGE));
        assertEquals(6, count(1, 1, BitmapOps.RANGE));
        assertEquals(7, count(-2, -1, BitmapOps.RANGE));
        assertEquals(17, count(5, 30, BitmapOps.RANGE | BitmapOps.BIT_UNIT));
        assertEquals(0, count(-1, -5, BitmapOps.RANGE));
        assertEquals(0, count(4, 2, BitmapOps.RANGE));
        assertEquals(26, count(-100, 100, BitmapOps.RANGE));
    }

    @Test
    void bitposFindsTheFirstBitAsRedisDoes() {
        assertEquals(OpStatus.NOT_FOUND, BitmapOps.bitpos(KeyReads.DIRECT, ks, k, 0, 1, 1, 0, 0, 0, out));
        put("\u00ff\u00f0\u0000");
        assertEquals(12, pos(0, 0, 0, 0));
        assertEquals(0, pos(1, 0, 0, 0));
        assertEquals(8, pos(1, 1, Long.MAX_VALUE, BitmapOps.RANGE));
        assertEquals(-1, pos(1, 2, -1, BitmapOps.RANGE | BitmapOps.END_GIVEN));
        assertEquals(3, pos(1, 3, 20, BitmapOps.RANGE | BitmapOps.END_GIVEN | BitmapOps.BIT_UNIT));
        assertEquals(-1, pos(1, 3, 1, BitmapOps.RANGE | BitmapOps.END_GIVEN));
        put("\u00ff\u00ff");
        assertEquals(16, pos(0, 0, 0, 0), "a 0 past a run of ones: just after the string");
        assertEquals(-1, pos(0, 0, -1, BitmapOps.RANGE | BitmapOps.END_GIVEN), "not with an explicit end");
    }

    @Test
    void bitopCombinesSourcesPaddedWithZeros() {
        byte[] a = {(byte) 0xf0, 0x0f}, b = {(byte) 0xff};
        assertEquals("[-16, 0]", Arrays.toString(BitmapOps.bitop(BitmapOps.AND, new byte[][]{a, b})));
        assertEquals("[-1, 15]", Arrays.toString(BitmapOps.bitop(BitmapOps.OR, new byte[][]{a, b, null})));
        assertEquals("[15, 15]", Arrays.toString(BitmapOps.bitop(BitmapOps.XOR, new byte[][]{a, b})));
        assertEquals("[15, -16]", Arrays.toString(BitmapOps.bitop(BitmapOps.NOT, new byte[][]{a})));
        assertEquals(0, BitmapOps.bitop(BitmapOps.AND, new byte[][]{null, null}).length);
    }

    @Test
    void bitopStoreWritesARawStringAndDeletesAnEmptyResult() {
        put("1");
        MemorySegment dst = seg("d");
        Object source = KeySources.read(KeyReads.DIRECT, ks, k, 0, 1, t -> t == ValueType.STRING, true);
        assertEquals("[49]", Arrays.toString((byte[]) source), "an INT-encoded string gathers as its digits");
        assertEquals(OpStatus.OK, BitmapOps.bitopStore(ks, dst, 0, 1, BitmapOps.NOT, new Object[]{source}, out));
        assertEquals(List.of(":1"), out.take());
        long e = ks.find(dst, 0, 1);
        assertEquals(ValueEncoding.RAW_MUTABLE, ks.encoding(e), "a computed string is raw at any size, as in Redis");
        assertEquals(OpStatus.OK, StringOps.get(KeyReads.DIRECT, ks, dst, 0, 1, out));
        assertEquals(List.of("$\u00ce"), out.take());
        assertEquals(OpStatus.OK, BitmapOps.bitopStore(ks, dst, 0, 1, BitmapOps.OR, new Object[]{null, null}, out));
        assertEquals(List.of(":0"), out.take());
        assertEquals(Keyspace.NONE, ks.find(dst, 0, 1), "an empty result deletes the destination");
        assertEquals(OpStatus.OK, BitmapOps.bitopStore(ks, k, 0, 1, BitmapOps.AND, new Object[]{source, new byte[]{(byte) 0x3f, 1}}, out));
        assertEquals(List.of(":2"), out.take(), "the destination may be a source");
        assertEquals(OpStatus.WRONGTYPE, BitmapOps.bitopStore(ks, k, 0, 1, BitmapOps.OR, new Object[]{source, KeySources.WRONG_TYPE}, out));
        assertEquals(List.of(), out.take());
        assertEquals(OpStatus.OK, StringOps.get(KeyReads.DIRECT, ks, k, 0, 1, out));
        assertEquals(List.of("$1\u0000"), out.take(), "nothing stored on WRONGTYPE");
    }

    @Test
    void otherTypesAreWrongtype() {
        ks.putUninitialized(k, 0, 1, ValueType.LIST, ValueEncoding.RAW, 0, 0);
        assertEquals(OpStatus.WRONGTYPE, BitmapOps.setbit(ks, k, 0, 1, 1, true, out));
        assertEquals(OpStatus.WRONGTYPE, BitmapOps.getbit(KeyReads.DIRECT, ks, k, 0, 1, 1, out));
        assertEquals(OpStatus.WRONGTYPE, BitmapOps.bitcount(KeyReads.DIRECT, ks, k, 0, 1, 0, -1, 0, out));
        assertEquals(OpStatus.WRONGTYPE, BitmapOps.bitpos(KeyReads.DIRECT, ks, k, 0, 1, 1, 0, -1, 0, out));
        assertEquals(List.of(), out.take());
        assertEquals(ValueType.LIST, ks.type(ks.find(k, 0, 1)));
    }
}

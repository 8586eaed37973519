package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The list operations on a real off-heap keyspace, every outcome, results as the sink saw them. */
class ListOpsTest {
    /** A sink that writes each value as a word: "3", "a", "*2", "nil", "OK", "d1.5", ... */
    static final class Sink implements ValueSink {
        final List<String> seen = new ArrayList<>();

        List<String> take() {
            List<String> r = List.copyOf(seen);
            seen.clear();
            return r;
        }

        @Override public void integer(long v) { seen.add(Long.toString(v)); }
        @Override public void bulk(MemorySegment seg, long off, int len) {
            byte[] b = new byte[len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, b, 0, len);
            bulk(b);
        }
        @Override public void bulk(byte[] b) { seen.add(new String(b, StandardCharsets.UTF_8)); }
        @Override public void bulkDecimal(long v) { seen.add(Long.toString(v)); }
        @Override public void doubleValue(double d) { seen.add("d" + d); }
        @Override public void nullBulk() { seen.add("nil"); }
        @Override public void nullArray() { seen.add("*nil"); }
        @Override public void array(int n) { seen.add("*" + n); }
        @Override public void map(int n) { seen.add("%" + n); }
        @Override public void set(int n) { seen.add("~" + n); }
        @Override public void bool(boolean b) { seen.add("#" + b); }
        @Override public void ok() { seen.add("OK"); }
        @Override public void pairs(int n) { seen.add("pairs" + n); }
        @Override public void pair() { seen.add("("); }
    }

    static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[][] bs(String... s) {
        byte[][] r = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            r[i] = b(s[i]);
        }
        return r;
    }

    /** A string key named "str", to see WRONGTYPE. */
    static void putString(Keyspace ks) {
        MemorySegment k = seg("str");
        long e = ks.putUninitialized(k, 0, 3, ValueType.STRING, ValueEncoding.RAW, 1, 0);
        ks.segment(e).set(ValueLayout.JAVA_BYTE, ks.valueOffset(e), (byte) 'x');
    }

    private SlabAllocator memory;
    private Keyspace ks;
    private final Sink out = new Sink();
    private final MemorySegment key = seg("l");
    private final MemorySegment str = seg("str");

    @BeforeEach
    void setUp() {
        memory = new SlabAllocator("test");
        ks = new OffHeapKeyspace(memory, new ManualClock(1_000_000));
        putString(ks);
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    private void rpush(String... elements) {
        assertEquals(OpStatus.OK, ListOps.push(ks, key, 0, 1, Elements.of(elements), 0, Elements.of(elements).count(), false, false, out));
        out.take();
    }

    private List<String> range() {
        assertEquals(OpStatus.OK, ListOps.lrange(KeyReads.DIRECT, ks, key, 0, 1, 0, -1, out));
        return out.take();
    }

    @Test
    void pushesCreateAndGrowAndPushxNeedsTheKey() {
        assertEquals(OpStatus.NOT_FOUND, ListOps.push(ks, key, 0, 1, Elements.of("a"), 0, Elements.of("a").count(), true, true, out));
        assertEquals(List.of(), out.take());
        assertEquals(OpStatus.OK, ListOps.push(ks, key, 0, 1, Elements.of("a", "b"), 0, Elements.of("a", "b").count(), true, false, out));
        assertEquals(List.of("2"), out.take());
        assertEquals(OpStatus.OK, ListOps.push(ks, key, 0, 1, Elements.of("c"), 0, Elements.of("c").count(), false, true, out));
        assertEquals(List.of("3"), out.take());
        assertEquals(List.of("*3", "b", "a", "c"), range());
        assertEquals(OpStatus.WRONGTYPE, ListOps.push(ks, str, 0, 3, Elements.of("a"), 0, Elements.of("a").count(), true, false, out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.push(ks, str, 0, 3, Elements.of("a"), 0, Elements.of("a").count(), true, true, out));
        assertEquals(List.of(), out.take());
    }

    @Test
    void popsOneOrACountAndDeleteTheEmptiedKey() {
        assertEquals(OpStatus.NOT_FOUND, ListOps.pop(ks, key, 0, 1, true, ListOps.SINGLE, out));
        assertEquals(OpStatus.NOT_FOUND, ListOps.pop(ks, key, 0, 1, true, 2, out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.pop(ks, str, 0, 3, true, 2, out));
        assertEquals(List.of(), out.take());
        rpush("a", "b", "c", "d");
        assertEquals(OpStatus.OK, ListOps.pop(ks, key, 0, 1, true, ListOps.SINGLE, out));
        assertEquals(OpStatus.OK, ListOps.pop(ks, key, 0, 1, false, ListOps.SINGLE, out));
        assertEquals(List.of("a", "d"), out.take());
        assertEquals(OpStatus.OK, ListOps.pop(ks, key, 0, 1, true, 0, out));
        assertEquals(List.of("*0"), out.take());
        assertEquals(OpStatus.OK, ListOps.pop(ks, key, 0, 1, false, 5, out));
        assertEquals(List.of("*2", "c", "b"), out.take());
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void serveFormsPopAndPushElements() {
        assertNull(ListOps.popOne(ks, key, 0, 1, true));
        assertNull(ListOps.popOne(ks, str, 0, 3, true));
        assertNull(ListOps.popMany(ks, key, 0, 1, true, 3));
        assertEquals(false, ListOps.pushOne(ks, str, 0, 3, b("x"), true));
        assertEquals(true, ListOps.pushOne(ks, key, 0, 1, b("b"), true));
        assertEquals(true, ListOps.pushOne(ks, key, 0, 1, b("a"), true));
        assertEquals(true, ListOps.pushOne(ks, key, 0, 1, b("c"), false));
        assertArrayEquals(b("c"), ListOps.popOne(ks, key, 0, 1, false));
        byte[][] rest = ListOps.popMany(ks, key, 0, 1, true, 5);
        assertEquals(2, rest.length);
        assertArrayEquals(b("a"), rest[0]);
        assertArrayEquals(b("b"), rest[1]);
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void lengthRangeAndIndexReadWithoutChanging() {
        assertEquals(OpStatus.OK, ListOps.llen(KeyReads.DIRECT, ks, key, 0, 1, out));
        assertEquals(OpStatus.OK, ListOps.lrange(KeyReads.DIRECT, ks, key, 0, 1, 0, -1, out));
        assertEquals(List.of("0", "*0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ListOps.llen(KeyReads.DIRECT, ks, str, 0, 3, out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.lrange(KeyReads.DIRECT, ks, str, 0, 3, 0, -1, out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.lindex(KeyReads.DIRECT, ks, str, 0, 3, 0, out));
        assertEquals(OpStatus.NOT_FOUND, ListOps.lindex(KeyReads.DIRECT, ks, key, 0, 1, 0, out));
        assertEquals(List.of(), out.take());
        rpush("a", "b", "c");
        assertEquals(OpStatus.OK, ListOps.llen(KeyReads.DIRECT, ks, key, 0, 1, out));
        assertEquals(OpStatus.OK, ListOps.lrange(KeyReads.DIRECT, ks, key, 0, 1, -2, 100, out));
        assertEquals(OpStatus.OK, ListOps.lrange(KeyReads.DIRECT, ks, key, 0, 1, 2, 1, out));
        assertEquals(List.of("3", "*2", "b", "c", "*0"), out.take());
        assertEquals(OpStatus.OK, ListOps.lindex(KeyReads.DIRECT, ks, key, 0, 1, -1, out));
        assertEquals(List.of("c"), out.take());
        assertEquals(OpStatus.NOT_FOUND, ListOps.lindex(KeyReads.DIRECT, ks, key, 0, 1, 3, out));
        assertEquals(OpStatus.NOT_FOUND, ListOps.lindex(KeyReads.DIRECT, ks, key, 0, 1, -4, out));
        assertEquals(List.of(), out.take());
    }

    @Test
    void probeTellsListMissingAndWrongType() {
        assertEquals(OpStatus.NOT_FOUND, ListOps.probe(null, ks, key, 0, 1));
        assertEquals(OpStatus.WRONGTYPE, ListOps.probe(KeyReads.DIRECT, ks, str, 0, 3));
        rpush("a");
        assertEquals(OpStatus.OK, ListOps.probe(KeyReads.DIRECT, ks, key, 0, 1));
    }

    @Test
    void lsetReplacesOrSaysWhyNot() {
        assertEquals(OpStatus.NOT_FOUND, ListOps.lset(ks, key, 0, 1, 0, b("x"), out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.lset(ks, str, 0, 3, 0, b("x"), out));
        rpush("a", "b");
        assertEquals(OpStatus.OUT_OF_RANGE, ListOps.lset(ks, key, 0, 1, 2, b("x"), out));
        assertEquals(OpStatus.OUT_OF_RANGE, ListOps.lset(ks, key, 0, 1, -3, b("x"), out));
        assertEquals(List.of(), out.take());
        assertEquals(OpStatus.OK, ListOps.lset(ks, key, 0, 1, -1, b("x"), out));
        assertEquals(List.of("OK"), out.take());
        assertEquals(List.of("*2", "a", "x"), range());
    }

    @Test
    void linsertAtThePivot() {
        assertEquals(OpStatus.NOT_FOUND, ListOps.linsert(ks, key, 0, 1, true, b("a"), b("x"), out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.linsert(ks, str, 0, 3, true, b("a"), b("x"), out));
        rpush("a", "b");
        assertEquals(OpStatus.NOT_APPLIED, ListOps.linsert(ks, key, 0, 1, true, b("z"), b("x"), out));
        assertEquals(List.of(), out.take());
        assertEquals(OpStatus.OK, ListOps.linsert(ks, key, 0, 1, true, b("b"), b("x"), out));
        assertEquals(OpStatus.OK, ListOps.linsert(ks, key, 0, 1, false, b("b"), b("y"), out));
        assertEquals(List.of("3", "4"), out.take());
        assertEquals(List.of("*4", "a", "x", "b", "y"), range());
    }

    @Test
    void lremFromEitherEndAndAll() {
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, 0, b("a"), out));
        assertEquals(OpStatus.WRONGTYPE, ListOps.lrem(ks, str, 0, 3, 0, b("a"), out));
        assertEquals(List.of("0"), out.take());
        rpush("a", "b", "a", "c", "a");
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, -1, b("a"), out));
        assertEquals(List.of("1"), out.take());
        assertEquals(List.of("*4", "a", "b", "a", "c"), range());
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, 1, b("a"), out));
        assertEquals(List.of("1"), out.take());
        assertEquals(List.of("*3", "b", "a", "c"), range());
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, Long.MIN_VALUE, b("a"), out));
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, 0, b("b"), out));
        assertEquals(OpStatus.OK, ListOps.lrem(ks, key, 0, 1, 0, b("c"), out));
        assertEquals(List.of("1", "1", "1"), out.take());
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void ltrimKeepsTheRangeOrDeletes() {
        assertEquals(OpStatus.OK, ListOps.ltrim(ks, key, 0, 1, 0, 1, out));
        assertEquals(List.of("OK"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ListOps.ltrim(ks, str, 0, 3, 0, 1, out));
        rpush("a", "b", "c", "d");
        assertEquals(OpStatus.OK, ListOps.ltrim(ks, key, 0, 1, 1, -2, out));
        assertEquals(List.of("OK"), out.take());
        assertEquals(List.of("*2", "b", "c"), range());
        assertEquals(OpStatus.OK, ListOps.ltrim(ks, key, 0, 1, 5, 10, out));
        assertEquals(List.of("OK"), out.take());
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void lposByRankCountAndMaxlen() {
        KeyReads r = KeyReads.DIRECT;
        assertEquals(OpStatus.NOT_FOUND, ListOps.lpos(r, ks, key, 0, 1, b("a"), 1, ListOps.SINGLE, 0, out));
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), 1, 0, 0, out));
        assertEquals(List.of("*0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ListOps.lpos(r, ks, str, 0, 3, b("a"), 1, 0, 0, out));
        rpush("a", "b", "a", "c", "a");
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), 2, ListOps.SINGLE, 0, out));
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), -1, ListOps.SINGLE, 0, out));
        assertEquals(List.of("2", "4"), out.take());
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), 1, 0, 0, out));
        assertEquals(List.of("*3", "0", "2", "4"), out.take());
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), -1, 2, 0, out));
        assertEquals(List.of("*2", "4", "2"), out.take());
        assertEquals(OpStatus.OK, ListOps.lpos(r, ks, key, 0, 1, b("a"), 1, 0, 2, out));
        assertEquals(List.of("*1", "0"), out.take());
        assertEquals(OpStatus.NOT_FOUND, ListOps.lpos(r, ks, key, 0, 1, b("c"), 1, ListOps.SINGLE, 3, out));
        assertEquals(OpStatus.NOT_FOUND, ListOps.lpos(r, ks, key, 0, 1, b("z"), 1, ListOps.SINGLE, 0, out));
        assertEquals(List.of(), out.take());
    }
}

package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** StringOps on a real off-heap keyspace: results as the sink receives them, every status. */
class StringOpsTest {
    private static final long NOW = 1_000_000;

    private SlabAllocator memory;
    private Keyspace ks;
    private final Sink out = new Sink();
    private int reads;
    private final KeyReads counting = (k, seg, off, len) -> {
        reads++;
        return k.find(seg, off, len);
    };

    /** Records what an operation reports, one string per value (bytes as ISO-8859-1). */
    static final class Sink implements ValueSink {
        final List<String> values = new ArrayList<>();

        List<String> take() {
            List<String> v = List.copyOf(values);
            values.clear();
            return v;
        }

        @Override public void integer(long v) { values.add(":" + v); }
        @Override public void bulk(MemorySegment seg, long off, int len) {
            values.add("$" + new String(ByteStrings.toBytes(seg, off, len), StandardCharsets.ISO_8859_1));
        }
        @Override public void bulk(byte[] b) { values.add("$" + new String(b, StandardCharsets.ISO_8859_1)); }
        @Override public void bulkDecimal(long v) { values.add("$" + v); }
        @Override public void doubleValue(double d) { values.add("," + d); }
        @Override public void nullBulk() { values.add("nil"); }
        @Override public void nullArray() { values.add("*nil"); }
        @Override public void array(int n) { values.add("*" + n); }
        @Override public void map(int n) { values.add("%" + n); }
        @Override public void set(int n) { values.add("~" + n); }
        @Override public void bool(boolean b) { values.add("#" + b); }
        @Override public void ok() { values.add("+OK"); }
    }

    @BeforeEach
    void setUp() {
        memory = new SlabAllocator("test");
        ks = new OffHeapKeyspace(memory, new ManualClock(NOW));
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    private static MemorySegment seg(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    private OpStatus set(String k, String v, int flags, long expireAt) {
        MemorySegment key = seg(k), val = seg(v);
        return StringOps.set(counting, ks, key, 0, (int) key.byteSize(), val, 0, (int) val.byteSize(), flags, expireAt, NOW, out);
    }

    private OpStatus get(String k) {
        MemorySegment key = seg(k);
        return StringOps.get(counting, ks, key, 0, (int) key.byteSize(), out);
    }

    private long entry(String k) {
        MemorySegment key = seg(k);
        return ks.find(key, 0, (int) key.byteSize());
    }

    private void putList(String k) {
        MemorySegment key = seg(k);
        ks.putUninitialized(key, 0, (int) key.byteSize(), ValueType.LIST, ValueEncoding.RAW, 0, 0);
    }

    private String value(String k) {
        assertEquals(OpStatus.OK, get(k));
        return out.take().get(0).substring(1);
    }

    @Test
    void getReadsStringsAndReportsMissesAndOtherTypes() {
        assertEquals(OpStatus.NOT_FOUND, get("k"));
        assertEquals(List.of(), out.take());
        set("k", "hello", 0, 0);
        set("n", "42", 0, 0);
        assertEquals(ValueEncoding.INT, ks.encoding(entry("n")));
        assertEquals(OpStatus.OK, get("k"));
        assertEquals(OpStatus.OK, get("n"));
        assertEquals(List.of("$hello", "$42"), out.take());
        putList("l");
        assertEquals(OpStatus.WRONGTYPE, get("l"));
        assertEquals(List.of(), out.take());
        assertEquals(4, reads, "every GET looks the key up through its KeyReads");
    }

    @Test
    void setHonoursNxXxGetAndExpiry() {
        assertEquals(OpStatus.OK, set("k", "v1", 0, 0));
        assertEquals(0, reads, "a plain SET does not read the key");
        assertEquals(List.of(), out.take());
        assertEquals(OpStatus.NOT_APPLIED, set("k", "v2", StringOps.SET_NX, 0));
        assertEquals(OpStatus.NOT_APPLIED, set("missing", "v", StringOps.SET_XX, 0));
        assertEquals(Keyspace.NONE, entry("missing"));
        assertEquals(OpStatus.OK, set("k", "v3", StringOps.SET_XX, NOW + 5000));
        assertEquals(NOW + 5000, ks.expireAt(entry("k")));
        assertEquals(OpStatus.OK, set("k", "v4", 0, Keyspace.KEEP_TTL));
        assertEquals(NOW + 5000, ks.expireAt(entry("k")));
        assertEquals(List.of(), out.take());
        // GET: the old value (or nil) whether or not the new one is stored
        assertEquals(OpStatus.OK, set("k", "v5", StringOps.SET_GET, 0));
        assertEquals(List.of("$v4"), out.take());
        assertEquals(0, ks.expireAt(entry("k")));
        assertEquals(OpStatus.NOT_APPLIED, set("k", "v6", StringOps.SET_GET | StringOps.SET_NX, 0));
        assertEquals(List.of("$v5"), out.take());
        assertEquals(OpStatus.OK, set("fresh", "1", StringOps.SET_GET, 0));
        assertEquals(List.of("nil"), out.take());
        assertEquals("v5", value("k"));
        putList("l");
        assertEquals(OpStatus.WRONGTYPE, set("l", "x", StringOps.SET_GET, 0));
        assertEquals(List.of(), out.take());
        assertEquals(ValueType.LIST, ks.type(entry("l")));
        // a time already past: set and deleted at once
        assertEquals(OpStatus.OK, set("k", "gone", 0, NOW));
        assertEquals(Keyspace.NONE, entry("k"));
    }

    @Test
    void getdelAndGetexChangeTheKeyAfterReadingIt() {
        MemorySegment k = seg("k");
        assertEquals(OpStatus.NOT_FOUND, StringOps.getdel(counting, ks, k, 0, 1, out));
        assertEquals(OpStatus.NOT_FOUND, StringOps.getex(counting, ks, k, 0, 1, 0, NOW, out));
        assertEquals(OpStatus.NOT_FOUND, StringOps.check(counting, ks, k, 0, 1));
        set("k", "v", 0, 0);
        assertEquals(OpStatus.OK, StringOps.check(counting, ks, k, 0, 1));
        assertEquals(OpStatus.OK, StringOps.getex(counting, ks, k, 0, 1, NOW + 100, NOW, out));
        assertEquals(NOW + 100, ks.expireAt(entry("k")));
        assertEquals(OpStatus.OK, StringOps.getex(counting, ks, k, 0, 1, Keyspace.KEEP_TTL, NOW, out));
        assertEquals(NOW + 100, ks.expireAt(entry("k")));
        assertEquals(OpStatus.OK, StringOps.getex(counting, ks, k, 0, 1, 0, NOW, out));
        assertEquals(0, ks.expireAt(entry("k")));
        assertEquals(OpStatus.OK, StringOps.getex(counting, ks, k, 0, 1, NOW - 1, NOW, out));
        assertEquals(Keyspace.NONE, entry("k"));
        set("k", "w", 0, 0);
        assertEquals(OpStatus.OK, StringOps.getdel(counting, ks, k, 0, 1, out));
        assertEquals(Keyspace.NONE, entry("k"));
        assertEquals(List.of("$v", "$v", "$v", "$v", "$w"), out.take());
        putList("l");
        MemorySegment l = seg("l");
        assertEquals(OpStatus.WRONGTYPE, StringOps.getdel(counting, ks, l, 0, 1, out));
        assertEquals(OpStatus.WRONGTYPE, StringOps.getex(counting, ks, l, 0, 1, 0, NOW, out));
        assertEquals(OpStatus.WRONGTYPE, StringOps.check(counting, ks, l, 0, 1));
        assertEquals(List.of(), out.take());
        assertEquals(ValueType.LIST, ks.type(entry("l")));
    }

    @Test
    void absentIsMsetnxsCheck() {
        MemorySegment k = seg("k");
        assertEquals(OpStatus.OK, StringOps.absent(ks, k, 0, 1));
        putList("k");
        assertEquals(OpStatus.NOT_APPLIED, StringOps.absent(ks, k, 0, 1));
    }

    @Test
    void incrByCountsAndRefusesNonIntegersAndOverflow() {
        MemorySegment k = seg("c");
        assertEquals(OpStatus.OK, StringOps.incrBy(ks, k, 0, 1, 5, out));
        assertEquals(OpStatus.OK, StringOps.incrBy(ks, k, 0, 1, -7, out));
        assertEquals(List.of(":5", ":-2"), out.take());
        set("c", "10", 0, NOW + 1000);
        assertEquals(OpStatus.OK, StringOps.incrBy(ks, k, 0, 1, 1, out));
        assertEquals(NOW + 1000, ks.expireAt(entry("c")), "the TTL is kept");
        set("c", String.valueOf(Long.MAX_VALUE), 0, 0);
        assertEquals(OpStatus.OVERFLOW, StringOps.incrBy(ks, k, 0, 1, 1, out));
        set("c", "abc", 0, 0);
        assertEquals(OpStatus.NOT_INTEGER, StringOps.incrBy(ks, k, 0, 1, 1, out));
        putList("l");
        assertEquals(OpStatus.WRONGTYPE, StringOps.incrBy(ks, seg("l"), 0, 1, 1, out));
        assertEquals(List.of(":11"), out.take());
        assertEquals("abc", value("c"));
    }

    @Test
    void incrByFloatUsesLongDoubleArithmeticAndRedisPrecedence() {
        MemorySegment k = seg("f");
        BigDecimal tenth = LongDoubleArithmetic.parse(seg("0.1"), 0, 3);
        set("f", "10.5", 0, 0);
        assertEquals(OpStatus.OK, StringOps.incrByFloat(ks, k, 0, 1, tenth, out));
        assertEquals(List.of("$10.6"), out.take());
        assertEquals("10.6", value("f"));
        assertEquals(OpStatus.NOT_FLOAT, StringOps.incrByFloat(ks, k, 0, 1, null, out));
        assertEquals(OpStatus.NAN_OR_INFINITY, StringOps.incrByFloat(ks, k, 0, 1, LongDoubleArithmetic.INFINITY, out));
        set("f", "x", 0, 0);
        assertEquals(OpStatus.NOT_FLOAT, StringOps.incrByFloat(ks, k, 0, 1, tenth, out));
        putList("l");
        assertEquals(OpStatus.WRONGTYPE, StringOps.incrByFloat(ks, seg("l"), 0, 1, null, out), "type before the increment");
        assertEquals(OpStatus.OK, StringOps.incrByFloat(ks, seg("new"), 0, 3, tenth, out));
        assertEquals(List.of("$0.1"), out.take());
        assertNull(LongDoubleArithmetic.parse(seg(" 1"), 0, 2));
    }

    @Test
    void appendStrlenAndRanges() {
        MemorySegment k = seg("s"), v = seg("abc");
        assertEquals(OpStatus.NOT_FOUND, StringOps.strlen(counting, ks, k, 0, 1, out));
        assertEquals(OpStatus.NOT_FOUND, StringOps.getrange(counting, ks, k, 0, 1, 0, -1, out));
        assertEquals(OpStatus.OK, StringOps.append(ks, k, 0, 1, v, 0, 3, 100, out));
        assertEquals(OpStatus.OK, StringOps.append(ks, k, 0, 1, v, 0, 3, 100, out));
        assertEquals(OpStatus.TOO_LARGE, StringOps.append(ks, k, 0, 1, v, 0, 3, 8, out));
        assertEquals(OpStatus.OK, StringOps.strlen(counting, ks, k, 0, 1, out));
        assertEquals(OpStatus.OK, StringOps.getrange(counting, ks, k, 0, 1, 1, -2, out));
        assertEquals(OpStatus.OK, StringOps.getrange(counting, ks, k, 0, 1, -1, -5, out));
        assertEquals(OpStatus.OK, StringOps.getrange(counting, ks, k, 0, 1, 4, 100, out));
        assertEquals(List.of(":3", ":6", ":6", "$bcab", "$", "$bc"), out.take());
        // SETRANGE pads with zero bytes and creates the key, except for an empty value
        MemorySegment r = seg("r");
        assertEquals(OpStatus.OK, StringOps.setrange(ks, r, 0, 1, 2, v, 0, 0, 100, out));
        assertEquals(Keyspace.NONE, entry("r"));
        assertEquals(OpStatus.OK, StringOps.setrange(ks, r, 0, 1, 2, v, 0, 3, 100, out));
        assertEquals(OpStatus.TOO_LARGE, StringOps.setrange(ks, r, 0, 1, 98, v, 0, 3, 100, out));
        assertEquals(List.of(":0", ":5"), out.take());
        assertEquals("\0\0abc", value("r"));
        // INT-encoded values read as their digits
        set("n", "12345", 0, 0);
        assertEquals(OpStatus.OK, StringOps.getrange(counting, ks, seg("n"), 0, 1, 1, 2, out));
        assertEquals(OpStatus.OK, StringOps.strlen(counting, ks, seg("n"), 0, 1, out));
        assertEquals(OpStatus.OK, StringOps.append(ks, seg("n"), 0, 1, v, 0, 1, 100, out));
        assertEquals(List.of("$23", ":5", ":6"), out.take());
        putList("l");
        MemorySegment l = seg("l");
        assertEquals(OpStatus.WRONGTYPE, StringOps.strlen(counting, ks, l, 0, 1, out));
        assertEquals(OpStatus.WRONGTYPE, StringOps.getrange(counting, ks, l, 0, 1, 0, 1, out));
        assertEquals(OpStatus.WRONGTYPE, StringOps.append(ks, l, 0, 1, v, 0, 3, 100, out));
        assertEquals(OpStatus.WRONGTYPE, StringOps.setrange(ks, l, 0, 1, 0, v, 0, 3, 100, out));
        assertEquals(List.of(), out.take());
    }
}

package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HashOps on a real off-heap keyspace: every operation's results and each of its statuses. */
class HashOpsTest {
    private SlabAllocator memory;
    private Keyspace ks;
    private final TranscriptSink out = new TranscriptSink();
    private int reads;
    /** Counts the lookups an operation makes through its KeyReads. */
    private final KeyReads counting = (k, s, o, l) -> {
        reads++;
        return k.find(s, o, l);
    };

    @BeforeEach
    void open() {
        memory = new SlabAllocator("hash-ops-test");
        ks = new OffHeapKeyspace(memory, new ManualClock(1_000_000));
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private static String[] prepend(String key, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = key;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private OpStatus hset(String key, String... fv) {
        Elements a = Elements.of(prepend(key, fv));
        return HashOps.hset(ks, a.segment(), a.offset(0), a.length(0), a, 1, a.count(), 512, 64, false, out);
    }

    private void string(String key) {
        Elements a = Elements.of(key, "text");
        ks.putBytes(a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), 0);
    }

    private long find(String key) {
        Elements a = Elements.of(key);
        return ks.find(a.segment(), a.offset(0), a.length(0));
    }

    @Test
    void hsetCountsNewFieldsAndHmsetAnswersOk() {
        assertEquals(OpStatus.OK, hset("h", "a", "1", "b", "2"));
        assertEquals("int:2", out.take());
        assertEquals(OpStatus.OK, hset("h", "a", "10", "c", "3"));
        assertEquals("int:1", out.take());
        Elements a = Elements.of("h", "d", "4");
        assertEquals(OpStatus.OK, HashOps.hset(ks, a.segment(), a.offset(0), a.length(0), a, 1, 3, 512, 64, true, out));
        assertEquals("ok", out.take());
        assertEquals(ValueType.HASH, ks.type(find("h")));
        assertEquals(4, ks.object(find("h")).size());
        string("s");
        assertEquals(OpStatus.WRONGTYPE, hset("s", "a", "1"));
        assertEquals("", out.take());
    }

    @Test
    void hsetAppliesTheListpackLimits() {
        Elements a = Elements.of("h", "a", "1", "b", "2");
        HashOps.hset(ks, a.segment(), a.offset(0), a.length(0), a, 1, 3, 1, 64, false, out);
        assertTrue(((HashValue) ks.object(find("h"))).compact());
        HashOps.hset(ks, a.segment(), a.offset(0), a.length(0), a, 3, 5, 1, 64, false, out);
        assertFalse(((HashValue) ks.object(find("h"))).compact(), "2 entries over a limit of 1");
        Elements b = Elements.of("g", "field", "a-long-value");
        HashOps.hset(ks, b.segment(), b.offset(0), b.length(0), b, 1, 3, 512, 5, false, out);
        assertFalse(((HashValue) ks.object(find("g"))).compact(), "a value over hash-max-listpack-value");
    }

    @Test
    void hgetReadsThroughKeyReads() {
        hset("h", "a", "1");
        out.take();
        Elements a = Elements.of("h", "a", "zz");
        assertEquals(OpStatus.OK, HashOps.hget(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), out));
        assertEquals("bulk:1", out.take());
        assertEquals(1, reads);
        assertEquals(OpStatus.NOT_FOUND, HashOps.hget(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(2), a.length(2), out));
        Elements m = Elements.of("missing", "a");
        assertEquals(OpStatus.NOT_FOUND, HashOps.hget(counting, ks, m.segment(), m.offset(0), m.length(0), m.segment(), m.offset(1), m.length(1), out));
        assertEquals("", out.take());
        string("s");
        Elements s = Elements.of("s", "a");
        assertEquals(OpStatus.WRONGTYPE, HashOps.hget(KeyReads.DIRECT, ks, s.segment(), s.offset(0), s.length(0), s.segment(), s.offset(1), s.length(1), out));
        assertEquals("", out.take());
    }

    @Test
    void hmgetAnswersNilForMissingFields() {
        hset("h", "a", "1", "b", "2");
        out.take();
        Elements a = Elements.of("h", "b", "x", "a");
        assertEquals(OpStatus.OK, HashOps.hmget(counting, ks, a.segment(), a.offset(0), a.length(0), a, 1, 4, out));
        assertEquals("array:3 bulk:2 nil bulk:1", out.take());
        Elements m = Elements.of("missing", "a", "b");
        assertEquals(OpStatus.OK, HashOps.hmget(counting, ks, m.segment(), m.offset(0), m.length(0), m, 1, 3, out));
        assertEquals("array:2 nil nil", out.take());
        string("s");
        Elements s = Elements.of("s", "a");
        assertEquals(OpStatus.WRONGTYPE, HashOps.hmget(counting, ks, s.segment(), s.offset(0), s.length(0), s, 1, 2, out));
        assertEquals("", out.take());
    }

    @Test
    void hdelCountsAndDeletesAnEmptiedHash() {
        hset("h", "a", "1", "b", "2");
        out.take();
        Elements a = Elements.of("h", "a", "x");
        assertEquals(OpStatus.OK, HashOps.hdel(ks, a.segment(), a.offset(0), a.length(0), a, 1, 3, out));
        assertEquals("int:1", out.take());
        Elements b = Elements.of("h", "b");
        assertEquals(OpStatus.OK, HashOps.hdel(ks, b.segment(), b.offset(0), b.length(0), b, 1, 2, out));
        assertEquals("int:1", out.take());
        assertEquals(Keyspace.NONE, find("h"));
        assertEquals(OpStatus.OK, HashOps.hdel(ks, b.segment(), b.offset(0), b.length(0), b, 1, 2, out));
        assertEquals("int:0", out.take());
        string("s");
        Elements s = Elements.of("s", "a");
        assertEquals(OpStatus.WRONGTYPE, HashOps.hdel(ks, s.segment(), s.offset(0), s.length(0), s, 1, 2, out));
        assertEquals("", out.take());
    }

    @Test
    void hexistsHlenHstrlen() {
        hset("h", "a", "hello", "b", "");
        out.take();
        Elements a = Elements.of("h", "a", "b", "x");
        for (int f = 1; f <= 3; f++) {
            assertEquals(OpStatus.OK, HashOps.hexists(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(f), a.length(f), out));
            assertEquals(OpStatus.OK, HashOps.hstrlen(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(f), a.length(f), out));
        }
        assertEquals("int:1 int:5 int:1 int:0 int:0 int:0", out.take());
        assertEquals(OpStatus.OK, HashOps.hlen(counting, ks, a.segment(), a.offset(0), a.length(0), out));
        assertEquals("int:2", out.take());
        Elements m = Elements.of("missing", "a");
        HashOps.hexists(counting, ks, m.segment(), m.offset(0), m.length(0), m.segment(), m.offset(1), m.length(1), out);
        HashOps.hstrlen(counting, ks, m.segment(), m.offset(0), m.length(0), m.segment(), m.offset(1), m.length(1), out);
        HashOps.hlen(counting, ks, m.segment(), m.offset(0), m.length(0), out);
        assertEquals("int:0 int:0 int:0", out.take());
        assertEquals(10, reads);
        string("s");
        Elements s = Elements.of("s", "a");
        assertEquals(OpStatus.WRONGTYPE, HashOps.hexists(counting, ks, s.segment(), s.offset(0), s.length(0), s.segment(), s.offset(1), s.length(1), out));
        assertEquals(OpStatus.WRONGTYPE, HashOps.hstrlen(counting, ks, s.segment(), s.offset(0), s.length(0), s.segment(), s.offset(1), s.length(1), out));
        assertEquals(OpStatus.WRONGTYPE, HashOps.hlen(counting, ks, s.segment(), s.offset(0), s.length(0), out));
        assertEquals("", out.take());
    }

    @Test
    void allListsFieldsAndValuesInTheHashsOrder() {
        hset("h", "a", "1", "b", "2");
        out.take();
        Elements a = Elements.of("h");
        HashOps.all(counting, ks, a.segment(), a.offset(0), a.length(0), true, true, out);
        assertEquals("map:2 bulk:a bulk:1 bulk:b bulk:2", out.take());
        HashOps.all(counting, ks, a.segment(), a.offset(0), a.length(0), true, false, out);
        assertEquals("array:2 bulk:a bulk:b", out.take());
        HashOps.all(counting, ks, a.segment(), a.offset(0), a.length(0), false, true, out);
        assertEquals("array:2 bulk:1 bulk:2", out.take());
        Elements m = Elements.of("missing");
        HashOps.all(counting, ks, m.segment(), m.offset(0), m.length(0), true, true, out);
        HashOps.all(counting, ks, m.segment(), m.offset(0), m.length(0), false, true, out);
        assertEquals("map:0 array:0", out.take());
        string("s");
        Elements s = Elements.of("s");
        assertEquals(OpStatus.WRONGTYPE, HashOps.all(counting, ks, s.segment(), s.offset(0), s.length(0), true, true, out));
        assertEquals("", out.take());
    }

    private OpStatus hincrby(String key, String field, long by) {
        Elements a = Elements.of(key, field);
        return HashOps.hincrby(ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), by, 512, 64, out);
    }

    @Test
    void hincrbyCreatesAddsAndRefuses() {
        assertEquals(OpStatus.OK, hincrby("h", "n", 5));
        assertEquals(OpStatus.OK, hincrby("h", "n", -7));
        assertEquals("int:5 int:-2", out.take());
        hset("h", "t", "12a", "z", "007", "max", Long.toString(Long.MAX_VALUE));
        out.take();
        assertEquals(OpStatus.NOT_INTEGER, hincrby("h", "t", 1));
        assertEquals(OpStatus.NOT_INTEGER, hincrby("h", "z", 1), "not canonical: Redis' string2ll refuses it");
        assertEquals(OpStatus.OVERFLOW, hincrby("h", "max", 1));
        assertEquals(OpStatus.OK, hincrby("h", "max", -1));
        assertEquals("int:" + (Long.MAX_VALUE - 1), out.take());
        Elements a = Elements.of("h", "n");
        HashOps.hget(KeyReads.DIRECT, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), out);
        assertEquals("bulk:-2", out.take());
        string("s");
        assertEquals(OpStatus.WRONGTYPE, hincrby("s", "n", 1));
        assertEquals("", out.take());
    }

    private OpStatus hsetnx(String key, String field, String value) {
        Elements a = Elements.of(key, field, value);
        return HashOps.hsetnx(ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2),
                a.length(2), 512, 64, out);
    }

    @Test
    void hsetnxSetsOnlyANewField() {
        assertEquals(OpStatus.OK, hsetnx("h", "a", "1"));
        assertEquals("int:1", out.take());
        assertEquals(OpStatus.NOT_APPLIED, hsetnx("h", "a", "2"));
        assertEquals("", out.take());
        Elements a = Elements.of("h", "a");
        HashOps.hget(KeyReads.DIRECT, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), out);
        assertEquals("bulk:1", out.take());
        string("s");
        assertEquals(OpStatus.WRONGTYPE, hsetnx("s", "a", "1"));
        assertEquals("", out.take());
    }

    @Test
    void randomFieldsDistinctRepeatedAndPaired() {
        SplittableRandom r = new SplittableRandom(7);
        Elements m = Elements.of("missing");
        assertEquals(OpStatus.NOT_FOUND, HashOps.randomField(counting, ks, m.segment(), m.offset(0), m.length(0), r, out));
        assertEquals(OpStatus.OK, HashOps.randomFields(counting, ks, m.segment(), m.offset(0), m.length(0), 3, false, r, out));
        assertEquals("array:0", out.take());
        String[] fv = new String[20];
        for (int i = 0; i < 10; i++) {
            fv[2 * i] = "f" + i;
            fv[2 * i + 1] = "v" + i;
        }
        hset("h", fv);
        out.take();
        Elements h = Elements.of("h");
        assertEquals(OpStatus.OK, HashOps.randomField(counting, ks, h.segment(), h.offset(0), h.length(0), r, out));
        assertTrue(out.take().matches("bulk:f\\d"));
        for (long n : new long[] {2, 5, 9, 10, 50}) {
            HashOps.randomFields(counting, ks, h.segment(), h.offset(0), h.length(0), n, false, r, out);
            List<String> got = List.copyOf(out.values);
            out.take();
            int expect = (int) Math.min(n, 10);
            assertEquals("array:" + expect, got.get(0));
            assertEquals(expect, new HashSet<>(got.subList(1, got.size())).size(), "distinct fields for count " + n);
        }
        HashOps.randomFields(counting, ks, h.segment(), h.offset(0), h.length(0), -30, false, r, out);
        assertEquals(31, out.values.size(), "30 picks, repeats allowed");
        out.take();
        HashOps.randomFields(counting, ks, h.segment(), h.offset(0), h.length(0), 2, true, r, out);
        assertTrue(out.take().matches("pairs:2 pair bulk:f(\\d) bulk:v\\1 pair bulk:f(\\d) bulk:v\\2"));
        HashOps.randomFields(counting, ks, h.segment(), h.offset(0), h.length(0), -1, true, r, out);
        assertTrue(out.take().matches("pairs:1 pair bulk:f(\\d) bulk:v\\1"));
        HashOps.randomFields(counting, ks, h.segment(), h.offset(0), h.length(0), 0, true, r, out);
        assertEquals("array:0", out.take());
        string("s");
        Elements s = Elements.of("s");
        assertEquals(OpStatus.WRONGTYPE, HashOps.randomField(counting, ks, s.segment(), s.offset(0), s.length(0), r, out));
        assertEquals(OpStatus.WRONGTYPE, HashOps.randomFields(counting, ks, s.segment(), s.offset(0), s.length(0), 2, false, r, out));
        assertEquals("", out.take());
    }

    @Test
    void scanWalksEveryFieldOnce() {
        Elements m = Elements.of("missing");
        assertEquals(OpStatus.NOT_FOUND, HashOps.check(counting, ks, m.segment(), m.offset(0), m.length(0)));
        assertEquals(OpStatus.OK, HashOps.scan(counting, ks, m.segment(), m.offset(0), m.length(0), 0, 10, null, out));
        assertEquals("array:2 bulk:0 array:0", out.take());
        hset("small", "a", "1", "b", "2", "c", "3");
        out.take();
        Elements small = Elements.of("small");
        assertEquals(OpStatus.OK, HashOps.check(counting, ks, small.segment(), small.offset(0), small.length(0)));
        HashOps.scan(counting, ks, small.segment(), small.offset(0), small.length(0), 0, 1, null, out);
        assertEquals("array:2 bulk:0 array:6 bulk:a bulk:1 bulk:b bulk:2 bulk:c bulk:3", out.take(), "a listpack goes whole");
        HashOps.scan(counting, ks, small.segment(), small.offset(0), small.length(0), 0, 10, "[ac]".getBytes(), out);
        assertEquals("array:2 bulk:0 array:4 bulk:a bulk:1 bulk:c bulk:3", out.take());
        String[] fv = new String[2 * 600];
        for (int i = 0; i < 600; i++) {
            fv[2 * i] = "f" + i;
            fv[2 * i + 1] = "v" + i;
        }
        hset("big", fv);
        out.take();
        Elements big = Elements.of("big");
        HashSet<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        do {
            HashOps.scan(KeyReads.DIRECT, ks, big.segment(), big.offset(0), big.length(0), cursor, 50, null, out);
            List<String> got = List.copyOf(out.values);
            out.take();
            cursor = Long.parseUnsignedLong(got.get(1).substring("bulk:".length()));
            for (int i = 3; i < got.size(); i += 2) {
                seen.add(got.get(i));
            }
        } while (cursor != 0 && ++steps < 1000);
        assertEquals(600, seen.size());
        assertTrue(steps > 1, "a hashtable is walked in steps");
        string("s");
        Elements s = Elements.of("s");
        assertEquals(OpStatus.WRONGTYPE, HashOps.check(counting, ks, s.segment(), s.offset(0), s.length(0)));
        assertEquals(OpStatus.WRONGTYPE, HashOps.scan(counting, ks, s.segment(), s.offset(0), s.length(0), 0, 10, null, out));
        assertEquals("", out.take());
    }

    private OpStatus hincrbyfloat(String key, String field, String by) {
        Elements a = Elements.of(key, field, by);
        BigDecimal inc = LongDoubleArithmetic.parse(a.segment(), a.offset(2), a.length(2));
        return HashOps.hincrbyfloat(ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), inc, 512, 64, out);
    }

    @Test
    void hincrbyfloatInLongDoubleArithmetic() {
        assertEquals(OpStatus.OK, hincrbyfloat("h", "x", "10.5"));
        assertEquals(OpStatus.OK, hincrbyfloat("h", "x", "0.1"));
        assertEquals("bulk:10.5 bulk:10.6", out.take());
        hincrbyfloat("h", "y", "10.5");
        hincrbyfloat("h", "y", "0.1");
        hincrbyfloat("h", "y", "-5");
        hincrbyfloat("h", "y", "1.5e3");
        assertTrue(out.take().endsWith(" bulk:1505.59999999999999998"), "Redis' x87 long double, to the last digit");
        hset("h", "t", "abc", "i", "inf");
        out.take();
        assertEquals(OpStatus.NOT_FLOAT, hincrbyfloat("h", "t", "1"));
        assertEquals(OpStatus.NAN_OR_INFINITY, hincrbyfloat("h", "i", "1"));
        assertEquals(OpStatus.NAN_OR_INFINITY, hincrbyfloat("h", "x", "inf"));
        Elements huge = Elements.of("1e4933", "-1e4933", "1e-5000");
        for (int i = 0; i < 3; i++) { // strtold's ERANGE: Redis says "not a valid float" before it adds
            assertEquals(null, LongDoubleArithmetic.parse(huge.segment(), huge.offset(i), huge.length(i)), "out of range");
        }
        assertEquals("", out.take());
        Elements a = Elements.of("h", "x");
        HashOps.hget(KeyReads.DIRECT, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), out);
        assertEquals("bulk:10.6", out.take(), "refused increments change nothing");
        assertEquals(OpStatus.NAN_OR_INFINITY, hincrbyfloat("fresh", "x", "inf"));
        assertEquals(Keyspace.NONE, find("fresh"), "a refused increment creates no key");
        string("s");
        assertEquals(OpStatus.WRONGTYPE, hincrbyfloat("s", "x", "1"));
        assertEquals("", out.take());
    }

    @Test
    void removalsAreJournaledForAHashStoredByElement() {
        hset("h", "a", "1", "b", "2");
        out.take();
        HashValue h = (HashValue) ks.object(find("h"));
        h.version(7); // stored element by element from now on: changes are journaled
        Elements a = Elements.of("h", "a", "zz");
        HashOps.hdel(ks, a.segment(), a.offset(0), a.length(0), a, 1, 3, out);
        assertEquals("int:1", out.take());
        List<String> changes = new ArrayList<>();
        h.journal().forEach((f, v) -> changes.add(new String(f) + "=" + (v == null ? "removed" : new String(v))));
        assertEquals(List.of("a=removed"), changes);
    }
}

package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SetOps on a real off-heap keyspace: every operation's results and each of its statuses. */
class SetOpsTest {
    private SlabAllocator memory;
    private Keyspace ks;
    private final TranscriptSink out = new TranscriptSink();
    private int reads;
    /** Counts the lookups an operation makes through its KeyReads. */
    private final KeyReads counting = (k, s, o, l) -> {
        reads++;
        return k.find(s, o, l);
    };
    private final SplittableRandom random = new SplittableRandom(11);

    @BeforeEach
    void open() {
        memory = new SlabAllocator("set-ops-test");
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

    private OpStatus sadd(String key, String... members) {
        Elements a = Elements.of(prepend(key, members));
        return SetOps.sadd(ks, a.segment(), a.offset(0), a.length(0), a, 1, a.count(), 512, out);
    }

    private OpStatus srem(String key, String... members) {
        Elements a = Elements.of(prepend(key, members));
        return SetOps.srem(ks, a.segment(), a.offset(0), a.length(0), a, 1, a.count(), out);
    }

    private OpStatus smembers(String key) {
        Elements a = Elements.of(key);
        return SetOps.smembers(counting, ks, a.segment(), a.offset(0), a.length(0), out);
    }

    private void string(String key) {
        Elements a = Elements.of(key, "text");
        ks.putBytes(a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), 0);
    }

    private SetValue set(String key) {
        Elements a = Elements.of(key);
        long e = ks.find(a.segment(), a.offset(0), a.length(0));
        return e == Keyspace.NONE ? null : (SetValue) ks.object(e);
    }

    @Test
    void saddSremCountAndAnEmptiedSetIsDeleted() {
        assertEquals(OpStatus.OK, sadd("s", "a", "b", "a"));
        assertEquals(OpStatus.OK, sadd("s", "b", "c"));
        assertEquals(OpStatus.OK, srem("s", "a", "x"));
        assertEquals(OpStatus.OK, srem("missing", "a"));
        assertEquals("int:2 int:1 int:1 int:0", out.take());
        assertEquals(OpStatus.OK, srem("s", "b", "c"));
        assertEquals("int:2", out.take());
        assertEquals(null, set("s"));
        string("str");
        assertEquals(OpStatus.WRONGTYPE, sadd("str", "a"));
        assertEquals(OpStatus.WRONGTYPE, srem("str", "a"));
        assertEquals("", out.take());
    }

    @Test
    void saddKeepsAnIntsetUntilItsLimit() {
        assertEquals(OpStatus.OK, sadd("s", "3", "1", "2"));
        assertTrue(set("s").intset());
        smembers("s");
        assertEquals("int:3 set:3 bulk:1 bulk:2 bulk:3", out.take());
        Elements a = Elements.of("s", "4", "5");
        SetOps.sadd(ks, a.segment(), a.offset(0), a.length(0), a, 1, 3, 4, out);
        assertFalse(set("s").intset(), "5 members over a limit of 4");
        sadd("t", "1", "x");
        assertFalse(set("t").intset(), "a member that is not an integer");
    }

    @Test
    void membershipAndCardinality() {
        sadd("s", "a", "b");
        out.take();
        Elements a = Elements.of("s", "a", "x", "b");
        SetOps.sismember(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(1), a.length(1), out);
        SetOps.sismember(counting, ks, a.segment(), a.offset(0), a.length(0), a.segment(), a.offset(2), a.length(2), out);
        SetOps.smismember(counting, ks, a.segment(), a.offset(0), a.length(0), a, 1, 4, out);
        SetOps.scard(counting, ks, a.segment(), a.offset(0), a.length(0), out);
        assertEquals("int:1 int:0 array:3 int:1 int:0 int:1 int:2", out.take());
        Elements m = Elements.of("missing", "a");
        SetOps.sismember(counting, ks, m.segment(), m.offset(0), m.length(0), m.segment(), m.offset(1), m.length(1), out);
        SetOps.smismember(counting, ks, m.segment(), m.offset(0), m.length(0), m, 1, 2, out);
        SetOps.scard(counting, ks, m.segment(), m.offset(0), m.length(0), out);
        smembers("missing");
        assertEquals("int:0 array:1 int:0 int:0 set:0", out.take());
        assertEquals(8, reads);
        string("str");
        Elements s = Elements.of("str", "a");
        assertEquals(OpStatus.WRONGTYPE, SetOps.sismember(counting, ks, s.segment(), s.offset(0), s.length(0), s.segment(), s.offset(1), s.length(1), out));
        assertEquals(OpStatus.WRONGTYPE, SetOps.smismember(counting, ks, s.segment(), s.offset(0), s.length(0), s, 1, 2, out));
        assertEquals(OpStatus.WRONGTYPE, SetOps.scard(counting, ks, s.segment(), s.offset(0), s.length(0), out));
        assertEquals(OpStatus.WRONGTYPE, smembers("str"));
        assertEquals("", out.take());
    }

    @Test
    void popRemovesRandomMembers() {
        Elements m = Elements.of("missing");
        assertEquals(OpStatus.NOT_FOUND, SetOps.pop(ks, m.segment(), m.offset(0), m.length(0), random, out));
        assertEquals(OpStatus.OK, SetOps.pop(ks, m.segment(), m.offset(0), m.length(0), 2, random, out));
        assertEquals("set:0", out.take());
        sadd("s", "a", "b", "c", "d", "e");
        out.take();
        Elements s = Elements.of("s");
        assertEquals(OpStatus.OK, SetOps.pop(ks, s.segment(), s.offset(0), s.length(0), random, out));
        assertTrue(out.take().matches("bulk:[a-e]"));
        assertEquals(4, set("s").size());
        SetOps.pop(ks, s.segment(), s.offset(0), s.length(0), 0, random, out);
        assertEquals("set:0", out.take());
        SetOps.pop(ks, s.segment(), s.offset(0), s.length(0), 2, random, out);
        List<String> got = List.copyOf(out.values);
        out.take();
        assertEquals("set:2", got.get(0));
        assertEquals(2, new HashSet<>(got.subList(1, 3)).size());
        assertEquals(2, set("s").size());
        SetOps.pop(ks, s.segment(), s.offset(0), s.length(0), 10, random, out);
        assertTrue(out.take().startsWith("set:2 "));
        assertEquals(null, set("s"), "popping every member deletes the key");
        string("str");
        Elements t = Elements.of("str");
        assertEquals(OpStatus.WRONGTYPE, SetOps.pop(ks, t.segment(), t.offset(0), t.length(0), random, out));
        assertEquals(OpStatus.WRONGTYPE, SetOps.pop(ks, t.segment(), t.offset(0), t.length(0), 1, random, out));
        assertEquals("", out.take());
    }

    @Test
    void randomMembersDistinctOrRepeated() {
        Elements m = Elements.of("missing");
        assertEquals(OpStatus.NOT_FOUND, SetOps.randomMember(counting, ks, m.segment(), m.offset(0), m.length(0), random, out));
        assertEquals(OpStatus.OK, SetOps.randomMembers(counting, ks, m.segment(), m.offset(0), m.length(0), 3, random, out));
        assertEquals("array:0", out.take());
        String[] members = new String[12];
        for (int i = 0; i < members.length; i++) {
            members[i] = "m" + i;
        }
        sadd("s", members);
        out.take();
        Elements s = Elements.of("s");
        assertEquals(OpStatus.OK, SetOps.randomMember(counting, ks, s.segment(), s.offset(0), s.length(0), random, out));
        assertTrue(out.take().matches("bulk:m\\d+"));
        for (long n : new long[] {1, 3, 8, 12, 40}) {
            SetOps.randomMembers(counting, ks, s.segment(), s.offset(0), s.length(0), n, random, out);
            List<String> got = List.copyOf(out.values);
            out.take();
            int expect = (int) Math.min(n, 12);
            assertEquals("array:" + expect, got.get(0));
            assertEquals(expect, new HashSet<>(got.subList(1, got.size())).size(), "distinct members for count " + n);
        }
        SetOps.randomMembers(counting, ks, s.segment(), s.offset(0), s.length(0), -25, random, out);
        assertEquals(26, out.values.size(), "25 picks, repeats allowed");
        out.take();
        assertEquals(12, set("s").size(), "reads change nothing");
        string("str");
        Elements t = Elements.of("str");
        assertEquals(OpStatus.WRONGTYPE, SetOps.randomMember(counting, ks, t.segment(), t.offset(0), t.length(0), random, out));
        assertEquals(OpStatus.WRONGTYPE, SetOps.randomMembers(counting, ks, t.segment(), t.offset(0), t.length(0), 2, random, out));
        assertEquals("", out.take());
    }

    private static SetValue of(String... members) {
        SetValue s = new SetValue();
        for (String m : members) {
            s.add(ByteKey.of(m));
        }
        return s;
    }

    private String render(SetValue s) {
        SetOps.members(s, out);
        return out.take();
    }

    @Test
    void algebraOverSetsAndMissingKeys() {
        SetValue a = of("1", "2", "3");
        SetValue b = of("2", "3", "4");
        assertEquals("set:2 bulk:2 bulk:3", render(SetOps.combine(SetOps.Algebra.INTER, new SetValue[] {a, b}, 512)));
        assertEquals("set:0", render(SetOps.combine(SetOps.Algebra.INTER, new SetValue[] {a, null}, 512)));
        assertEquals("set:4 bulk:1 bulk:2 bulk:3 bulk:4", render(SetOps.combine(SetOps.Algebra.UNION, new SetValue[] {a, null, b}, 512)));
        assertEquals("set:1 bulk:1", render(SetOps.combine(SetOps.Algebra.DIFF, new SetValue[] {a, b}, 512)));
        assertEquals("set:0", render(SetOps.combine(SetOps.Algebra.DIFF, new SetValue[] {null, b}, 512)));
        assertFalse(SetOps.combine(SetOps.Algebra.UNION, new SetValue[] {a, b}, 3).intset(), "4 members over a limit of 3");
        assertEquals("set:3 bulk:1 bulk:2 bulk:3", render(a), "sources unchanged");
        assertEquals(2, SetOps.interCard(new SetValue[] {a, b}, 0));
        assertEquals(1, SetOps.interCard(new SetValue[] {a, b}, 1));
        assertEquals(0, SetOps.interCard(new SetValue[] {a, null}, 0));
        assertEquals(OpStatus.OK, SetOps.algebra(SetOps.Algebra.UNION, new Object[] {a, null, b}, 512, out));
        assertEquals("set:4 bulk:1 bulk:2 bulk:3 bulk:4", out.take());
        assertEquals(OpStatus.OK, SetOps.algebra(SetOps.Algebra.DIFF, new Object[] {null, b}, 512, out));
        assertEquals("set:0", out.take());
        assertEquals(OpStatus.WRONGTYPE, SetOps.algebra(SetOps.Algebra.INTER, new Object[] {a, KeySources.WRONG_TYPE}, 512, out));
        assertEquals("", out.take());
    }

    @Test
    void storeReplacesTheDestinationUnderTheIntsetLimitAndDeletesItWhenEmpty() {
        sadd("a", "1", "2", "3");
        sadd("b", "2", "3", "4");
        string("str");
        out.take();
        Elements k = Elements.of("a", "b", "dst", "str", "missing");
        Object a = KeySources.read(KeyReads.DIRECT, ks, k.segment(), k.offset(0), k.length(0), t -> t == ValueType.SET, false);
        Object b = KeySources.read(KeyReads.DIRECT, ks, k.segment(), k.offset(1), k.length(1), t -> t == ValueType.SET, true);
        assertEquals(OpStatus.OK, SetOps.store(ks, k.segment(), k.offset(2), k.length(2), SetOps.Algebra.UNION, new Object[] {a, b}, 512, out));
        assertEquals("int:4", out.take());
        assertTrue(set("dst").intset());
        assertEquals(OpStatus.OK, SetOps.store(ks, k.segment(), k.offset(2), k.length(2), SetOps.Algebra.INTER, new Object[] {a, b}, 1, out));
        assertEquals("int:2", out.take());
        assertFalse(set("dst").intset(), "2 members over set-max-intset-entries 1");
        assertEquals(OpStatus.OK, SetOps.store(ks, k.segment(), k.offset(0), k.length(0), SetOps.Algebra.DIFF, new Object[] {a, b}, 512, out));
        assertEquals("int:1", out.take(), "the destination may be a source");
        assertEquals(OpStatus.OK, SetOps.store(ks, k.segment(), k.offset(2), k.length(2), SetOps.Algebra.INTER, new Object[] {b, null}, 512, out));
        assertEquals("int:0", out.take());
        assertNull(set("dst"), "an empty result deletes the destination");
        Object wrong = KeySources.read(KeyReads.DIRECT, ks, k.segment(), k.offset(3), k.length(3), t -> t == ValueType.SET, false);
        assertEquals(KeySources.WRONG_TYPE, wrong);
        assertNull(KeySources.read(KeyReads.DIRECT, ks, k.segment(), k.offset(4), k.length(4), t -> t == ValueType.SET, false));
        assertEquals(OpStatus.WRONGTYPE, SetOps.store(ks, k.segment(), k.offset(1), k.length(1), SetOps.Algebra.UNION, new Object[] {a, wrong},
                512, out));
        assertEquals("", out.take());
        assertEquals(3, set("b").size(), "nothing stored on WRONGTYPE");
        assertEquals(OpStatus.OK, SetOps.interCard(new Object[] {b, null}, 0, out));
        assertEquals("int:0", out.take());
        assertEquals(OpStatus.OK, SetOps.interCard(new Object[] {b, b}, 2, out));
        assertEquals("int:2", out.take());
        assertEquals(OpStatus.WRONGTYPE, SetOps.interCard(new Object[] {b, wrong}, 0, out));
        assertEquals("", out.take());
    }

    @Test
    void moveParts() {
        sadd("src", "a", "b");
        out.take();
        string("str");
        Elements k = Elements.of("src", "dst", "str", "missing", "a", "x");
        assertEquals(OpStatus.OK, SetOps.moveSource(ks, k.segment(), k.offset(0), k.length(0)));
        assertEquals(OpStatus.NOT_FOUND, SetOps.moveSource(ks, k.segment(), k.offset(3), k.length(3)));
        assertEquals(OpStatus.WRONGTYPE, SetOps.moveSource(ks, k.segment(), k.offset(2), k.length(2)));
        assertEquals(OpStatus.OK, SetOps.moveDestination(ks, k.segment(), k.offset(1), k.length(1)));
        assertEquals(OpStatus.WRONGTYPE, SetOps.moveDestination(ks, k.segment(), k.offset(2), k.length(2)));
        assertEquals(OpStatus.OK, SetOps.hasMember(ks, k.segment(), k.offset(0), k.length(0), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.NOT_FOUND, SetOps.hasMember(ks, k.segment(), k.offset(0), k.length(0), k.segment(), k.offset(5), k.length(5)));
        assertEquals(OpStatus.NOT_FOUND, SetOps.hasMember(ks, k.segment(), k.offset(3), k.length(3), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.WRONGTYPE, SetOps.hasMember(ks, k.segment(), k.offset(2), k.length(2), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.NOT_FOUND, SetOps.removeMember(ks, k.segment(), k.offset(0), k.length(0), k.segment(), k.offset(5), k.length(5)));
        assertEquals(OpStatus.NOT_FOUND, SetOps.removeMember(ks, k.segment(), k.offset(3), k.length(3), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.WRONGTYPE, SetOps.removeMember(ks, k.segment(), k.offset(2), k.length(2), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.OK, SetOps.removeMember(ks, k.segment(), k.offset(0), k.length(0), k.segment(), k.offset(4), k.length(4)));
        assertEquals(OpStatus.OK, SetOps.addMember(ks, k.segment(), k.offset(1), k.length(1), "a".getBytes(), 512));
        assertEquals(OpStatus.WRONGTYPE, SetOps.addMember(ks, k.segment(), k.offset(2), k.length(2), "a".getBytes(), 512));
        assertEquals("set:1 bulk:b", render(set("src")));
        assertEquals("set:1 bulk:a", render(set("dst")));
        Elements b = Elements.of("src", "b");
        assertEquals(OpStatus.OK, SetOps.removeMember(ks, b.segment(), b.offset(0), b.length(0), b.segment(), b.offset(1), b.length(1)));
        assertEquals(null, set("src"), "the emptied source is deleted");
    }

    @Test
    void scanWalksEveryMemberOnce() {
        Elements m = Elements.of("missing");
        assertEquals(OpStatus.NOT_FOUND, SetOps.check(counting, ks, m.segment(), m.offset(0), m.length(0)));
        assertEquals(OpStatus.OK, SetOps.scan(counting, ks, m.segment(), m.offset(0), m.length(0), 0, 10, null, out));
        assertEquals("array:2 bulk:0 array:0", out.take());
        sadd("small", "3", "1", "2");
        out.take();
        Elements small = Elements.of("small");
        assertEquals(OpStatus.OK, SetOps.check(counting, ks, small.segment(), small.offset(0), small.length(0)));
        SetOps.scan(counting, ks, small.segment(), small.offset(0), small.length(0), 0, 1, null, out);
        assertEquals("array:2 bulk:0 array:3 bulk:1 bulk:2 bulk:3", out.take(), "an intset goes whole, in order");
        String[] members = new String[700];
        for (int i = 0; i < members.length; i++) {
            members[i] = "m" + i;
        }
        sadd("big", members);
        out.take();
        Elements big = Elements.of("big");
        HashSet<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        do {
            SetOps.scan(KeyReads.DIRECT, ks, big.segment(), big.offset(0), big.length(0), cursor, 40, "m1*".getBytes(), out);
            List<String> got = List.copyOf(out.values);
            out.take();
            cursor = Long.parseUnsignedLong(got.get(1).substring("bulk:".length()));
            seen.addAll(got.subList(3, got.size()));
        } while (cursor != 0 && ++steps < 1000);
        assertEquals(111, seen.size(), "m1, m10..m19, m100..m199");
        string("str");
        Elements s = Elements.of("str");
        assertEquals(OpStatus.WRONGTYPE, SetOps.check(counting, ks, s.segment(), s.offset(0), s.length(0)));
        assertEquals(OpStatus.WRONGTYPE, SetOps.scan(counting, ks, s.segment(), s.offset(0), s.length(0), 0, 10, null, out));
        assertEquals("", out.take());
    }

    @Test
    void removalsAreJournaledForASetStoredByElement() {
        sadd("s", "a", "b", "c");
        out.take();
        SetValue s = set("s");
        s.version(7); // stored element by element from now on: changes are journaled
        srem("s", "a", "zz");
        Elements k = Elements.of("s", "b");
        SetOps.removeMember(ks, k.segment(), k.offset(0), k.length(0), k.segment(), k.offset(1), k.length(1));
        assertEquals("int:1", out.take());
        List<String> changes = new ArrayList<>();
        s.journal().forEach((m, v) -> changes.add(new String(m) + (v == null ? " removed" : " added")));
        assertEquals(List.of("a removed", "b removed"), changes);
    }
}

package io.heliosdb.keyspace.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Each collection structure against a plain Java model under random operations. */
class CollectionModelTest {
    private record Entry(double score, String member) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = score < o.score ? -1 : score > o.score ? 1 : 0; // as C compares doubles: -0 == 0
            return c != 0 ? c : ByteKey.of(member).compareTo(ByteKey.of(o.member));
        }
    }

    /** ZADD of one member on the set and on the model; the set says whether the member was new. */
    private static void putBoth(ZSetValue z, TreeSet<Entry> model, Map<String, Double> scores, String m, double s) {
        Double old = scores.put(m, s);
        if (old != null) {
            model.remove(new Entry(old, m));
        }
        model.add(new Entry(s, m));
        assertEquals(old == null, z.put(ByteKey.of(m), s));
    }

    private static void removeBoth(ZSetValue z, TreeSet<Entry> model, Map<String, Double> scores, String m) {
        Double old = scores.remove(m);
        if (old != null) {
            model.remove(new Entry(old, m));
        }
        assertEquals(old != null, z.remove(ByteKey.of(m)));
    }

    @Test
    void sortedSetMatchesATreeSetModel() {
        Random r = new Random(1);
        ZSetValue z = new ZSetValue();
        z.compact(false); // keeps -0 apart from 0, the harder case for ordering
        TreeSet<Entry> model = new TreeSet<>();
        Map<String, Double> scores = new HashMap<>();
        for (int step = 0; step < 60_000; step++) {
            String m = "m" + r.nextInt(3000);
            if (r.nextInt(3) > 0) {
                putBoth(z, model, scores, m, r.nextInt(50) == 0 ? -0.0 : r.nextInt(200) / 4.0);
            } else {
                removeBoth(z, model, scores, m);
            }
            if (step % 997 == 0) {
                List<Entry> expected = new ArrayList<>(model);
                assertEquals(expected.size(), z.size());
                for (int k = 0; k < expected.size(); k++) {
                    assertEquals(k, z.rank(ByteKey.of(expected.get(k).member())), "rank of " + expected.get(k));
                }
                assertEquals(expected.size(), z.list().length());
                int i = 0;
                for (ZTree.Node n = z.list().first(); n != null; n = n.next(), i++) {
                    assertEquals(expected.get(i), new Entry(n.score, n.member.toString()));
                    assertEquals(i, z.rank(n.member));
                    assertEquals(n.member, z.list().byRank(i + 1).member);
                    if (i > 0) {
                        assertEquals(n.member, n.previous().next().member);
                    }
                }
                double lo = r.nextInt(200) / 4.0;
                double hi = lo + r.nextInt(40);
                ZTree.ScoreRange range = new ZTree.ScoreRange(lo, r.nextBoolean(), hi, r.nextBoolean());
                List<Entry> inRange = expected.stream().filter(e -> range.aboveMin(e.score) && range.belowMax(e.score)).toList();
                ZTree.Node first = z.list().firstInRange(range);
                ZTree.Node last = z.list().lastInRange(range);
                if (inRange.isEmpty()) {
                    assertTrue(first == null && last == null);
                } else {
                    assertEquals(inRange.get(0), new Entry(first.score, first.member.toString()));
                    assertEquals(inRange.get(inRange.size() - 1), new Entry(last.score, last.member.toString()));
                }
            }
        }
    }

    @Test
    void largeSortedSetKeepsOrderRanksAndRangesThroughGrowthAndMassRemoval() {
        Random r = new Random(7);
        ZSetValue z = new ZSetValue();
        z.compact(false);
        TreeSet<Entry> model = new TreeSet<>();
        Map<String, Double> scores = new HashMap<>();
        // phases: grow (rising and random scores), rescore, then remove most members (leaf and inner merges)
        for (int phase = 0; phase < 4; phase++) {
            int steps = phase == 3 ? 150_000 : 60_000;
            for (int step = 0; step < steps; step++) {
                String m = "m" + r.nextInt(80_000);
                boolean remove = phase == 3 ? r.nextInt(10) > 0 : r.nextInt(8) == 0;
                if (!remove) {
                    putBoth(z, model, scores, m, phase == 0 ? step : phase == 1 ? r.nextInt(1000) : r.nextGaussian() * 100);
                } else {
                    removeBoth(z, model, scores, m);
                }
            }
            List<Entry> expected = new ArrayList<>(model);
            assertEquals(expected.size(), z.size());
            assertEquals(expected.size(), z.list().length());
            int i = 0;
            for (ZTree.Node n = z.list().first(); n != null; n = n.next(), i++) {
                assertEquals(expected.get(i), new Entry(n.score, n.member.toString()));
            }
            assertEquals(expected.size(), i);
            for (int k = 0; k < 2000 && !expected.isEmpty(); k++) {
                int at = r.nextInt(expected.size());
                Entry e = expected.get(at);
                assertEquals(at, z.rank(ByteKey.of(e.member())));
                assertEquals(e.member(), z.list().byRank(at + 1).member.toString());
                assertEquals(e.score(), z.score(ByteKey.of(e.member())));
            }
            for (int k = 0; k < 200; k++) {
                double lo = r.nextGaussian() * 200;
                ZTree.ScoreRange range = new ZTree.ScoreRange(lo, r.nextBoolean(), lo + r.nextInt(300), r.nextBoolean());
                List<Entry> inRange = expected.stream().filter(x -> range.aboveMin(x.score) && range.belowMax(x.score)).toList();
                ZTree.Node first = z.list().firstInRange(range);
                ZTree.Node last = z.list().lastInRange(range);
                if (inRange.isEmpty()) {
                    assertTrue(first == null && last == null, "range " + range);
                } else {
                    assertEquals(inRange.get(0), new Entry(first.score, first.member.toString()), "range " + range);
                    assertEquals(inRange.get(inRange.size() - 1), new Entry(last.score, last.member.toString()));
                }
            }
        }
        while (z.size() > 0) {
            assertTrue(z.remove(z.list().first().member));
        }
        assertTrue(z.list().first() == null);
        assertTrue(z.put(ByteKey.of("again"), 1));
        assertEquals(0, z.rank(ByteKey.of("again")));
    }

    @Test
    void lexRangesOnEqualScoresMatchASortedModel() {
        Random r = new Random(11);
        ZSetValue z = new ZSetValue();
        TreeSet<String> model = new TreeSet<>((a, b) -> ByteKey.of(a).compareTo(ByteKey.of(b)));
        for (int i = 0; i < 20_000; i++) {
            String m = Integer.toString(r.nextInt(1_000_000), 36);
            model.add(m);
            z.put(ByteKey.of(m), 0);
        }
        for (int k = 0; k < 500; k++) {
            String a = Integer.toString(r.nextInt(1_000_000), 36);
            String b = Integer.toString(r.nextInt(1_000_000), 36);
            boolean minEx = r.nextBoolean();
            boolean maxEx = r.nextBoolean();
            ZTree.LexRange range = new ZTree.LexRange(ByteKey.of(a), minEx, ByteKey.of(b), maxEx, false, false);
            List<String> in = model.stream().filter(x -> range.aboveMin(ByteKey.of(x)) && range.belowMax(ByteKey.of(x))).toList();
            ZTree.Node first = z.list().firstInLex(range);
            ZTree.Node last = z.list().lastInLex(range);
            if (in.isEmpty()) {
                assertTrue(first == null || last == null || first.member.compareTo(last.member) > 0);
            } else {
                assertEquals(in.get(0), first.member.toString());
                assertEquals(in.get(in.size() - 1), last.member.toString());
            }
        }
    }

    @Test
    void hashMatchesALinkedMapModelKeepingInsertionOrderWhileCompact() {
        Random r = new Random(3);
        for (boolean compact : new boolean[]{true, false}) {
            HashValue h = new HashValue();
            h.compact(compact);
            Map<String, String> model = new java.util.LinkedHashMap<>();
            for (int step = 0; step < 120_000; step++) {
                String f = "f" + r.nextInt(compact ? 300 : 20_000);
                if (r.nextInt(4) > 0) {
                    // values of varied length: in-place and relocated updates, page growth and repacking
                    String v = "v".repeat(r.nextInt(r.nextInt(50) == 0 ? 3000 : 20)) + step;
                    assertEquals(model.put(f, v) == null, h.put(ByteKey.of(f), v.getBytes()));
                } else {
                    assertEquals(model.remove(f) != null, h.remove(ByteKey.of(f)));
                }
                if (step % 4999 == 0) {
                    assertEquals(model.size(), h.size());
                    Map<String, String> seen = new java.util.LinkedHashMap<>();
                    for (var e : h.entries()) {
                        seen.put(e.getKey().toString(), new String(e.getValue()));
                    }
                    assertEquals(model, seen);
                    if (compact) {
                        assertEquals(new ArrayList<>(model.keySet()), new ArrayList<>(seen.keySet()), "insertion order");
                    }
                    for (String f2 : model.keySet()) {
                        assertEquals(model.get(f2), new String(h.get(ByteKey.of(f2))));
                    }
                }
            }
            HashValue copy = h.copy();
            h.put(ByteKey.of("only-in-original"), new byte[]{1});
            assertEquals(model.size(), copy.size());
            assertTrue(copy.get(ByteKey.of("only-in-original")) == null);
        }
    }

    @Test
    void setMatchesAHashSetModelAndPicksEveryMemberAtRandom() {
        Random r = new Random(5);
        SetValue s = new SetValue();
        java.util.Set<String> model = new java.util.HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            String m = Integer.toString(r.nextInt(50_000));
            if (r.nextInt(3) > 0) {
                assertEquals(model.add(m), s.add(ByteKey.of(m)));
            } else {
                assertEquals(model.remove(m), s.remove(ByteKey.of(m)));
            }
        }
        assertEquals(model.size(), s.size());
        java.util.Set<String> all = new java.util.HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            all.add(s.at(i).toString());
        }
        assertEquals(model, all);
        for (String m : model) {
            assertTrue(s.contains(ByteKey.of(m)));
        }
        assertTrue(!s.contains(ByteKey.of("absent")));
    }

    @Test
    void intsetMembersAreExactlyTheCanonicalDecimalsOf64BitIntegers() {
        java.util.List<String> cases = new ArrayList<>(java.util.List.of("0", "-0", "00", "01", "+1", "-", "", "1a", " 1",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                "99999999999999999999", "-1", "10", "123456789012345678901"));
        Random r = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            cases.add(Long.toString(r.nextLong() >> r.nextInt(64)));
            cases.add(Integer.toString(r.nextInt(1000)) + (r.nextBoolean() ? "" : "x"));
        }
        for (String c : cases) {
            boolean expected;
            try {
                long v = Long.parseLong(c);
                expected = Long.toString(v).equals(c);
            } catch (NumberFormatException e) {
                expected = false;
            }
            assertEquals(expected, SetValue.isIntsetMember(c.getBytes()), c);
        }
    }

    @Test
    void listMatchesAnArrayListModelAndKeepsItsElementsOrderedByNumber() {
        Random r = new Random(2);
        ListValue l = new ListValue();
        List<String> model = new ArrayList<>();
        for (int step = 0; step < 40_000; step++) {
            String v = "v" + step;
            switch (r.nextInt(9)) {
                case 0, 1 -> {
                    l.addFirst(v.getBytes());
                    model.add(0, v);
                }
                case 2, 3 -> {
                    l.addLast(v.getBytes());
                    model.add(v);
                }
                case 4 -> {
                    if (!model.isEmpty()) {
                        assertEquals(model.remove(0), new String(l.removeFirst()));
                    }
                }
                case 5 -> {
                    if (!model.isEmpty()) {
                        assertEquals(model.remove(model.size() - 1), new String(l.removeLast()));
                    }
                }
                case 6 -> {
                    int i = r.nextInt(model.size() + 1);
                    l.insert(i, v.getBytes());
                    model.add(i, v);
                }
                case 7 -> {
                    if (!model.isEmpty()) {
                        int i = r.nextInt(model.size());
                        assertEquals(model.remove(i), new String(l.remove(i)));
                    }
                }
                default -> {
                    if (model.size() > 10 && r.nextInt(20) == 0) {
                        int a = r.nextInt(model.size() / 2);
                        int b = a + r.nextInt(model.size() - a);
                        l.trim(a, b);
                        model = new ArrayList<>(model.subList(a, b + 1));
                    } else if (!model.isEmpty()) {
                        int i = r.nextInt(model.size());
                        l.set(i, v.getBytes());
                        model.set(i, v);
                    }
                }
            }
            if (step % 499 == 0) {
                assertEquals(model.size(), l.size());
                List<String> values = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) {
                    values.add(new String(l.get(i)));
                }
                assertEquals(model, values);
                if (!model.isEmpty()) {
                    int from = r.nextInt(model.size());
                    int to = from + r.nextInt(model.size() - from);
                    List<String> ranged = new ArrayList<>();
                    l.forEachInRange(from, to, (data, off, len) -> ranged.add(new String(data, off, len)));
                    assertEquals(model.subList(from, to + 1), ranged);
                }
                List<byte[]> keys = new ArrayList<>();
                ListValue reloaded = new ListValue();
                l.forEachElement((k, chunk) -> {
                    keys.add(k);
                    reloaded.loadElement(k, chunk);
                });
                for (int i = 1; i < keys.size(); i++) {
                    assertTrue(java.util.Arrays.compareUnsigned(keys.get(i - 1), keys.get(i)) < 0, "chunk numbers keep list order");
                }
                List<String> back = new ArrayList<>();
                for (int i = reloaded.size() - 1; i >= 0; i--) {
                    back.add(0, new String(reloaded.get(i))); // backwards: exercises the cursor's other direction
                }
                assertEquals(model, back);
                assertEquals(model, back);
            }
        }
    }

    /** A large list stored chunk by chunk: replaying its journals onto a record store rebuilds it exactly. */
    @Test
    void listJournalsReplayedOntoStoredChunksRebuildTheList() {
        Random r = new Random(3);
        ListValue l = new ListValue();
        List<String> model = new ArrayList<>();
        java.util.TreeMap<byte[], byte[]> store = new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
        for (int i = 0; i < 500; i++) {
            l.addLast(("init" + i).getBytes());
            model.add("init" + i);
        }
        l.version(1);
        l.forEachElement(store::put);
        for (int commit = 0; commit < 300; commit++) {
            for (int op = 0; op < 1 + r.nextInt(40); op++) {
                String v = "c" + commit + "o" + op;
                int k = r.nextInt(7);
                if (k == 0 && !model.isEmpty()) {
                    model.remove(0);
                    l.removeFirst();
                } else if (k == 1 && !model.isEmpty()) {
                    model.remove(model.size() - 1);
                    l.removeLast();
                } else if (k == 2) {
                    int at = r.nextInt(model.size() + 1);
                    model.add(at, v);
                    l.insert(at, v.getBytes());
                } else if (k == 3 && !model.isEmpty()) {
                    int at = r.nextInt(model.size());
                    model.set(at, v);
                    l.set(at, v.getBytes());
                } else if (k == 4 && !model.isEmpty()) {
                    int at = r.nextInt(model.size());
                    model.remove(at);
                    l.remove(at);
                } else if (k == 5) {
                    model.add(0, v);
                    l.addFirst(v.getBytes());
                } else {
                    model.add(v);
                    l.addLast(v.getBytes());
                }
            }
            Journal j = l.journal();
            if (j.overflowed()) {
                store.clear(); // written whole under a new version
                l.version(1 + commit);
                l.forEachElement(store::put);
            } else {
                j.forEach((key, chunk) -> {
                    if (chunk == null) {
                        store.remove(key);
                    } else {
                        store.put(key, chunk);
                    }
                });
                j.clear();
            }
            ListValue reloaded = new ListValue();
            store.forEach(reloaded::loadElement);
            List<String> back = new ArrayList<>();
            for (int i = 0; i < reloaded.size(); i++) {
                back.add(new String(reloaded.get(i)));
            }
            assertEquals(model, back, "after commit " + commit);
        }
    }

    @Test
    void journalRecordsEveryChangeOnceVersioned() {
        HashValue h = new HashValue();
        h.put(ByteKey.of("before"), "x".getBytes());
        h.version(7);
        h.put(ByteKey.of("a"), "1".getBytes());
        h.remove(ByteKey.of("before"));
        List<String> changes = new ArrayList<>();
        h.journal().forEach((m, v) -> changes.add(new String(m) + "=" + (v == null ? "-" : new String(v))));
        assertEquals(List.of("a=1", "before=-"), changes);
        SetValue s = new SetValue();
        s.add(ByteKey.of("stays"));
        s.version(3);
        for (int i = 0; i < 10_000; i++) {
            s.add(ByteKey.of("flip"));
            s.remove(ByteKey.of("flip"));
        }
        assertTrue(s.journal().overflowed(), "a burst of changes much larger than the collection is written whole instead");
    }
}

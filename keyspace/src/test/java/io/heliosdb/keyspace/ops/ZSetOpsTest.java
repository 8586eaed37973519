package io.heliosdb.keyspace.ops;

import static io.heliosdb.keyspace.ops.ListOpsTest.b;
import static io.heliosdb.keyspace.ops.ListOpsTest.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.keyspace.collection.ZTree.Node;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sorted-set operations on a real off-heap keyspace, every outcome, results as the sink saw them. */
class ZSetOpsTest {
    private static final ZSetOps.Limits LIMITS = new ZSetOps.Limits(128, 64);
    private static final KeyReads R = KeyReads.DIRECT;

    private SlabAllocator memory;
    private Keyspace ks;
    private final ListOpsTest.Sink out = new ListOpsTest.Sink();
    private final MemorySegment key = seg("z");
    private final MemorySegment str = seg("str");

    @BeforeEach
    void setUp() {
        memory = new SlabAllocator("test");
        ks = new OffHeapKeyspace(memory, new ManualClock(1_000_000));
        ListOpsTest.putString(ks);
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    /** Members as one segment "m1 m2 ..." with their offsets and lengths, as a request holds them. */
    private record Members(MemorySegment seg, long[] off, int[] len) {
        static Members of(String... names) {
            String joined = String.join(" ", names);
            long[] off = new long[names.length];
            int[] len = new int[names.length];
            long at = 0;
            for (int i = 0; i < names.length; i++) {
                off[i] = at;
                len[i] = names[i].getBytes(StandardCharsets.UTF_8).length;
                at += len[i] + 1;
            }
            return new Members(ListOpsTest.seg(joined), off, len);
        }
    }

    private OpStatus zadd(MemorySegment k, int flags, Object... scoreMember) {
        double[] scores = new double[scoreMember.length / 2];
        String[] names = new String[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = ((Number) scoreMember[2 * i]).doubleValue();
            names[i] = (String) scoreMember[2 * i + 1];
        }
        Members m = Members.of(names);
        return ZSetOps.zadd(ks, k, 0, (int) k.byteSize(), flags, scores, m.seg, m.off, m.len, LIMITS, out);
    }

    private void fill() {
        assertEquals(OpStatus.OK, zadd(key, 0, 1, "a", 2, "b", 3, "c", 4, "d"));
        out.take();
    }

    private List<String> all() {
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byRank(0, -1, false, true), out));
        return out.take();
    }

    private static ZSetOps.Range byRank(long start, long end, boolean rev, boolean withScores) {
        return new ZSetOps.Range(ZSetOps.Range.BY_RANK, rev, withScores, 0, -1, start, end, null, null);
    }

    private static ZSetOps.Range byScore(ZTree.ScoreRange r, boolean rev, long offset, long limit) {
        return new ZSetOps.Range(ZSetOps.Range.BY_SCORE, rev, false, offset, limit, 0, 0, r, null);
    }

    private static ZTree.LexRange lex(String min, String max) {
        return new ZTree.LexRange(min == null ? null : new ByteKey(b(min)), false, max == null ? null : new ByteKey(b(max)), true,
                min == null, max == null);
    }

    @Test
    void zaddCountsAddsAndHonoursItsFlags() {
        assertEquals(OpStatus.NOT_FOUND, zadd(key, ZSetOps.XX, 1, "a"));
        assertEquals(OpStatus.NOT_FOUND, zadd(key, ZSetOps.XX | ZSetOps.INCR, 1, "a"));
        assertEquals(List.of(), out.take());
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
        assertEquals(OpStatus.OK, zadd(key, 0, 1, "a", 2, "b"));
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.NX, 5, "a", 3, "c"));
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.XX | ZSetOps.CH, 5, "a", 9, "x"));
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.GT | ZSetOps.CH, 1, "a", 7, "b"));
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.LT | ZSetOps.CH, 4, "a", 8, "b"));
        assertEquals(List.of("2", "1", "1", "1", "1"), out.take());
        assertEquals(List.of("pairs3", "(", "c", "d3.0", "(", "a", "d4.0", "(", "b", "d7.0"), all());
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.INCR, 2.5, "c"));
        assertEquals(List.of("d5.5"), out.take());
        assertEquals(OpStatus.NOT_APPLIED, zadd(key, ZSetOps.INCR | ZSetOps.NX, 1, "c"));
        assertEquals(OpStatus.NOT_APPLIED, zadd(key, ZSetOps.INCR | ZSetOps.GT, -1, "c"));
        assertEquals(OpStatus.OK, zadd(key, ZSetOps.INCR, Double.POSITIVE_INFINITY, "c"));
        out.take();
        assertEquals(OpStatus.NAN_OR_INFINITY, zadd(key, ZSetOps.INCR, Double.NEGATIVE_INFINITY, "c"));
        assertEquals(OpStatus.WRONGTYPE, zadd(str, 0, 1, "a"));
        assertEquals(List.of(), out.take());
    }

    @Test
    void zincrbyCreatesAddsAndRefusesNaN() {
        Members a = Members.of("a");
        assertEquals(OpStatus.OK, ZSetOps.zincrby(ks, key, 0, 1, 2, a.seg, 0, 1, LIMITS, out));
        assertEquals(OpStatus.OK, ZSetOps.zincrby(ks, key, 0, 1, 0.5, a.seg, 0, 1, LIMITS, out));
        assertEquals(List.of("d2.0", "d2.5"), out.take());
        assertEquals(OpStatus.NAN_OR_INFINITY, ZSetOps.zincrby(ks, seg("n"), 0, 1, Double.NaN, a.seg, 0, 1, LIMITS, out));
        assertEquals(Keyspace.NONE, ks.find(seg("n"), 0, 1));
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.zincrby(ks, str, 0, 3, 1, a.seg, 0, 1, LIMITS, out));
        assertEquals(List.of(), out.take());
    }

    @Test
    void scoresRanksAndCounts() {
        Members m = Members.of("b", "zz", "d");
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.zscore(R, ks, key, 0, 1, m.seg, 0, 1, out));
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.zrank(R, ks, key, 0, 1, m.seg, 0, 1, false, false, out));
        assertEquals(OpStatus.OK, ZSetOps.zmscore(R, ks, key, 0, 1, m.seg, m.off, m.len, out));
        assertEquals(OpStatus.OK, ZSetOps.zcard(R, ks, key, 0, 1, out));
        assertEquals(List.of("*3", "nil", "nil", "nil", "0"), out.take());
        fill();
        assertEquals(OpStatus.OK, ZSetOps.zscore(R, ks, key, 0, 1, m.seg, 0, 1, out));
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.zscore(R, ks, key, 0, 1, m.seg, 2, 2, out));
        assertEquals(OpStatus.OK, ZSetOps.zmscore(R, ks, key, 0, 1, m.seg, m.off, m.len, out));
        assertEquals(OpStatus.OK, ZSetOps.zrank(R, ks, key, 0, 1, m.seg, 0, 1, false, false, out));
        assertEquals(OpStatus.OK, ZSetOps.zrank(R, ks, key, 0, 1, m.seg, 0, 1, true, true, out));
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.zrank(R, ks, key, 0, 1, m.seg, 2, 2, true, true, out));
        assertEquals(OpStatus.OK, ZSetOps.zcard(R, ks, key, 0, 1, out));
        assertEquals(OpStatus.OK, ZSetOps.zcount(R, ks, key, 0, 1, new ZTree.ScoreRange(2, true, 4, false), out));
        assertEquals(OpStatus.OK, ZSetOps.zlexcount(R, ks, key, 0, 1, lex("b", null), out));
        assertEquals(List.of("d2.0", "*3", "d2.0", "nil", "d4.0", "1", "*2", "2", "d2.0", "4", "2", "3"), out.take());
        for (OpStatus s : List.of(ZSetOps.zscore(R, ks, str, 0, 3, m.seg, 0, 1, out), ZSetOps.zmscore(R, ks, str, 0, 3, m.seg, m.off, m.len, out),
                ZSetOps.zrank(R, ks, str, 0, 3, m.seg, 0, 1, false, false, out), ZSetOps.zcard(R, ks, str, 0, 3, out),
                ZSetOps.zcount(R, ks, str, 0, 3, new ZTree.ScoreRange(0, false, 1, false), out),
                ZSetOps.zlexcount(R, ks, str, 0, 3, lex(null, null), out))) {
            assertEquals(OpStatus.WRONGTYPE, s);
        }
        assertEquals(List.of(), out.take());
    }

    @Test
    void rangesByRankScoreAndLex() {
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byRank(0, -1, false, true), out));
        assertEquals(List.of("pairs0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.range(R, ks, str, 0, 3, byRank(0, -1, false, false), out));
        fill();
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byRank(0, 1, true, false), out));
        assertEquals(List.of("*2", "d", "c"), out.take());
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byScore(new ZTree.ScoreRange(1, true, 4, false), false, 1, 1), out));
        assertEquals(List.of("*1", "c"), out.take());
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byScore(new ZTree.ScoreRange(1, false, 3, false), true, 0, -1), out));
        assertEquals(List.of("*3", "c", "b", "a"), out.take());
        ZSetOps.Range byLex = new ZSetOps.Range(ZSetOps.Range.BY_LEX, false, false, 0, -1, 0, 0, null, lex("b", "d"));
        assertEquals(OpStatus.OK, ZSetOps.range(R, ks, key, 0, 1, byLex, out));
        assertEquals(List.of("*2", "b", "c"), out.take());
    }

    @Test
    void removalsDeleteTheEmptiedKey() {
        Members m = Members.of("a", "zz", "b");
        assertEquals(OpStatus.OK, ZSetOps.zrem(ks, key, 0, 1, m.seg, m.off, m.len, out));
        assertEquals(OpStatus.OK, ZSetOps.removeRange(ks, key, 0, 1, byRank(0, -1, false, false), out));
        assertEquals(List.of("0", "0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.zrem(ks, str, 0, 3, m.seg, m.off, m.len, out));
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.removeRange(ks, str, 0, 3, byRank(0, -1, false, false), out));
        fill();
        assertEquals(OpStatus.OK, ZSetOps.zrem(ks, key, 0, 1, m.seg, m.off, m.len, out));
        assertEquals(OpStatus.OK, ZSetOps.removeRange(ks, key, 0, 1, byScore(new ZTree.ScoreRange(3, false, 3, false), false, 0, -1), out));
        assertEquals(List.of("2", "1"), out.take());
        ZSetOps.Range byLex = new ZSetOps.Range(ZSetOps.Range.BY_LEX, false, false, 0, -1, 0, 0, null, lex(null, null));
        assertEquals(OpStatus.OK, ZSetOps.removeRange(ks, key, 0, 1, byLex, out));
        assertEquals(List.of("1"), out.take());
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void popsTheEndsOneOrACount() {
        assertEquals(OpStatus.OK, ZSetOps.pop(ks, key, 0, 1, true, ZSetOps.SINGLE, out));
        assertEquals(List.of("*0"), out.take());
        assertNull(ZSetOps.popMany(ks, key, 0, 1, true, 1));
        assertNull(ZSetOps.popMany(ks, str, 0, 3, true, 1));
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.pop(ks, str, 0, 3, true, 2, out));
        fill();
        assertEquals(OpStatus.OK, ZSetOps.pop(ks, key, 0, 1, true, ZSetOps.SINGLE, out));
        assertEquals(OpStatus.OK, ZSetOps.pop(ks, key, 0, 1, false, 0, out));
        assertEquals(OpStatus.OK, ZSetOps.pop(ks, key, 0, 1, false, 1, out));
        assertEquals(List.of("*2", "a", "d1.0", "*0", "pairs1", "(", "d", "d4.0"), out.take());
        List<Node> rest = ZSetOps.popMany(ks, key, 0, 1, true, 5);
        assertEquals(2, rest.size());
        assertEquals("b", new String(rest.get(0).member.bytes, StandardCharsets.UTF_8));
        assertEquals(3.0, rest.get(1).score);
        assertEquals(Keyspace.NONE, ks.find(key, 0, 1));
    }

    @Test
    void randomMembersDistinctOrRepeated() {
        SplittableRandom rnd = new SplittableRandom(7);
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.randomMembers(R, ks, key, 0, 1, ZSetOps.SINGLE, false, rnd, out));
        assertEquals(OpStatus.OK, ZSetOps.randomMembers(R, ks, key, 0, 1, 3, true, rnd, out));
        assertEquals(List.of("*0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.randomMembers(R, ks, str, 0, 3, 1, false, rnd, out));
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.randomMembers(R, ks, str, 0, 3, ZSetOps.SINGLE, false, rnd, out));
        assertEquals(OpStatus.OK, zadd(key, 0, 1, "a"));
        out.take();
        assertEquals(OpStatus.OK, ZSetOps.randomMembers(R, ks, key, 0, 1, ZSetOps.SINGLE, false, rnd, out));
        assertEquals(OpStatus.OK, ZSetOps.randomMembers(R, ks, key, 0, 1, -3, false, rnd, out));
        assertEquals(OpStatus.OK, ZSetOps.randomMembers(R, ks, key, 0, 1, 5, true, rnd, out));
        assertEquals(OpStatus.OK, ZSetOps.randomMembers(R, ks, key, 0, 1, 0, true, rnd, out));
        assertEquals(List.of("a", "*3", "a", "a", "a", "pairs1", "(", "a", "d1.0", "*0"), out.take());
    }

    @Test
    void zscanWalksMembersWithScoresAsStringsAndReportsTheKeysType() {
        assertEquals(OpStatus.NOT_FOUND, ZSetOps.check(R, ks, key, 0, 1));
        assertEquals(OpStatus.OK, ZSetOps.scan(R, ks, key, 0, 1, 0, 10, null, out));
        assertEquals(List.of("*2", "0", "*0"), out.take(), "a missing key scans as empty");
        zadd(key, 0, 1.5, "a", 2, "b");
        out.take();
        assertEquals(OpStatus.OK, ZSetOps.check(R, ks, key, 0, 1));
        assertEquals(OpStatus.OK, ZSetOps.scan(R, ks, key, 0, 1, 0, 10, null, out));
        assertEquals(List.of("*2", "0", "*4", "a", "1.5", "b", "2"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.check(R, ks, str, 0, 3));
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.scan(R, ks, str, 0, 3, 0, 10, null, out));
        assertEquals(List.of(), out.take());
    }

    private Object source(MemorySegment k) {
        return KeySources.read(R, ks, k, 0, (int) k.byteSize(), t -> t == ValueType.ZSET || t == ValueType.SET, true);
    }

    private ZSetValue stored(MemorySegment k) {
        long e = ks.find(k, 0, (int) k.byteSize());
        return e == Keyspace.NONE ? null : (ZSetValue) ks.object(e);
    }

    @Test
    void rangeStoreBuildsUnderTheListpackLimitsAndDeletesAnEmptyResult() {
        fill();
        MemorySegment dst = seg("dst");
        assertEquals(OpStatus.OK, ZSetOps.rangeStore(ks, dst, 0, 3, source(key), byRank(0, 1, false, false), LIMITS, out));
        assertEquals(List.of("2"), out.take());
        assertEquals(true, stored(dst).compact());
        assertEquals(OpStatus.OK, ZSetOps.rangeStore(ks, dst, 0, 3, source(key), byRank(0, -1, false, false), new ZSetOps.Limits(3, 64), out));
        assertEquals(List.of("4"), out.take());
        assertEquals(false, stored(dst).compact(), "4 members over zset-max-listpack-entries 3");
        assertEquals(OpStatus.OK, ZSetOps.rangeStore(ks, dst, 0, 3, source(key), byRank(9, 10, false, false), LIMITS, out));
        assertEquals(List.of("0"), out.take());
        assertNull(stored(dst));
        assertEquals(OpStatus.OK, ZSetOps.rangeStore(ks, dst, 0, 3, source(seg("missing")), byRank(0, -1, false, false), LIMITS, out));
        assertEquals(List.of("0"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetOps.rangeStore(ks, key, 0, 1, source(str), byRank(0, -1, false, false), LIMITS, out));
        assertEquals(List.of(), out.take());
        assertEquals(4, stored(key).size(), "nothing stored on WRONGTYPE");
    }

    @Test
    void algebraStoreAndInterCard() {
        fill();
        MemorySegment w = seg("w");
        assertEquals(OpStatus.OK, zadd(w, 0, 5, "b", 1, "long-member"));
        out.take();
        MemorySegment dst = seg("dst");
        Object[] both = {source(key), source(w)};
        double[] ones = {1, 1};
        assertEquals(OpStatus.OK, ZSetAlgebra.store(ks, dst, 0, 3, ZSetAlgebra.Op.INTER, both, ones, ZSetAlgebra.SUM, LIMITS, out));
        assertEquals(List.of("1"), out.take());
        assertEquals(true, stored(dst).compact());
        assertEquals(7.0, stored(dst).score(new ByteKey(b("b"))));
        assertEquals(OpStatus.OK, ZSetAlgebra.store(ks, dst, 0, 3, ZSetAlgebra.Op.UNION, both, ones, ZSetAlgebra.MAX, new ZSetOps.Limits(128, 4),
                out));
        assertEquals(List.of("5"), out.take());
        assertEquals(false, stored(dst).compact(), "a member longer than zset-max-listpack-value 4");
        assertEquals(OpStatus.OK, ZSetAlgebra.store(ks, key, 0, 1, ZSetAlgebra.Op.DIFF, both, ones, ZSetAlgebra.SUM, LIMITS, out));
        assertEquals(List.of("3"), out.take(), "the destination may be a source");
        assertEquals(OpStatus.OK, ZSetAlgebra.store(ks, dst, 0, 3, ZSetAlgebra.Op.INTER, new Object[] {both[1], null}, ones, ZSetAlgebra.SUM,
                LIMITS, out));
        assertEquals(List.of("0"), out.take());
        assertNull(stored(dst));
        Object[] wrong = {both[0], source(str)};
        assertEquals(OpStatus.WRONGTYPE, ZSetAlgebra.store(ks, w, 0, 1, ZSetAlgebra.Op.UNION, wrong, ones, ZSetAlgebra.SUM, LIMITS, out));
        assertEquals(2, stored(w).size(), "nothing stored on WRONGTYPE");
        assertEquals(OpStatus.OK, ZSetAlgebra.interCard(both, 0, out));
        assertEquals(OpStatus.OK, ZSetAlgebra.interCard(new Object[] {both[0], both[0]}, 2, out));
        assertEquals(List.of("1", "2"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetAlgebra.interCard(wrong, 0, out));
        assertEquals(List.of(), out.take());
    }
}

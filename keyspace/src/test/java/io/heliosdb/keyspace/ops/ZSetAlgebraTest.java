package io.heliosdb.keyspace.ops;

import static io.heliosdb.keyspace.ops.ListOpsTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.ops.ZSetAlgebra.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Union, intersection and difference of gathered sources, with weights and aggregates. */
class ZSetAlgebraTest {
    private static ZSetValue zset(Object... memberScore) {
        ZSetValue z = new ZSetValue();
        for (int i = 0; i < memberScore.length; i += 2) {
            z.put(new ByteKey(b((String) memberScore[i])), ((Number) memberScore[i + 1]).doubleValue());
        }
        return z;
    }

    private static SetValue set(String... members) {
        SetValue s = new SetValue();
        for (String m : members) {
            s.add(new ByteKey(b(m)));
        }
        return s;
    }

    private static List<String> all(ZSetValue z) {
        ListOpsTest.Sink out = new ListOpsTest.Sink();
        ZSetOps.writeNodes(ZSetRanges.byRank(z, 0, -1, false), true, out);
        return out.take();
    }

    @Test
    void unionSumsWeightedScoresAndCountsASetMemberAsOne() {
        ZSetValue r = ZSetAlgebra.combine(Op.UNION, new Object[]{zset("a", 1, "b", 2), set("b", "c"), null}, new double[]{2, 3, 1},
                ZSetAlgebra.SUM);
        assertEquals(List.of("pairs3", "(", "a", "d2.0", "(", "c", "d3.0", "(", "b", "d7.0"), all(r));
    }

    @Test
    void interKeepsCommonMembersWithTheAggregate() {
        Object[] sources = {zset("a", 1, "b", 5, "c", 3), zset("b", 2, "c", 4)};
        assertEquals(List.of("pairs2", "(", "b", "d2.0", "(", "c", "d3.0"),
                all(ZSetAlgebra.combine(Op.INTER, sources, new double[]{1, 1}, ZSetAlgebra.MIN)));
        assertEquals(List.of("pairs2", "(", "c", "d4.0", "(", "b", "d5.0"),
                all(ZSetAlgebra.combine(Op.INTER, sources, new double[]{1, 1}, ZSetAlgebra.MAX)));
        assertEquals(0, ZSetAlgebra.combine(Op.INTER, new Object[]{sources[0], null}, new double[]{1, 1}, ZSetAlgebra.SUM).size());
    }

    @Test
    void diffKeepsTheFirstSourcesOwnMembersAndScores() {
        ZSetValue r = ZSetAlgebra.combine(Op.DIFF, new Object[]{zset("a", 1, "b", 2, "c", 3), set("b"), zset("c", 9)},
                new double[]{1, 1, 1}, ZSetAlgebra.SUM);
        assertEquals(List.of("pairs1", "(", "a", "d1.0"), all(r));
    }

    @Test
    void replyListsTheResultByRankWithOrWithoutScores() {
        ListOpsTest.Sink out = new ListOpsTest.Sink();
        Object[] sources = {zset("a", 3, "b", 1), set("a")};
        assertEquals(OpStatus.OK, ZSetAlgebra.reply(Op.UNION, sources, new double[]{1, 1}, ZSetAlgebra.SUM, true, out));
        assertEquals(List.of("pairs2", "(", "b", "d1.0", "(", "a", "d4.0"), out.take());
        assertEquals(OpStatus.OK, ZSetAlgebra.reply(Op.DIFF, sources, new double[]{1, 1}, ZSetAlgebra.SUM, false, out));
        assertEquals(List.of("*1", "b"), out.take());
        assertEquals(OpStatus.WRONGTYPE, ZSetAlgebra.reply(Op.INTER, new Object[]{sources[0], KeySources.WRONG_TYPE}, new double[]{1, 1},
                ZSetAlgebra.SUM, false, out));
        assertEquals(List.of(), out.take());
    }

    @Test
    void aBuiltSetIsCompactOnlyWhenSmall() {
        ZSetValue z = zset("a", 1);
        z.compact(false);
        ZSetAlgebra.compactFor(z, new ZSetOps.Limits(128, 64));
        assertTrue(z.compact());
    }
}

package io.heliosdb.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heliosdb.scheduler.sim.Simulation;
import org.junit.jupiter.api.Test;

class ShardSlotTest {
    private static final ShardSlot<String> RESP = ShardSlot.named("resp-test");
    private static final ShardSlot<Integer> SQL = ShardSlot.named("sql-test");

    @Test
    void eachLayerHasItsOwnValueOnEachShard() {
        ShardGroup group = new Simulation(1).shardGroup(2);
        Shard a = group.shard(0);
        Shard b = group.shard(1);
        assertNull(a.get(RESP));
        a.put(RESP, "keyspace of 0");
        a.put(SQL, 42);
        b.put(RESP, "keyspace of 1");
        assertEquals("keyspace of 0", a.get(RESP));
        assertEquals(42, a.get(SQL));
        assertEquals("keyspace of 1", b.get(RESP));
        assertNull(b.get(SQL));
    }
}

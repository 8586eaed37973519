package io.heliosdb.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.scheduler.sim.SimLoop;
import io.heliosdb.scheduler.sim.Simulation;
import org.junit.jupiter.api.Test;

class StepFailureTest {
    @Test
    void aStepThatThrowsArrivesAsAnInternalStatusWithItsIdAndItsLocksAreGivenBack() {
        Simulation sim = new Simulation(5);
        ShardGroup group = sim.shardGroup(2);
        group.injectFaults((point, shard) -> point == FaultInjection.Point.STEP && shard.id() == 1);
        assertTrue(sim.run(100));
        Object[][] results = new Object[1][];
        Shard origin = group.shard(0);
        origin.postControl(new ShardTask() {
            @Override
            public boolean isControl() {
                return true;
            }

            @Override
            public void run(Shard shard) {
                ShardTransaction tx = new ShardTransaction(origin, group.all());
                tx.lockAll(() -> tx.run(group.all(), s -> "ok", true, () -> results[0] = tx.results()));
            }
        });
        assertTrue(sim.run(1_000));
        assertEquals("ok", results[0][0]);
        StepFailure f = assertInstanceOf(StepFailure.class, results[0][1]);
        assertEquals(StepStatus.INTERNAL, f.status());
        assertEquals(1, f.id());
        assertEquals(1, group.internalErrors());
        assertNull(f.getMessage(), "no protocol text in the scheduler");
        for (Shard s : group.all()) {
            boolean[] idle = new boolean[1];
            sim.inLoop((SimLoop) s.loop(), () -> idle[0] = s.isIdle());
            assertTrue(idle[0], s + " still locked");
        }
    }
}

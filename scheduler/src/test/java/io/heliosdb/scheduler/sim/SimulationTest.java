package io.heliosdb.scheduler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulationTest {
    @Test
    void aLoopIsItsShardsThreadOnlyWhileItRunsOneOfItsTasks() {
        Simulation sim = new Simulation(7);
        ShardGroup group = sim.shardGroup(2);
        Shard a = group.shard(0);
        Shard b = group.shard(1);
        List<String> seen = new ArrayList<>();
        assertFalse(a.inShardThread());
        assertTrue(a.post(new ShardTask() {
            @Override
            public void run(Shard shard) {
                seen.add(shard + " " + a.inShardThread() + " " + b.inShardThread());
            }
        }));
        assertTrue(seen.isEmpty(), "a simulated loop only queues");
        assertTrue(sim.run(100));
        assertEquals(List.of("shard-0 true false"), seen);
        assertFalse(a.inShardThread());
    }

    @Test
    void timersFireOnSimulatedTimeInDeadlineOrder() {
        Simulation sim = new Simulation(1);
        SimLoop loop = sim.newLoop("timers");
        List<String> fired = new ArrayList<>();
        loop.schedule(() -> fired.add("late@" + sim.nanoTime()), 5, TimeUnit.SECONDS);
        loop.schedule(() -> fired.add("early"), 1, TimeUnit.SECONDS);
        assertTrue(sim.run(100));
        assertEquals("early", fired.get(0));
        assertTrue(fired.get(1).startsWith("late@") && Long.parseLong(fired.get(1).substring(5)) >= 5_000_000_000L, fired.toString());
        assertTrue(sim.nanoTime() < 6_000_000_000L, "time jumps to the next timer, not beyond");
    }

    @Test
    void aStepBoundStopsARunThatNeverEnds() {
        Simulation sim = new Simulation(3);
        SimLoop loop = sim.newLoop("spinner");
        Runnable[] again = new Runnable[1];
        again[0] = () -> loop.execute(again[0]);
        loop.execute(again[0]);
        assertFalse(sim.run(1_000));
        assertEquals(1_000, sim.steps());
    }
}

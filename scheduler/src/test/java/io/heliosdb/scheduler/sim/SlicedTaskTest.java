package io.heliosdb.scheduler.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.scheduler.LongTask;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import io.heliosdb.scheduler.SliceBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** A long task in slices under the simulation: others interleave, budgets hold, locks are respected. */
class SlicedTaskTest {
    private static final int ITEMS = 1_000;
    private static final int UNITS = 64;

    /** Scans ITEMS items, UNITS per slice, noting what it sees. */
    private static final class Scan implements LongTask {
        final List<String> events;
        final List<String> violations;
        ShardTransaction holder; // a transaction that may hold the shard whole now
        int next;
        int slices;
        boolean done;

        Scan(List<String> events, List<String> violations) {
            this.events = events;
            this.violations = violations;
        }

        @Override
        public boolean runSlice(Shard shard, SliceBudget budget) {
            slices++;
            events.add("slice " + slices);
            if (holder != null && shard.isHeldBy(holder)) {
                violations.add("a slice ran while a transaction held the shard");
            }
            while (next < ITEMS && !budget.spent()) {
                next++;
                budget.spend(1);
            }
            if (budget.unitsSpent() > UNITS) {
                violations.add("slice " + slices + " spent " + budget.unitsSpent() + " units");
            }
            done = next == ITEMS;
            return done;
        }
    }

    @Test
    void otherWorkRunsBetweenSlicesAndTheTaskFinishesWithinItsBudget() {
        int interleavedSeeds = 0;
        for (long seed = 1; seed <= 100; seed++) {
            Simulation sim = new Simulation(seed);
            ShardGroup group = sim.shardGroup(2);
            Shard home = group.shard(0);
            List<String> events = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            Scan scan = new Scan(events, violations);
            Random workload = new Random(seed);
            sim.external(0, "start scan", () -> home.postControl(control(s -> s.runInSlices(scan, SliceBudget.ofUnits(UNITS)))));
            int[] dataRan = new int[1];
            for (int i = 0; i < 30; i++) {
                Shard target = group.shard(workload.nextInt(2));
                int n = i;
                sim.external(workload.nextLong(200_000), "data " + i, () -> target.post(new ShardTask() {
                    @Override
                    public void run(Shard shard) {
                        dataRan[0]++;
                        events.add("data " + n);
                    }
                }));
            }
            sim.external(workload.nextLong(100_000), "lock all", () -> home.postControl(control(s -> {
                ShardTransaction tx = new ShardTransaction(s, group.all());
                scan.holder = tx;
                tx.lockAll(() -> tx.run(group.all(), x -> null, false, () -> tx.run(group.all(), x -> null, true, () -> { })));
            })));
            assertTrue(sim.run(100_000), "seed " + seed + ": not finished");
            assertTrue(scan.done, "seed " + seed);
            assertEquals((ITEMS + UNITS - 1) / UNITS, scan.slices, "seed " + seed);
            assertEquals(30, dataRan[0], "seed " + seed);
            assertEquals(List.of(), violations, "seed " + seed);
            int first = events.indexOf("slice 1");
            int last = events.indexOf("slice " + scan.slices);
            boolean interleaved = events.subList(first, last).stream().anyMatch(e -> e.startsWith("data"));
            interleavedSeeds += interleaved ? 1 : 0;
            assertEquals(0, group.internalErrors());
        }
        assertTrue(interleavedSeeds > 50, "other work ran between slices in only " + interleavedSeeds + " of 100 seeds");
    }

    @Test
    void anAtomicTaskRenewsItsBudgetWhenItYields() {
        Simulation sim = new Simulation(1);
        Shard shard = sim.shardGroup(1).shard(0);
        SliceBudget budget = SliceBudget.ofUnits(10);
        budget.begin();
        budget.spend(9);
        assertFalse(shard.yieldIfSpent(budget), "within budget: no yield");
        budget.spend(1);
        assertTrue(budget.spent());
        sim.inLoop((SimLoop) shard.loop(), () -> shard.yieldIfSpent(budget)); // no sockets to pump here
        assertFalse(budget.spent(), "a new slice of budget after the yield");
    }

    private static ShardTask control(Consumer<Shard> body) {
        return new ShardTask() {
            @Override
            public boolean isControl() {
                return true;
            }

            @Override
            public void run(Shard shard) {
                body.accept(shard);
            }
        };
    }
}

package io.heliosdb.resp.blocking;

import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The moves across shards that one serving round started (a BLMOVE whose destination is on another
 * shard takes its element later, from its own loop, with both keys locked). The reply of the command
 * that woke them waits until every one is over, as Redis serves blocked clients before the waking
 * command's reply leaves. A move is over when its own reply is written, after the moves it woke in
 * turn: waits only ever point at moves started later, so they cannot form a cycle. Nothing waiting
 * here holds a lock. Any thread.
 */
public final class ServeWait {
    private int pending;
    private List<Runnable> then;

    synchronized void add() {
        pending++;
    }

    /** One move is over (moved, refused, or its element was gone and it waits on). */
    public void arrive() {
        List<Runnable> run;
        synchronized (this) {
            assert pending > 0;
            if (--pending > 0 || then == null) {
                return;
            }
            run = then;
            then = null;
        }
        for (Runnable r : run) {
            r.run();
        }
    }

    /** Runs {@code action} on {@code shard}'s thread once every move is over (at once if they are and this is that thread). */
    public void whenOver(Shard shard, Runnable action) {
        synchronized (this) {
            if (pending > 0) {
                if (then == null) {
                    then = new ArrayList<>(2);
                }
                then.add(() -> shard.postControl(new Run(action)));
                return;
            }
        }
        if (shard.inShardThread()) {
            action.run();
        } else {
            shard.postControl(new Run(action));
        }
    }

    /** As {@link #whenOver}, once every one of {@code waits} is over. */
    public static void whenAllOver(List<ServeWait> waits, Shard shard, Runnable action) {
        if (waits.isEmpty()) {
            action.run();
            return;
        }
        int[] left = {waits.size()}; // counted on the shard's thread only
        for (ServeWait w : waits) {
            w.whenOver(shard, () -> {
                if (--left[0] == 0) {
                    action.run();
                }
            });
        }
    }

    /** {@code parent}'s move is over once the moves of {@code round} (may be null) are. Shard thread of {@code shard}. */
    public static void arriveAfter(ServeWait round, ServeWait parent, Shard shard) {
        if (parent == null) {
            return;
        }
        if (round == null) {
            parent.arrive();
        } else {
            round.whenOver(shard, parent::arrive);
        }
    }

    private record Run(Runnable action) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            action.run();
        }
    }
}

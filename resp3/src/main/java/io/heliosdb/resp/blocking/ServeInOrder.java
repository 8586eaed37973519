package io.heliosdb.resp.blocking;

import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of EXEC or of a script that held several shards: their ready keys are served in the order
 * they became ready across all of them, as Redis serves its single ready list. Each step serves one
 * shard's keys up to the oldest ready key of another shard, then the home loop picks the next
 * shard; usually one step. The shards stay held by {@code tx} throughout, so nothing else runs
 * between the last command and the clients it serves. Home loop only.
 */
public final class ServeInOrder {
    private ServeInOrder() {}

    public static void serve(ShardTransaction tx, Shard[] held, Runnable then) {
        Shard first = null;
        long oldest = Long.MAX_VALUE;
        long next = Long.MAX_VALUE;
        for (Shard s : held) {
            long f = BlockedClients.of(ServerContext.state(s)).firstReady();
            if (f < oldest) {
                next = oldest;
                oldest = f;
                first = s;
            } else if (f < next) {
                next = f;
            }
        }
        if (first == null) {
            then.run();
            return;
        }
        long limit = next;
        tx.run(new Shard[]{first}, s -> {
            ShardState st = ServerContext.state(s);
            BlockedClients.of(st).serveReadyBefore(st, limit);
            return null;
        }, false, () -> serve(tx, held, then));
    }

    /**
     * An EXEC or script whose coordinator failed (its locks are gone): each shard serves its ready
     * keys as its next piece of data work (behind any lock taken meanwhile, so nothing here waits
     * while holding one), then {@code then} runs on {@code home} once the moves they woke are over.
     */
    public static void serveAfterFailure(Shard home, Shard[] shards, Runnable then) {
        new AfterFailure(home, shards.length, then).start(shards);
    }

    /** The failed unit's serving on each of its shards, counted back on its home loop. */
    private static final class AfterFailure {
        private final Shard home;
        private final Runnable then;
        private final List<ServeWait> rounds = new ArrayList<>();
        private int left; // home loop only

        AfterFailure(Shard home, int shards, Runnable then) {
            this.home = home;
            this.left = shards;
            this.then = then;
        }

        void start(Shard[] shards) {
            for (Shard s : shards) {
                s.forward(new ShardTask() {
                    @Override
                    public void run(Shard shard) {
                        ShardState st = ServerContext.state(shard);
                        BlockedClients.of(st).serveReady(st);
                        back(BlockedClients.of(st).takeRound());
                    }

                    @Override
                    public void failed(Shard shard, long internalErrorId) {
                        back(null); // reported already; the client is answered all the same
                    }
                });
            }
        }

        /** Shard thread: this shard is done; the count goes on at home. */
        private void back(ServeWait round) {
            home.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    if (round != null) {
                        rounds.add(round);
                    }
                    if (--left == 0) {
                        ServeWait.whenAllOver(rounds, home, then);
                    }
                }
            });
        }
    }
}

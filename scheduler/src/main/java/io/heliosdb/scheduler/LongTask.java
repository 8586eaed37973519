package io.heliosdb.scheduler;

/**
 * Work too long for one turn of its shard's loop (a SQL scan): {@link Shard#runInSlices} runs it
 * a slice at a time, and the shard's other work (its mailbox, timers, sockets) runs in between. It
 * is not atomic: what it reads may change between slices, which it must allow for. (A Lua script
 * must stay atomic instead: it keeps the shard and yields through {@link Shard#yieldIfSpent}.)
 */
public interface LongTask {
    /** Runs one slice, until done or {@code budget.spent()}; true when the whole task is done. */
    boolean runSlice(Shard shard, SliceBudget budget);

    /** A slice threw (a bug, logged under {@code internalErrorId}): no more slices run; answer whoever waits. */
    default void failed(Shard shard, long internalErrorId) {}
}

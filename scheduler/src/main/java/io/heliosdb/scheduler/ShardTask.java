package io.heliosdb.scheduler;

/** Work that runs on a shard's own thread. */
public interface ShardTask {
    void run(Shard shard);

    /**
     * Control messages of the cross-shard protocol (lock requests, steps of the lock owner,
     * completions to a connection) are not held back while the shard is locked; data work is.
     */
    default boolean isControl() {
        return false;
    }

    /**
     * Data work that may run while a long task keeps its shard (a script past lua-time-limit): it
     * answers for itself (with BUSY) instead of touching data, so it need not wait for the task.
     */
    default boolean answersWhileBusy() {
        return false;
    }

    /**
     * {@link #run} threw (a bug, already logged under {@code internalErrorId}): answer whoever waits
     * for this work with that id and give back anything it holds. Shard thread.
     */
    default void failed(Shard shard, long internalErrorId) {}
}

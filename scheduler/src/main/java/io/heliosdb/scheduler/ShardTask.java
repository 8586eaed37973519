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
}

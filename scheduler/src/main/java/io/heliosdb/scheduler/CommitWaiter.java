package io.heliosdb.scheduler;

/** Something waiting for its shard's commit: replies to send, a request to forward. */
@FunctionalInterface
public interface CommitWaiter {
    /** {@code durable} is false when the commit failed: what waited must not be acknowledged. */
    void committed(boolean durable);
}

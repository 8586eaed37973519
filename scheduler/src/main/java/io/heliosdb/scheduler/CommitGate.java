package io.heliosdb.scheduler;

/**
 * Holds a shard's outgoing messages while it has changes that are not yet written to its log:
 * nothing that could reveal or acknowledge a change leaves the shard before the change is
 * committed (Redis writes its AOF before replying, in the same event-loop turn). Shard thread only.
 */
public interface CommitGate {
    /** True when every change made so far is committed (or the shard keeps no log). */
    boolean isOpen();

    /** Runs {@code waiter} when the commit under way (or about to be) has finished. */
    void await(CommitWaiter waiter);
}

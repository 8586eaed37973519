package io.heliosdb.scheduler;

import java.util.List;

/**
 * What a shard's storage does so that a write spanning shards is all or nothing across a crash,
 * though each shard logs on its own (presumed abort, with the after-images in the commit record):
 * <ol>
 *   <li>Each step of a cross-shard transaction hands back what it changed on its shard as a
 *       {@link Part}; the shard logs none of it (nor anything written after it) until the
 *       transaction is resolved.</li>
 *   <li>When its last step is done, the transaction's origin logs one commit record holding every
 *       part ({@link #logCommit}), after those of the transactions whose changes it may have read
 *       ({@link #unresolved} at its lock grants).</li>
 *   <li>Then each shard may log its part ({@link #resolved}). Recovery writes the parts of a
 *       committed transaction that a shard's log does not hold; a transaction without a commit
 *       record left nothing in any log.</li>
 * </ol>
 * Shard thread only (each method on its own shard's thread).
 */
public interface CommitParticipant {
    /**
     * A cross-shard transaction was granted this shard's lock: returns a mark that ends what the
     * shard changed before (those changes can only come from earlier transactions and local
     * commands, so waiting for them cannot wait for the transaction itself).
     */
    long boundary();

    /**
     * The transactions whose parts this shard holds now, not yet resolved. Asked at a lock grant:
     * what the granted transaction reads here may carry their changes, so it commits after them.
     * (Asked then and not later, so the waits point only to transactions that ran steps before,
     * which cannot wait for this one: no cycle.)
     */
    long[] unresolved();

    /** Runs {@code waiter} once everything changed here before {@code boundary} is in the log. */
    void afterBoundary(long boundary, CommitWaiter waiter);

    /** A step of transaction {@code tx} starts on this shard. */
    void stepStarted(long tx);

    /** The step ended: what it changed here, or null when it changed nothing. */
    Part stepEnded(long tx);

    /** On the origin's shard: logs {@code tx}'s commit record; {@code done} hears when it is in the log. */
    void logCommit(long tx, List<Part> parts, CommitWaiter done);

    /** {@code tx}'s commit record is in the log: what this shard held back for it may be logged. */
    void resolved(long tx);

    /**
     * One shard's changes by one transaction, in the storage's own form; {@code participant} is the
     * storage's place among the shard's participants (0: the first, RESP's keyspace).
     */
    record Part(int shard, int participant, byte[] changes) {
        /** A part of the shard's first (or only) storage. */
        public Part(int shard, byte[] changes) {
            this(shard, 0, changes);
        }

        /** The same changes as the part of the shard's {@code participant}-th storage. */
        public Part of(int participant) {
            return new Part(shard, participant, changes);
        }
    }
}

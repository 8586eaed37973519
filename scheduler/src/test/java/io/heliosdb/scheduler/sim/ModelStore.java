package io.heliosdb.scheduler.sim;

import io.heliosdb.scheduler.CommitGate;
import io.heliosdb.scheduler.CommitParticipant;
import io.heliosdb.scheduler.CommitWaiter;
import io.heliosdb.scheduler.Shard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A shard's storage in the model: a log that is an in-memory list, written by a flush that is a
 * simulated event of its own (so a crash can fall between a change and its flush). Batches are
 * written in order; a cross-shard step's part is held back, with everything after it, until its
 * transaction is resolved (the commit-record rules of {@link CommitParticipant}). With
 * {@code holdParts} false it is deliberately broken: parts are logged before their commit record.
 */
final class ModelStore implements CommitGate, CommitParticipant {
    enum Kind { WRITE, PART, COMMIT }

    /** One record of the log: a key's write, a transaction's part (its writes), or a commit record. */
    record Entry(Kind kind, long tx, List<String[]> writes, List<Part> parts) {}

    private static final class Batch {
        long number;
        long heldFor; // a part of this transaction (0: plain writes)
        final List<String[]> writes = new ArrayList<>();
        final List<CommitWaiter> waiters = new ArrayList<>();
    }

    final List<Entry> log = new ArrayList<>();
    private final Shard shard;
    private final int index;
    private final boolean holdParts;
    private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
    private final Set<Long> unresolved = new LinkedHashSet<>();
    private Batch current;
    private Batch capturing;
    private long capturingTx;
    private long sealedCount;
    private long writtenCount;
    private boolean flushScheduled;
    private final Runnable flush = this::flush;

    /** @param index this store's place among its shard's participants */
    ModelStore(Shard shard, int index, boolean holdParts) {
        this.shard = shard;
        this.index = index;
        this.holdParts = holdParts;
    }

    /** A key changed on this shard ({@code value} null: deleted). */
    void changed(String key, String value) {
        String[] w = {key, value};
        if (capturing != null) {
            capturing.writes.add(w);
            return;
        }
        if (current == null) {
            current = new Batch();
        }
        current.writes.add(w);
        scheduleFlush();
    }

    /** The transaction whose step runs here now (0: none). */
    long capturingTx() {
        return capturingTx;
    }

    @Override
    public boolean isOpen() {
        return current == null && sealed.isEmpty();
    }

    @Override
    public void await(CommitWaiter waiter) {
        (current != null ? current : sealed.peekLast()).waiters.add(waiter);
    }

    private void seal() {
        if (current != null) {
            current.number = ++sealedCount;
            sealed.add(current);
            current = null;
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            shard.loop().execute(flush);
        }
    }

    /** The simulated disk write: every sealed batch not behind an unresolved part goes to the log. */
    private void flush() {
        flushScheduled = false;
        seal();
        while (!sealed.isEmpty()) {
            Batch b = sealed.peek();
            if (holdParts && b.heldFor != 0 && unresolved.contains(b.heldFor)) {
                return; // resolved() flushes again
            }
            sealed.poll();
            if (b.heldFor != 0) {
                log.add(new Entry(Kind.PART, b.heldFor, b.writes, List.of()));
            } else {
                for (String[] w : b.writes) {
                    log.add(new Entry(Kind.WRITE, 0, List.<String[]>of(w), List.of()));
                }
            }
            writtenCount = b.number;
            for (CommitWaiter w : b.waiters) {
                w.committed(true);
            }
        }
    }

    @Override
    public long boundary() {
        seal();
        if (!sealed.isEmpty()) {
            scheduleFlush();
        }
        return sealedCount;
    }

    @Override
    public long[] unresolved() {
        return unresolved.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public void afterBoundary(long boundary, CommitWaiter waiter) {
        if (boundary <= writtenCount) {
            waiter.committed(true);
            return;
        }
        for (Batch b : sealed) {
            if (b.number == boundary) {
                b.waiters.add(waiter);
                return;
            }
        }
        throw new IllegalStateException("boundary " + boundary + " neither written nor held on " + shard);
    }

    @Override
    public void stepStarted(long tx) {
        seal(); // what came before the step is not part of it
        capturing = new Batch();
        capturing.heldFor = tx;
        capturingTx = tx;
    }

    @Override
    public Part stepEnded(long tx) {
        Batch b = capturing;
        capturing = null;
        capturingTx = 0;
        if (b.writes.isEmpty()) {
            return null;
        }
        b.number = ++sealedCount;
        sealed.add(b);
        if (unresolved.add(tx)) {
            shard.resolutions().opened(tx);
        }
        scheduleFlush();
        return new Part(shard.id(), index, encode(b.writes));
    }

    @Override
    public void logCommit(long tx, List<Part> parts, CommitWaiter done) {
        shard.loop().execute(() -> { // the commit record's own write, a simulated event too
            log.add(new Entry(Kind.COMMIT, tx, List.of(), List.copyOf(parts)));
            done.committed(true);
        });
    }

    @Override
    public void resolved(long tx) {
        if (unresolved.remove(tx)) {
            scheduleFlush();
        }
    }

    static byte[] encode(List<String[]> writes) {
        StringBuilder b = new StringBuilder();
        for (String[] w : writes) {
            b.append(w[0]).append('=').append(w[1] == null ? "\u0000" : w[1]).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<String[]> decode(byte[] changes) {
        List<String[]> out = new ArrayList<>();
        for (String line : new String(changes, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                String v = line.substring(eq + 1);
                out.add(new String[] {line.substring(0, eq), v.equals("\u0000") ? null : v});
            }
        }
        return out;
    }
}

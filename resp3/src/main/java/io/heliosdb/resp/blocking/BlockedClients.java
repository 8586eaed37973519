package io.heliosdb.resp.blocking;

import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.KeyEventListener;
import io.heliosdb.resp.engine.ShardState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients blocked on keys of one shard (lists, sorted sets, streams), in arrival order per key, and
 * the keys made ready since they were last served (Redis' blocking_keys and ready_keys). A key
 * somebody waits on is marked ready where Redis signals it (the shard's key hook tells
 * {@link #keyCreated} and {@link #keyChanged}; commands that add in place call {@link #signal}); once
 * the whole command, MULTI/EXEC, script or function that changed it is over, the shard serves the
 * waiters of each ready key against its final state (Redis' handleClientsBlockedOnKeys, which
 * call() runs after the outermost command only). While {@link #hold} is in effect (inside EXEC or
 * a script) {@link #serveReady} leaves ready keys for later. Shard thread only, except
 * {@link #firstReady}.
 */
public final class BlockedClients implements KeyEventListener {
    public static final Feature<BlockedClients> FEATURE = Feature.named("blocked clients");

    /** Puts the blocked-clients registry on {@code shard}; it hears every change of a key there. */
    public static void install(ShardState shard) {
        shard.install(FEATURE, new BlockedClients());
    }

    public static BlockedClients of(ShardState shard) {
        return shard.get(FEATURE);
    }

    /** What serving one waiter from a ready key came to. */
    public enum Outcome {
        /** Served, or done with (an error reply, the client left): it leaves the key's queue. */
        DONE,
        /** This key cannot serve it now (wrong type, nothing new for it): it waits on, the next one is tried. */
        SKIP,
        /** It is taking an element itself (a move across shards): nobody behind it goes first. */
        STOP
    }

    /** A blocked client as one shard sees it; each data type says how to serve one. */
    public interface Waiter {
        /** True once served, timed out, unblocked or disconnected (any shard's copy). */
        boolean finished();

        /** Tries to serve from {@code key}, which may have changed in any way since it was signalled. */
        Outcome serve(ShardState shard, int db, byte[] key);

        /** True for stream readers: every change to their key signals it, not only its creation. */
        default boolean hearsEveryChange() {
            return false;
        }
    }

    private record WaitKey(int db, ByteKey key) {}

    /** A ready key and when it became ready, in one order for every shard (so EXEC can serve shards as Redis would its one list). */
    private record Ready(WaitKey key, long seq) {}

    private static final AtomicLong READY_SEQ = new AtomicLong();

    private final Map<WaitKey, ArrayDeque<Waiter>> waiting = new HashMap<>();
    /** Ready keys in signalling order, and the same as a set (Redis' db->ready_keys). */
    private final ArrayDeque<Ready> ready = new ArrayDeque<>();
    private final Set<WaitKey> readySet = new HashSet<>();
    /** Keys with stream readers waiting (see {@link #keyChanged}). */
    private final Set<WaitKey> everyChange = new HashSet<>();
    /** Nesting of EXEC or script bodies running on this shard now (they serve when they end). */
    private int holds;
    /** When the first ready key became ready, {@link Long#MAX_VALUE} with none: for the home loop of EXEC or a script. */
    private volatile long firstReady = Long.MAX_VALUE;
    /** Moves across shards started by serving here and not taken by the command that woke them yet (see {@link ServeWait}). */
    private ServeWait round;

    public void block(int db, byte[] key, Waiter w) {
        WaitKey k = new WaitKey(db, new ByteKey(key));
        ArrayDeque<Waiter> q = waiting.computeIfAbsent(k, x -> new ArrayDeque<>());
        q.removeIf(Waiter::finished);
        q.addLast(w);
        if (w.hearsEveryChange()) {
            everyChange.add(k);
        }
    }

    /** True while somebody waits on a key of this shard (the key hook must then be installed). */
    public boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    /** {@code key} was created (Redis' dbAdd signals it, whatever made it: a push, RESTORE, SORT STORE, ...). */
    public void keyCreated(int db, MemorySegment seg, long off, int len) {
        if (!waiting.isEmpty()) {
            signal(db, copy(seg, off, len));
        }
    }

    /**
     * Any other change to {@code key} (written, deleted, overwritten): only stream readers hear it
     * (Redis signals an XADD, and a stream deleted or overwritten so that its group readers are
     * unblocked). A list or sorted set overwritten by a STORE command wakes nobody, as in Redis
     * (dbOverwrite does not signal).
     */
    public void keyChanged(int db, MemorySegment seg, long off, int len) {
        if (everyChange.isEmpty()) {
            return;
        }
        WaitKey k = new WaitKey(db, new ByteKey(copy(seg, off, len)));
        if (everyChange.contains(k)) {
            markReady(k);
        }
    }

    private static byte[] copy(MemorySegment seg, long off, int len) {
        byte[] key = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, key, 0, len);
        return key;
    }

    /** FLUSHDB/FLUSHALL emptied database {@code db}, or SWAPDB gave it other keys: every key waited on there is ready. */
    public void databaseChanged(int db) {
        for (WaitKey k : waiting.keySet()) {
            if (k.db == db) {
                markReady(k);
            }
        }
    }

    /** Called when elements were added to the key in argument {@code arg} (no allocation unless somebody waits). */
    public void signal(int db, Args a, int arg) {
        if (!waiting.isEmpty()) {
            signal(db, a.bytes(arg));
        }
    }

    /** Redis' signalKeyAsReady: queues {@code key} once if somebody waits on it. */
    public void signal(int db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        WaitKey k = new WaitKey(db, new ByteKey(key));
        if (waiting.containsKey(k)) {
            markReady(k);
        }
    }

    private void markReady(WaitKey k) {
        if (readySet.add(k)) {
            long seq = READY_SEQ.incrementAndGet();
            if (ready.isEmpty()) {
                firstReady = seq;
            }
            ready.addLast(new Ready(k, seq));
        }
    }

    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Any thread: when the oldest ready key here became ready (comparable across shards), or {@link Long#MAX_VALUE}. */
    public long firstReady() {
        return firstReady;
    }

    /** An EXEC or script body starts running commands here: serving waits until it ends. */
    public void hold() {
        holds++;
    }

    public void unhold() {
        assert holds > 0;
        holds--;
    }

    /**
     * Serves the waiters of every ready key, oldest first, each against the key's state now; keys
     * that serving makes ready (BLMOVE's push) are served in the same call. Nothing while held.
     */
    public void serveReady(ShardState shard) {
        serveReadyBefore(shard, Long.MAX_VALUE);
    }

    /** As {@link #serveReady}, for the keys that became ready before {@code limit} (another shard's turn then). */
    public void serveReadyBefore(ShardState shard, long limit) {
        if (holds > 0) {
            return;
        }
        while (!ready.isEmpty() && ready.peekFirst().seq < limit) {
            WaitKey k = ready.pollFirst().key;
            readySet.remove(k);
            ArrayDeque<Waiter> q = waiting.get(k);
            if (q != null) {
                serveKey(shard, k, q);
                if (q.isEmpty()) {
                    waiting.remove(k);
                    everyChange.remove(k);
                }
            }
        }
        firstReady = ready.isEmpty() ? Long.MAX_VALUE : ready.peekFirst().seq;
    }

    private static void serveKey(ShardState shard, WaitKey k, ArrayDeque<Waiter> q) {
        // a snapshot: serving may end calls whose clients then block again on this key
        for (Waiter w : q.toArray(Waiter[]::new)) {
            if (w.finished()) {
                q.remove(w);
                continue;
            }
            Outcome o = w.serve(shard, k.db, k.key.bytes);
            if (o == Outcome.DONE) {
                q.remove(w);
            } else if (o == Outcome.STOP) {
                return;
            }
        }
    }

    /** A waiter served now takes its element later from another shard: the round it belongs to. */
    public ServeWait joinRound() {
        if (round == null) {
            round = new ServeWait();
        }
        round.add();
        return round;
    }

    /**
     * The moves across shards that serving here started since the last call, or null (a field read
     * when there are none): the command that made the keys ready replies once they are over.
     */
    public ServeWait takeRound() {
        ServeWait r = round;
        if (r != null) {
            round = null;
        }
        return r;
    }

    /** Drops finished waiters (timeouts, disconnects) so that keys nobody changes do not keep them. */
    public void purge() {
        waiting.values().removeIf(q -> {
            q.removeIf(Waiter::finished);
            return q.isEmpty();
        });
        everyChange.retainAll(waiting.keySet());
    }

    public int blockedKeys() {
        return waiting.size();
    }

    // ---- KeyEventListener: stream readers hear every change, list/zset poppers a push --------

    @Override
    public boolean active() {
        return anyWaiting();
    }

    @Override
    public void created(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
        keyCreated(db, seg, off, len);
    }

    @Override
    public void changed(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len, Cause cause) {
        keyChanged(db, seg, off, len);
    }

    @Override
    public void cleared(int db, OffHeapKeyspace ks) {
        databaseChanged(db);
    }

    @Override
    public void swapped(int a, int b) {
        if (anyWaiting()) {
            databaseChanged(a); // waiters stay with the database number, the keys they wait on changed
            databaseChanged(b);
        }
    }

    @Override
    public void housekeeping() {
        if (blockedKeys() > 0) {
            purge(); // waiters that timed out or left, on keys nobody pushed to
        }
    }
}

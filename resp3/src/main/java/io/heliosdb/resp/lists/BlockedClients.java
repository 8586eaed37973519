package io.heliosdb.resp.lists;

import io.heliosdb.index.collection.ByteKey;
import io.heliosdb.resp.engine.ShardState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clients blocked on keys of one shard (BLPOP, BLMOVE, BZPOPMIN, ...), in arrival order per key.
 * A command that adds elements to such a key marks it ready; right after that command the shard
 * serves the waiters of each ready key, oldest first, while the key has elements — as Redis'
 * handleClientsBlockedOnKeys does. Shard thread only.
 */
public final class BlockedClients {
    /** A blocked client as one shard sees it. */
    public interface Waiter {
        /** True once served, timed out, unblocked or disconnected (any shard's copy). */
        boolean finished();

        /**
         * Tries to serve from {@code key} (which just received elements): false when the key cannot
         * serve it now (empty, wrong type, or it is taking an element itself and the waiters behind
         * it must wait); true when this waiter is done with (served or dropped).
         */
        boolean serve(ShardState shard, int db, byte[] key);
    }

    private record WaitKey(int db, ByteKey key) {}

    private final Map<WaitKey, ArrayDeque<Waiter>> waiting = new HashMap<>();
    private final List<WaitKey> ready = new ArrayList<>();
    /**
     * Keys with blocked XREADGROUP readers: these must also hear of the key being deleted, replaced
     * or its group destroyed (Redis 7 unblocks them with an error), so the shard's change hook stays
     * installed while there are any.
     */
    private final java.util.Set<WaitKey> groupKeys = new java.util.HashSet<>();

    public void block(int db, byte[] key, Waiter w) {
        ArrayDeque<Waiter> q = waiting.computeIfAbsent(new WaitKey(db, new ByteKey(key)), k -> new ArrayDeque<>());
        q.removeIf(Waiter::finished);
        q.addLast(w);
    }


    /** Blocks a stream group reader: like {@link #block}, and it is told of any change to the key. */
    public void blockGroupReader(int db, byte[] key, Waiter w) {
        block(db, key, w);
        groupKeys.add(new WaitKey(db, new ByteKey(key)));
    }

    public boolean hasGroupReaders() {
        return !groupKeys.isEmpty();
    }

    /** Any change to {@code key} (written, deleted, replaced): its group readers get to look. */
    public void keyTouched(int db, byte[] key) {
        WaitKey k = new WaitKey(db, new ByteKey(key));
        if (groupKeys.contains(k) && !ready.contains(k)) {
            ready.add(k);
        }
    }

    /** FLUSHDB/FLUSHALL/SWAPDB emptied database {@code db}: every group reader there gets to look. */
    public void databaseCleared(int db) {
        for (WaitKey k : groupKeys) {
            if (k.db == db && !ready.contains(k)) {
                ready.add(k);
            }
        }
    }

    /** Called when elements were added to the key in argument {@code arg} (no allocation unless somebody waits). */
    public void signal(int db, io.heliosdb.resp.codec.Args a, int arg) {
        if (!waiting.isEmpty()) {
            signal(db, a.bytes(arg));
        }
    }

    /** Called when elements were added to {@code key}. */
    public void signal(int db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        WaitKey k = new WaitKey(db, new ByteKey(key));
        if (waiting.containsKey(k) && !ready.contains(k)) {
            ready.add(k);
        }
    }

    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Serves waiters of every ready key (serving may make more keys ready: BLMOVE). */
    public void serveReady(ShardState shard) {
        while (!ready.isEmpty()) {
            WaitKey k = ready.remove(0);
            ArrayDeque<Waiter> q = waiting.get(k);
            while (q != null && !q.isEmpty()) {
                Waiter w = q.peekFirst();
                if (w.finished()) {
                    q.pollFirst();
                    continue;
                }
                if (!w.serve(shard, k.db, k.key.bytes)) {
                    break;
                }
                q.pollFirst();
            }
            if (q != null && q.isEmpty()) {
                waiting.remove(k);
                groupKeys.remove(k);
            }
        }
    }

    /** Drops finished waiters (timeouts, disconnects) so that keys nobody pushes to do not keep them. */
    public void purge() {
        waiting.values().removeIf(q -> {
            q.removeIf(Waiter::finished);
            return q.isEmpty();
        });
        groupKeys.retainAll(waiting.keySet());
    }

    public int blockedKeys() {
        return waiting.size();
    }
}

package io.heliosdb.resp.transactions;

import io.heliosdb.resp.engine.Feature;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client's WATCHed keys, from its first WATCH to the EXEC, DISCARD, UNWATCH or disconnect that
 * ends them. Shards register keys here (a WATCH over several shards registers from several threads
 * at once) and mark it dirty when a watched key changes; the connection reads it at EXEC, inside the
 * transaction's shard locks. A state is never reused: ending a watch drops it, so a late mark from
 * a shard that has not yet heard of the end touches nothing that matters.
 */
public final class WatchState {
    /** The keys a client WATCHed since its last EXEC/DISCARD/UNWATCH; absent when none. */
    public static final Feature<WatchState> FEATURE = Feature.named("watch state");

    /** A watched key on one shard, and whether it existed when watched (expiry after that counts as a change). */
    public record Key(Shard shard, int db, KeyBytes key, byte[] bytes, boolean existed) {}

    private volatile boolean dirty;
    private final List<Key> keys = new ArrayList<>();

    public void markDirty() {
        dirty = true;
    }

    public boolean isDirty() {
        return dirty;
    }

    public synchronized void add(Key k) {
        keys.add(k);
    }

    public synchronized List<Key> keys() {
        return new ArrayList<>(keys);
    }

    public synchronized Set<Shard> shards() {
        Set<Shard> s = new LinkedHashSet<>();
        for (Key k : keys) {
            s.add(k.shard());
        }
        return s;
    }
}

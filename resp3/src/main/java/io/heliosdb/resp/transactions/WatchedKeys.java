package io.heliosdb.resp.transactions;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.KeyEventListener;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WATCHed keys of one shard, and the hook that marks their watchers dirty. While nothing is
 * watched here the keyspaces have no watcher installed, so ordinary writes pay nothing; while
 * something is, every change of a key (by any command, expiry, eviction, FLUSHDB, SWAPDB) is looked
 * up here. Shard thread only.
 */
public final class WatchedKeys implements KeyEventListener {
    public static final Feature<WatchedKeys> FEATURE = Feature.named("watched keys");

    /** Puts the WATCH registry on {@code shard}; it hears every change of a key there while anything is watched. */
    public static void install(ShardState shard) {
        shard.install(FEATURE, new WatchedKeys(shard));
    }

    public static WatchedKeys of(ShardState shard) {
        return shard.get(FEATURE);
    }

    private record DbKey(int db, KeyBytes key) {}

    private final ShardState state;
    private final Map<DbKey, List<WatchState>> watchers = new HashMap<>();

    private WatchedKeys(ShardState state) {
        this.state = state;
    }

    /** WATCH: registers {@code key} of database {@code db} for {@code w}; records whether it exists now. */
    public void watch(int db, MemorySegment seg, long off, int len, WatchState w) {
        assert state.shard().inShardThread();
        KeyBytes k = KeyBytes.copyOf(seg, off, len);
        Keyspace ks = state.db(db);
        // find() deletes a key that expired before the WATCH: a stale key is not a watched change
        boolean exists = ks.find(seg, off, len) != Keyspace.NONE;
        boolean first = watchers.isEmpty();
        watchers.computeIfAbsent(new DbKey(db, k), x -> new ArrayList<>(2)).add(w);
        byte[] bytes = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, bytes, 0, len);
        w.add(new WatchState.Key(state.shard(), db, k, bytes, exists));
        if (first) {
            state.refreshKeyHooks();
        }
    }

    @Override
    public boolean active() {
        return !watchers.isEmpty();
    }

    /**
     * EXEC's check on this shard, inside its lock: dirty if a watched key changed, or if it existed
     * when watched and is gone now (expired, even if nobody touched it since).
     */
    public boolean isDirty(WatchState w) {
        if (w.isDirty()) {
            return true;
        }
        for (WatchState.Key k : w.keys()) {
            if (k.shard() == state.shard() && k.existed()) {
                MemorySegment s = MemorySegment.ofArray(k.bytes());
                if (state.db(k.db()).find(s, 0, k.bytes().length) == Keyspace.NONE) {
                    return true;
                }
            }
        }
        return w.isDirty();
    }

    /** Forgets {@code w}'s keys on this shard. */
    public void unwatch(WatchState w) {
        for (WatchState.Key k : w.keys()) {
            if (k.shard() != state.shard()) {
                continue;
            }
            DbKey dk = new DbKey(k.db(), k.key());
            List<WatchState> l = watchers.get(dk);
            if (l != null) {
                l.remove(w);
                if (l.isEmpty()) {
                    watchers.remove(dk);
                }
            }
        }
        if (watchers.isEmpty()) {
            state.refreshKeyHooks();
        }
    }

    /** Ends {@code w}: posts the removal of its keys to every shard that holds some. Any thread. */
    public static void end(WatchState w) {
        if (w == null) {
            return;
        }
        w.markDirty(); // if a removal is late, its marks land on a state nobody reads
        for (Shard s : w.shards()) {
            s.postControl(new Unwatch(w));
        }
    }

    private record Unwatch(WatchState w) implements ShardTask {
        @Override
        public boolean isControl() {
            return true; // bookkeeping only: runs even while the shard is locked
        }

        @Override
        public void run(Shard shard) {
            WatchedKeys.of(ServerContext.state(shard)).unwatch(w);
        }
    }

    private int dbIndex(Keyspace ks) {
        for (int i = 0; i < state.databases(); i++) {
            if (state.db(i) == ks) {
                return i;
            }
        }
        return -1;
    }

    public void changed(OffHeapKeyspace keyspace, MemorySegment segment, long keyOffset, int keyLength) {
        int db = dbIndex(keyspace);
        List<WatchState> l = watchers.get(new DbKey(db, KeyBytes.copyOf(segment, keyOffset, keyLength)));
        if (l != null) {
            for (WatchState w : l) {
                w.markDirty();
            }
        }
    }

    @Override
    public void changed(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len, Cause cause) {
        changed(ks, seg, off, len);
    }

    @Override
    public void cleared(int db, OffHeapKeyspace ks) {
        cleared(ks);
    }

    /** FLUSHDB / FLUSHALL, before the keys go: touches the watched keys that exist (as Redis). */
    public void cleared(OffHeapKeyspace keyspace) {
        int db = dbIndex(keyspace);
        for (Map.Entry<DbKey, List<WatchState>> e : watchers.entrySet()) {
            if (e.getKey().db() == db && existsLive(keyspace, e.getKey())) {
                e.getValue().forEach(WatchState::markDirty);
            }
        }
    }

    /** SWAPDB a b, before the swap: a watched key is touched when it exists in either database. */
    @Override
    public void swapping(int a, int b) {
        if (watchers.isEmpty()) {
            return;
        }
        for (Map.Entry<DbKey, List<WatchState>> e : watchers.entrySet()) {
            int db = e.getKey().db();
            if (db != a && db != b) {
                continue;
            }
            if (existsLive(state.db(a), e.getKey()) || existsLive(state.db(b), e.getKey())) {
                e.getValue().forEach(WatchState::markDirty);
            }
        }
    }

    /** Whether the key exists and has not expired, without deleting anything (no side effects). */
    private boolean existsLive(Keyspace ks, DbKey k) {
        if (!(ks instanceof OffHeapKeyspace o)) {
            return false;
        }
        byte[] b = k.key().bytes();
        long e = o.peek(MemorySegment.ofArray(b), 0, b.length);
        if (e == Keyspace.NONE) {
            return false;
        }
        long at = o.expireAt(e);
        return at == 0 || at > System.currentTimeMillis();
    }
}

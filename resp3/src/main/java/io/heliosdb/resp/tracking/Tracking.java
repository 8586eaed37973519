package io.heliosdb.resp.tracking;

import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.command.ReadObserver;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.KeyEventListener;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.pubsub.Subscriber;
import io.heliosdb.runtime.config.Param;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Client-side caching support (CLIENT TRACKING). Per shard, the keys tracked clients have read (and
 * who read them); server-wide, the BCAST clients. A change to a key (any command, expiry, eviction,
 * FLUSHDB) sends "invalidate" to the clients that read it, then forgets them (they must read again
 * to be told again), and to every BCAST client whose prefixes match. Shard thread only, except the
 * BCAST list (copy-on-write).
 */
public final class Tracking {
    public static final Feature<Tracking> FEATURE = Feature.named("client tracking");

    /** Puts client tracking on {@code shard}; it hears every change of a key there while anyone tracks. */
    public static void install(ShardState shard) {
        Tracking t = new Tracking(shard);
        shard.install(FEATURE, t);
        shard.listen(t.new Invalidations());
        shard.install(ReadObserver.FEATURE, (st, spec, args, session) -> {
            TrackingState s = session.get(TrackingState.FEATURE);
            if (s != null) {
                TrackingCommands.remember(st, spec, args, session, s);
            }
        });
    }

    public static Tracking of(ShardState shard) {
        return shard.get(FEATURE);
    }

    /** Turns key changes into invalidations (NOLOOP: a client's own changes are not announced to it). */
    private final class Invalidations implements KeyEventListener {
        @Override
        public boolean active() {
            return Tracking.this.active() || !state.server().trackingBroadcast().isEmpty();
        }

        @Override
        public void changed(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len, Cause cause) {
            byte[] key = new byte[len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, key, 0, len);
            Tracking.this.changed(key, cause == Cause.EXPIRED ? 0 : state.currentClientId);
        }

        @Override
        public void cleared(int db, OffHeapKeyspace ks) {
            flushed();
        }
    }

    private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);

    private final ShardState state;
    private final Map<ByteKey, Set<Long>> readers = new HashMap<>();
    private Param maxKeys;
    /** Key/client pairs in {@link #readers}, for INFO (read by other threads). */
    private volatile long items;
    private volatile int keys;

    private Tracking(ShardState state) {
        this.state = state;
    }

    public boolean active() {
        return !readers.isEmpty();
    }

    /** Keys remembered on this shard (INFO tracking_total_keys); any thread. */
    public int keys() {
        return keys;
    }

    /** Key/client pairs remembered on this shard (INFO tracking_total_items); any thread. */
    public long items() {
        return items;
    }

    /** A tracked client read {@code key} here. */
    public void remember(byte[] key, long clientId) {
        boolean wasEmpty = readers.isEmpty();
        ByteKey k = new ByteKey(key);
        if (readers.computeIfAbsent(k, x -> new HashSet<>(4)).add(clientId)) {
            items++;
        }
        keys = readers.size();
        limit(k);
        if (wasEmpty) {
            state.refreshKeyHooks();
        }
    }

    /**
     * tracking-table-max-keys: past the limit (this shard's share of it), Redis forgets keys picked at
     * random and tells their readers they are invalid, so the table cannot grow without bound. The key
     * just read stays.
     */
    private void limit(ByteKey justRead) {
        if (maxKeys == null) {
            maxKeys = state.server().config().param("tracking-table-max-keys");
        }
        long max = maxKeys.number();
        if (max == 0) {
            return;
        }
        long share = Math.max(1, (max + state.server().shards().size() - 1) / state.server().shards().size());
        if (readers.size() <= share) {
            return;
        }
        var it = readers.entrySet().iterator();
        while (readers.size() > share && it.hasNext()) {
            var en = it.next();
            if (en.getKey().equals(justRead)) {
                continue;
            }
            it.remove();
            items -= en.getValue().size();
            tell(en.getValue(), en.getKey().bytes, 0);
        }
        keys = readers.size();
    }

    /** {@code key} changed (by client {@code byClient}, 0 for the server itself): tell who must know. */
    public void changed(byte[] key, long byClient) {
        ServerContext server = state.server();
        if (!readers.isEmpty()) {
            Set<Long> ids = readers.remove(new ByteKey(key));
            if (ids != null) {
                items -= ids.size();
                keys = readers.size();
                tell(ids, key, byClient);
                if (readers.isEmpty()) {
                    state.refreshKeyHooks();
                }
            }
        }
        for (ClientSession c : server.trackingBroadcast()) {
            TrackingState t = c.get(TrackingState.FEATURE);
            if (t != null && t.bcast && !(t.noloop && c.id == byClient) && t.matches(key, 0, key.length)) {
                send(c, key);
            }
        }
    }

    /** Sends "invalidate key" to the (non-BCAST) clients that read it, but for a NOLOOP writer itself. */
    private void tell(Set<Long> ids, byte[] key, long byClient) {
        for (long id : ids) {
            ClientSession c = state.server().clients().get(id);
            TrackingState t = c == null ? null : c.get(TrackingState.FEATURE);
            if (t != null && !t.bcast && !(t.noloop && id == byClient)) {
                send(c, key);
            }
        }
    }

    /** FLUSHDB/FLUSHALL: every tracking client hears "invalidate" with no keys (all of them). */
    public void flushed() {
        Set<Long> told = new HashSet<>();
        for (Set<Long> ids : readers.values()) {
            for (long id : ids) {
                if (told.add(id)) {
                    ClientSession c = state.server().clients().get(id);
                    if (c != null && c.get(TrackingState.FEATURE) != null) {
                        send(c, null);
                    }
                }
            }
        }
        readers.clear();
        items = 0;
        keys = 0;
        for (ClientSession c : state.server().trackingBroadcast()) {
            if (c.get(TrackingState.FEATURE) != null && told.add(c.id)) {
                send(c, null);
            }
        }
        state.refreshKeyHooks();
    }

    /** Sends the invalidation to the client, or to its REDIRECT target (RESP2 targets get it on __redis__:invalidate). */
    private void send(ClientSession c, byte[] key) {
        TrackingState t = c.get(TrackingState.FEATURE);
        if (t == null) {
            return; // turned off since
        }
        ClientSession target = c;
        if (t.redirect != 0) {
            target = state.server().clients().get(t.redirect);
            if (target == null) {
                // The redirect client is gone: a RESP3 client is told so instead, each time, as Redis does.
                t.redirectBroken = true;
                Subscriber own = c.get(Subscriber.FEATURE);
                if (c.protocol == 3 && own != null) {
                    PubSub.deliver(state.shard(), own, redirectBroken(t.redirect));
                }
                return;
            }
        }
        Subscriber to = target.get(Subscriber.FEATURE);
        if (to == null) {
            return;
        }
        byte[] msg;
        if (target.protocol == 3) {
            msg = encode(true, key);
        } else if (to.subscribed()) {
            msg = encode(false, key);
        } else {
            return; // a RESP2 client can only hear invalidations through the redirect channel
        }
        PubSub.deliver(state.shard(), to, msg);
    }

    private static byte[] redirectBroken(long redirect) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(48);
        o.writeBytes(">2\r\n".getBytes(StandardCharsets.US_ASCII));
        bulk(o, REDIR_BROKEN);
        o.writeBytes((":" + redirect + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return o.toByteArray();
    }

    private static byte[] encode(boolean resp3, byte[] key) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(48 + (key == null ? 0 : key.length));
        if (resp3) {
            o.writeBytes(">2\r\n".getBytes(StandardCharsets.US_ASCII));
            bulk(o, INVALIDATE);
        } else {
            o.writeBytes("*3\r\n".getBytes(StandardCharsets.US_ASCII));
            bulk(o, MESSAGE);
            bulk(o, CHANNEL);
        }
        if (key == null) {
            o.writeBytes((resp3 ? "_\r\n" : "*-1\r\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            o.writeBytes("*1\r\n".getBytes(StandardCharsets.US_ASCII));
            bulk(o, key);
        }
        return o.toByteArray();
    }

    private static void bulk(ByteArrayOutputStream o, byte[] b) {
        o.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(b);
        o.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** After a BCAST client came or went: every shard installs or drops its change hook. Any thread. */
    public static void broadcastChanged(ServerContext server) {
        for (Shard s : server.shards().all()) {
            s.postControl(new ShardTask() {
                @Override
                public boolean isControl() {
                    return true;
                }

                @Override
                public void run(Shard shard) {
                    ServerContext.state(shard).refreshKeyHooks();
                }
            });
        }
    }
}

package io.heliosdb.resp.pubsub;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.scheduler.Shard;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One connection's side of pub/sub: what it subscribed to, and where its messages go. The sets are
 * the connection loop's own; publishers on any thread reach it through {@link PubSub}, which hands
 * each message to {@link #sink} on the subscriber's loop.
 */
public final class Subscriber {
    /** A connection's subscriber, set once the connection is active. */
    public static final Feature<Subscriber> FEATURE = Feature.named("subscriber");

    /** Whether {@code s} is subscribed to any channel or pattern now. */
    public static boolean subscribed(ClientSession s) {
        Subscriber sub = s.get(FEATURE);
        return sub != null && sub.subscribed();
    }

    /** Appends an encoded push (RESP2 array or RESP3 push) to the connection's output; its loop only. */
    public interface Sink {
        void push(byte[] encoded);
    }

    final Shard home;
    final Sink sink;
    final ClientSession session;
    final Set<ByteKey> channels = new LinkedHashSet<>();
    final Set<ByteKey> patterns = new LinkedHashSet<>();
    final Set<ByteKey> shardChannels = new LinkedHashSet<>();

    public Subscriber(Shard home, Sink sink, ClientSession session) {
        this.home = home;
        this.sink = sink;
        this.session = session;
    }

    /** Hands an encoded reply line to the connection from any thread; it joins the output on the connection's loop. */
    public void deliverFromAnyThread(byte[] encoded) {
        if (home.inShardThread()) {
            sink.push(encoded); // as PubSub does: between whole replies, right after the current one
        } else {
            home.loop().execute(() -> sink.push(encoded));
        }
    }

    /** Any subscription of any kind: RESP2 clients are then in subscribed mode. */
    public boolean subscribed() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    public int channelCount() {
        return channels.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int shardChannelCount() {
        return shardChannels.size();
    }
}

package io.heliosdb.resp.pubsub;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The server's channels and patterns. Subscribing is rare and copies (copy-on-write arrays under
 * this object's monitor); publishing, from any thread, reads without locks.
 *
 * <p>Delivery: a message is encoded once per protocol and kind. Subscribers on the publisher's own
 * loop get it at once; for every other loop one task carries it to all of that loop's subscribers,
 * through the shard mailbox, which is FIFO per producer: one publisher's messages reach every
 * subscriber in publish order, across shards.
 */
public final class PubSub {
    public static final Feature<PubSub> FEATURE = Feature.named("pub/sub");

    /** Channels and patterns of every client (server-wide). */
    public static PubSub of(ServerContext server) {
        return server.get(FEATURE);
    }

    public static void install(ServerContext server) {
        server.install(FEATURE, new PubSub(server.shards().size()));
    }

    private static final Subscriber[] NONE = new Subscriber[0];
    private static final byte[] MESSAGE = bytes("message");
    private static final byte[] PMESSAGE = bytes("pmessage");
    private static final byte[] SMESSAGE = bytes("smessage");

    /** A pattern subscription. */
    private record PatternSub(ByteKey pattern, Subscriber subscriber) {}

    private final Map<ByteKey, Subscriber[]> channels = new ConcurrentHashMap<>();
    private final Map<ByteKey, Subscriber[]> shardChannels = new ConcurrentHashMap<>();
    private volatile PatternSub[] patterns = new PatternSub[0];
    private final int shardCount;

    public PubSub(int shardCount) {
        this.shardCount = shardCount;
    }

    // ---- subscriptions (connection loops) ----------------------------------------------------

    synchronized void subscribe(boolean shard, ByteKey channel, Subscriber s) {
        (shard ? shardChannels : channels).merge(channel, new Subscriber[]{s}, PubSub::concat);
    }

    synchronized void unsubscribe(boolean shard, ByteKey channel, Subscriber s) {
        Map<ByteKey, Subscriber[]> m = shard ? shardChannels : channels;
        Subscriber[] old = m.get(channel);
        if (old == null) {
            return;
        }
        Subscriber[] rest = Arrays.stream(old).filter(x -> x != s).toArray(Subscriber[]::new);
        if (rest.length == 0) {
            m.remove(channel);
        } else {
            m.put(channel, rest);
        }
    }

    synchronized void psubscribe(ByteKey pattern, Subscriber s) {
        PatternSub[] old = patterns;
        PatternSub[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = new PatternSub(pattern, s);
        patterns = grown;
    }

    synchronized void punsubscribe(ByteKey pattern, Subscriber s) {
        patterns = Arrays.stream(patterns).filter(p -> !(p.subscriber == s && p.pattern.equals(pattern))).toArray(PatternSub[]::new);
    }

    private static Subscriber[] concat(Subscriber[] a, Subscriber[] b) {
        Subscriber[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- introspection (PUBSUB) --------------------------------------------------------------

    public List<byte[]> channels(boolean shard, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (ByteKey k : (shard ? shardChannels : channels).keySet()) {
            if (pattern == null || GlobMatcher.matches(pattern, MemorySegment.ofArray(k.bytes), 0, k.bytes.length, false)) {
                out.add(k.bytes);
            }
        }
        return out;
    }

    public int subscriberCount(boolean shard, byte[] channel) {
        Subscriber[] s = (shard ? shardChannels : channels).get(new ByteKey(channel));
        return s == null ? 0 : s.length;
    }

    /**
     * Whether one of {@code s}'s subscriptions is refused, read from the registry (so from any
     * thread): a pattern by {@code patternAllowed}, a channel or shard channel by {@code channelAllowed}.
     */
    public boolean anyRefused(Subscriber s, Predicate<byte[]> channelAllowed, Predicate<byte[]> patternAllowed) {
        for (PatternSub p : patterns) {
            if (p.subscriber == s && !patternAllowed.test(p.pattern.bytes)) {
                return true;
            }
        }
        for (Map<ByteKey, Subscriber[]> m : List.of(channels, shardChannels)) {
            for (Map.Entry<ByteKey, Subscriber[]> e : m.entrySet()) {
                if (Arrays.asList(e.getValue()).contains(s) && !channelAllowed.test(e.getKey().bytes)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** PUBSUB NUMPAT: distinct patterns subscribed by anyone. */
    public int patternCount() {
        return (int) Arrays.stream(patterns).map(PatternSub::pattern).distinct().count();
    }

    // ---- publishing (any loop) ---------------------------------------------------------------

    /**
     * Sends {@code message} to the subscribers of {@code channel} (and, unless {@code shard}, to the
     * matching patterns); returns how many received it. {@code from} is the publishing loop's shard.
     */
    public int publish(Shard from, boolean shard, byte[] channel, byte[] message) {
        Subscriber[] subs = (shard ? shardChannels : channels).getOrDefault(new ByteKey(channel), NONE);
        PatternSub[] pats = shard ? new PatternSub[0] : patterns;
        if (subs.length == 0 && pats.length == 0) {
            return 0;
        }
        Outbox box = new Outbox(from, shardCount);
        byte[][] direct = new byte[4][]; // [protocol 2|3] x (message), encoded on first use
        byte[] kind = shard ? SMESSAGE : MESSAGE;
        int receivers = 0;
        for (Subscriber s : subs) {
            int p = s.session.protocol == 3 ? 1 : 0;
            if (direct[p] == null) {
                direct[p] = encode(p == 1, kind, null, channel, message);
            }
            box.add(s, direct[p]);
            receivers++;
        }
        for (PatternSub ps : pats) {
            byte[] pat = ps.pattern.bytes;
            if (GlobMatcher.matches(pat, MemorySegment.ofArray(channel), 0, channel.length, false)) {
                box.add(ps.subscriber, encode(ps.subscriber.session.protocol == 3, PMESSAGE, pat, channel, message));
                receivers++;
            }
        }
        box.send();
        return receivers;
    }

    /** Messages for other loops, gathered per loop so each gets one task per publish. */
    private static final class Outbox {
        private final Shard from;
        private Delivery[] byShard;
        private final int shards;

        Outbox(Shard from, int shards) {
            this.from = from;
            this.shards = shards;
        }

        void add(Subscriber s, byte[] encoded) {
            if (s.home == from) {
                s.sink.push(encoded); // on the subscriber's own loop already
                return;
            }
            if (byShard == null) {
                byShard = new Delivery[shards];
            }
            Delivery d = byShard[s.home.id()];
            if (d == null) {
                d = byShard[s.home.id()] = new Delivery();
            }
            d.add(s, encoded);
        }

        void send() {
            if (byShard == null) {
                return;
            }
            for (int i = 0; i < byShard.length; i++) {
                if (byShard[i] != null) {
                    byShard[i].subscribers.get(0).home.postControl(byShard[i]);
                }
            }
        }
    }

    /** Sends one message to one subscriber from shard {@code from}'s thread (tracking invalidations). */
    public static void deliver(Shard from, Subscriber s, byte[] message) {
        if (s.home == from) {
            s.sink.push(message);
        } else {
            Delivery d = new Delivery();
            d.add(s, message);
            s.home.postControl(d);
        }
    }

    /** One publish's messages for the subscribers of one loop. */
    private static final class Delivery implements ShardTask {
        final List<Subscriber> subscribers = new ArrayList<>(4);
        final List<byte[]> messages = new ArrayList<>(4);

        void add(Subscriber s, byte[] m) {
            subscribers.add(s);
            messages.add(m);
        }

        @Override
        public boolean isControl() {
            return true; // touches no keys: delivered even while the shard is locked
        }

        @Override
        public void run(Shard shard) {
            for (int i = 0; i < subscribers.size(); i++) {
                subscribers.get(i).sink.push(messages.get(i));
            }
        }
    }

    /** {@code *3 $7 message $n channel $n payload} (or {@code >3}, RESP3; four items for pmessage). */
    static byte[] encode(boolean resp3, byte[] kind, byte[] pattern, byte[] channel, byte[] message) {
        int items = pattern == null ? 3 : 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + channel.length + message.length);
        out.write(resp3 ? '>' : '*');
        writeAscii(out, Integer.toString(items));
        bulk(out, kind);
        if (pattern != null) {
            bulk(out, pattern);
        }
        bulk(out, channel);
        bulk(out, message);
        return out.toByteArray();
    }

    private static void bulk(ByteArrayOutputStream out, byte[] b) {
        out.write('$');
        writeAscii(out, Integer.toString(b.length));
        out.writeBytes(b);
        out.write('\r');
        out.write('\n');
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

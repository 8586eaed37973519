package io.heliosdb.resp.pubsub;

import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ClientSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB. All run on
 * the connection's loop: subscriptions are the connection's state, and publishing from the
 * publisher's own loop is what keeps one publisher's messages in order.
 */
public final class PubSubCommands {
    private PubSubCommands() {}

    private enum Kind {
        CHANNEL("subscribe", "unsubscribe"), PATTERN("psubscribe", "punsubscribe"), SHARD("ssubscribe", "sunsubscribe");

        final byte[] subscribe;
        final byte[] unsubscribe;

        Kind(String sub, String unsub) {
            this.subscribe = PubSub.bytes(sub);
            this.unsubscribe = PubSub.bytes(unsub);
        }
    }

    public static void register(CommandTable t) {
        t.register("subscribe", Routing.SESSION, ctx -> subscribe(ctx, Kind.CHANNEL));
        t.register("psubscribe", Routing.SESSION, ctx -> subscribe(ctx, Kind.PATTERN));
        t.register("ssubscribe", Routing.SESSION, ctx -> subscribe(ctx, Kind.SHARD));
        t.register("unsubscribe", Routing.SESSION, ctx -> unsubscribe(ctx, Kind.CHANNEL));
        t.register("punsubscribe", Routing.SESSION, ctx -> unsubscribe(ctx, Kind.PATTERN));
        t.register("sunsubscribe", Routing.SESSION, ctx -> unsubscribe(ctx, Kind.SHARD));
        // SPUBLISH names its channel as a key (for cluster slots); it still runs on the publisher's loop
        t.register("publish", Routing.SESSION, ctx -> publish(ctx, false));
        t.register("spublish", Routing.SESSION, ctx -> publish(ctx, true));
        t.register("pubsub|channels", Routing.SESSION, ctx -> channels(ctx, false));
        t.register("pubsub|shardchannels", Routing.SESSION, ctx -> channels(ctx, true));
        t.register("pubsub|numsub", Routing.SESSION, ctx -> numsub(ctx, false));
        t.register("pubsub|shardnumsub", Routing.SESSION, ctx -> numsub(ctx, true));
        t.register("pubsub|numpat", Routing.SESSION, ctx -> ctx.out().integer(PubSub.of(ctx.server()).patternCount()));
        t.register("pubsub|help", Routing.SESSION, Help.redis("PUBSUB"));
    }

    private static Set<ByteKey> set(Subscriber s, Kind k) {
        return switch (k) {
            case CHANNEL -> s.channels;
            case PATTERN -> s.patterns;
            case SHARD -> s.shardChannels;
        };
    }

    private static final Set<String> CONFIRMED = Set.of(
            "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe");

    /**
     * True for the (un)subscribe commands: Redis 7 sends their confirmations as pushes, which
     * CLIENT REPLY OFF and SKIP do not silence (their errors are replies and are silenced).
     */
    public static boolean confirmsWithPushes(CommandSpec spec) {
        return CONFIRMED.contains(spec.name());
    }

    /** The count Redis reports in (un)subscribe replies: channels + patterns, or shard channels alone. */
    private static int count(Subscriber s, Kind k) {
        return k == Kind.SHARD ? s.shardChannels.size() : s.channels.size() + s.patterns.size();
    }

    private static void subscribe(CommandContext ctx, Kind kind) {
        Subscriber s = ctx.session().get(Subscriber.FEATURE);
        Args a = ctx.args();
        PubSub registry = PubSub.of(ctx.server());
        for (int i = 1; i < a.count(); i++) {
            ByteKey name = new ByteKey(a.bytes(i));
            if (set(s, kind).add(name)) {
                switch (kind) {
                    case CHANNEL -> registry.subscribe(false, name, s);
                    case SHARD -> registry.subscribe(true, name, s);
                    case PATTERN -> registry.psubscribe(name, s);
                }
            }
            confirm(ctx.out(), kind.subscribe, name.bytes, count(s, kind));
        }
    }

    private static void unsubscribe(CommandContext ctx, Kind kind) {
        Subscriber s = ctx.session().get(Subscriber.FEATURE);
        Args a = ctx.args();
        List<byte[]> names = new ArrayList<>();
        if (a.count() == 1) {
            for (ByteKey k : set(s, kind)) {
                names.add(k.bytes);
            }
            if (names.isEmpty()) {
                confirm(ctx.out(), kind.unsubscribe, null, count(s, kind));
                return;
            }
        } else {
            for (int i = 1; i < a.count(); i++) {
                names.add(a.bytes(i));
            }
        }
        for (byte[] n : names) {
            remove(PubSub.of(ctx.server()), s, kind, new ByteKey(n));
            confirm(ctx.out(), kind.unsubscribe, n, count(s, kind));
        }
    }

    private static void remove(PubSub registry, Subscriber s, Kind kind, ByteKey name) {
        if (set(s, kind).remove(name)) {
            switch (kind) {
                case CHANNEL -> registry.unsubscribe(false, name, s);
                case SHARD -> registry.unsubscribe(true, name, s);
                case PATTERN -> registry.punsubscribe(name, s);
            }
        }
    }

    /** Drops every subscription without replies (RESET, disconnect). Connection loop only. */
    public static void unsubscribeAll(PubSub registry, ClientSession session) {
        Subscriber s = session.get(Subscriber.FEATURE);
        if (s == null || !s.subscribed()) {
            return;
        }
        for (Kind k : Kind.values()) {
            for (ByteKey name : new ArrayList<>(set(s, k))) {
                remove(registry, s, k, name);
            }
        }
    }

    private static void confirm(RespWriter out, byte[] kind, byte[] name, int count) {
        out.push(3); // a push in RESP3, an array in RESP2
        out.bulk(kind);
        if (name == null) {
            out.nullBulk();
        } else {
            out.bulk(name);
        }
        out.integer(count);
    }

    private static void publish(CommandContext ctx, boolean shard) {
        Args a = ctx.args();
        int n = PubSub.of(ctx.server()).publish(ctx.shard().shard(), shard, a.bytes(1), a.bytes(2));
        ctx.out().integer(n);
    }

    private static void channels(CommandContext ctx, boolean shard) {
        Args a = ctx.args();
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        List<byte[]> l = PubSub.of(ctx.server()).channels(shard, a.count() == 3 ? a.bytes(2) : null);
        ctx.out().array(l.size());
        for (byte[] c : l) {
            ctx.out().bulk(c);
        }
    }

    private static void numsub(CommandContext ctx, boolean shard) {
        Args a = ctx.args();
        ctx.out().array((a.count() - 2) * 2);
        for (int i = 2; i < a.count(); i++) {
            ctx.out().bulk(a.segment(), a.offset(i), a.length(i));
            ctx.out().integer(PubSub.of(ctx.server()).subscriberCount(shard, a.bytes(i)));
        }
    }
}

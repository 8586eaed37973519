package io.heliosdb.resp.streams;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.StreamValue.Consumer;
import io.heliosdb.keyspace.collection.StreamValue.Group;
import io.heliosdb.keyspace.collection.StreamValue.Id;
import io.heliosdb.keyspace.collection.StreamValue.Pending;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.BlockedClients.Outcome;
import io.heliosdb.resp.blocking.Blocking;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.heliosdb.scheduler.ShardTransaction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * XREAD and XREADGROUP. Keys on one shard without BLOCK run there inline; otherwise the call goes
 * across shards: the keys are locked, read, and if nothing is there and BLOCK allows, a waiter is
 * left on every key's shard (inside the same locks, so no XADD slips between the read and the
 * wait). The first XADD that satisfies it serves it from that shard.
 */
final class StreamRead {
    private StreamRead() {}

    static void register(CommandTable t) {
        for (String name : new String[]{"xread", "xreadgroup"}) {
            boolean group = name.equals("xreadgroup");
            t.register(name, Routing.KEYS, new Read(group));
            t.keys(name, new CommandSpec.KeyFinder() {
                @Override
                public int first(Args a) {
                    int s = streamsArg(a, group);
                    return s < 0 || (a.count() - s - 1) % 2 != 0 || a.count() - s - 1 == 0 ? -1 : s + 1;
                }

                @Override
                public int count(Args a) {
                    int s = streamsArg(a, group);
                    return s < 0 ? 0 : (a.count() - s - 1) / 2;
                }
            });
            t.across(name, (server, a) -> blockMillis(a) >= 0);
        }
    }

    /** Index of the STREAMS argument, or -1. */
    static int streamsArg(Args a, boolean group) {
        for (int i = 1; i < a.count(); i++) {
            String o = a.lower(i);
            switch (o) {
                case "streams" -> {
                    return i;
                }
                case "count", "block" -> i++;
                case "group" -> i += 2;
                case "noack" -> { }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** BLOCK's milliseconds, or -1 without BLOCK. */
    static long blockMillis(Args a) {
        for (int i = 1; i + 1 < a.count(); i++) {
            String o = a.lower(i);
            if (o.equals("streams")) {
                return -1;
            }
            if (o.equals("block")) {
                return a.isLong(i + 1) ? Math.max(0, a.parseLong(i + 1)) : -1;
            }
        }
        return -1;
    }

    /** A parsed call. */
    static final class Plan {
        boolean group;
        byte[] groupName;
        byte[] consumer;
        long count = -1;
        long block = -1;
        boolean noAck;
        int firstKey;
        int keys;
        String error;
    }

    static Plan parse(Args a, boolean group) {
        Plan p = new Plan();
        p.group = group;
        int i = 1;
        for (; i < a.count(); i++) {
            String o = a.lower(i);
            boolean more = i + 1 < a.count();
            if (o.equals("streams") && more) { // STREAMS with nothing after it is a syntax error, as in Redis
                break;
            } else if (o.equals("count") && more) {
                if (!a.isLong(i + 1)) {
                    p.error = Errors.NOT_INTEGER;
                    return p;
                }
                p.count = a.parseLong(++i);
                if (p.count <= 0) {
                    p.count = -1;
                }
            } else if (o.equals("block") && more) {
                if (!a.isLong(i + 1)) {
                    p.error = "ERR timeout is not an integer or out of range";
                    return p;
                }
                p.block = a.parseLong(++i);
                if (p.block < 0) {
                    p.error = "ERR timeout is negative";
                    return p;
                }
            } else if (!group && o.equals("group") && i + 2 < a.count()) {
                p.error = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
                return p;
            } else if (!group && o.equals("noack")) {
                p.error = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
                return p;
            } else if (group && o.equals("group") && i + 2 < a.count()) {
                p.groupName = a.bytes(i + 1);
                p.consumer = a.bytes(i + 2);
                i += 2;
            } else if (group && o.equals("noack")) {
                p.noAck = true;
            } else {
                p.error = Errors.SYNTAX;
                return p;
            }
        }
        if (i >= a.count()) {
            p.error = Errors.SYNTAX;
            return p;
        }
        int rest = a.count() - i - 1;
        if (rest == 0 || rest % 2 != 0) {
            // Redis 7.0 says XREAD for XREADGROUP too
            p.error = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
            return p;
        }
        if (group && p.groupName == null) {
            p.error = "ERR Missing GROUP option for XREADGROUP";
            return p;
        }
        p.firstKey = i + 1;
        p.keys = rest / 2;
        return p;
    }

    /** One key's checks passed: the ID to read after (null for XREADGROUP), or the call's error. */
    record KeyCheck(Id after, String error) {}

    /**
     * The checks Redis' xreadCommand makes of each key while it reads the IDs, in its order: the key's
     * type, XREADGROUP's group, then the ID ("$" and ">" where they are allowed, else a strict ID).
     * The first key that fails decides the error, so keys are checked in argument order, and nothing is
     * read until every key has passed. "$" resolves to the stream's last ID now.
     */
    static KeyCheck check(ShardState st, int db, Args a, Plan p, int keyArg) {
        Keyspace ks = st.db(db);
        // Redis looks every key up here and again while reading: two hits or misses per key.
        long e = st.lookupRead(db, ks, a, keyArg, true);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STREAM) {
            return new KeyCheck(null, Errors.WRONGTYPE);
        }
        StreamValue s = e == Keyspace.NONE ? null : (StreamValue) ks.object(e);
        if (p.group && (s == null || s.group(p.groupName) == null)) {
            return new KeyCheck(null, noGroup(a, p, keyArg));
        }
        String id = a.string(keyArg + p.keys);
        if (id.equals("$")) {
            if (p.group) {
                return new KeyCheck(null, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the"
                        + " history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID"
                        + " would just return an empty result set.");
            }
            return new KeyCheck(s == null ? Id.MIN : s.lastId, null);
        }
        if (id.equals(">")) {
            return p.group ? new KeyCheck(null, null) : new KeyCheck(null,
                    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
        }
        try {
            Id parsed = StreamIds.strict(id);
            return new KeyCheck(p.group ? null : parsed, null);
        } catch (StreamIds.Bad b) {
            return new KeyCheck(null, b.getMessage());
        }
    }

    private static String noGroup(Args a, Plan p, int keyArg) {
        return "NOGROUP No such key '" + cString(a.bytes(keyArg)) + "' or consumer group '" + cString(p.groupName)
                + "' in XREADGROUP with GROUP option";
    }

    /** What C's %s prints of these bytes: up to the first NUL. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** One key's outcome: its reply (entries array), nothing to report, or an error for the whole call. */
    record KeyResult(int keyArg, byte[] reply, String error) {}

    /**
     * Reads one key on its shard. {@code after} is the resolved ID for XREAD ("$" resolved by the
     * caller); returns null when there is nothing to report for this key (XREAD, or ">" with no news).
     */
    static KeyResult readKey(ShardState st, int db, Args a, Plan p, int keyArg, Id after, int protocol, long now) {
        Keyspace ks = st.db(db);
        long e = st.lookupRead(db, ks, a, keyArg, true);
        if (e != Keyspace.NONE && ks.type(e) != ValueType.STREAM) {
            return new KeyResult(keyArg, null, Errors.WRONGTYPE);
        }
        StreamValue s = e == Keyspace.NONE ? null : (StreamValue) ks.object(e);
        String idText = a.string(keyArg + p.keys);
        ByteBuf buf = Unpooled.buffer(64);
        RespWriter w = new RespWriter();
        w.wrap(buf, protocol);
        if (!p.group) {
            if (s == null) {
                return null;
            }
            int from = s.lowerBound(after.next() == null ? Id.MAX : after.next());
            if (after.next() == null) {
                from = s.end();
            }
            int n = countLive(s, from, p.count);
            if (n == 0) {
                return null;
            }
            w.array(n);
            int written = 0;
            for (int i = from; i < s.end() && written < n; i++) {
                if (s.liveAt(i)) {
                    StreamCommands.writeEntry(w, s, i);
                    written++;
                }
            }
            return new KeyResult(keyArg, bytes(buf), null);
        }
        Group g = s == null ? null : s.group(p.groupName);
        if (g == null) {
            return new KeyResult(keyArg, null, noGroup(a, p, keyArg));
        }
        if (idText.equals(">") || isMaxId(idText)) {
            Id start = g.lastId.next();
            int from = start == null ? s.end() : s.lowerBound(start);
            int n = countLive(s, from, p.count);
            if (n == 0) {
                return null; // nothing new: Redis does not even create the consumer then
            }
            Consumer c = consumerFor(g, p, now);
            c.activeTime = now;
            w.array(n);
            int written = 0;
            for (int i = from; i < s.end() && written < n; i++) {
                if (!s.liveAt(i)) {
                    continue;
                }
                Id id = s.idAt(i);
                StreamGroups.delivered(s, g, id);
                if (!p.noAck) {
                    Pending old = g.pending.get(id);
                    if (old != null) {
                        old.consumer.pending.remove(id);
                    }
                    Pending pe = StreamValue.newPending(c, now, 1);
                    g.pending.put(id, pe);
                    c.pending.put(id, pe);
                }
                StreamCommands.writeEntry(w, s, i);
                written++;
            }
            s.groupChanged(g);
            ks.objectChanged(e);
            return new KeyResult(keyArg, bytes(buf), null);
        }
        // history: this consumer's pending entries after the ID
        Consumer c = consumerFor(g, p, now);
        Id start;
        try {
            start = StreamIds.parse(idText, 0).next();
        } catch (StreamIds.Bad b) {
            return new KeyResult(keyArg, null, b.getMessage());
        }
        List<Map.Entry<Id, Pending>> rows = new ArrayList<>();
        if (start != null) {
            for (Map.Entry<Id, Pending> pe : c.pending.tailMap(start, true).entrySet()) {
                if (p.count > 0 && rows.size() >= p.count) {
                    break;
                }
                rows.add(pe);
            }
        }
        w.array(rows.size());
        for (Map.Entry<Id, Pending> pe : rows) {
            int at = s.indexOf(pe.getKey());
            if (at < 0) {
                w.array(2);
                w.bulk(pe.getKey().toString());
                w.nullArray();
            } else {
                StreamCommands.writeEntry(w, s, at);
                pe.getValue().deliveryTime = now;
                pe.getValue().deliveryCount++;
            }
        }
        s.groupChanged(g);
        ks.objectChanged(e);
        return new KeyResult(keyArg, bytes(buf), null);
    }

    /** Redis marks ">" with the largest ID internally, so a group read given that ID explicitly reads as ">". */
    private static boolean isMaxId(String id) {
        try {
            return StreamIds.strict(id).equals(Id.MAX);
        } catch (StreamIds.Bad b) {
            return false;
        }
    }

    private static Consumer consumerFor(Group g, Plan p, long now) {
        Consumer c = g.consumer(p.consumer);
        if (c == null) {
            c = g.createConsumer(p.consumer, now);
        }
        c.seenTime = now;
        return c;
    }

    private static int countLive(StreamValue s, int from, long count) {
        int n = 0;
        for (int i = from; i < s.end() && (count < 0 || n < count); i++) {
            if (s.liveAt(i)) {
                n++;
            }
        }
        return n;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] r = new byte[b.readableBytes()];
        b.readBytes(r);
        return r;
    }

    /** Writes the call's reply from per-key results in key order; false when there is nothing (a null reply). */
    static void reply(RespWriter out, Args a, List<KeyResult> results) {
        int n = 0;
        for (KeyResult r : results) {
            if (r != null && r.error != null) {
                out.error(r.error);
                return;
            }
            if (r != null) {
                n++;
            }
        }
        if (n == 0) {
            out.nullArray();
            return;
        }
        if (out.resp3()) {
            out.map(n);
        } else {
            out.array(n); // RESP2: an array of [key, entries] pairs, not a flat map
        }
        for (KeyResult r : results) {
            if (r == null) {
                continue;
            }
            if (!out.resp3()) {
                out.array(2);
            }
            out.bulk(a.segment(), a.offset(r.keyArg), a.length(r.keyArg));
            out.buffer().writeBytes(r.reply);
        }
    }

    /** The command itself. */
    static final class Read implements MultiShardCommand {
        private final boolean group;

        Read(boolean group) {
            this.group = group;
        }

        /** All keys on this shard, not blocking (or blocking not allowed here: MULTI, scripts). */
        @Override
        public void execute(CommandContext ctx) {
            Args a = ctx.args();
            Plan p = parse(a, group);
            if (p.error != null) {
                ctx.out().error(p.error);
                return;
            }
            List<KeyResult> results = new ArrayList<>();
            long now = ctx.now();
            Id[] after = new Id[p.keys]; // every key checked first, then every read, as Redis
            for (int k = 0; k < p.keys; k++) {
                KeyCheck c = check(ctx.shard(), ctx.dbIndex(), a, p, p.firstKey + k);
                if (c.error() != null) {
                    ctx.out().error(c.error());
                    return;
                }
                after[k] = c.after();
            }
            for (int k = 0; k < p.keys; k++) {
                int arg = p.firstKey + k;
                KeyResult r = readKey(ctx.shard(), ctx.dbIndex(), a, p, arg, after[k], ctx.out().protocol(), now);
                results.add(r);
                if (r != null && r.error != null) {
                    break;
                }
            }
            reply(ctx.out(), a, results);
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Args a = call.args();
            Plan p = parse(a, group);
            if (p.error != null) {
                call.finish(w -> w.error(p.error));
                return;
            }
            Map<Shard, List<Integer>> byShard = new LinkedHashMap<>();
            for (int k = 0; k < p.keys; k++) {
                byShard.computeIfAbsent(call.shardOfArg(p.firstKey + k), s -> new ArrayList<>()).add(p.firstKey + k);
            }
            Shard[] shards = byShard.keySet().toArray(Shard[]::new);
            ShardTransaction tx = call.transaction(shards);
            Map<Integer, Id> resolved = new ConcurrentHashMap<>();
            long now = call.server().clock().millis();
            tx.lockKeys(call.lockKeys(byShard), () -> tx.run(shards, s -> {
                ShardState st = ServerContext.state(s);
                Map<Integer, KeyCheck> checks = new HashMap<>();
                for (int arg : byShard.get(s)) {
                    KeyCheck c = check(st, call.db(), a, p, arg);
                    checks.put(arg, c);
                    if (c.error() != null) {
                        break; // this shard's later keys come after it in the call too
                    }
                }
                return checks;
            }, false, () -> {
                Map<Integer, KeyCheck> checks = new HashMap<>();
                for (Object r : tx.results()) {
                    if (r instanceof RuntimeException e) {
                        tx.release(shards);
                        call.finish(w -> w.error(call.failure(e)));
                        return;
                    }
                    @SuppressWarnings("unchecked") Map<Integer, KeyCheck> m = (Map<Integer, KeyCheck>) r;
                    checks.putAll(m);
                }
                for (int k = 0; k < p.keys; k++) {
                    KeyCheck c = checks.get(p.firstKey + k);
                    if (c != null && c.error() != null) { // the first failing key in argument order, as Redis
                        tx.release(shards);
                        call.finish(w -> w.error(c.error()));
                        return;
                    }
                    if (c != null && c.after() != null) {
                        resolved.put(p.firstKey + k, c.after());
                    }
                }
                read(call, p, byShard, shards, tx, resolved, now);
            }));
        }

        private static void read(CrossShardCall call, Plan p, Map<Shard, List<Integer>> byShard, Shard[] shards,
                                 ShardTransaction tx, Map<Integer, Id> resolved, long now) {
            Args a = call.args();
            tx.run(shards, s -> {
                ShardState st = ServerContext.state(s);
                List<KeyResult> rs = new ArrayList<>();
                for (int arg : byShard.get(s)) {
                    rs.add(readKey(st, call.db(), a, p, arg, resolved.get(arg), call.protocol(), now));
                }
                return rs;
            }, false, () -> {
                Map<Integer, KeyResult> byArg = new HashMap<>();
                boolean any = false;
                for (Object r : tx.results()) {
                    if (r instanceof RuntimeException e) {
                        tx.release(shards);
                        call.finish(w -> w.error(call.failure(e)));
                        return;
                    }
                    @SuppressWarnings("unchecked") List<KeyResult> rs = (List<KeyResult>) r;
                    for (KeyResult kr : rs) {
                        if (kr != null) {
                            byArg.put(kr.keyArg, kr);
                            any = true;
                        }
                    }
                }
                if (any || p.block < 0 || call.inTransaction()) {
                    tx.release(shards);
                    List<KeyResult> ordered = new ArrayList<>();
                    for (int k = 0; k < p.keys; k++) {
                        ordered.add(byArg.get(p.firstKey + k));
                    }
                    call.finish(w -> reply(w, a, ordered));
                    return;
                }
                Waiter waiter = new Waiter(call, p, resolved);
                tx.run(shards, s -> {
                    ShardState st = ServerContext.state(s);
                    for (int arg : byShard.get(s)) {
                        call.blockedNow();
                        Blocking.register(st, call.db(), a.bytes(arg), waiter); // a group reader also hears of the stream's deletion
                    }
                    return null;
                }, true, () -> {
                    waiter.registered();
                    if (p.block > 0) {
                        call.home().loop().schedule(waiter::timeout, p.block, TimeUnit.MILLISECONDS);
                    }
                });
            });
        }
    }

    /** A blocked XREAD/XREADGROUP as every shard of its keys sees it; the first key that serves it wins. */
    static final class Waiter implements BlockedClients.Waiter, Blocking.Unblockable {
        private final CrossShardCall call;
        private final Plan plan;
        private final Map<Integer, Id> resolved;
        private final AtomicBoolean done = new AtomicBoolean();

        Waiter(CrossShardCall call, Plan plan, Map<Integer, Id> resolved) {
            this.call = call;
            this.plan = plan;
            this.resolved = resolved;
        }

        @Override
        public boolean finished() {
            return done.get();
        }

        @Override
        public boolean hearsEveryChange() {
            return true;
        }

        void timeout() {
            if (done.compareAndSet(false, true)) {
                forget();
                call.finish(RespWriter::nullArray);
            }
        }

        /** CLIENT UNBLOCK (any thread): ends the wait as a timeout, or with the UNBLOCKED error. */
        @Override
        public boolean unblock(boolean error) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            forget();
            java.util.function.Consumer<RespWriter> reply = error
                    ? w -> w.error(Blocking.UNBLOCKED) : RespWriter::nullArray;
            if (call.home().inShardThread()) {
                call.finish(reply);
            } else {
                call.home().postControl(new Finish(call, reply));
            }
            return true;
        }

        void registered() {
            if (call.session() != null && !done.get()) {
                call.server().blockedCalls.put(call.session().id, this);
            }
        }

        private void forget() {
            if (call.session() != null) {
                call.server().blockedCalls.remove(call.session().id, this);
            }
        }

        @Override
        public Outcome serve(ShardState shard, int db, byte[] key) {
            if (done.get()) {
                return Outcome.DONE;
            }
            if (call.session() != null && !call.session().channel.isActive()) {
                done.set(true);
                return Outcome.DONE;
            }
            Args a = call.args();
            int arg = -1;
            for (int k = 0; k < plan.keys; k++) {
                if (Arrays.equals(a.bytes(plan.firstKey + k), key)) {
                    arg = plan.firstKey + k;
                    break;
                }
            }
            if (arg < 0) {
                return Outcome.SKIP;
            }
            // decide before reading: a group read changes the group, so it must happen only once
            Keyspace ks = shard.db(db);
            long e = ks.find(MemorySegment.ofArray(key), 0, key.length);
            if (plan.group) {
                // Redis 7: a group reader whose stream or group goes away is unblocked with an error
                String gone = e == Keyspace.NONE || ks.type(e) != ValueType.STREAM ? "UNBLOCKED the stream key no longer exists"
                        : ((StreamValue) ks.object(e)).group(plan.groupName) == null
                        ? "NOGROUP the consumer group this client was blocked on no longer exists" : null;
                if (gone != null) {
                    if (done.compareAndSet(false, true)) {
                        forget();
                        call.home().postControl(new Finish(call, w -> w.error(gone)));
                    }
                    return Outcome.DONE;
                }
            }
            if (e == Keyspace.NONE || ks.type(e) != ValueType.STREAM) {
                return Outcome.SKIP;
            }
            if (!done.compareAndSet(false, true)) {
                return Outcome.DONE;
            }
            KeyResult r = readKey(shard, db, a, plan, arg, resolved.get(arg), call.protocol(), call.server().clock().millis());
            if (r == null) {
                done.set(false); // nothing new for this reader: keep waiting
                return Outcome.SKIP;
            }
            List<KeyResult> one = List.of(r);
            forget();
            Shard home = call.home();
            shard.shard().afterCommit(durable -> home.postControl(new Finish(call, w -> {
                if (durable) {
                    reply(w, a, one);
                } else {
                    w.error(Errors.NOT_DURABLE);
                }
            })));
            return Outcome.DONE;
        }
    }

    private record Finish(CrossShardCall call, java.util.function.Consumer<RespWriter> reply) implements ShardTask {
        @Override
        public boolean isControl() {
            return true;
        }

        @Override
        public void run(Shard shard) {
            call.finish(reply);
        }
    }
}

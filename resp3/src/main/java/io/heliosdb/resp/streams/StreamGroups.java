package io.heliosdb.resp.streams;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.keyspace.collection.StreamValue.Consumer;
import io.heliosdb.keyspace.collection.StreamValue.Group;
import io.heliosdb.keyspace.collection.StreamValue.Id;
import io.heliosdb.keyspace.collection.StreamValue.Pending;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;

/** Consumer groups: XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, and XINFO. */
final class StreamGroups {
    static final long INVALID = -1;
    private static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE "
            + "you may want to use the MKSTREAM option to create an empty stream automatically.";

    private StreamGroups() {}

    static void register(CommandTable t) {
        t.register("xgroup|create", Routing.KEYS, StreamGroups::create);
        t.register("xgroup|help", Routing.SESSION, Help.redis("XGROUP"));
        t.register("xgroup|setid", Routing.KEYS, StreamGroups::setid);
        t.register("xgroup|destroy", Routing.KEYS, StreamGroups::destroy);
        t.register("xgroup|createconsumer", Routing.KEYS, StreamGroups::createConsumer);
        t.register("xgroup|delconsumer", Routing.KEYS, StreamGroups::delConsumer);
        t.register("xack", Routing.KEYS, StreamGroups::xack);
        t.register("xpending", Routing.KEYS, StreamGroups::xpending);
        t.register("xclaim", Routing.KEYS, StreamGroups::xclaim);
        t.register("xautoclaim", Routing.KEYS, StreamGroups::xautoclaim);
        t.register("xinfo|stream", Routing.KEYS, StreamGroups::infoStream);
        t.register("xinfo|groups", Routing.KEYS, StreamGroups::infoGroups);
        t.register("xinfo|consumers", Routing.KEYS, StreamGroups::infoConsumers);
        t.register("xinfo|help", Routing.SESSION, Help.redis("XINFO"));
    }

    // ---- Redis' read counters (entries-read, lag) ----------------------------------------------

    /** streamRangeHasTombstones(s, start, +inf). */
    static boolean tombstonesFrom(StreamValue s, Id start) {
        if (s.size() == 0 || s.maxDeletedId.equals(Id.MIN)) {
            return false;
        }
        Id first = s.firstId();
        if (first != null && first.compareTo(s.maxDeletedId) > 0) {
            return false;
        }
        return start.compareTo(s.maxDeletedId) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry. */
    static long estimate(StreamValue s, Id id) {
        return s.estimateEntriesRead(id);
    }

    /** What XREADGROUP does to the group's counters when it delivers {@code id}. */
    static void delivered(StreamValue s, Group g, Id id) {
        if (id.compareTo(g.lastId) > 0) {
            if (g.entriesRead != INVALID && !tombstonesFrom(s, id)) {
                g.entriesRead++;
            } else if (s.entriesAdded != 0) {
                g.entriesRead = estimate(s, id);
            }
            g.lastId = id;
        }
    }

    /** The lag XINFO reports, or null when it cannot be known. */
    static Long lag(StreamValue s, Group g) {
        if (s.entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != INVALID && !tombstonesFrom(s, g.lastId)) {
            return s.entriesAdded - g.entriesRead;
        }
        long read = estimate(s, g.lastId);
        return read == INVALID ? null : s.entriesAdded - read;
    }

    // ---- XGROUP ------------------------------------------------------------------------------

    private static String noGroup(Args a, int groupArg, int keyArg) {
        return "NOGROUP No such consumer group '" + Errors.cString(a.string(groupArg)) + "' for key name '"
                + Errors.cString(a.string(keyArg)) + "'";
    }

    /** The stream for an XGROUP subcommand (the key must exist), or null after replying. */
    private static StreamValue existing(CommandContext ctx, long e) {
        if (e == TypedKeys.WRONG) {
            return null;
        }
        if (e == Keyspace.NONE) {
            ctx.out().error(NEEDS_KEY);
            return null;
        }
        return (StreamValue) ctx.db().object(e);
    }

    /**
     * XGROUP CREATE/SETID options from argument 5, parsed before the key as Redis does: the
     * ENTRIESREAD value (INVALID when absent; Long.MIN_VALUE after an error reply) and MKSTREAM in {@code mk}.
     */
    private static long groupOptions(CommandContext ctx, boolean create, boolean[] mk) {
        Args a = ctx.args();
        long entriesRead = INVALID;
        for (int i = 5; i < a.count(); i++) {
            String o = a.lower(i);
            if (create && o.equals("mkstream")) {
                mk[0] = true;
            } else if (o.equals("entriesread") && i + 1 < a.count()) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return Long.MIN_VALUE;
                }
                entriesRead = a.parseLong(++i);
                if (entriesRead < 0 && entriesRead != INVALID) {
                    ctx.out().error("ERR value for ENTRIESREAD must be positive or -1");
                    return Long.MIN_VALUE;
                }
            } else {
                ctx.out().error(Errors.subcommandSyntax(a));
                return Long.MIN_VALUE;
            }
        }
        return entriesRead;
    }

    /** A group's start ID: "$" (the stream's last, null here) or a strict ID; throws on a bad one. */
    private static Id groupId(String text) throws StreamIds.Bad {
        if (text.equals("$")) {
            return null;
        }
        if (text.equals("-") || text.equals("+")) {
            throw new StreamIds.Bad(StreamIds.INVALID); // streamParseStrictIDOrReply
        }
        return StreamIds.parse(text, 0);
    }

    private static void create(CommandContext ctx) {
        Args a = ctx.args();
        boolean[] mk = {false};
        long entriesRead = groupOptions(ctx, true, mk);
        if (entriesRead == Long.MIN_VALUE) {
            return;
        }
        boolean mkstream = mk[0];
        long e = TypedKeys.write(ctx, 2, ValueType.STREAM); // Redis: options, the key, then the ID
        if (e == TypedKeys.WRONG) {
            return;
        }
        if (e == Keyspace.NONE && !mkstream) {
            ctx.out().error(NEEDS_KEY);
            return;
        }
        if (a.count() > 8) { // Redis dispatches CREATE only with 5 to 8 arguments, after the key's checks
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        Id id;
        try {
            id = groupId(a.string(4));
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        StreamValue s;
        if (e == Keyspace.NONE) {
            s = new StreamValue();
            e = TypedKeys.create(ctx, 2, ValueType.STREAM, s);
            s.metaChanged();
        } else {
            s = (StreamValue) ctx.db().object(e);
        }
        if (s.group(a.bytes(3)) != null) {
            ctx.out().error("BUSYGROUP Consumer Group name already exists");
            return;
        }
        s.createGroup(a.bytes(3), id == null ? s.lastId : id, entriesRead);
        ctx.db().objectChanged(e);
        ctx.out().ok();
    }

    private static void setid(CommandContext ctx) {
        Args a = ctx.args();
        long entriesRead = groupOptions(ctx, false, new boolean[1]);
        if (entriesRead == Long.MIN_VALUE) {
            return;
        }
        GroupTarget t = groupTarget(ctx);
        if (t == null) {
            return;
        }
        if (a.count() != 5 && a.count() != 7) {
            ctx.out().error(Errors.subcommandSyntax(a)); // ENTRIESREAD given twice
            return;
        }
        long e = t.entry();
        StreamValue s = t.stream();
        Group g = t.group();
        Id id;
        try {
            String text = a.string(4); // SETID reads the ID loosely: "-" and "+" are IDs here, unlike CREATE
            id = text.equals("$") ? null : StreamIds.parse(text, 0);
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        g.lastId = id == null ? s.lastId : id;
        g.entriesRead = entriesRead;
        s.groupChanged(g);
        ctx.db().objectChanged(e);
        ctx.out().ok();
    }

    private static void destroy(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 2, ValueType.STREAM);
        StreamValue s = existing(ctx, e);
        if (s == null) {
            return;
        }
        if (s.group(a.bytes(3)) == null) {
            ctx.out().integer(0);
            return;
        }
        s.destroyGroup(a.bytes(3));
        ctx.db().objectChanged(e);
        ctx.out().integer(1);
    }

    /** The key's stream and its group (XGROUP SETID/CREATECONSUMER/DELCONSUMER), or null after replying the error. */
    private record GroupTarget(long entry, StreamValue stream, Group group) {}

    private static GroupTarget groupTarget(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 2, ValueType.STREAM);
        StreamValue s = existing(ctx, e);
        if (s == null) {
            return null;
        }
        Group g = s.group(a.bytes(3));
        if (g == null) {
            ctx.out().error(noGroup(a, 3, 2));
            return null;
        }
        return new GroupTarget(e, s, g);
    }

    private static void createConsumer(CommandContext ctx) {
        Args a = ctx.args();
        GroupTarget t = groupTarget(ctx);
        if (t == null) {
            return;
        }
        long e = t.entry();
        StreamValue s = t.stream();
        Group g = t.group();
        if (g.consumer(a.bytes(4)) != null) {
            ctx.out().integer(0);
            return;
        }
        g.createConsumer(a.bytes(4), ctx.now());
        s.groupChanged(g);
        ctx.db().objectChanged(e);
        ctx.out().integer(1);
    }

    private static void delConsumer(CommandContext ctx) {
        Args a = ctx.args();
        GroupTarget t = groupTarget(ctx);
        if (t == null) {
            return;
        }
        long e = t.entry();
        StreamValue s = t.stream();
        Group g = t.group();
        Consumer c = g.consumer(a.bytes(4));
        if (c == null) {
            ctx.out().integer(0);
            return;
        }
        int pending = c.pending.size();
        for (Id id : c.pending.keySet()) {
            g.pending.remove(id);
        }
        g.consumers.remove(new ByteKey(a.bytes(4)));
        s.groupChanged(g);
        ctx.db().objectChanged(e);
        ctx.out().integer(pending);
    }

    // ---- XACK / XPENDING -----------------------------------------------------------------------

    private static void xack(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM); // a read in Redis: a missing stream is a "keymiss"
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = StreamCommands.stream(ctx, e);
        Group g = s == null ? null : s.group(a.bytes(2));
        if (g == null) {
            ctx.out().integer(0); // Redis: no key or group is 0 before the IDs are read
            return;
        }
        Id[] ids;
        try {
            ids = StreamIds.all(a, 3);
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        int acked = 0;
        for (Id id : ids) {
            Pending p = g.pending.remove(id);
            if (p != null) {
                p.consumer.pending.remove(id);
                acked++;
            }
        }
        if (acked > 0) {
            s.groupChanged(g);
            ctx.db().objectChanged(e);
        }
        ctx.out().integer(acked);
    }

    private static void xpending(CommandContext ctx) {
        Args a = ctx.args();
        boolean extended = a.count() > 3;
        long minIdle = 0;
        Id from = Id.MIN;
        Id to = Id.MAX;
        long count = 0;
        byte[] consumerName = null;
        if (extended) {
            // Redis' order: the argument count, IDLE, the count, the start and end IDs, then the key
            if (a.count() < 6 || a.count() > 9) {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
            int i = 3;
            if (a.lower(i).equals("idle")) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return;
                }
                if (a.count() < 8) {
                    ctx.out().error(Errors.SYNTAX);
                    return;
                }
                minIdle = a.parseLong(i + 1);
                i += 2;
            }
            if (!a.isLong(i + 2)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, a.parseLong(i + 2));
            try {
                from = StreamIds.rangeStart(a.string(i));
                to = StreamIds.rangeEnd(a.string(i + 1));
            } catch (StreamIds.Bad b) {
                ctx.out().error(b.getMessage());
                return;
            }
            if (i + 3 < a.count()) {
                consumerName = a.bytes(i + 3);
            }
        }
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = StreamCommands.stream(ctx, e);
        Group g = s == null ? null : s.group(a.bytes(2));
        if (g == null) {
            ctx.out().error("NOGROUP No such key '" + a.string(1) + "' or consumer group '" + a.string(2) + "'");
            return;
        }
        RespWriter out = ctx.out();
        if (!extended) {
            if (g.pending.isEmpty()) {
                out.array(4);
                out.integer(0);
                out.nullBulk();
                out.nullBulk();
                out.nullArray();
                return;
            }
            out.array(4);
            out.integer(g.pending.size());
            out.bulk(g.pending.firstKey().toString());
            out.bulk(g.pending.lastKey().toString());
            List<Consumer> with = new ArrayList<>();
            for (Consumer c : g.consumers.values()) {
                if (!c.pending.isEmpty()) {
                    with.add(c);
                }
            }
            out.array(with.size());
            for (Consumer c : with) {
                out.array(2);
                out.bulk(c.name);
                out.bulk(Integer.toString(c.pending.size()));
            }
            return;
        }
        Map<Id, Pending> source;
        if (consumerName != null) {
            Consumer c = g.consumer(consumerName);
            source = c == null ? Map.of() : c.pending;
        } else {
            source = g.pending;
        }
        long now = ctx.now();
        List<Map.Entry<Id, Pending>> rows = new ArrayList<>();
        if (from.compareTo(to) <= 0 && source instanceof NavigableMap<Id, Pending> nav) {
            for (Map.Entry<Id, Pending> p : nav.subMap(from, true, to, true).entrySet()) {
                if (rows.size() >= count) {
                    break;
                }
                if (minIdle > 0 && now - p.getValue().deliveryTime < minIdle) {
                    continue;
                }
                rows.add(p);
            }
        }
        out.array(rows.size());
        for (Map.Entry<Id, Pending> p : rows) {
            out.array(4);
            out.bulk(p.getKey().toString());
            out.bulk(p.getValue().consumer.name);
            out.integer(Math.max(0, now - p.getValue().deliveryTime));
            out.integer(p.getValue().deliveryCount);
        }
    }

    // ---- XCLAIM / XAUTOCLAIM -------------------------------------------------------------------

    private static Consumer consumerOf(Group g, byte[] name, long now) {
        Consumer c = g.consumer(name);
        if (c == null) {
            c = g.createConsumer(name, now);
        }
        c.seenTime = now;
        return c;
    }

    /** Gives a pending entry to consumer {@code c} (XCLAIM, XAUTOCLAIM). */
    private static void transfer(Id id, Pending p, Consumer c) {
        if (p.consumer != c) {
            p.consumer.pending.remove(id);
            p.consumer = c;
            c.pending.put(id, p);
        }
    }

    /** An entry deleted from the stream leaves the group's and its consumer's PEL. */
    private static void dropPending(Group g, Id id, Pending p) {
        g.pending.remove(id);
        p.consumer.pending.remove(id);
    }

    private static void xclaim(CommandContext ctx) {
        Args a = ctx.args();
        // Redis' order: the key and group, min-idle-time, the IDs (strict: "-" and "+" start the options), the options
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM); // Redis reads it: a miss is a "keymiss"
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = StreamCommands.stream(ctx, e);
        Group g = s == null ? null : s.group(a.bytes(2));
        if (g == null) {
            ctx.out().error("NOGROUP No such key '" + a.string(1) + "' or consumer group '" + a.string(2) + "'");
            return;
        }
        if (!a.isLong(4)) {
            ctx.out().error("ERR Invalid min-idle-time argument for XCLAIM");
            return;
        }
        long minIdle = Math.max(0, a.parseLong(4));
        long now = ctx.now();
        List<Id> ids = new ArrayList<>();
        int i = 5;
        for (; i < a.count(); i++) {
            String id = a.string(i);
            if (id.equals("-") || id.equals("+")) {
                break;
            }
            try {
                ids.add(StreamIds.parse(id, 0));
            } catch (StreamIds.Bad b) {
                break; // the options start here
            }
        }
        long deliveryTime = now;
        long retryCount = -1;
        boolean force = false;
        boolean justId = false;
        Id lastId = null;
        for (; i < a.count(); i++) {
            String o = a.lower(i);
            boolean more = i + 1 < a.count();
            switch (o) {
                case "force" -> force = true;
                case "justid" -> justId = true;
                case "idle", "time", "retrycount" -> {
                    if (!more) {
                        ctx.out().error("ERR Unrecognized XCLAIM option '" + a.string(i) + "'");
                        return;
                    }
                    if (!a.isLong(i + 1)) {
                        ctx.out().error("ERR Invalid " + o.toUpperCase(Locale.ROOT) + " option argument for XCLAIM");
                        return;
                    }
                    long v = a.parseLong(++i);
                    if (o.equals("idle")) {
                        deliveryTime = now - v;
                    } else if (o.equals("time")) {
                        deliveryTime = v;
                    } else {
                        retryCount = v;
                    }
                }
                case "lastid" -> {
                    if (!more) {
                        ctx.out().error("ERR Unrecognized XCLAIM option '" + a.string(i) + "'");
                        return;
                    }
                    try {
                        String id = a.string(++i);
                        if (id.equals("-") || id.equals("+")) {
                            throw new StreamIds.Bad(StreamIds.INVALID);
                        }
                        lastId = StreamIds.parse(id, 0);
                    } catch (StreamIds.Bad b) {
                        ctx.out().error(b.getMessage());
                        return;
                    }
                }
                default -> {
                    ctx.out().error("ERR Unrecognized XCLAIM option '" + a.string(i) + "'");
                    return;
                }
            }
        }
        deliveryTime = Math.min(deliveryTime, now);
        if (lastId != null && lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
        }
        Consumer c = null;
        List<Id> claimed = new ArrayList<>();
        for (Id id : ids) {
            Pending p = g.pending.get(id);
            int at = s.indexOf(id);
            if (p == null && force && at >= 0) {
                if (c == null) {
                    c = consumerOf(g, a.bytes(3), now);
                }
                p = new StreamValuePending(c).make(now);
                g.pending.put(id, p);
                c.pending.put(id, p);
            }
            if (p == null) {
                continue;
            }
            if (at < 0) { // the entry was deleted: it leaves the PEL (Redis 7)
                dropPending(g, id, p);
                continue;
            }
            if (minIdle > 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (c == null) {
                c = consumerOf(g, a.bytes(3), now);
            }
            transfer(id, p, c);
            p.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                p.deliveryCount = retryCount;
            } else if (!justId) {
                p.deliveryCount++;
            }
            c.activeTime = now;
            claimed.add(id);
        }
        s.groupChanged(g);
        ctx.db().objectChanged(e);
        ctx.out().array(claimed.size());
        for (Id id : claimed) {
            if (justId) {
                ctx.out().bulk(id.toString());
            } else {
                StreamCommands.writeEntry(ctx.out(), s, s.indexOf(id));
            }
        }
    }

    /** A new PEL entry for XCLAIM FORCE (delivery count 0 before the claim counts it). */
    private record StreamValuePending(Consumer c) {
        Pending make(long now) {
            return StreamValue.newPending(c, now, 0);
        }
    }

    private static void xautoclaim(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(4)) {
            ctx.out().error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
            return;
        }
        long minIdle = Math.max(0, a.parseLong(4));
        Id start;
        try {
            start = StreamIds.rangeStart(a.string(5));
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        long count = 100;
        boolean justId = false;
        for (int i = 6; i < a.count(); i++) {
            String o = a.lower(i);
            if (o.equals("count") && i + 1 < a.count()) {
                // Redis: getRangeLongFromObjectOrReply(1, LONG_MAX / sizeof(streamID)), one message for all
                if (!a.isLong(i + 1) || a.parseLong(i + 1) < 1 || a.parseLong(i + 1) > Long.MAX_VALUE / 16) {
                    ctx.out().error("ERR COUNT must be > 0");
                    return;
                }
                count = a.parseLong(++i);
            } else if (o.equals("justid")) {
                justId = true;
            } else {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
        }
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM); // unlike XCLAIM, after the arguments
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = StreamCommands.stream(ctx, e);
        Group g = s == null ? null : s.group(a.bytes(2));
        if (g == null) {
            ctx.out().error("NOGROUP No such key '" + a.string(1) + "' or consumer group '" + a.string(2) + "'");
            return;
        }
        long now = ctx.now();
        long attempts = count * 10;
        List<Id> claimed = new ArrayList<>();
        List<Id> deleted = new ArrayList<>();
        Consumer c = null;
        Id next = Id.MIN;
        boolean more = false;
        for (Map.Entry<Id, Pending> pe : new ArrayList<>(g.pending.tailMap(start, true).entrySet())) {
            if (attempts-- <= 0 || claimed.size() + deleted.size() >= count) {
                next = pe.getKey();
                more = true;
                break;
            }
            Id id = pe.getKey();
            Pending p = pe.getValue();
            if (s.indexOf(id) < 0) {
                dropPending(g, id, p);
                deleted.add(id);
                continue;
            }
            if (minIdle > 0 && now - p.deliveryTime < minIdle) {
                continue;
            }
            if (c == null) {
                c = consumerOf(g, a.bytes(3), now);
            }
            transfer(id, p, c);
            p.deliveryTime = now;
            if (!justId) {
                p.deliveryCount++;
            }
            c.activeTime = now;
            claimed.add(id);
        }
        if (!more) {
            next = Id.MIN;
        }
        s.groupChanged(g);
        ctx.db().objectChanged(e);
        RespWriter out = ctx.out();
        out.array(3);
        out.bulk(next.toString());
        out.array(claimed.size());
        for (Id id : claimed) {
            if (justId) {
                out.bulk(id.toString());
            } else {
                StreamCommands.writeEntry(out, s, s.indexOf(id));
            }
        }
        out.array(deleted.size());
        for (Id id : deleted) {
            out.bulk(id.toString());
        }
    }

    // ---- XINFO ---------------------------------------------------------------------------------

    private static StreamValue infoStream(CommandContext ctx, int keyArg) {
        long e = TypedKeys.read(ctx, keyArg, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return null;
        }
        if (e == Keyspace.NONE) {
            ctx.out().error(Errors.NO_SUCH_KEY);
            return null;
        }
        return (StreamValue) ctx.db().object(e);
    }

    private static void entryOrNil(RespWriter out, StreamValue s, Id id) {
        if (id == null) {
            out.nullBulk();
        } else {
            StreamCommands.writeEntry(out, s, s.indexOf(id));
        }
    }

    private static void infoStream(CommandContext ctx) {
        Args a = ctx.args();
        StreamValue s = infoStream(ctx, 2); // Redis: the key first, then FULL [COUNT n]
        if (s == null) {
            return;
        }
        boolean full = a.count() > 3;
        long count = 10;
        if (full) {
            if (!a.lower(3).equals("full") || (a.count() != 4 && a.count() != 6) || (a.count() == 6 && !a.lower(4).equals("count"))) {
                ctx.out().error(Errors.subcommandSyntax(a));
                return;
            }
            if (a.count() == 6) {
                if (!a.isLong(5)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return;
                }
                count = a.parseLong(5);
                if (count <= 0) {
                    count = Long.MAX_VALUE;
                }
            }
        }
        RespWriter out = ctx.out();
        Id first = s.firstId();
        out.map(full ? 9 : 10);
        out.bulk("length");
        out.integer(s.size());
        out.bulk("radix-tree-keys");
        out.integer(Math.max(1, (s.size() + 99) / 100));
        out.bulk("radix-tree-nodes");
        out.integer(Math.max(1, (s.size() + 99) / 100) + 1);
        out.bulk("last-generated-id");
        out.bulk(s.lastId.toString());
        out.bulk("max-deleted-entry-id");
        out.bulk(s.maxDeletedId.toString());
        out.bulk("entries-added");
        out.integer(s.entriesAdded);
        out.bulk("recorded-first-entry-id");
        out.bulk(first == null ? "0-0" : first.toString());
        if (!full) {
            out.bulk("groups");
            out.integer(s.groups.size());
            out.bulk("first-entry");
            entryOrNil(out, s, first);
            out.bulk("last-entry");
            entryOrNil(out, s, s.lastLiveId());
            return;
        }
        out.bulk("entries");
        int n = (int) Math.min(count, s.size());
        out.array(n);
        int written = 0;
        for (int i = s.first(); i < s.end() && written < n; i++) {
            if (s.liveAt(i)) {
                StreamCommands.writeEntry(out, s, i);
                written++;
            }
        }
        out.bulk("groups");
        out.array(s.groups.size());
        for (Group g : s.groups.values()) {
            out.map(7);
            out.bulk("name");
            out.bulk(g.name);
            out.bulk("last-delivered-id");
            out.bulk(g.lastId.toString());
            out.bulk("entries-read");
            counter(out, g.entriesRead == INVALID ? null : g.entriesRead);
            out.bulk("lag");
            counter(out, lag(s, g));
            out.bulk("pel-count");
            out.integer(g.pending.size());
            out.bulk("pending");
            pendingEntries(out, g.pending, count, true);
            out.bulk("consumers");
            out.array(g.consumers.size());
            for (Consumer c : g.consumers.values()) {
                out.map(4);
                out.bulk("name");
                out.bulk(c.name);
                out.bulk("seen-time");
                out.integer(c.seenTime);
                out.bulk("pel-count");
                out.integer(c.pending.size());
                out.bulk("pending");
                pendingEntries(out, c.pending, count, false);
            }
        }
    }

    private static void counter(RespWriter out, Long v) {
        if (v == null) {
            out.nullBulk();
        } else {
            out.integer(v);
        }
    }

    private static void infoGroups(CommandContext ctx) {
        StreamValue s = infoStream(ctx, 2);
        if (s == null) {
            return;
        }
        RespWriter out = ctx.out();
        out.array(s.groups.size());
        for (Group g : s.groups.values()) {
            out.map(6);
            out.bulk("name");
            out.bulk(g.name);
            out.bulk("consumers");
            out.integer(g.consumers.size());
            out.bulk("pending");
            out.integer(g.pending.size());
            out.bulk("last-delivered-id");
            out.bulk(g.lastId.toString());
            out.bulk("entries-read");
            counter(out, g.entriesRead == INVALID ? null : g.entriesRead);
            out.bulk("lag");
            counter(out, lag(s, g));
        }
    }

    private static void infoConsumers(CommandContext ctx) {
        Args a = ctx.args();
        StreamValue s = infoStream(ctx, 2);
        if (s == null) {
            return;
        }
        Group g = s.group(a.bytes(3));
        if (g == null) {
            ctx.out().error(noGroup(a, 3, 2));
            return;
        }
        RespWriter out = ctx.out();
        long now = ctx.now();
        out.array(g.consumers.size());
        for (Consumer c : g.consumers.values()) {
            out.map(3);
            out.bulk("name");
            out.bulk(c.name);
            out.bulk("pending");
            out.integer(c.pending.size());
            out.bulk("idle");
            out.integer(Math.max(0, now - c.seenTime));
        }
    }

    /** XINFO STREAM FULL's PEL list: the first {@code count} entries (ID, [consumer,] delivery time, count). */
    private static void pendingEntries(RespWriter out, Map<Id, Pending> pel, long count, boolean withConsumer) {
        int n = (int) Math.min(count, pel.size());
        out.array(n);
        int k = 0;
        for (Map.Entry<Id, Pending> p : pel.entrySet()) {
            if (k++ >= n) {
                break;
            }
            out.array(withConsumer ? 4 : 3);
            out.bulk(p.getKey().toString());
            if (withConsumer) {
                out.bulk(p.getValue().consumer.name);
            }
            out.integer(p.getValue().deliveryTime);
            out.integer(p.getValue().deliveryCount);
        }
    }
}

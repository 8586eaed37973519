package io.heliosdb.resp.streams;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.StreamValue.Id;
import io.heliosdb.keyspace.collection.StreamValue;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID. Groups: {@link StreamGroups}; reads: {@link StreamRead}. */
public final class StreamCommands {
    private StreamCommands() {}

    public static void register(CommandTable t) {
        t.register("xadd", Routing.KEYS, StreamCommands::xadd);
        t.register("xlen", Routing.KEYS, StreamCommands::xlen);
        t.register("xrange", Routing.KEYS, ctx -> range(ctx, false));
        t.register("xrevrange", Routing.KEYS, ctx -> range(ctx, true));
        t.register("xdel", Routing.KEYS, StreamCommands::xdel);
        t.register("xtrim", Routing.KEYS, StreamCommands::xtrim);
        t.register("xsetid", Routing.KEYS, StreamCommands::xsetid);
        StreamGroups.register(t);
        StreamRead.register(t);
    }

    /** The stream of a key, null when absent, or after a WRONGTYPE reply ({@code ctx.out()} written). */
    static StreamValue stream(CommandContext ctx, long e) {
        return e == Keyspace.NONE || e == TypedKeys.WRONG ? null : (StreamValue) ctx.db().object(e);
    }

    static void writeEntry(RespWriter out, StreamValue s, int i) {
        out.array(2);
        out.bulk(s.idAt(i).toString());
        byte[][] fv = s.fieldsAt(i);
        out.array(fv.length);
        for (byte[] b : fv) {
            out.bulk(b);
        }
    }

    // ---- trimming ----------------------------------------------------------------------------

    /** MAXLEN/MINID [=|~] threshold [LIMIT n], as XADD and XTRIM take them. */
    private static final String LIMIT_NEEDS_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";

    static final class Trim {
        boolean byId;
        long maxLen;
        Id minId;
        boolean approx;
        long limit = -1;
        boolean present;

        /** Entries to remove from {@code s}; removes them and returns how many. */
        long apply(StreamValue s, long nodeEntries) {
            if (!present) {
                return 0;
            }
            // ~ trims at most LIMIT entries (default 100 nodes' worth; LIMIT 0: no limit)
            long lim = !approx ? Long.MAX_VALUE : limit < 0 ? 100 * nodeEntries : limit == 0 ? Long.MAX_VALUE : limit;
            long removed = 0;
            if (approx) {
                // Redis removes whole listpack nodes only, and stops at the first it cannot remove
                while (s.size() > 0) {
                    int[] node = s.headNode(nodeEntries);
                    int entries = node[0];
                    boolean whole = byId ? s.idAt(node[1]).compareTo(minId) < 0 : s.size() - entries >= maxLen;
                    if (!whole || removed + entries > lim) {
                        break;
                    }
                    for (int i = 0; i < entries; i++) {
                        s.removeFirst();
                    }
                    removed += entries;
                }
            } else {
                while (s.size() > 0 && goes(s, s.firstId())) {
                    s.removeFirst();
                    removed++;
                }
            }
            if (removed > 0) {
                s.metaChanged();
            }
            return removed;
        }

        private boolean goes(StreamValue s, Id first) {
            return byId ? first.compareTo(minId) < 0 : s.size() > maxLen;
        }
    }

    /** What XADD's options gave besides the trimming: NOMKSTREAM and the ID (text), or null for "*". */
    static final class AddOptions {
        boolean noMkStream;
        String idText;
        Id explicit;
        boolean partial;
    }

    /**
     * Redis 7.0's streamParseAddOrTrimArgsOrReply: MAXLEN/MINID [=|~] threshold, LIMIT n and (XADD)
     * NOMKSTREAM in any order, each checked as it comes; for XADD the first other word is the ID, parsed
     * there. Then the strategy checks in Redis' order. Returns the ID's index (XADD) or the end (XTRIM),
     * or -1 after replying an error.
     */
    static int parseAddOrTrim(CommandContext ctx, Args a, Trim t, AddOptions add) {
        boolean xadd = add != null;
        boolean limitGiven = false;
        int i = 2;
        for (; i < a.count(); i++) {
            int more = a.count() - 1 - i;
            String opt = a.lower(i);
            if (xadd && opt.equals("*")) {
                break;
            } else if ((opt.equals("maxlen") || opt.equals("minid")) && more > 0) {
                if (t.present) {
                    ctx.out().error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                t.byId = opt.equals("minid");
                t.approx = false;
                String next = a.string(i + 1);
                if (more >= 2 && next.equals("~")) {
                    t.approx = true;
                    i++;
                } else if (more >= 2 && next.equals("=")) {
                    i++;
                }
                if (t.byId) {
                    try {
                        t.minId = StreamIds.strict(a.string(i + 1));
                    } catch (StreamIds.Bad b) {
                        ctx.out().error(b.getMessage());
                        return -1;
                    }
                } else {
                    if (!a.isLong(i + 1)) {
                        ctx.out().error(Errors.NOT_INTEGER);
                        return -1;
                    }
                    t.maxLen = a.parseLong(i + 1);
                    if (t.maxLen < 0) {
                        ctx.out().error("ERR The MAXLEN argument must be >= 0.");
                        return -1;
                    }
                }
                i++;
                t.present = true;
            } else if (opt.equals("limit") && more > 0) {
                if (!a.isLong(i + 1)) {
                    ctx.out().error(Errors.NOT_INTEGER);
                    return -1;
                }
                t.limit = a.parseLong(i + 1);
                if (t.limit < 0) {
                    ctx.out().error("ERR The LIMIT argument must be >= 0.");
                    return -1;
                }
                limitGiven = true;
                i++;
            } else if (xadd && opt.equals("nomkstream")) {
                add.noMkStream = true;
            } else if (xadd) {
                String idText = a.string(i); // not an option: the ID, or an error
                try {
                    if (idText.endsWith("-*")) {
                        add.partial = true;
                        add.explicit = StreamIds.strict(idText.substring(0, idText.length() - 2));
                    } else {
                        add.explicit = StreamIds.strict(idText); // "+" and "-" are not IDs to add
                    }
                } catch (StreamIds.Bad b) {
                    ctx.out().error(b.getMessage());
                    return -1;
                }
                add.idText = idText;
                break;
            } else {
                ctx.out().error(Errors.SYNTAX);
                return -1;
            }
        }
        if (limitGiven && t.limit != 0 && !t.present) {
            ctx.out().error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return -1;
        }
        if (!xadd && !t.present) {
            ctx.out().error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return -1;
        }
        if (limitGiven && !t.approx) {
            ctx.out().error(LIMIT_NEEDS_APPROX);
            return -1;
        }
        if (!limitGiven) {
            t.limit = -1; // the default: 100 nodes' worth with ~ (see apply)
        }
        return i;
    }

    // ---- XADD --------------------------------------------------------------------------------

    private static void xadd(CommandContext ctx) {
        Args a = ctx.args();
        Trim trim = new Trim();
        AddOptions add = new AddOptions();
        int idArg = parseAddOrTrim(ctx, a, trim, add);
        if (idArg < 0) {
            return;
        }
        boolean noMk = add.noMkStream;
        int fields = a.count() - idArg - 1;
        if (fields < 2 || fields % 2 != 0) {
            ctx.wrongArgs(); // Redis: after the options and the ID
            return;
        }
        Id explicit = add.explicit;
        boolean partial = add.partial;
        long partialMs = partial ? explicit.ms() : -1;
        if (explicit != null && !partial && explicit.ms() == 0 && explicit.seq() == 0) {
            ctx.out().error("ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        if (e == Keyspace.NONE && noMk) {
            ctx.out().nullBulk();
            return;
        }
        StreamValue s = e == Keyspace.NONE ? new StreamValue() : stream(ctx, e);
        Id last = s.lastId;
        Id id;
        if (explicit == null) {
            long now = ctx.now();
            if (Long.compareUnsigned(now, last.ms()) > 0) {
                id = new Id(now, 0);
            } else {
                id = last.next();
            }
        } else if (partial) {
            int c = Long.compareUnsigned(partialMs, last.ms());
            if (c > 0) {
                id = new Id(partialMs, 0);
            } else if (c == 0 && last.seq() != -1L) {
                id = new Id(partialMs, last.seq() + 1);
            } else {
                id = null;
            }
        } else {
            id = explicit.compareTo(last) > 0 ? explicit : null;
        }
        if (id == null) {
            ctx.out().error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        if (e == Keyspace.NONE) {
            e = TypedKeys.create(ctx, 1, ValueType.STREAM, s);
        }
        s.appendEncoded(id, blob(a, idArg + 1, fields), TypedKeys.limit(ctx, "stream-node-max-entries"));
        trim.apply(s, TypedKeys.limit(ctx, "stream-node-max-entries"));
        s.metaChanged();
        ctx.db().objectChanged(e);
        BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        ctx.out().bulk(id.toString());
    }

    /** The entry's fields and values straight from the request, in StreamValue's blob form (one copy). */
    private static byte[] blob(Args a, int from, int n) {
        int size = varintLength(n);
        for (int i = from; i < from + n; i++) {
            size += varintLength(a.length(i)) + a.length(i);
        }
        byte[] b = new byte[size];
        int p = putVarint(b, 0, n);
        for (int i = from; i < from + n; i++) {
            int len = a.length(i);
            p = putVarint(b, p, len);
            MemorySegment.copy(a.segment(), ValueLayout.JAVA_BYTE, a.offset(i), b, p, len);
            p += len;
        }
        assert p == size;
        return b;
    }

    private static int varintLength(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] b, int p, int v) {
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    private static void xlen(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = stream(ctx, e);
        ctx.out().integer(s == null ? 0 : s.size());
    }

    private static void range(CommandContext ctx, boolean reverse) {
        Args a = ctx.args();
        Id from;
        Id to;
        try {
            if (reverse) { // Redis reads the start (XREVRANGE's second ID) first
                from = StreamIds.rangeStart(a.string(3));
                to = StreamIds.rangeEnd(a.string(2));
            } else {
                from = StreamIds.rangeStart(a.string(2));
                to = StreamIds.rangeEnd(a.string(3));
            }
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        long count = -1;
        for (int i = 4; i < a.count(); i++) { // COUNT n, as often as given (the last wins), as in Redis
            if (!a.lower(i).equals("count") || i + 1 >= a.count()) {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
            if (!a.isLong(++i)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            count = Math.max(0, a.parseLong(i));
        }
        long e = TypedKeys.read(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = stream(ctx, e);
        if (s != null && count == 0) {
            ctx.out().nullArray(); // as Redis answers COUNT 0 on an existing stream
            return;
        }
        if (s == null || from.compareTo(to) > 0) {
            ctx.out().array(0);
            return;
        }
        int lo = s.lowerBound(from);
        Id after = to.next();
        int hi = after == null ? s.end() : s.lowerBound(after);
        int n = 0;
        for (int i = lo; i < hi; i++) {
            if (s.liveAt(i)) {
                n++;
            }
        }
        if (count >= 0) {
            n = (int) Math.min(n, count);
        }
        ctx.out().array(n);
        int written = 0;
        if (reverse) {
            for (int i = hi - 1; i >= lo && written < n; i--) {
                if (s.liveAt(i)) {
                    writeEntry(ctx.out(), s, i);
                    written++;
                }
            }
        } else {
            for (int i = lo; i < hi && written < n; i++) {
                if (s.liveAt(i)) {
                    writeEntry(ctx.out(), s, i);
                    written++;
                }
            }
        }
    }

    private static void xdel(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.STREAM); // Redis: the key first (missing: 0), then the IDs
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = stream(ctx, e);
        if (s == null) {
            ctx.out().integer(0);
            return;
        }
        Id[] ids;
        try {
            ids = StreamIds.all(a, 2);
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        int deleted = 0;
        if (s != null) {
            for (Id id : ids) {
                if (s.delete(id)) {
                    deleted++;
                }
            }
            if (deleted > 0) {
                s.metaChanged();
                ctx.db().objectChanged(e);
            }
        }
        ctx.out().integer(deleted);
    }

    private static void xtrim(CommandContext ctx) {
        Args a = ctx.args();
        Trim trim = new Trim();
        if (parseAddOrTrim(ctx, a, trim, null) < 0) {
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = stream(ctx, e);
        long removed = s == null ? 0 : trim.apply(s, TypedKeys.limit(ctx, "stream-node-max-entries"));
        if (removed > 0) {
            ctx.db().objectChanged(e);
        }
        ctx.out().integer(removed);
    }

    private static void xsetid(CommandContext ctx) {
        Args a = ctx.args();
        Id id;
        long entriesAdded = -1;
        Id maxDeleted = null;
        try {
            id = StreamIds.strict(a.string(2));
            for (int i = 3; i < a.count(); i += 2) {
                if (i + 1 >= a.count()) {
                    ctx.out().error(Errors.SYNTAX);
                    return;
                }
                String o = a.lower(i);
                if (o.equals("entriesadded")) {
                    if (!a.isLong(i + 1)) {
                        ctx.out().error(Errors.NOT_INTEGER);
                        return;
                    }
                    entriesAdded = a.parseLong(i + 1);
                    if (entriesAdded < 0) {
                        ctx.out().error("ERR entries_added must be positive");
                        return;
                    }
                } else if (o.equals("maxdeletedid")) {
                    maxDeleted = StreamIds.strict(a.string(i + 1));
                    if (id.compareTo(maxDeleted) < 0) { // Redis compares it right here, before what follows
                        ctx.out().error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                        return;
                    }
                } else {
                    ctx.out().error(Errors.SYNTAX);
                    return;
                }
            }
        } catch (StreamIds.Bad b) {
            ctx.out().error(b.getMessage());
            return;
        }
        if (maxDeleted != null && id.compareTo(maxDeleted) < 0) {
            ctx.out().error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.STREAM);
        if (e == TypedKeys.WRONG) {
            return;
        }
        StreamValue s = stream(ctx, e);
        if (s == null) {
            ctx.out().error("ERR no such key");
            return;
        }
        Id top = s.lastLiveId(); // Redis: the top item first, then entries_added
        if (top != null && id.compareTo(top) < 0) {
            ctx.out().error("ERR The ID specified in XSETID is smaller than the target stream top item");
            return;
        }
        if (entriesAdded >= 0 && entriesAdded < s.size()) {
            ctx.out().error("ERR The entries_added specified in XSETID is smaller than the target stream length");
            return;
        }
        s.lastId = id;
        if (entriesAdded >= 0) {
            s.entriesAdded = entriesAdded;
        }
        if (maxDeleted != null) {
            s.maxDeletedId = maxDeleted;
        }
        s.metaChanged();
        ctx.db().objectChanged(e);
        ctx.out().ok();
    }
}

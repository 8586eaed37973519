package io.heliosdb.resp.lists;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;
import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.MoveBetweenKeys;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ShardState;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** The list family (the blocking forms are in {@link BlockingCommands}). */
public final class ListCommands {
    static final byte[] LEFT = "left".getBytes();
    static final byte[] RIGHT = "right".getBytes();
    private static final byte[] BEFORE = "before".getBytes();
    private static final byte[] AFTER = "after".getBytes();
    private static final byte[] RANK = "rank".getBytes();
    private static final byte[] COUNT = "count".getBytes();
    private static final byte[] MAXLEN = "maxlen".getBytes();

    private ListCommands() {}

    public static void register(CommandTable t) {
        t.register("lpush", Routing.KEYS, ctx -> push(ctx, true, false));
        t.register("rpush", Routing.KEYS, ctx -> push(ctx, false, false));
        t.register("lpushx", Routing.KEYS, ctx -> push(ctx, true, true));
        t.register("rpushx", Routing.KEYS, ctx -> push(ctx, false, true));
        t.register("lpop", Routing.KEYS, ctx -> pop(ctx, true));
        t.register("rpop", Routing.KEYS, ctx -> pop(ctx, false));
        t.register("llen", Routing.KEYS, ListCommands::llen);
        t.register("lrange", Routing.KEYS, ListCommands::lrange);
        t.register("lindex", Routing.KEYS, ListCommands::lindex);
        t.register("lset", Routing.KEYS, ListCommands::lset);
        t.register("linsert", Routing.KEYS, ListCommands::linsert);
        t.register("lrem", Routing.KEYS, ListCommands::lrem);
        t.register("ltrim", Routing.KEYS, ListCommands::ltrim);
        t.register("lpos", Routing.KEYS, ListCommands::lpos);
        t.register("lmove", Routing.KEYS, new Lmove(false));
        t.register("rpoplpush", Routing.KEYS, new Lmove(true));
        t.register("lmpop", Routing.ALL_SHARDS, new BlockingCommands.Lmpop(false));
        BlockingCommands.register(t);
    }

    static void push(CommandContext ctx, boolean left, boolean onlyIfExists) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (onlyIfExists) {
                ctx.out().integer(0);
                return;
            }
            e = TypedKeys.create(ctx, 1, ValueType.LIST, new ListValue());
        }
        ListValue l = TypedKeys.value(ctx, e);
        for (int i = 2; i < a.count(); i++) {
            if (left) {
                l.addFirst(a.bytes(i));
            } else {
                l.addLast(a.bytes(i));
            }
        }
        ctx.db().objectChanged(e);
        BlockedClients.of(ctx.shard()).signal(ctx.dbIndex(), a, 1);
        ctx.out().integer(l.size());
    }

    static void pop(CommandContext ctx, boolean left) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.wrongArgs(ctx.spec().name())); // Redis: addReplyErrorArity
            return;
        }
        long count = -1;
        if (a.count() == 3) {
            if (!a.isLong(2) || a.parseLong(2) < 0) {
                out.error(Errors.MUST_BE_POSITIVE);
                return;
            }
            count = a.parseLong(2);
        }
        long e = TypedKeys.write(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (count < 0) {
                out.nullBulk();
            } else {
                out.nullArray();
            }
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        if (count < 0) {
            out.bulk(left ? l.removeFirst() : l.removeLast());
        } else {
            int n = (int) Math.min(count, l.size());
            out.array(n);
            for (int i = 0; i < n; i++) {
                out.bulk(left ? l.removeFirst() : l.removeLast());
            }
        }
        TypedKeys.changed(ctx.db(), e);
    }

    static void llen(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        ctx.out().integer(e == Keyspace.NONE ? 0 : TypedKeys.value(ctx, e).size());
    }

    static void lrange(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long e = TypedKeys.read(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().array(0);
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        long[] r = range(a.parseLong(2), a.parseLong(3), l.size());
        if (r == null) {
            ctx.out().array(0);
            return;
        }
        RespWriter out = ctx.out();
        out.array((int) (r[1] - r[0] + 1));
        l.forEachInRange((int) r[0], (int) r[1], out::bulk); // straight from the chunks, no copies
    }

    /** Redis' start/end normalisation; null when the range is empty. */
    public static long[] range(long start, long end, long size) {
        if (start < 0) {
            start += size;
        }
        if (end < 0) {
            end += size;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= size) {
            return null;
        }
        if (end >= size) {
            end = size - 1;
        }
        return new long[]{start, end};
    }

    static void lindex(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.read(ctx, 1, ValueType.LIST); // Redis looks the key up before parsing the index
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
            return;
        }
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        long i = a.parseLong(2);
        if (i < 0) {
            i += l.size();
        }
        if (i < 0 || i >= l.size()) {
            ctx.out().nullBulk();
        } else {
            ctx.out().bulk(l.get((int) i));
        }
    }

    static void lset(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.LIST); // Redis looks the key up before parsing the index
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().error(Errors.NO_SUCH_KEY);
            return;
        }
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        long i = a.parseLong(2);
        if (i < 0) {
            i += l.size();
        }
        if (i < 0 || i >= l.size()) {
            ctx.out().error("ERR index out of range");
            return;
        }
        l.set((int) i, a.bytes(3));
        ctx.db().objectChanged(e);
        ctx.out().ok();
    }

    static void linsert(CommandContext ctx) {
        Args a = ctx.args();
        boolean before;
        if (a.is(2, BEFORE)) {
            before = true;
        } else if (a.is(2, AFTER)) {
            before = false;
        } else {
            ctx.out().error(Errors.SYNTAX);
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        byte[] pivot = a.bytes(3);
        for (int i = 0; i < l.size(); i++) {
            if (Arrays.equals(l.get(i), pivot)) {
                l.insert(before ? i : i + 1, a.bytes(4));
                ctx.db().objectChanged(e);
                ctx.out().integer(l.size());
                return;
            }
        }
        ctx.out().integer(-1);
    }

    static void lrem(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long count = a.parseLong(2);
        long e = TypedKeys.write(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        byte[] v = a.bytes(3);
        long removed = 0;
        if (count >= 0) {
            for (int i = 0; i < l.size() && (count == 0 || removed < count); ) {
                if (Arrays.equals(l.get(i), v)) {
                    l.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : -count; // Redis: -LLONG_MIN stays negative, no limit
            for (int i = l.size() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(l.get(i), v)) {
                    l.remove(i);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            TypedKeys.changed(ctx.db(), e);
        }
        ctx.out().integer(removed);
    }

    static void ltrim(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(2) || !a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().ok();
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        long[] r = range(a.parseLong(2), a.parseLong(3), l.size());
        if (r == null) {
            l.clear();
        } else if (r[0] != 0 || r[1] != l.size() - 1) {
            l.trim((int) r[0], (int) r[1]);
        }
        TypedKeys.changed(ctx.db(), e);
        ctx.out().ok();
    }

    static void lpos(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int i = 3; i < a.count(); i++) {
            if (i + 1 >= a.count()) {
                out.error(Errors.SYNTAX);
                return;
            }
            if (a.is(i, RANK)) {
                if (!a.isLong(i + 1)) {
                    out.error(Errors.NOT_INTEGER);
                    return;
                }
                rank = a.parseLong(++i);
                if (rank == 0) {
                    out.error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                    return;
                }
                if (rank == Long.MIN_VALUE) {
                    rank = -1; // Redis 7.0 negates it in place: -LLONG_MIN stays negative and the first match from the tail wins
                }
            } else if (a.is(i, COUNT)) {
                if (!a.isLong(i + 1)) {
                    out.error("ERR COUNT can't be negative"); // getPositiveLongFromObjectOrReply's message covers junk too
                    return;
                }
                count = a.parseLong(++i);
                if (count < 0) {
                    out.error("ERR COUNT can't be negative");
                    return;
                }
            } else if (a.is(i, MAXLEN)) {
                if (!a.isLong(i + 1)) {
                    out.error("ERR MAXLEN can't be negative");
                    return;
                }
                maxlen = a.parseLong(++i);
                if (maxlen < 0) {
                    out.error("ERR MAXLEN can't be negative");
                    return;
                }
            } else {
                out.error(Errors.SYNTAX);
                return;
            }
        }
        long e = TypedKeys.read(ctx, 1, ValueType.LIST);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (count >= 0) {
                out.array(0);
            } else {
                out.nullBulk();
            }
            return;
        }
        ListValue l = TypedKeys.value(ctx, e);
        byte[] v = a.bytes(2);
        List<Long> found = new ArrayList<>();
        long want = count < 0 ? 1 : count == 0 ? Long.MAX_VALUE : count;
        long skip = Math.abs(rank) - 1;
        int n = l.size();
        for (int step = 0; step < n && (maxlen == 0 || step < maxlen) && found.size() < want; step++) {
            int i = rank > 0 ? step : n - 1 - step;
            if (Arrays.equals(l.get(i), v)) {
                if (skip > 0) {
                    skip--;
                } else {
                    found.add((long) i);
                }
            }
        }
        if (count < 0) {
            if (found.isEmpty()) {
                out.nullBulk();
            } else {
                out.integer(found.get(0));
            }
            return;
        }
        out.array(found.size());
        for (long f : found) {
            out.integer(f);
        }
    }

    /** LMOVE src dst LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (= RIGHT LEFT). */
    static final class Lmove extends MoveBetweenKeys {
        private final boolean rpoplpush;

        Lmove(boolean rpoplpush) {
            this.rpoplpush = rpoplpush;
        }

        private int side(Args a, int i) {
            if (a.is(i, LEFT)) {
                return 0;
            }
            return a.is(i, RIGHT) ? 1 : -1;
        }

        boolean fromLeft(Args a) {
            return !rpoplpush && side(a, 3) == 0;
        }

        boolean toLeft(Args a) {
            return rpoplpush || side(a, 4) == 0;
        }

        @Override
        protected Consumer<RespWriter> inspectSource(Keyspace ks, Args a) {
            if (!rpoplpush && (side(a, 3) < 0 || side(a, 4) < 0)) {
                return w -> w.error(Errors.SYNTAX);
            }
            long e = ks.find(a.segment(), a.offset(1), a.length(1));
            if (e == Keyspace.NONE) {
                return RespWriter::nullBulk;
            }
            if (ks.type(e) != ValueType.LIST) {
                return w -> w.error(Errors.WRONGTYPE);
            }
            return null;
        }

        @Override
        protected boolean destinationWrongType(Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(2), a.length(2));
            return e != Keyspace.NONE && ks.type(e) != ValueType.LIST;
        }

        @Override
        protected byte[] take(ShardState s, Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(1), a.length(1));
            ListValue l = (ListValue) ks.object(e);
            byte[] v = fromLeft(a) ? l.removeFirst() : l.removeLast();
            TypedKeys.changed(ks, e);
            return v;
        }

        @Override
        protected void give(ShardState s, Keyspace ks, Args a, byte[] element) {
            pushTo(s, ks, a.bytes(2), element, toLeft(a), dbOf(s, ks));
        }

        @Override
        protected void reply(RespWriter w, byte[] element) {
            if (element == null) {
                w.nullBulk();
            } else {
                w.bulk(element);
            }
        }
    }

    static int dbOf(ShardState s, Keyspace ks) {
        for (int i = 0; i < s.databases(); i++) {
            if (s.db(i) == ks) {
                return i;
            }
        }
        throw new AssertionError("keyspace of another shard");
    }

    /** Pushes one element to a list key (creating it) and wakes its waiters. */
    static void pushTo(ShardState s, Keyspace ks, byte[] key, byte[] element, boolean left, int db) {
        MemorySegment k = MemorySegment.ofArray(key);
        long e = ks.find(k, 0, key.length);
        if (e == Keyspace.NONE) {
            e = ks.putObject(k, 0, key.length, ValueType.LIST, new ListValue(), 0);
        }
        ListValue l = (ListValue) ks.object(e);
        if (left) {
            l.addFirst(element);
        } else {
            l.addLast(element);
        }
        ks.objectChanged(e);
        BlockedClients.of(s).signal(db, key);
    }
}

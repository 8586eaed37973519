package io.heliosdb.resp.hashes;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.PackedDict;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.strings.FloatText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The hash family. Each handler runs on the key's shard. */
public final class HashCommands {
    private static final byte[] WITHVALUES = "withvalues".getBytes();

    private HashCommands() {}

    public static void register(CommandTable t) {
        t.register("hset", Routing.KEYS, ctx -> hset(ctx, false));
        t.register("hmset", Routing.KEYS, ctx -> hset(ctx, true));
        t.register("hsetnx", Routing.KEYS, HashCommands::hsetnx);
        t.register("hget", Routing.KEYS, HashCommands::hget);
        t.register("hmget", Routing.KEYS, HashCommands::hmget);
        t.register("hgetall", Routing.KEYS, ctx -> all(ctx, true, true));
        t.register("hkeys", Routing.KEYS, ctx -> all(ctx, true, false));
        t.register("hvals", Routing.KEYS, ctx -> all(ctx, false, true));
        t.register("hdel", Routing.KEYS, HashCommands::hdel);
        t.register("hexists", Routing.KEYS, HashCommands::hexists);
        t.register("hlen", Routing.KEYS, HashCommands::hlen);
        t.register("hstrlen", Routing.KEYS, HashCommands::hstrlen);
        t.register("hincrby", Routing.KEYS, HashCommands::hincrby);
        t.register("hincrbyfloat", Routing.KEYS, HashCommands::hincrbyfloat);
        t.register("hrandfield", Routing.KEYS, HashCommands::hrandfield);
        t.register("hscan", Routing.KEYS, HashCommands::hscan);
    }

    /** Sets a field applying Redis' listpack→hashtable rule; true when new. */
    static boolean put(CommandContext ctx, HashValue h, ByteKey field, byte[] value) {
        boolean added = h.put(field, value);
        h.checkCompact((int) TypedKeys.limit(ctx, "hash-max-listpack-entries"), (int) TypedKeys.limit(ctx, "hash-max-listpack-value"),
                field.bytes.length, value.length);
        return added;
    }

    private static long writable(CommandContext ctx) {
        long e = TypedKeys.write(ctx, 1, ValueType.HASH);
        if (e == Keyspace.NONE) {
            e = TypedKeys.create(ctx, 1, ValueType.HASH, new HashValue());
        }
        return e;
    }

    static void hset(CommandContext ctx, boolean hmset) {
        Args a = ctx.args();
        if (a.count() % 2 != 0) {
            ctx.wrongArgs();
            return;
        }
        long e = writable(ctx);
        if (e == WRONG) {
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        int maxEntries = (int) TypedKeys.limit(ctx, "hash-max-listpack-entries");
        int maxValue = (int) TypedKeys.limit(ctx, "hash-max-listpack-value");
        int added = 0;
        for (int i = 2; i < a.count(); i += 2) {
            // straight from the request's buffer into the hash's pages: no per-field objects
            if (h.put(a.segment(), a.offset(i), a.length(i), a.offset(i + 1), a.length(i + 1))) {
                added++;
            }
            h.checkCompact(maxEntries, maxValue, a.length(i), a.length(i + 1));
        }
        ctx.db().objectChanged(e);
        if (hmset) {
            ctx.out().ok();
        } else {
            ctx.out().integer(added);
        }
    }

    static void hsetnx(CommandContext ctx) {
        Args a = ctx.args();
        long e = writable(ctx);
        if (e == WRONG) {
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        ByteKey f = TypedKeys.key(a, 2);
        if (h.get(f) != null) {
            ctx.out().integer(0);
            return;
        }
        put(ctx, h, f, a.bytes(3));
        ctx.db().objectChanged(e);
        ctx.out().integer(1);
    }

    static void hget(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        Args a = ctx.args();
        writeValue(ctx.out(), h, h.find(a.segment(), a.offset(2), a.length(2)));
    }

    /** The value of entry {@code i} (nil when -1), written from the hash's pages without a copy. */
    private static void writeValue(RespWriter out, HashValue h, int i) {
        if (i < 0) {
            out.nullBulk();
            return;
        }
        PackedDict d = h.dict();
        out.bulk(d.pageOf(i), d.valueOffset(i), d.valueLength(i));
    }

    private static void writeField(RespWriter out, HashValue h, int i) {
        PackedDict d = h.dict();
        out.bulk(d.pageOf(i), d.keyOffset(i), d.keyLength(i));
    }

    static void hmget(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        HashValue h = e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            writeValue(ctx.out(), h, h == null ? -1 : h.find(a.segment(), a.offset(i), a.length(i)));
        }
    }

    static void all(CommandContext ctx, boolean keys, boolean values) {
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        RespWriter out = ctx.out();
        if (e == Keyspace.NONE) {
            if (keys && values) {
                out.map(0);
            } else {
                out.array(0);
            }
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        if (keys && values) {
            out.map(h.size());
        } else {
            out.array(h.size());
        }
        for (int i = 0; i < h.size(); i++) {
            if (keys) {
                writeField(out, h, i);
            }
            if (values) {
                writeValue(out, h, i);
            }
        }
    }

    static void hdel(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        int removed = 0;
        for (int i = 2; i < a.count(); i++) {
            if (h.remove(TypedKeys.key(a, i))) {
                removed++;
            }
        }
        if (removed > 0) {
            TypedKeys.changed(ctx.db(), e);
        }
        ctx.out().integer(removed);
    }

    static void hexists(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        boolean has = e != Keyspace.NONE && ((HashValue) TypedKeys.value(ctx, e)).get(TypedKeys.key(ctx.args(), 2)) != null;
        ctx.out().integer(has ? 1 : 0);
    }

    static void hlen(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        ctx.out().integer(e == Keyspace.NONE ? 0 : TypedKeys.value(ctx, e).size());
    }

    static void hstrlen(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        byte[] v = e == Keyspace.NONE ? null : ((HashValue) TypedKeys.value(ctx, e)).get(TypedKeys.key(ctx.args(), 2));
        ctx.out().integer(v == null ? 0 : v.length);
    }

    static void hincrby(CommandContext ctx) {
        Args a = ctx.args();
        if (!a.isLong(3)) {
            ctx.out().error(Errors.NOT_INTEGER);
            return;
        }
        long by = a.parseLong(3);
        long e = TypedKeys.write(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        HashValue existing = e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
        ByteKey f = TypedKeys.key(a, 2);
        byte[] cur = existing == null ? null : existing.get(f);
        long v = 0;
        if (cur != null) {
            Long parsed = TypedKeys.parseLong(cur);
            if (parsed == null) {
                ctx.out().error("ERR hash value is not an integer");
                return;
            }
            v = parsed;
        }
        if ((by < 0 && v < 0 && by < Long.MIN_VALUE - v) || (by > 0 && v > 0 && by > Long.MAX_VALUE - v)) {
            ctx.out().error(Errors.OVERFLOW);
            return;
        }
        v += by;
        if (e == Keyspace.NONE) {
            e = writable(ctx);
        }
        put(ctx, TypedKeys.value(ctx, e), f, Long.toString(v).getBytes());
        ctx.db().objectChanged(e);
        ctx.out().integer(v);
    }

    static void hincrbyfloat(CommandContext ctx) {
        Args a = ctx.args();
        BigDecimal by = FloatText.parse(a.bytes(3));
        if (by == null) {
            ctx.out().error(Errors.NOT_FLOAT);
            return;
        }
        if (by == FloatText.INFINITE) {
            ctx.out().error("ERR value is NaN or Infinity");
            return;
        }
        long e = TypedKeys.write(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        HashValue existing = e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
        ByteKey f = TypedKeys.key(a, 2);
        byte[] cur = existing == null ? null : existing.get(f);
        BigDecimal v = BigDecimal.ZERO;
        if (cur != null) {
            v = FloatText.parse(cur);
            if (v == null) {
                ctx.out().error("ERR hash value is not a float");
                return;
            }
        }
        if (by == FloatText.INFINITE || v == FloatText.INFINITE) {
            ctx.out().error(Errors.INCR_NAN);
            return;
        }
        String sum = FloatText.add(v, by);
        if (sum == null) {
            ctx.out().error(Errors.INCR_NAN);
            return;
        }
        if (e == Keyspace.NONE) {
            e = writable(ctx);
        }
        byte[] b = sum.getBytes();
        put(ctx, TypedKeys.value(ctx, e), f, b);
        ctx.db().objectChanged(e);
        ctx.out().bulk(b);
    }

    static void hrandfield(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() == 2) {
            long e = TypedKeys.read(ctx, 1, ValueType.HASH);
            if (e == WRONG) {
                return;
            }
            if (e == Keyspace.NONE) {
                out.nullBulk();
                return;
            }
            HashValue h = TypedKeys.value(ctx, e);
            writeField(out, h, ctx.shard().random().nextInt(h.size()));
            return;
        }
        TypedKeys.RandomCount rc = TypedKeys.RandomCount.parse(ctx, WITHVALUES);
        if (rc == null) {
            return;
        }
        long n = rc.count();
        boolean withValues = rc.withValues();
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE || n == 0) {
            out.array(0);
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        int size = h.size();
        int[] chosen;
        if (n < 0) {
            chosen = new int[(int) -n];
            for (int i = 0; i < chosen.length; i++) {
                chosen[i] = ctx.shard().random().nextInt(size);
            }
        } else if (n >= size) {
            chosen = IntStream.range(0, size).toArray();
        } else if (n * 3 < size) {
            // few of many: random picks, repeats skipped (no pass over the whole hash)
            LinkedHashSet<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < n) {
                picked.add(ctx.shard().random().nextInt(size));
            }
            chosen = picked.stream().mapToInt(Integer::intValue).toArray();
        } else {
            // a partial Fisher-Yates over the entry indexes: n distinct picks
            int[] all = IntStream.range(0, size).toArray();
            for (int i = 0; i < n; i++) {
                int j = i + ctx.shard().random().nextInt(size - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            chosen = Arrays.copyOf(all, (int) n);
        }
        if (withValues && out.resp3()) {
            out.array(chosen.length);
            for (int i : chosen) {
                out.array(2);
                writeField(out, h, i);
                writeValue(out, h, i);
            }
            return;
        }
        out.array(chosen.length * (withValues ? 2 : 1));
        for (int i : chosen) {
            writeField(out, h, i);
            if (withValues) {
                writeValue(out, h, i);
            }
        }
    }

    static void hscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        long e = TypedKeys.read(ctx, 1, ValueType.HASH);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ElementScan.emptyReply(ctx.out());
            return;
        }
        ElementScan.Options o = ElementScan.parse(ctx);
        if (o == null) {
            return;
        }
        HashValue h = TypedKeys.value(ctx, e);
        ElementScan.reply(ctx.out(), o, h.entries(), h.compact(), Map.Entry::getKey, 2, (w, f) -> {
            w.bulk(f.getKey().bytes);
            w.bulk(f.getValue());
        }, h.size());
    }
}

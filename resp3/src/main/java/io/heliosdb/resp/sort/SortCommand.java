package io.heliosdb.resp.sort;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.HashValue;
import io.heliosdb.keyspace.collection.ListValue;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.keyspace.collection.ZSetValue;
import io.heliosdb.keyspace.collection.ZTree;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.keyspace.RedisDoubles;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SORT and SORT_RO. BY and GET patterns name other keys, which may live on any shard, so a call
 * locks every shard, reads the source, then the keys its patterns name, sorts on the connection's
 * loop and (STORE) writes the destination before it lets go: atomic, as in Redis.
 */
public final class SortCommand implements MultiShardCommand {
    private final boolean readOnly;

    private SortCommand(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public static void register(CommandTable t) {
        t.register("sort", Routing.ALL_SHARDS, new SortCommand(false));
        t.register("sort_ro", Routing.ALL_SHARDS, new SortCommand(true));
    }

    /** Parsed options; error != null for bad arguments. */
    record Options(byte[] by, boolean noSort, List<byte[]> gets, long offset, long count, boolean desc, boolean alpha,
                   int store, String error) {}

    Options parse(Args a) {
        byte[] by = null;
        boolean noSort = false;
        List<byte[]> gets = new ArrayList<>();
        long offset = 0, count = -1;
        boolean desc = false, alpha = false;
        int store = -1;
        for (int i = 2; i < a.count(); i++) {
            String o = a.lower(i);
            boolean more = i + 1 < a.count();
            switch (o) {
                case "asc" -> desc = false;
                case "desc" -> desc = true;
                case "alpha" -> alpha = true;
                case "limit" -> {
                    if (i + 2 >= a.count()) {
                        return error(Errors.SYNTAX);
                    }
                    if (!a.isLong(i + 1) || !a.isLong(i + 2)) {
                        return error(Errors.NOT_INTEGER);
                    }
                    offset = a.parseLong(i + 1);
                    count = a.parseLong(i + 2);
                    i += 2;
                }
                case "store" -> {
                    if (!more || readOnly) {
                        return error(Errors.SYNTAX);
                    }
                    store = ++i;
                }
                case "by" -> {
                    if (!more) {
                        return error(Errors.SYNTAX);
                    }
                    by = a.bytes(++i);
                    noSort = indexOf(by, (byte) '*') < 0;
                }
                case "get" -> {
                    if (!more) {
                        return error(Errors.SYNTAX);
                    }
                    gets.add(a.bytes(++i));
                }
                default -> {
                    return error(Errors.SYNTAX);
                }
            }
        }
        return new Options(by, noSort, gets, offset, count, desc, alpha, store, null);
    }

    private static Options error(String e) {
        return new Options(null, false, null, 0, 0, false, false, -1, e);
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** A pattern with '*' replaced by {@code element}: the key, and the hash field after "->" (or null). */
    record Lookup(byte[] key, byte[] field) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Lookup l && Arrays.equals(key, l.key) && Arrays.equals(field, l.field);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Arrays.hashCode(field);
        }
    }

    static Lookup substitute(byte[] pattern, byte[] element) {
        int star = indexOf(pattern, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        byte[] keyPart = arrow >= 0 && arrow + 2 < pattern.length ? Arrays.copyOf(pattern, arrow) : pattern;
        byte[] field = arrow >= 0 && arrow + 2 < pattern.length ? Arrays.copyOfRange(pattern, arrow + 2, pattern.length) : null;
        byte[] key = new byte[keyPart.length - 1 + element.length];
        System.arraycopy(keyPart, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(keyPart, star + 1, key, star + element.length, keyPart.length - star - 1);
        return new Lookup(key, field);
    }

    @Override
    public void execute(CommandContext ctx) {
        throw new AssertionError("SORT is routed across shards");
    }

    /** A lookup whose key does not exist (Redis announces a "keymiss" for each such lookup). */
    private static final byte[] MISSING = new byte[0];

    /** Value of a lookup on its shard: a string's bytes, a hash field, null, or {@link #MISSING}. */
    private static byte[] read(Keyspace ks, Lookup l) {
        long e = ks.find(MemorySegment.ofArray(l.key), 0, l.key.length);
        if (e == Keyspace.NONE) {
            return MISSING;
        }
        if (l.field == null) {
            return ks.type(e) == ValueType.STRING ? KeyGather.stringBytes(ks, e) : null;
        }
        return ks.type(e) == ValueType.HASH ? ((HashValue) ks.object(e)).get(new ByteKey(l.field)) : null;
    }

    @Override
    public void executeAcross(CrossShardCall call) {
        Args a = call.args();
        Options o = parse(a);
        if (o.error != null) {
            call.finish(w -> w.error(o.error));
            return;
        }
        Shard[] all = call.server().shards().all();
        Shard source = call.shardOfArg(1);
        ShardTransaction tx = call.transaction(all);
        tx.lockAll(() -> tx.run(new Shard[]{source}, s -> elements(call.db(s), call.lookupRead(s, 1)), false, () -> {
            Object r = tx.results()[0];
            if (r instanceof String err) {
                tx.release(all);
                call.finish(w -> w.error(err));
                return;
            }
            if (r instanceof RuntimeException e) {
                tx.release(all);
                call.finish(w -> w.error(call.failure(e)));
                return;
            }
            @SuppressWarnings("unchecked") Source src = (Source) r;
            // The keys the patterns name, by shard.
            Set<Lookup> needed = new LinkedHashSet<>();
            boolean sortByPattern = o.by != null && !o.noSort;
            for (byte[] el : src.elements) {
                if (sortByPattern) {
                    Lookup l = substitute(o.by, el);
                    if (l != null) {
                        needed.add(l);
                    }
                }
                for (byte[] g : o.gets) {
                    Lookup l = isHash(g) ? null : substitute(g, el);
                    if (l != null) {
                        needed.add(l);
                    }
                }
            }
            tx.run(all, s -> {
                Map<Lookup, byte[]> found = new HashMap<>();
                Keyspace ks = call.db(s);
                for (Lookup l : needed) {
                    if (call.server().shardOfKey(MemorySegment.ofArray(l.key), 0, l.key.length) == s) {
                        byte[] v = read(ks, l);
                        if (v != null) {
                            found.put(l, v);
                        }
                    }
                }
                return found;
            }, false, () -> finishSort(call, tx, all, o, src));
        }));
    }

    private static boolean isHash(byte[] g) {
        return g.length == 1 && g[0] == '#';
    }

    /** The source's elements in their natural order, plus its type. */
    record Source(List<byte[]> elements, byte type) {}

    private static Object elements(Keyspace ks, long e) {
        List<byte[]> out = new ArrayList<>();
        if (e == Keyspace.NONE) {
            return new Source(out, ValueType.LIST);
        }
        switch (ks.type(e)) {
            case ValueType.LIST -> {
                ListValue l = (ListValue) ks.object(e);
                for (int i = 0; i < l.size(); i++) {
                    out.add(l.get(i));
                }
            }
            case ValueType.SET -> {
                for (ByteKey m : ((SetValue) ks.object(e)).members()) {
                    out.add(m.bytes);
                }
            }
            case ValueType.ZSET -> {
                ZSetValue z = (ZSetValue) ks.object(e);
                z.compact(false); // Redis converts a sorted set it SORTs to a skiplist, for good
                for (ZTree.Node n = z.list().first(); n != null; n = n.next()) {
                    out.add(n.member.bytes);
                }
            }
            default -> {
                return Errors.WRONGTYPE;
            }
        }
        return new Source(out, ks.type(e));
    }

    /**
     * C's strtod as SORT uses it (the whole string must be a number): leading spaces are skipped,
     * an empty string is 0, hexadecimal is accepted; NaN for anything else.
     */
    static double strtod(String s) {
        String t = s.stripLeading();
        if (t.isEmpty()) {
            return s.isEmpty() ? 0 : Double.NaN;
        }
        String l = t.toLowerCase(Locale.ROOT);
        boolean neg = l.startsWith("-");
        String body = l.startsWith("-") || l.startsWith("+") ? l.substring(1) : l;
        if (body.startsWith("0x") && body.length() > 2) {
            try {
                double v = Long.parseLong(body.substring(2), 16);
                return neg ? -v : v;
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return RedisDoubles.parse(t);
    }

    private static final Comparator<byte[]> BYTES = Arrays::compareUnsigned;

    private void finishSort(CrossShardCall call, ShardTransaction tx, Shard[] all, Options o, Source src) {
        Args a = call.args();
        Map<Lookup, byte[]> found = new HashMap<>();
        for (Object r : tx.results()) {
            if (r instanceof RuntimeException e) {
                tx.release(all);
                call.finish(w -> w.error(call.failure(e)));
                return;
            }
            @SuppressWarnings("unchecked") Map<Lookup, byte[]> m = (Map<Lookup, byte[]>) r;
            found.putAll(m);
        }
        Set<Lookup> missing = new HashSet<>();
        found.entrySet().removeIf(en -> en.getValue() == MISSING && missing.add(en.getKey()));
        ShardState home = ServerContext.state(call.home()); // this continuation runs on the origin's thread
        List<byte[]> items = new ArrayList<>(src.elements);
        boolean dontSort = o.noSort;
        boolean alpha = o.alpha;
        byte[] by = o.by;
        if (dontSort && src.type == ValueType.SET && o.store >= 0) {
            dontSort = false; // Redis sorts a set stored with BY nosort, so the result is deterministic
            alpha = true;
            by = null;
        }
        if (by != null && !dontSort && !missing.isEmpty()) {
            for (byte[] el : items) { // Redis looks up the BY key of every element, in the source's order
                Lookup l = substitute(by, el);
                if (l != null && missing.contains(l)) {
                    home.keyspaceMisses++;
                    home.announceMiss(call.db(), l.key);
                }
            }
        }
        if (!dontSort) {
            int n = items.size();
            byte[][] keys = new byte[n][];
            double[] scores = new double[n];
            for (int i = 0; i < n; i++) {
                byte[] el = items.get(i);
                byte[] k = el;
                if (by != null) {
                    Lookup l = substitute(by, el);
                    k = l == null ? null : found.get(l);
                }
                keys[i] = k;
                if (!alpha) {
                    if (k == null) {
                        scores[i] = 0;
                    } else {
                        double d = strtod(new String(k, StandardCharsets.ISO_8859_1));
                        if (Double.isNaN(d)) {
                            tx.release(all);
                            call.finish(w -> w.error("ERR One or more scores can't be converted into double"));
                            return;
                        }
                        scores[i] = d;
                    }
                }
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            boolean alphaSort = alpha;
            List<byte[]> elems = items;
            Arrays.sort(order, (x, y) -> {
                int c;
                if (alphaSort) {
                    byte[] kx = keys[x], ky = keys[y];
                    c = kx == null ? (ky == null ? 0 : -1) : ky == null ? 1 : BYTES.compare(kx, ky);
                } else {
                    c = Double.compare(scores[x], scores[y]);
                }
                if (c == 0 && !alphaSort) {
                    // Numeric ties compare the elements themselves, as Redis; alpha ties keep their
                    // order (Redis leaves them to glibc's qsort, a merge sort: stable)
                    c = BYTES.compare(elems.get(x), elems.get(y));
                }
                return o.desc ? -c : c;
            });
            List<byte[]> sorted = new ArrayList<>(n);
            for (int i : order) {
                sorted.add(items.get(i));
            }
            items = sorted;
        } else if (o.desc && (src.type == ValueType.ZSET || src.type == ValueType.LIST)) {
            Collections.reverse(items); // BY nosort DESC on a list or sorted set: reverse order, as Redis
        }
        long start = o.offset < 0 ? 0 : o.offset;
        long count = o.count < 0 ? items.size() : o.count;
        if (start > items.size()) {
            start = items.size();
        }
        long end = count >= items.size() - start ? items.size() : start + count; // start + count may overflow
        items = items.subList((int) start, (int) end);
        List<byte[]> out = new ArrayList<>();
        if (o.gets.isEmpty()) {
            out.addAll(items);
        } else {
            for (byte[] el : items) {
                for (byte[] g : o.gets) {
                    if (isHash(g)) {
                        out.add(el);
                    } else {
                        Lookup l = substitute(g, el);
                        if (l != null && missing.contains(l)) {
                            home.keyspaceMisses++;
                            home.announceMiss(call.db(), l.key);
                        }
                        out.add(l == null ? null : found.get(l));
                    }
                }
            }
        }
        if (o.store < 0) {
            tx.release(all);
            call.finish(w -> {
                w.array(out.size());
                for (byte[] v : out) {
                    if (v == null) {
                        w.nullBulk();
                    } else {
                        w.bulk(v);
                    }
                }
            });
            return;
        }
        Shard dst = call.shardOfArg(o.store);
        List<Shard> others = new ArrayList<>(List.of(all));
        others.remove(dst);
        tx.release(others.toArray(Shard[]::new));
        tx.run(new Shard[]{dst}, s -> {
            Keyspace ks = call.db(s);
            if (out.isEmpty()) {
                ks.delete(a.segment(), a.offset(o.store), a.length(o.store));
            } else {
                ListValue l = new ListValue();
                for (byte[] v : out) {
                    l.addLast(v == null ? new byte[0] : v);
                }
                ks.putObject(a.segment(), a.offset(o.store), a.length(o.store), ValueType.LIST, l, 0);
            }
            return out.size();
        }, true, () -> {
            Object r = tx.results()[0];
            if (r instanceof RuntimeException e) {
                call.finish(w -> w.error(call.failure(e)));
            } else {
                long n = (Integer) r;
                call.finish(w -> w.integer(n));
            }
        });
    }
}

package io.heliosdb.resp.sets;

import static io.heliosdb.resp.collections.TypedKeys.WRONG;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.collections.ElementScan;
import io.heliosdb.resp.collections.KeyGather;
import io.heliosdb.resp.collections.MoveBetweenKeys;
import io.heliosdb.resp.collections.TypedKeys;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ShardState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** The set family. */
public final class SetCommands {
    private SetCommands() {}

    public static void register(CommandTable t) {
        t.register("sadd", Routing.KEYS, SetCommands::sadd);
        t.register("srem", Routing.KEYS, SetCommands::srem);
        t.register("smembers", Routing.KEYS, SetCommands::smembers);
        t.register("sismember", Routing.KEYS, SetCommands::sismember);
        t.register("smismember", Routing.KEYS, SetCommands::smismember);
        t.register("scard", Routing.KEYS, SetCommands::scard);
        t.register("spop", Routing.KEYS, SetCommands::spop);
        t.register("srandmember", Routing.KEYS, SetCommands::srandmember);
        t.register("sscan", Routing.KEYS, SetCommands::sscan);
        t.register("smove", Routing.KEYS, new Smove());
        t.register("sinter", Routing.KEYS, new SetAlgebra(Op.INTER, false));
        t.register("sinterstore", Routing.KEYS, new SetAlgebra(Op.INTER, true));
        t.register("sunion", Routing.KEYS, new SetAlgebra(Op.UNION, false));
        t.register("sunionstore", Routing.KEYS, new SetAlgebra(Op.UNION, true));
        t.register("sdiff", Routing.KEYS, new SetAlgebra(Op.DIFF, false));
        t.register("sdiffstore", Routing.KEYS, new SetAlgebra(Op.DIFF, true));
        t.register("sintercard", Routing.ALL_SHARDS, new SinterCard());
    }

    static int maxIntset(CommandContext ctx) {
        return (int) TypedKeys.limit(ctx, "set-max-intset-entries");
    }

    /** Adds with Redis' intset→hashtable rule. */
    public static boolean add(SetValue s, ByteKey m, int maxIntset) {
        boolean added = s.add(m);
        if (added) {
            s.checkIntset(maxIntset);
        }
        return added;
    }

    static void sadd(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            e = TypedKeys.create(ctx, 1, ValueType.SET, new SetValue());
        }
        SetValue s = TypedKeys.value(ctx, e);
        int max = maxIntset(ctx);
        int added = 0;
        for (int i = 2; i < a.count(); i++) {
            if (s.add(a.segment(), a.offset(i), a.length(i))) { // no per-member objects
                s.checkIntset(max);
                added++;
            }
        }
        if (added > 0) { // nothing new: not a change (persistence, WATCH, notifications)
            ctx.db().objectChanged(e);
        }
        ctx.out().integer(added);
    }

    static void srem(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.write(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().integer(0);
            return;
        }
        SetValue s = TypedKeys.value(ctx, e);
        int removed = 0;
        for (int i = 2; i < a.count() && s.size() > 0; i++) {
            if (s.remove(TypedKeys.key(a, i))) {
                removed++;
            }
        }
        if (removed > 0) {
            TypedKeys.changed(ctx.db(), e);
        }
        ctx.out().integer(removed);
    }

    static void writeSet(RespWriter out, List<ByteKey> members) {
        out.set(members.size());
        for (ByteKey m : members) {
            out.bulk(m.bytes);
        }
    }

    static void smembers(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            ctx.out().set(0);
            return;
        }
        writeSet(ctx.out(), ((SetValue) TypedKeys.value(ctx, e)).members());
    }

    static void sismember(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        Args a = ctx.args();
        ctx.out().integer(e != Keyspace.NONE && ((SetValue) TypedKeys.value(ctx, e)).contains(a.segment(), a.offset(2), a.length(2)) ? 1 : 0);
    }

    static void smismember(CommandContext ctx) {
        Args a = ctx.args();
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        SetValue s = e == Keyspace.NONE ? null : TypedKeys.value(ctx, e);
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            ctx.out().integer(s != null && s.contains(a.segment(), a.offset(i), a.length(i)) ? 1 : 0);
        }
    }

    static void scard(CommandContext ctx) {
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        ctx.out().integer(e == Keyspace.NONE ? 0 : TypedKeys.value(ctx, e).size());
    }

    static void spop(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.SYNTAX);
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
        long e = TypedKeys.write(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (count < 0) {
                out.nullBulk();
            } else {
                out.set(0);
            }
            return;
        }
        SetValue s = TypedKeys.value(ctx, e);
        if (count < 0) {
            ByteKey m = s.random(ctx.shard().random());
            s.remove(m);
            TypedKeys.changed(ctx.db(), e);
            out.bulk(m.bytes);
            return;
        }
        if (count == 0) {
            out.set(0);
            return;
        }
        List<ByteKey> popped = new ArrayList<>();
        if (count >= s.size()) {
            // The whole set, in its own order (Redis replies with the set and deletes the key).
            popped.addAll(s.members());
            ctx.db().deleteEntry(e);
            writeSet(out, popped);
            return;
        }
        while (popped.size() < count && s.size() > 0) {
            ByteKey m = s.random(ctx.shard().random());
            s.remove(m);
            popped.add(m);
        }
        TypedKeys.changed(ctx.db(), e);
        writeSet(out, popped);
    }

    static void srandmember(CommandContext ctx) {
        Args a = ctx.args();
        RespWriter out = ctx.out();
        if (a.count() > 3) {
            out.error(Errors.SYNTAX);
            return;
        }
        long count = 0;
        boolean hasCount = a.count() == 3;
        if (hasCount) {
            if (!a.isLong(2)) {
                out.error(Errors.NOT_INTEGER);
                return;
            }
            count = a.parseLong(2);
            if (count == Long.MIN_VALUE) {
                out.error(TypedKeys.COUNT_RANGE);
                return;
            }
            if (count < -Long.MAX_VALUE / 2) { // that many picks could never be written: refused (Redis 7.0 tries)
                out.error("ERR value is out of range");
                return;
            }
        }
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
        if (e == WRONG) {
            return;
        }
        if (e == Keyspace.NONE) {
            if (hasCount) {
                out.array(0);
            } else {
                out.nullBulk();
            }
            return;
        }
        SetValue s = TypedKeys.value(ctx, e);
        if (!hasCount) {
            out.bulk(s.random(ctx.shard().random()).bytes);
            return;
        }
        if (count < 0) {
            out.array((int) -count);
            for (long i = 0; i < -count; i++) {
                out.bulk(s.random(ctx.shard().random()).bytes);
            }
            return;
        }
        if (count < s.size() / 3) {
            // few of many: random distinct picks, no pass over the whole set
            LinkedHashSet<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < count) {
                picked.add(ctx.shard().random().nextInt(s.size()));
            }
            out.array(picked.size());
            for (int i : picked) {
                out.bulk(s.at(i).bytes);
            }
            return;
        }
        List<ByteKey> all = new ArrayList<>(s.members());
        if (count < all.size()) {
            Collections.shuffle(all, new Random(ctx.shard().random().nextLong()));
            all = all.subList(0, (int) count);
        }
        out.array(all.size());
        for (ByteKey m : all) {
            out.bulk(m.bytes);
        }
    }

    static void sscan(CommandContext ctx) {
        if (ElementScan.cursor(ctx) == null) {
            return; // Redis: the cursor, then the key, then the options
        }
        long e = TypedKeys.read(ctx, 1, ValueType.SET);
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
        SetValue s = TypedKeys.value(ctx, e);
        ElementScan.reply(ctx.out(), o, s.members(), s.intset(), m -> m, 1, (w, m) -> w.bulk(m.bytes), s.size());
    }

    private static final class Smove extends MoveBetweenKeys {
        @Override
        protected Consumer<RespWriter> inspectSource(Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(1), a.length(1));
            if (e == Keyspace.NONE) {
                return w -> w.integer(0);
            }
            if (ks.type(e) != ValueType.SET) {
                return w -> w.error(Errors.WRONGTYPE);
            }
            return null;
        }

        @Override
        protected boolean destinationWrongType(Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(2), a.length(2));
            return e != Keyspace.NONE && ks.type(e) != ValueType.SET;
        }

        @Override
        protected byte[] take(ShardState s, Keyspace ks, Args a) {
            long e = ks.find(a.segment(), a.offset(1), a.length(1));
            ByteKey m = TypedKeys.key(a, 3);
            SetValue set = (SetValue) ks.object(e);
            if (ByteStrings.equals(a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2))) {
                return set.contains(m) ? new byte[0] : null; // same key: nothing moves, but it answers 1 if present
            }
            if (!set.remove(m)) {
                return null;
            }
            TypedKeys.changed(ks, e);
            return m.bytes;
        }

        @Override
        protected void give(ShardState s, Keyspace ks, Args a, byte[] element) {
            if (ByteStrings.equals(a.segment(), a.offset(1), a.length(1), a.segment(), a.offset(2), a.length(2))) {
                return;
            }
            long e = ks.find(a.segment(), a.offset(2), a.length(2));
            if (e == Keyspace.NONE) {
                e = ks.putObject(a.segment(), a.offset(2), a.length(2), ValueType.SET, new SetValue(), 0);
            }
            SetValue set = (SetValue) ks.object(e);
            add(set, new ByteKey(element), 512);
            ks.objectChanged(e);
        }

        @Override
        protected void reply(RespWriter w, byte[] element) {
            w.integer(element == null ? 0 : 1);
        }
    }

    enum Op { INTER, UNION, DIFF }

    /** SINTER/SUNION/SDIFF and their STORE forms. */
    private static final class SetAlgebra extends KeyGather {
        private final Op op;
        private final boolean store;

        SetAlgebra(Op op, boolean store) {
            this.op = op;
            this.store = store;
        }

        @Override
        protected int[] sources(Args a) {
            int first = store ? 2 : 1;
            int[] s = new int[a.count() - first];
            for (int i = 0; i < s.length; i++) {
                s[i] = first + i;
            }
            return s;
        }

        @Override
        protected int destination(Args a) {
            return store ? 1 : -1;
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.SET;
        }

        @Override
        protected Outcome compute(Args a, Object[] values) {
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
            }
            SetValue result = combine(op, values);
            List<ByteKey> members = new ArrayList<>(result.members());
            if (store) {
                int n = members.size();
                return new Outcome(w -> w.integer(n), true, ValueType.SET, result);
            }
            return Outcome.reply(w -> writeSet(w, members));
        }
    }

    static SetValue combine(Op op, Object[] values) {
        SetValue result = new SetValue();
        switch (op) {
            case INTER -> {
                SetValue smallest = null;
                for (Object v : values) {
                    if (v == null) {
                        return result;
                    }
                    SetValue s = (SetValue) v;
                    if (smallest == null || s.size() < smallest.size()) {
                        smallest = s;
                    }
                }
                outer:
                for (ByteKey m : smallest.members()) {
                    for (Object v : values) {
                        if (v != smallest && !((SetValue) v).contains(m)) {
                            continue outer;
                        }
                    }
                    add(result, m, 512);
                }
            }
            case UNION -> {
                for (Object v : values) {
                    if (v != null) {
                        for (ByteKey m : ((SetValue) v).members()) {
                            add(result, m, 512);
                        }
                    }
                }
            }
            case DIFF -> {
                if (values[0] == null) {
                    return result;
                }
                outer:
                for (ByteKey m : ((SetValue) values[0]).members()) {
                    for (int i = 1; i < values.length; i++) {
                        if (values[i] != null && ((SetValue) values[i]).contains(m)) {
                            continue outer;
                        }
                    }
                    add(result, m, 512);
                }
            }
        }
        return result;
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
    private static final class SinterCard extends KeyGather {

        @Override
        protected int[] sources(Args a) {
            return numKeys(a, 1);
        }

        @Override
        protected String argumentError(Args a) {
            return numKeysError(a, 1);
        }

        @Override
        protected boolean accepts(byte type) {
            return type == ValueType.SET;
        }

        @Override
        protected Outcome compute(Args a, Object[] values) {
            int n = (int) a.parseLong(1);
            Object limitOrError = cardLimit(a, 2 + n);
            if (limitOrError instanceof String e) {
                return Outcome.error(e);
            }
            long limit = (Long) limitOrError;
            for (Object v : values) {
                if (v == WRONG_TYPE) {
                    return Outcome.error(Errors.WRONGTYPE);
                }
            }
            long card = combine(Op.INTER, values).size();
            long r = limit > 0 ? Math.min(card, limit) : card;
            return Outcome.reply(w -> w.integer(r));
        }
    }

    private static final byte[] LIMIT_WORD = "limit".getBytes();

    /** The "[LIMIT n]" tail of SINTERCARD and ZINTERCARD from argument {@code from}: the limit (0 = none) or an error. */
    public static Object cardLimit(Args a, int from) {
        long limit = 0;
        for (int i = from; i < a.count(); i++) {
            if (a.is(i, LIMIT_WORD) && i + 1 < a.count()) {
                if (!a.isLong(i + 1)) {
                    return "ERR LIMIT can't be negative"; // getPositiveLongFromObjectOrReply's message for any bad value
                }
                limit = a.parseLong(++i);
                if (limit < 0) {
                    return "ERR LIMIT can't be negative";
                }
            } else {
                return Errors.SYNTAX;
            }
        }
        return limit;
    }

    /** Key indexes of a "numkeys key..." list starting at {@code at}, or null when numkeys is bad. */
    public static int[] numKeys(Args a, int at) {
        if (!a.isLong(at)) {
            return null;
        }
        long n = a.parseLong(at);
        if (n <= 0 || n > a.count() - at - 1) {
            return null;
        }
        int[] s = new int[(int) n];
        for (int i = 0; i < n; i++) {
            s[i] = at + 1 + i;
        }
        return s;
    }

    /** SINTERCARD's numkeys error (Redis: getRangeLongFromObjectOrReply, whose message covers a non-number too). */
    public static String numKeysError(Args a, int at) {
        if (!a.isLong(at)) {
            return "ERR numkeys should be greater than 0";
        }
        long n = a.parseLong(at);
        if (n <= 0) {
            return "ERR numkeys should be greater than 0";
        }
        return "ERR Number of keys can't be greater than number of args";
    }
}

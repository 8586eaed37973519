package io.heliosdb.keyspace.ops;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.collection.ByteKey;
import io.heliosdb.keyspace.collection.SetValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Operations on set values, run on the shard that owns the key. A missing key reads as an empty
 * set; a write to a missing key creates it; a set left empty is deleted. {@code maxIntset} is
 * Redis' set-max-intset-entries, which decides the encoding (and so the order) a set reports.
 */
public final class SetOps {
    /** The set algebra of SINTER, SUNION and SDIFF (and their STORE forms, SINTERCARD). */
    public enum Algebra { INTER, UNION, DIFF }

    private SetOps() {}

    /** SADD: the members {@code m[from..to)} added, the count of new ones to {@code out}; WRONGTYPE. */
    public static OpStatus sadd(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList m, int from, int to, int maxIntset,
            ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.SET, new SetValue(), 0);
        }
        SetValue s = (SetValue) ks.object(e);
        MemorySegment seg = m.segment();
        int added = 0;
        for (int i = from; i < to; i++) {
            if (s.add(seg, m.offset(i), m.length(i))) { // no per-member objects
                s.checkIntset(maxIntset);
                added++;
            }
        }
        if (added > 0) { // nothing new: not a change (persistence, WATCH, notifications)
            ks.objectChanged(e);
        }
        out.integer(added);
        return OpStatus.OK;
    }

    /** SREM: the members {@code m[from..to)} removed, their count to {@code out}; WRONGTYPE. */
    public static OpStatus srem(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList m, int from, int to, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            out.integer(0);
            return OpStatus.OK;
        }
        if (ks.type(e) != ValueType.SET) {
            return OpStatus.WRONGTYPE;
        }
        SetValue s = (SetValue) ks.object(e);
        MemorySegment seg = m.segment();
        int removed = 0;
        for (int i = from; i < to && s.size() > 0; i++) {
            if (s.remove(seg, m.offset(i), m.length(i))) { // no per-member objects
                removed++;
            }
        }
        if (removed > 0) {
            TypedEntries.changed(ks, e);
        }
        out.integer(removed);
        return OpStatus.OK;
    }

    /** SISMEMBER: 1 or 0 to {@code out}; WRONGTYPE. */
    public static OpStatus sismember(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen,
            MemorySegment mSeg, long mOff, int mLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e != Keyspace.NONE && ((SetValue) ks.object(e)).contains(mSeg, mOff, mLen) ? 1 : 0);
        return OpStatus.OK;
    }

    /** SMISMEMBER: an array of 1 or 0 for each of the members {@code m[from..to)}; WRONGTYPE. */
    public static OpStatus smismember(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ElementList m, int from, int to,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        SetValue s = e == Keyspace.NONE ? null : (SetValue) ks.object(e);
        MemorySegment seg = m.segment();
        out.array(to - from);
        for (int i = from; i < to; i++) {
            out.integer(s != null && s.contains(seg, m.offset(i), m.length(i)) ? 1 : 0);
        }
        return OpStatus.OK;
    }

    /** SCARD: the number of members (0 for a missing key) to {@code out}; WRONGTYPE. */
    public static OpStatus scard(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(e == Keyspace.NONE ? 0 : ks.object(e).size());
        return OpStatus.OK;
    }

    /** SMEMBERS: a set of every member in the set's order, empty for a missing key; WRONGTYPE. */
    public static OpStatus smembers(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.set(0);
        } else {
            members((SetValue) ks.object(e), out);
        }
        return OpStatus.OK;
    }

    /** A set of every member of {@code s}, in its order. */
    public static void members(SetValue s, ValueSink out) {
        members(s.members(), out);
    }

    private static void members(List<ByteKey> members, ValueSink out) {
        out.set(members.size());
        for (ByteKey m : members) {
            out.bulk(m.bytes);
        }
    }

    /** SPOP without a count: one random member removed and to {@code out}; NOT_FOUND or WRONGTYPE. */
    public static OpStatus pop(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, RandomGenerator random, ValueSink out) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.SET) {
            return OpStatus.WRONGTYPE;
        }
        SetValue s = (SetValue) ks.object(e);
        ByteKey m = s.random(random);
        s.remove(m);
        TypedEntries.changed(ks, e);
        out.bulk(m.bytes);
        return OpStatus.OK;
    }

    /**
     * SPOP with a count (not negative): up to {@code count} random members removed, a set of them
     * to {@code out} (the whole set, in its order, when it has no more; empty for a missing key);
     * WRONGTYPE.
     */
    public static OpStatus pop(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long count, RandomGenerator random, ValueSink out) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE || count == 0) {
            out.set(0);
            return OpStatus.OK;
        }
        SetValue s = (SetValue) ks.object(e);
        if (count >= s.size()) {
            // The whole set, in its own order (Redis replies with the set and deletes the key).
            List<ByteKey> all = s.members();
            ks.deleteEntry(e);
            members(all, out);
            return OpStatus.OK;
        }
        List<ByteKey> popped = new ArrayList<>();
        while (popped.size() < count && s.size() > 0) {
            ByteKey m = s.random(random);
            s.remove(m);
            popped.add(m);
        }
        TypedEntries.changed(ks, e);
        members(popped, out);
        return OpStatus.OK;
    }

    /** SRANDMEMBER without a count: one random member to {@code out}; NOT_FOUND or WRONGTYPE. */
    public static OpStatus randomMember(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, RandomGenerator random,
            ValueSink out) {
        long e = reads.lookupRead(ks, kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.SET) {
            return OpStatus.WRONGTYPE;
        }
        out.bulk(((SetValue) ks.object(e)).random(random).bytes);
        return OpStatus.OK;
    }

    /**
     * SRANDMEMBER with a count: an array of {@code count} distinct random members (all when the
     * set has fewer), or, when negative, of -count picks that may repeat; empty for a missing key.
     * WRONGTYPE.
     */
    public static OpStatus randomMembers(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long count,
            RandomGenerator random, ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            out.array(0);
            return OpStatus.OK;
        }
        SetValue s = (SetValue) ks.object(e);
        if (count < 0) {
            out.array((int) -count);
            for (long i = 0; i < -count; i++) {
                out.bulk(s.random(random).bytes);
            }
            return OpStatus.OK;
        }
        if (count < s.size() / 3) {
            // few of many: random distinct picks, no pass over the whole set
            LinkedHashSet<Integer> picked = new LinkedHashSet<>();
            while (picked.size() < count) {
                picked.add(random.nextInt(s.size()));
            }
            out.array(picked.size());
            for (int i : picked) {
                out.bulk(s.at(i).bytes);
            }
            return OpStatus.OK;
        }
        List<ByteKey> all = new ArrayList<>(s.members());
        if (count < all.size()) {
            Collections.shuffle(all, new Random(random.nextLong()));
            all = all.subList(0, (int) count);
        }
        out.array(all.size());
        for (ByteKey m : all) {
            out.bulk(m.bytes);
        }
        return OpStatus.OK;
    }

    /** Whether the key holds a set: OK, NOT_FOUND or WRONGTYPE (SSCAN looks before it reads its options). */
    public static OpStatus check(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        return e == TypedEntries.WRONG ? OpStatus.WRONGTYPE : e == Keyspace.NONE ? OpStatus.NOT_FOUND : OpStatus.OK;
    }

    /** SSCAN: one step from {@code cursor} ({@link CollectionScan#step}); a missing key scans as empty. WRONGTYPE. */
    public static OpStatus scan(KeyReads reads, Keyspace ks, MemorySegment kSeg, long kOff, int kLen, long cursor, int count, byte[] pattern,
            ValueSink out) {
        long e = TypedEntries.read(reads, ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            CollectionScan.empty(out);
            return OpStatus.OK;
        }
        SetValue s = (SetValue) ks.object(e);
        CollectionScan.step(out, cursor, count, pattern, s.members(), s.intset(), m -> m, 1, (w, m) -> w.bulk(m.bytes), s.size());
        return OpStatus.OK;
    }

    /**
     * The set algebra over source sets (null = a missing key); a new set, not stored anywhere.
     * Members are added under {@code maxIntset} as Redis' SINTERSTORE and co. build their result.
     */
    public static SetValue combine(Algebra op, SetValue[] sets, int maxIntset) {
        SetValue result = new SetValue();
        switch (op) {
            case INTER -> {
                SetValue smallest = null;
                for (SetValue s : sets) {
                    if (s == null) {
                        return result;
                    }
                    if (smallest == null || s.size() < smallest.size()) {
                        smallest = s;
                    }
                }
                outer:
                for (ByteKey m : smallest.members()) {
                    for (SetValue s : sets) {
                        if (s != smallest && !s.contains(m)) {
                            continue outer;
                        }
                    }
                    add(result, m, maxIntset);
                }
            }
            case UNION -> {
                for (SetValue s : sets) {
                    if (s != null) {
                        for (ByteKey m : s.members()) {
                            add(result, m, maxIntset);
                        }
                    }
                }
            }
            case DIFF -> {
                if (sets[0] == null) {
                    return result;
                }
                outer:
                for (ByteKey m : sets[0].members()) {
                    for (int i = 1; i < sets.length; i++) {
                        if (sets[i] != null && sets[i].contains(m)) {
                            continue outer;
                        }
                    }
                    add(result, m, maxIntset);
                }
            }
        }
        return result;
    }

    /** SINTERCARD: the size of the intersection of {@code sets} (null = missing), at most {@code limit} unless 0. */
    public static long interCard(SetValue[] sets, long limit) {
        long card = combine(Algebra.INTER, sets, Integer.MAX_VALUE).size();
        return limit > 0 ? Math.min(card, limit) : card;
    }

    /**
     * SINTERCARD over gathered sources ({@link KeySources}: null = missing): the size of their
     * intersection, at most {@code limit} unless 0, to {@code out}; WRONGTYPE when one is of another type.
     */
    public static OpStatus interCard(Object[] sources, long limit, ValueSink out) {
        SetValue[] sets = sets(sources);
        if (sets == null) {
            return OpStatus.WRONGTYPE;
        }
        out.integer(interCard(sets, limit));
        return OpStatus.OK;
    }

    /**
     * SINTER, SUNION, SDIFF over gathered sources ({@link KeySources}: null = missing): a set of the
     * result's members, in the order of the set built under {@code maxIntset}, to {@code out};
     * WRONGTYPE when one is of another type.
     */
    public static OpStatus algebra(Algebra op, Object[] sources, int maxIntset, ValueSink out) {
        SetValue[] sets = sets(sources);
        if (sets == null) {
            return OpStatus.WRONGTYPE;
        }
        members(combine(op, sets, maxIntset), out);
        return OpStatus.OK;
    }

    /**
     * SINTERSTORE, SUNIONSTORE, SDIFFSTORE: the algebra over gathered sources ({@link KeySources}:
     * null = missing) stored at the key under {@code maxIntset}, replacing it (deleting it when the
     * result is empty); the result's size to {@code out}. WRONGTYPE (nothing stored) when a source
     * is of another type.
     */
    public static OpStatus store(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, Algebra op, Object[] sources, int maxIntset,
            ValueSink out) {
        SetValue[] sets = sets(sources);
        if (sets == null) {
            return OpStatus.WRONGTYPE;
        }
        SetValue result = combine(op, sets, maxIntset); // built before the store: the destination may be a source
        KeySources.storeCollection(ks, kSeg, kOff, kLen, ValueType.SET, result);
        out.integer(result.size());
        return OpStatus.OK;
    }

    /** Gathered sources as sets (null = missing), or null when one is {@link KeySources#WRONG_TYPE}. */
    public static SetValue[] sets(Object[] sources) {
        SetValue[] sets = new SetValue[sources.length];
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] == KeySources.WRONG_TYPE) {
                return null;
            }
            sets[i] = (SetValue) sources[i];
        }
        return sets;
    }

    /**
     * SMOVE's look at the source: OK when it is a set, NOT_FOUND when missing (nothing moves),
     * WRONGTYPE.
     */
    public static OpStatus moveSource(Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        return ks.type(e) == ValueType.SET ? OpStatus.OK : OpStatus.WRONGTYPE;
    }

    /** SMOVE's look at the destination: WRONGTYPE when it holds another type, else OK. */
    public static OpStatus moveDestination(Keyspace ks, MemorySegment kSeg, long kOff, int kLen) {
        long e = ks.find(kSeg, kOff, kLen);
        return e != Keyspace.NONE && ks.type(e) != ValueType.SET ? OpStatus.WRONGTYPE : OpStatus.OK;
    }

    /** Whether the set at the key has the member: OK, NOT_FOUND (no such member or key), WRONGTYPE. */
    public static OpStatus hasMember(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg, long mOff, int mLen) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.SET) {
            return OpStatus.WRONGTYPE;
        }
        return ((SetValue) ks.object(e)).contains(mSeg, mOff, mLen) ? OpStatus.OK : OpStatus.NOT_FOUND;
    }

    /** Removes one member (SMOVE's take): OK when it was there, NOT_FOUND, WRONGTYPE. */
    public static OpStatus removeMember(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, MemorySegment mSeg, long mOff, int mLen) {
        long e = ks.find(kSeg, kOff, kLen);
        if (e == Keyspace.NONE) {
            return OpStatus.NOT_FOUND;
        }
        if (ks.type(e) != ValueType.SET) {
            return OpStatus.WRONGTYPE;
        }
        if (!((SetValue) ks.object(e)).remove(mSeg, mOff, mLen)) {
            return OpStatus.NOT_FOUND;
        }
        TypedEntries.changed(ks, e);
        return OpStatus.OK;
    }

    /** Adds one member, creating the set (SMOVE's give): OK (also when it was there), WRONGTYPE. */
    public static OpStatus addMember(Keyspace ks, MemorySegment kSeg, long kOff, int kLen, byte[] member, int maxIntset) {
        long e = TypedEntries.write(ks, kSeg, kOff, kLen, ValueType.SET);
        if (e == TypedEntries.WRONG) {
            return OpStatus.WRONGTYPE;
        }
        if (e == Keyspace.NONE) {
            e = ks.putObject(kSeg, kOff, kLen, ValueType.SET, new SetValue(), 0);
        }
        add((SetValue) ks.object(e), new ByteKey(member), maxIntset);
        ks.objectChanged(e);
        return OpStatus.OK;
    }

    /** Adds with Redis' intset→hashtable rule. */
    public static boolean add(SetValue s, ByteKey m, int maxIntset) {
        boolean added = s.add(m);
        if (added) {
            s.checkIntset(maxIntset);
        }
        return added;
    }
}

package io.heliosdb.index.collection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A Redis set: members in a dense array (O(1) random member for SPOP/SRANDMEMBER) plus an index
 * from member to position. {@link #intset} mirrors Redis' encoding: integers only and few of them,
 * in which case members iterate in numeric order as Redis' intset does.
 */
public final class SetValue extends Versioned {
    private static final byte[] NO_VALUE = new byte[0];

    private final ArrayList<ByteKey> members = new ArrayList<>();
    private final HashMap<ByteKey, Integer> index = new HashMap<>();
    private boolean intset = true;
    private long bytes = 64;

    public boolean contains(ByteKey m) {
        return index.containsKey(m);
    }

    public boolean add(ByteKey m) {
        if (index.putIfAbsent(m, members.size()) != null) {
            return false;
        }
        members.add(m);
        journal(m.bytes, NO_VALUE);
        bytes += ByteKey.overhead(m.bytes.length) + 48;
        if (intset && !isIntsetMember(m.bytes)) {
            intset = false; // as Redis: one non-integer member ends the intset for good
        }
        return true;
    }

    public boolean remove(ByteKey m) {
        Integer i = index.remove(m);
        if (i == null) {
            return false;
        }
        journal(m.bytes, null);
        ByteKey last = members.remove(members.size() - 1);
        if (i < members.size()) {
            members.set(i, last);
            index.put(last, i);
        }
        bytes -= ByteKey.overhead(m.bytes.length) + 48;
        return true;
    }

    public ByteKey random(RandomGenerator r) {
        return members.get(r.nextInt(members.size()));
    }

    public ByteKey at(int i) {
        return members.get(i);
    }

    /** Members in Redis' iteration order for this encoding (numeric for an intset). */
    public List<ByteKey> members() {
        if (!intset) {
            return members;
        }
        List<ByteKey> sorted = new ArrayList<>(members);
        sorted.sort((a, b) -> Long.compare(parse(a.bytes), parse(b.bytes)));
        return sorted;
    }

    public boolean intset() {
        return intset;
    }

    /** Applies Redis' size rule after an add: too many members end the intset. */
    public void checkIntset(ByteKey m, int maxIntsetEntries) {
        if (intset && members.size() > maxIntsetEntries) {
            intset = false;
        }
    }

    /** Sets the encoding of a loaded set; an intset only when every member is an integer. */
    public void intset(boolean v) {
        if (v) {
            for (ByteKey m : members) {
                if (!isIntsetMember(m.bytes)) {
                    return;
                }
            }
        }
        intset = v;
    }

    /** Canonical decimal of a 64-bit integer (what Redis' string2ll accepts for an intset). */
    public static boolean isIntsetMember(byte[] b) {
        if (b.length == 0 || b.length > 20) {
            return false;
        }
        try {
            long v = Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
            return Long.toString(v).length() == b.length && (b[0] != '+');
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long parse(byte[] b) {
        return Long.parseLong(new String(b, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public long memoryBytes() {
        return bytes;
    }

    @Override
    public int size() {
        return members.size();
    }

    @Override
    public void forEachElement(java.util.function.BiConsumer<byte[], byte[]> element) {
        for (ByteKey m : members) {
            element.accept(m.bytes, NO_VALUE);
        }
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        add(new ByteKey(member));
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue();
        for (ByteKey m : members) {
            s.add(m);
        }
        s.intset = intset;
        return s;
    }
}

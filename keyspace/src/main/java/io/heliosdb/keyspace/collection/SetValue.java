package io.heliosdb.keyspace.collection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * A Redis set over a {@link PackedDict}: no Java object per member, dense entries for an O(1)
 * random member (SPOP/SRANDMEMBER). {@link #intset} mirrors Redis' encoding: integers only and few of them,
 * in which case members iterate in numeric order as Redis' intset does.
 */
public final class SetValue extends Versioned {
    private static final byte[] NO_VALUE = new byte[0];

    private final PackedDict dict;
    private boolean intset = true;

    public SetValue() {
        this(new PackedDict());
    }

    private SetValue(PackedDict dict) {
        this.dict = dict;
    }

    public boolean contains(ByteKey m) {
        return dict.find(m.bytes, PackedDict.hash(m)) >= 0;
    }

    /** Membership of a member given in a request's segment (no copy). */
    public boolean contains(MemorySegment seg, long off, int len) {
        return dict.find(seg, off, len, PackedDict.hash(seg, off, len)) >= 0;
    }

    /** Adds a member given in a request's segment; copies only into the record (and the journal). */
    public boolean add(MemorySegment seg, long off, int len) {
        int h = PackedDict.hash(seg, off, len);
        if (dict.find(seg, off, len, h) >= 0) {
            return false;
        }
        dict.insert(seg, off, len, h, 0, 0);
        if (journal() != null) {
            journal(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), NO_VALUE);
        }
        if (intset && !isIntsetMember(seg, off, len)) {
            intset = false; // as Redis: one non-integer member ends the intset for good
        }
        return true;
    }

    public boolean add(ByteKey m) {
        int h = PackedDict.hash(m);
        if (dict.find(m.bytes, h) >= 0) {
            return false;
        }
        dict.insert(m.bytes, h, NO_VALUE);
        journal(m.bytes, NO_VALUE);
        if (intset && !isIntsetMember(m.bytes)) {
            intset = false; // as Redis: one non-integer member ends the intset for good
        }
        return true;
    }

    /** Removes a member given in a request's segment (copied only for the journal); true when it was there. */
    public boolean remove(MemorySegment seg, long off, int len) {
        int e = dict.find(seg, off, len, PackedDict.hash(seg, off, len));
        if (e < 0) {
            return false;
        }
        if (journal() != null) {
            journal(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), null);
        }
        dict.remove(e, false);
        return true;
    }

    public boolean remove(ByteKey m) {
        int e = dict.find(m.bytes, PackedDict.hash(m));
        if (e < 0) {
            return false;
        }
        journal(m.bytes, null);
        dict.remove(e, false);
        return true;
    }

    public ByteKey random(RandomGenerator r) {
        return at(r.nextInt(dict.size()));
    }

    public ByteKey at(int i) {
        return new ByteKey(dict.key(i));
    }

    /** Members in Redis' iteration order for this encoding (numeric for an intset); a copy. */
    public List<ByteKey> members() {
        List<ByteKey> all = new ArrayList<>(dict.size());
        for (int i = 0; i < dict.size(); i++) {
            all.add(new ByteKey(dict.key(i)));
        }
        if (intset) {
            all.sort((a, b) -> Long.compare(parse(a.bytes), parse(b.bytes)));
        }
        return all;
    }

    public boolean intset() {
        return intset;
    }

    /** Applies Redis' size rule after an add: too many members end the intset. */
    public void checkIntset(int maxIntsetEntries) {
        if (intset && dict.size() > maxIntsetEntries) {
            intset = false;
        }
    }

    /** Sets the encoding of a loaded set; an intset only when every member is an integer. */
    public void intset(boolean v) {
        if (v) {
            for (int i = 0; i < dict.size(); i++) {
                if (!isIntsetMember(dict.key(i))) {
                    return;
                }
            }
        }
        intset = v;
    }

    /** Canonical decimal of a 64-bit integer (what Redis' string2ll accepts for an intset). */
    public static boolean isIntsetMember(byte[] b) {
        return isIntsetMember(MemorySegment.ofArray(b), 0, b.length);
    }

    /** As {@link #isIntsetMember(byte[])}, read in place: no leading zeros or '+', no "-0", within 64 bits. */
    public static boolean isIntsetMember(MemorySegment s, long off, int len) {
        if (len == 0 || len > 20) {
            return false;
        }
        int i = 0;
        boolean negative = s.get(ValueLayout.JAVA_BYTE, off) == '-';
        if (negative) {
            if (len == 1) {
                return false;
            }
            i = 1;
        }
        if (s.get(ValueLayout.JAVA_BYTE, off + i) == '0') {
            return len == 1; // "0" only: "-0" and leading zeros are not canonical
        }
        long v = 0; // accumulated negatively, so that Long.MIN_VALUE fits
        for (; i < len; i++) {
            int d = s.get(ValueLayout.JAVA_BYTE, off + i) - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        return negative || v != Long.MIN_VALUE;
    }

    private static long parse(byte[] b) {
        return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
    }

    @Override
    public long memoryBytes() {
        return 32 + dict.memoryBytes();
    }

    @Override
    public int size() {
        return dict.size();
    }

    @Override
    public void forEachElement(BiConsumer<byte[], byte[]> element) {
        for (int i = 0; i < dict.size(); i++) {
            element.accept(dict.key(i), NO_VALUE);
        }
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        add(new ByteKey(member));
    }

    @Override
    public SetValue copy() {
        SetValue s = new SetValue(dict.copy());
        s.intset = intset;
        return s;
    }
}

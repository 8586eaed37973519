package io.heliosdb.keyspace.collection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * A Redis hash over a {@link PackedDict} (no Java object per field). While {@link #compact} (Redis'
 * listpack) removals keep insertion order, so a small hash iterates as Redis' listpack does; once it
 * is a hashtable in Redis' terms, removals are O(1) and order is unspecified, as in Redis.
 */
public final class HashValue extends Versioned {
    private final PackedDict dict;
    private boolean compact = true;

    public HashValue() {
        this(new PackedDict());
    }

    private HashValue(PackedDict dict) {
        this.dict = dict;
    }

    /** The field's entry index (its bytes through {@link #dict}), or -1. */
    public int find(ByteKey field) {
        return dict.find(field.bytes, PackedDict.hash(field));
    }

    /** The entry of a field given in a request's segment (no copy), or -1. */
    public int find(MemorySegment seg, long off, int len) {
        return dict.find(seg, off, len, PackedDict.hash(seg, off, len));
    }

    /**
     * Sets a field from a request's segment (field and value there): copies only into the record,
     * plus the journal's copies when persisted element by element. True when the field was new.
     */
    public boolean put(MemorySegment seg, long fieldOff, int fieldLen, long valueOff, int valueLen) {
        int h = PackedDict.hash(seg, fieldOff, fieldLen);
        int e = dict.find(seg, fieldOff, fieldLen, h);
        if (journal() != null) {
            journal(seg.asSlice(fieldOff, fieldLen).toArray(ValueLayout.JAVA_BYTE),
                    seg.asSlice(valueOff, valueLen).toArray(ValueLayout.JAVA_BYTE));
        }
        if (e < 0) {
            dict.insert(seg, fieldOff, fieldLen, h, valueOff, valueLen);
            return true;
        }
        dict.setValue(e, seg, valueOff, valueLen);
        return false;
    }

    public byte[] get(ByteKey field) {
        int e = find(field);
        return e < 0 ? null : dict.value(e);
    }

    /** Sets a field; true when it was new. */
    public boolean put(ByteKey field, byte[] value) {
        int h = PackedDict.hash(field);
        int e = dict.find(field.bytes, h);
        journal(field.bytes, value);
        if (e < 0) {
            dict.insert(field.bytes, h, value);
            return true;
        }
        dict.setValue(e, value);
        return false;
    }

    /** Removes a field given in a request's segment (copied only for the journal); true when it was there. */
    public boolean remove(MemorySegment seg, long off, int len) {
        int e = find(seg, off, len);
        if (e < 0) {
            return false;
        }
        if (journal() != null) {
            journal(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), null);
        }
        dict.remove(e, compact);
        return true;
    }

    public boolean remove(ByteKey field) {
        int e = find(field);
        if (e < 0) {
            return false;
        }
        journal(field.bytes, null);
        dict.remove(e, compact);
        return true;
    }

    /** The packed storage, for writing fields and values without copying them. */
    public PackedDict dict() {
        return dict;
    }

    /** Fields and values in iteration order (copies; each entry is made on demand). */
    public Iterable<Map.Entry<ByteKey, byte[]>> entries() {
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < dict.size();
            }

            @Override
            public Map.Entry<ByteKey, byte[]> next() {
                if (i >= dict.size()) {
                    throw new NoSuchElementException();
                }
                int e = i++;
                return new AbstractMap.SimpleImmutableEntry<>(new ByteKey(dict.key(e)), dict.value(e));
            }
        };
    }

    /** Listpack in Redis' terms (small): false once the hash outgrew the limits. */
    public boolean compact() {
        return compact;
    }

    /** Applies Redis' conversion rule after a write of a field/value of these lengths. */
    public void checkCompact(int maxEntries, int maxValue, int fieldLen, int valueLen) {
        if (compact && (dict.size() > maxEntries || fieldLen > maxValue || valueLen > maxValue)) {
            compact = false;
        }
    }

    public void compact(boolean c) {
        compact = c;
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
            element.accept(dict.key(i), dict.value(i));
        }
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        put(new ByteKey(member), value);
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue(dict.copy());
        h.compact = compact;
        return h;
    }
}

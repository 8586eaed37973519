package io.heliosdb.index.collection;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Redis hash. Insertion-ordered, so that a small hash iterates like Redis' listpack; {@link #compact}
 * mirrors Redis' encoding choice (listpack until a threshold is crossed, then hashtable for good).
 */
public final class HashValue extends Versioned {
    private final LinkedHashMap<ByteKey, byte[]> map = new LinkedHashMap<>();
    private boolean compact = true;
    private long bytes = 64;

    public byte[] get(ByteKey field) {
        return map.get(field);
    }

    /** Sets a field; true when it was new. */
    public boolean put(ByteKey field, byte[] value) {
        byte[] old = map.put(field, value);
        journal(field.bytes, value);
        if (old == null) {
            bytes += ByteKey.overhead(field.bytes.length) + 16 + 32 + value.length;
            return true;
        }
        bytes += value.length - old.length;
        return false;
    }

    public boolean remove(ByteKey field) {
        byte[] old = map.remove(field);
        if (old != null) {
            journal(field.bytes, null);
            bytes -= ByteKey.overhead(field.bytes.length) + 16 + 32 + old.length;
            return true;
        }
        return false;
    }

    public Iterable<Map.Entry<ByteKey, byte[]>> entries() {
        return map.entrySet();
    }

    /** Listpack in Redis' terms (small): false once the hash outgrew the limits. */
    public boolean compact() {
        return compact;
    }

    /** Applies Redis' conversion rule after a write of a field/value of these lengths. */
    public void checkCompact(int maxEntries, int maxValue, int fieldLen, int valueLen) {
        if (compact && (map.size() > maxEntries || fieldLen > maxValue || valueLen > maxValue)) {
            compact = false;
        }
    }

    public void compact(boolean c) {
        compact = c;
    }

    @Override
    public long memoryBytes() {
        return bytes;
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void forEachElement(java.util.function.BiConsumer<byte[], byte[]> element) {
        map.forEach((k, v) -> element.accept(k.bytes, v));
    }

    @Override
    public void loadElement(byte[] member, byte[] value) {
        put(new ByteKey(member), value);
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        h.map.putAll(map);
        h.compact = compact;
        h.bytes = bytes;
        return h;
    }
}

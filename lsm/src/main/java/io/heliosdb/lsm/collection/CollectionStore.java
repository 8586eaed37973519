package io.heliosdb.lsm.collection;

import io.heliosdb.lsm.engine.LsmEngine;
import io.heliosdb.lsm.engine.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The collection encoding on an LSM engine (hashes, sets, sorted sets, lists and streams build on
 * it): a metadata record per collection plus one record per element, keyed with the collection's
 * version, so that
 * <ul>
 *   <li>adding, changing or removing one element writes one element record and the metadata record
 *   (O(1) I/O, whatever the collection's size);</li>
 *   <li>deleting a whole collection writes two records (its metadata's delete and a "dead version"
 *   mark): O(1), not one tombstone per element;</li>
 *   <li>a collection deleted and created again gets a new version, so the old elements never show
 *   through; compaction drops them ({@link #isGarbage}, for the engine's compaction filter), and
 *   after a full compaction the dead-version marks themselves go ({@link #forgetDeadVersions});</li>
 *   <li>elements of one collection version are one key range, in member order: point reads, range
 *   scans and prefix scans are engine scans.</li>
 * </ul>
 *
 * <pre>
 * [ns]'M' key                                  -> version u64, count u64      (metadata)
 * [ns]'E' keyLength u32 key version u64 member -> element value              (elements)
 * [ns]'D' version u64                          -> (empty)                    (dead version mark)
 * [ns]'V'                                      -> next version u64           (version counter)
 * </pre>
 * All integers big-endian, so that byte order is numeric order. {@code ns} is the caller's namespace
 * (the server's space of a database). Writes go into the caller's {@link WriteBatch} so they commit
 * with everything else of the same turn; reads (including the membership check of {@link #put} and
 * {@link #remove}) see the engine, so the batch must be written to the engine before the next
 * operation on the same collection (or the caller keeps the membership itself, as an in-RAM
 * collection will). Owner thread, except {@link #isGarbage} (any thread).
 */
public final class CollectionStore {
    /** One collection's metadata. */
    public record Meta(long version, long count) {}

    private final LsmEngine engine;
    private final byte[] ns;
    private long nextVersion = 1;
    private final Set<Long> deadVersions = ConcurrentHashMap.newKeySet();

    /** Opens the collections of namespace {@code ns}: reads the version counter and the dead-version marks. */
    public CollectionStore(LsmEngine engine, byte[] ns) throws IOException {
        this.engine = engine;
        this.ns = ns.clone();
        byte[] v = engine.get(kindKey('V'));
        if (v != null) {
            nextVersion = ByteBuffer.wrap(v).getLong();
        }
        byte[] deadPrefix = kindKey('D');
        for (byte[][] kv : engine.scanPrefix(deadPrefix, Integer.MAX_VALUE)) {
            deadVersions.add(ByteBuffer.wrap(kv[0], deadPrefix.length, 8).getLong());
        }
    }

    private byte[] kindKey(char kind) {
        byte[] k = Arrays.copyOf(ns, ns.length + 1);
        k[ns.length] = (byte) kind;
        return k;
    }

    private byte[] metaKey(byte[] key) {
        ByteBuffer b = ByteBuffer.allocate(ns.length + 1 + key.length);
        return b.put(ns).put((byte) 'M').put(key).array();
    }

    /** The prefix of every element of one collection version. */
    private byte[] elementPrefix(byte[] key, long version) {
        ByteBuffer b = ByteBuffer.allocate(ns.length + 1 + 4 + key.length + 8);
        return b.put(ns).put((byte) 'E').putInt(key.length).put(key).putLong(version).array();
    }

    private byte[] elementKey(byte[] key, long version, byte[] member) {
        byte[] p = elementPrefix(key, version);
        byte[] k = Arrays.copyOf(p, p.length + member.length);
        System.arraycopy(member, 0, k, p.length, member.length);
        return k;
    }

    private static byte[] metaValue(Meta m) {
        return ByteBuffer.allocate(16).putLong(m.version).putLong(m.count).array();
    }

    // ---- metadata --------------------------------------------------------------------------------

    /** The collection's metadata, or null when it does not exist. */
    public Meta meta(byte[] key) throws IOException {
        byte[] v = engine.get(metaKey(key));
        if (v == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Meta(b.getLong(), b.getLong());
    }

    /** Creates an empty collection with a version never used before in this namespace. */
    public Meta create(WriteBatch batch, byte[] key) {
        Meta m = new Meta(nextVersion++, 0);
        batch.put(kindKey('V'), ByteBuffer.allocate(8).putLong(nextVersion).array());
        batch.put(metaKey(key), metaValue(m));
        return m;
    }

    /** Deletes the whole collection in O(1): its metadata and a dead-version mark; compaction removes the elements. */
    public void drop(WriteBatch batch, byte[] key, Meta m) {
        batch.delete(metaKey(key));
        byte[] mark = ByteBuffer.allocate(ns.length + 1 + 8).put(ns).put((byte) 'D').putLong(m.version).array();
        batch.put(mark, new byte[0]);
        deadVersions.add(m.version);
    }

    // ---- elements --------------------------------------------------------------------------------

    public byte[] get(byte[] key, Meta m, byte[] member) throws IOException {
        return engine.get(elementKey(key, m.version, member));
    }

    /** Sets one element; returns the new metadata (count + 1 when the member is new). One read, two records. */
    public Meta put(WriteBatch batch, byte[] key, Meta m, byte[] member, byte[] value) throws IOException {
        byte[] k = elementKey(key, m.version, member);
        boolean isNew = engine.get(k) == null;
        batch.put(k, value);
        Meta after = isNew ? new Meta(m.version, m.count + 1) : m;
        if (isNew) {
            batch.put(metaKey(key), metaValue(after));
        }
        return after;
    }

    /** Removes one element; returns the new metadata (unchanged when the member was absent). */
    public Meta remove(WriteBatch batch, byte[] key, Meta m, byte[] member) throws IOException {
        byte[] k = elementKey(key, m.version, member);
        if (engine.get(k) == null) {
            return m;
        }
        batch.delete(k);
        Meta after = new Meta(m.version, m.count - 1);
        batch.put(metaKey(key), metaValue(after));
        return after;
    }

    /** Up to {@code limit} elements with members in [from, to) (null: open), in member order; each {member, value}. */
    public List<byte[][]> range(byte[] key, Meta m, byte[] from, byte[] to, int limit) throws IOException {
        byte[] p = elementPrefix(key, m.version);
        byte[] start = from == null ? p : concat(p, from);
        byte[] end = to == null ? LsmEngine.prefixEnd(p) : concat(p, to);
        List<byte[][]> out = new ArrayList<>();
        for (byte[][] kv : engine.scan(start, end, limit)) {
            out.add(new byte[][]{Arrays.copyOfRange(kv[0], p.length, kv[0].length), kv[1]});
        }
        return out;
    }

    /** Elements whose member starts with {@code memberPrefix}, in member order. */
    public List<byte[][]> prefix(byte[] key, Meta m, byte[] memberPrefix, int limit) throws IOException {
        byte[] end = LsmEngine.prefixEnd(memberPrefix);
        return range(key, m, memberPrefix, end, limit);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- garbage ---------------------------------------------------------------------------------

    /** For the engine's compaction filter: an element of a deleted collection version. Any thread. */
    public boolean isGarbage(byte[] engineKey) {
        int p = ns.length;
        if (engineKey.length < p + 1 + 4 + 8 || engineKey[p] != 'E' || !Arrays.equals(engineKey, 0, p, ns, 0, p)) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(engineKey);
        int keyLength = b.getInt(p + 1);
        int versionAt = p + 1 + 4 + keyLength;
        if (keyLength < 0 || versionAt + 8 > engineKey.length) {
            return false;
        }
        return deadVersions.contains(b.getLong(versionAt));
    }

    /** Dead versions right now (take this before a full compaction, pass it to {@link #forgetDeadVersions} after). */
    public Set<Long> deadVersions() {
        return Set.copyOf(deadVersions);
    }

    /**
     * After a full compaction that began when {@code dead} were the dead versions, none of their
     * elements remain: their marks are deleted and they are forgotten.
     */
    public void forgetDeadVersions(WriteBatch batch, Set<Long> dead) {
        for (long v : dead) {
            batch.delete(ByteBuffer.allocate(ns.length + 1 + 8).put(ns).put((byte) 'D').putLong(v).array());
            deadVersions.remove(v);
        }
    }
}

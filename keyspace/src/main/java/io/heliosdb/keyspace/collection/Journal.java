package io.heliosdb.keyspace.collection;

import java.util.ArrayList;
import java.util.function.BiConsumer;

/**
 * The element changes of a collection since its last commit, when it is persisted element by
 * element (large collections): each entry is a member and its new value, or null for a removal.
 * The persistence writes them as records and clears the journal; when a burst of changes outgrows
 * the collection itself the journal gives up ({@link #overflowed}) and the collection is written
 * whole under a new version instead.
 */
public final class Journal {
    private final ArrayList<byte[]> members = new ArrayList<>();
    private final ArrayList<byte[]> values = new ArrayList<>();
    private boolean overflowed;

    void put(byte[] member, byte[] value, int collectionSize) {
        if (overflowed) {
            return;
        }
        if (members.size() > Math.max(4096, 2L * collectionSize)) {
            overflowed = true;
            members.clear();
            values.clear();
            return;
        }
        members.add(member);
        values.add(value);
    }

    void remove(byte[] member, int collectionSize) {
        put(member, null, collectionSize);
    }

    /** Forces a rewrite of the whole collection at the next commit (a renumbering, for instance). */
    void overflow() {
        overflowed = true;
        members.clear();
        values.clear();
    }

    public boolean overflowed() {
        return overflowed;
    }

    /** Visits the changes in order (value null: removed). */
    public void forEach(BiConsumer<byte[], byte[]> change) {
        for (int i = 0; i < members.size(); i++) {
            change.accept(members.get(i), values.get(i));
        }
    }

    public void clear() {
        members.clear();
        values.clear();
        overflowed = false;
    }
}

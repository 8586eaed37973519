package io.heliosdb.keyspace.collection;

import java.util.function.BiConsumer;

/**
 * A collection value held by an {@link io.heliosdb.keyspace.ObjectTable}. Besides its Redis
 * semantics, a collection knows how it is persisted: small ones are written whole; a large one is
 * written once element by element under a version, then only its changes ({@link #journal}).
 */
public interface CollectionValue {
    /** Approximate bytes held (kept up to date incrementally: called after every change). */
    long memoryBytes();

    /** Elements (fields, members, items). A collection with none is deleted by the command that emptied it. */
    int size();

    /** A deep copy (COPY, and values that move between shards); not persisted yet (version 0). */
    CollectionValue copy();

    /** The version its elements are stored under, 0 while it is stored whole (or not yet). */
    long version();

    /** Stores the collection under {@code v} from now on: changes are journaled. */
    void version(long v);

    /** Changes since the last commit (null unless {@link #version} is set). */
    Journal journal();

    /** Every element in its stored form (member, value), for a full write. */
    void forEachElement(BiConsumer<byte[], byte[]> element);

    /** Adds one element read back in its stored form (loading; no journaling). */
    void loadElement(byte[] member, byte[] value);
}

package io.heliosdb.index.collection;

/** A collection value held by an {@link io.heliosdb.index.ObjectTable}. */
public interface CollectionValue {
    /** Approximate bytes held (kept up to date incrementally: called after every change). */
    long memoryBytes();

    /** Elements (fields, members, items). A collection with none is deleted by the command that emptied it. */
    int size();

    /** A deep copy (COPY, and values that move between shards). */
    CollectionValue copy();
}

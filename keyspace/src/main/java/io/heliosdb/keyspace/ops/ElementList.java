package io.heliosdb.keyspace.ops;

import java.lang.foreign.MemorySegment;

/**
 * The byte strings a multi-element operation reads (HSET's field/value pairs, SADD's members), in
 * place: a protocol's request arguments implement it, so no element is copied before the operation
 * stores it. An operation reads a range of it given by index.
 */
public interface ElementList {
    /** The segment every element lies in. */
    MemorySegment segment();

    long offset(int i);

    int length(int i);
}

package io.heliosdb.keyspace.ops;

import java.lang.foreign.MemorySegment;

/**
 * Where an operation puts its result: values in the order a reply lists them. RESP's writer is one
 * (so a value goes from the keyspace to the socket buffer without a copy); the SQL side will collect
 * rows. Aggregates announce their size first ({@link #array}, {@link #map}, {@link #set}).
 */
public interface ValueSink {
    void integer(long v);

    /** A byte string read from {@code seg}; the sink copies what it keeps before the call returns. */
    void bulk(MemorySegment seg, long off, int len);

    void bulk(byte[] b);

    /** A byte string held in {@code b[off, off + len)} (a collection's packed element), copied before the call returns. */
    default void bulk(byte[] b, int off, int len) {
        bulk(MemorySegment.ofArray(b), off, len);
    }

    /** A byte string holding the decimal text of {@code v} (how an INT-encoded string reads). */
    void bulkDecimal(long v);

    /** A double as its reply form (RESP2: a bulk string of Redis' %.17g text; RESP3: a double). */
    void doubleValue(double d);

    /** An absent value (nil). */
    void nullBulk();

    /** An absent aggregate. */
    void nullArray();

    void array(int n);

    /** {@code n} key/value pairs follow (2n values). */
    void map(int n);

    void set(int n);

    /**
     * {@code n} (member, score) pairs follow, each opened by {@link #pair} (ZRANGE WITHSCORES, ZPOPMIN
     * with a count, ...): RESP3 nests each pair in an array, RESP2 lists the 2n values flat.
     */
    default void pairs(int n) {
        array(2 * n);
    }

    /** The next pair of {@link #pairs} begins. */
    default void pair() {}

    void bool(boolean b);

    /** The plain success status (+OK). */
    void ok();
}

package io.heliosdb.keyspace.ops;

/**
 * What a data-type operation reports besides its result. Errors are values here; only the protocol
 * edge turns them into text (RESP: resp3's {@code command/StatusErrors}; SQL later: an SQLSTATE).
 * Add a constant when an operation needs a new outcome, and its rendering at every edge.
 */
public enum OpStatus {
    /** Done; the result (if any) went to the sink. */
    OK,
    /** The key (or the element the operation addresses) does not exist; nothing was written. */
    NOT_FOUND,
    /** A condition of the call (NX, XX, GT, LT, ...) did not hold; nothing changed. */
    NOT_APPLIED,
    /** The key holds a value of another type. */
    WRONGTYPE,
    /** A stored value or argument is not an integer, or is out of range for one. */
    NOT_INTEGER,
    /** A stored value or argument is not a valid float. */
    NOT_FLOAT,
    /** An increment or decrement would overflow. */
    OVERFLOW,
    /** The result would be NaN or infinite. */
    NAN_OR_INFINITY,
    /** The value would grow beyond the largest allowed size (proto-max-bulk-len / 512 MB). */
    TOO_LARGE,
    /** An index or offset is out of range. */
    OUT_OF_RANGE
}

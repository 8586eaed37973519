package io.heliosdb.resp.command;

import io.heliosdb.keyspace.ops.OpStatus;

/**
 * The one table from an operation's status to Redis' error text. Statuses that are not errors in
 * every command (NOT_FOUND, NOT_APPLIED) render per command and have no text here.
 */
public final class StatusErrors {
    private StatusErrors() {}

    /** Redis' error reply for {@code s}, or null when {@code s} is not an error by itself. */
    public static String text(OpStatus s) {
        return switch (s) {
            case OK, NOT_FOUND, NOT_APPLIED -> null;
            case WRONGTYPE -> Errors.WRONGTYPE;
            case NOT_INTEGER -> Errors.NOT_INTEGER;
            case NOT_FLOAT -> Errors.NOT_FLOAT;
            case OVERFLOW -> Errors.OVERFLOW;
            case NAN_OR_INFINITY -> Errors.INCR_NAN;
            case TOO_LARGE -> Errors.STRING_TOO_LONG;
            case OUT_OF_RANGE -> Errors.OFFSET_RANGE;
        };
    }
}

package io.heliosdb.keyspace;

/**
 * A value kept on disk could not be read back correctly (a damaged table block): the command on
 * that key fails with this message instead of returning wrong data; other keys are unaffected.
 */
public final class UnreadableValueException extends RuntimeException {
    public UnreadableValueException(String message, Throwable cause) {
        super(message, cause);
    }
}

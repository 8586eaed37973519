package io.heliosdb.lsm.sstable;

import java.io.IOException;

/** A block failed its checksum: its data is never served. */
public final class CorruptSSTableException extends IOException {
    public CorruptSSTableException(String message) {
        super(message);
    }
}

package io.heliosdb.lsm.wal;

import java.io.IOException;

/** Synced log data failed its checksum: the server refuses to start rather than lose or invent data. */
public final class CorruptWalException extends IOException {
    public CorruptWalException(String message) {
        super(message);
    }
}

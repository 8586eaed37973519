package io.heliosdb.lsm.engine;

import java.io.IOException;

/** Versions in internal order (key ascending, newest sequence first) from one memtable or table. */
interface VersionSource {
    boolean valid();

    byte[] key();

    long sequence();

    /** The value, or null for a tombstone. */
    byte[] value();

    void next() throws IOException;
}

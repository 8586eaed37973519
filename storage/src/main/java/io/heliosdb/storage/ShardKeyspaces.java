package io.heliosdb.storage;

import io.heliosdb.keyspace.ObjectTable;
import io.heliosdb.keyspace.OffHeapKeyspace;

/**
 * One shard's keyspaces as the storage sees them: the databases (each a namespace on disk), the
 * object table their collections live in, and the memory they use. Owned by the shard's thread.
 */
public interface ShardKeyspaces {
    int databases();

    /** Database {@code index}'s keyspace now (SWAPDB exchanges them; see {@link ShardStore#databasesSwapped}). */
    OffHeapKeyspace database(int index);

    ObjectTable objects();

    long usedMemory();

    /** Installs this shard's store (null: appendonly no). */
    void store(ShardStore store);
}

package io.heliosdb.storage;

import io.heliosdb.scheduler.ShardGroup;

/**
 * What the storage needs from the server it runs in: the shards, the clock, two settings, and where
 * to report its state. The protocols turn the reports into their own texts (RESP's MISCONF and OOM
 * errors), so nothing here names a protocol.
 */
public interface StorageHost {
    ShardGroup shards();

    /** Wall-clock milliseconds (the server's clock, which tests may move). */
    long nowMillis();

    /** The maxmemory setting in bytes (0: no limit), read when the storage opens. */
    long maxmemory();

    /** The appendfsync setting ("always", "everysec" or "no"), read per commit. */
    String appendfsync();

    /** The keyspaces' per-shard state the storage persists. */
    ShardKeyspaces keyspaces(int shard);

    /** A log cannot be written ({@code reason}) and writes must be refused, or (null) it can again. */
    void logUnwritable(String reason);

    /** Some shard is over its RAM budget with nothing left to move to disk (or no longer). */
    void outOfMemory(boolean over);

    /** A SAVE or BGSAVE completed at {@code epochSeconds}. */
    void saved(long epochSeconds);
}

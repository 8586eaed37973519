package io.heliosdb.resp.command;

/** Where a command runs. */
public enum Routing {
    /** On the shard that owns its keys (all keys must share a shard unless the handler is a {@link MultiShardCommand}). */
    KEYS,
    /** On the connection's own loop; may read and change the client's session, touches no shard data. */
    SESSION,
    /** Across every shard, through {@link MultiShardCommand#executeAcross}. */
    ALL_SHARDS
}

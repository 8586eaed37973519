package io.heliosdb.resp.command;

/**
 * A command that can span shards. {@link #execute} still serves the common case where every key
 * lives on one shard; {@link #executeAcross} coordinates the general case through a
 * {@link io.heliosdb.scheduler.ShardTransaction} and must end with {@link CrossShardCall#finish}.
 */
public interface MultiShardCommand extends Command {
    void executeAcross(CrossShardCall call);
}

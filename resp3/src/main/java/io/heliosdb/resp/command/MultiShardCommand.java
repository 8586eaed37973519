package io.heliosdb.resp.command;

import java.util.function.Consumer;

/**
 * A command that can span shards. {@link #execute} still serves the common case where every key
 * lives on one shard; {@link #executeAcross} coordinates the general case through a
 * {@link io.heliosdb.scheduler.ShardTransaction} and must end with {@link CrossShardCall#finish}.
 */
public interface MultiShardCommand extends Command {
    void executeAcross(CrossShardCall call);

    /** A command that always involves every shard (KEYS, DBSIZE, INFO...): it has no single-shard form. */
    static MultiShardCommand allShards(Consumer<CrossShardCall> body) {
        return new MultiShardCommand() {
            @Override
            public void execute(CommandContext ctx) {
                throw new AssertionError("routed to all shards, never to one");
            }

            @Override
            public void executeAcross(CrossShardCall call) {
                body.accept(call);
            }
        };
    }
}

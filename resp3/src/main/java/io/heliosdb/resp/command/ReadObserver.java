package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ShardState;

/**
 * Sees each step a read command of a client takes on a shard when the command runs across shards:
 * CLIENT TRACKING remembers the keys the client read there. The cross-shard call drives it through
 * this interface, so it does not name the tracking feature. Shard thread.
 */
public interface ReadObserver {
    Feature<ReadObserver> FEATURE = Feature.named("read observer");

    void read(ShardState shard, CommandSpec spec, Args args, ClientSession session);
}

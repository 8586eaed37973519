package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.engine.Feature;

/**
 * Sees a write command on its shard from before it runs to after it ran: keyspace notifications
 * record what the command changes and announce Redis' events at its end. The connection and the
 * cross-shard call drive it through this interface, so they do not name the notification feature.
 * Shard thread.
 */
public interface CommandObserver {
    Feature<CommandObserver> FEATURE = Feature.named("command observer");

    /** Whether a command's changes are being recorded here now (a step inside it must not start another). */
    boolean recording();

    /** Before a write command while notifications are on. */
    void begin();

    /** After it: the events for what it changed. */
    void end(int flags, CommandSpec spec, Args args, int db);
}

package io.heliosdb.resp.command;

/** A command implementation. Runs on the thread of the shard it was routed to. */
@FunctionalInterface
public interface Command {
    void execute(CommandContext ctx);
}

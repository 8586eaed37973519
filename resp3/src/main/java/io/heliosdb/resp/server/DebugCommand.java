package io.heliosdb.resp.server;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.keys.KeyCommands;
import io.heliosdb.scheduler.Shard;

/** DEBUG SLEEP and DEBUG OBJECT, gated by enable-debug-command like Redis 7. */
final class DebugCommand {
    private DebugCommand() {}

    static void run(CrossShardCall call) {
        String policy = call.server().config().get("enable-debug-command");
        if (policy.equals("no")) {
            call.finish(w -> w.error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                    + "you can run it from a local connection, otherwise you need to set this option in the configuration "
                    + "file, and then restart the server."));
            return;
        }
        if (policy.equals("local") && !call.session().addr.startsWith("127.") && !call.session().addr.startsWith("0:0:0:0:0:0:0:1")) {
            call.finish(w -> w.error("ERR DEBUG command not allowed from a non-local connection (enable-debug-command is 'local')."));
            return;
        }
        Args a = call.args();
        String sub = a.lower(1);
        switch (sub) {
            case "sleep" -> {
                if (a.count() != 3) {
                    call.finish(w -> w.error(Errors.wrongArgs("debug")));
                    return;
                }
                double seconds;
                try {
                    seconds = Double.parseDouble(a.string(2));
                } catch (NumberFormatException e) {
                    call.finish(w -> w.error(Errors.NOT_FLOAT));
                    return;
                }
                // Like Redis, this blocks the thread it runs on (here: the client's loop).
                try {
                    Thread.sleep((long) (seconds * 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                call.finish(w -> w.ok());
            }
            case "object" -> {
                if (a.count() != 3) {
                    call.finish(w -> w.error(Errors.wrongArgs("debug")));
                    return;
                }
                call.runOnce(new Shard[]{call.shardOfArg(2)}, s -> {
                    Keyspace ks = call.db(s);
                    long e = ks.find(a.segment(), a.offset(2), a.length(2));
                    if (e == Keyspace.NONE) {
                        return null;
                    }
                    return "Value at:0x" + Long.toHexString(e) + " refcount:1 encoding:" + KeyCommands.encodingName(ks, e)
                            + " serializedlength:" + ks.valueLength(e) + " lru:" + ((System.currentTimeMillis() / 1000) & 0xFFFFFF)
                            + " lru_seconds_idle:" + ks.idleSeconds(e);
                }, (out, r) -> {
                    if (r[0] == null) {
                        out.error("ERR no such key");
                    } else {
                        out.simple((String) r[0]);
                    }
                });
            }
            default -> call.finish(w -> w.error("ERR unknown subcommand '" + a.string(1) + "'. Try DEBUG HELP."));
        }
    }
}

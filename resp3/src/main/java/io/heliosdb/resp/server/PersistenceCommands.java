package io.heliosdb.resp.server;

import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.scheduler.StepFailure;
import io.heliosdb.storage.Persistence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SAVE, BGSAVE, BGREWRITEAOF and CHECKPOINT, mapped onto the LSM engine (see {@link Persistence}).
 * Every shard takes part at the same point of the shards' common order (all shards locked), so a
 * checkpoint holds each cross-shard command entirely or not at all.
 */
public final class PersistenceCommands {
    static final String NO_PERSISTENCE = "ERR persistence is off (appendonly no): this server keeps data in memory only";

    private PersistenceCommands() {}

    public static void register(CommandTable t) {
        t.register("save", Routing.ALL_SHARDS, MultiShardCommand.allShards(PersistenceCommands::save));
        t.register("bgsave", Routing.ALL_SHARDS, MultiShardCommand.allShards(PersistenceCommands::bgsave));
        t.register("bgrewriteaof", Routing.ALL_SHARDS, MultiShardCommand.allShards(PersistenceCommands::bgrewriteaof));
        t.register("checkpoint", Routing.ALL_SHARDS, MultiShardCommand.allShards(PersistenceCommands::checkpoint));
    }

    private static boolean persistent(CrossShardCall call) {
        if (call.server().persistence() == null) {
            call.finish(w -> w.error(NO_PERSISTENCE));
            return false;
        }
        return true;
    }

    static void save(CrossShardCall call) {
        if (!persistent(call)) {
            return;
        }
        call.runOnce(call.server().shards().all(), s -> Persistence.saveShard(ServerContext.state(s).store()), (out, r) -> {
            if (failed(out, r, "ERR")) {
                return;
            }
            call.server().lastSaveSeconds = call.server().clock().millis() / 1000;
            out.ok();
        });
    }

    static void bgsave(CrossShardCall call) {
        if (!persistent(call)) {
            return;
        }
        var a = call.args();
        if (a.count() > 2 || (a.count() == 2 && !a.lower(1).equals("schedule"))) {
            call.finish(w -> w.error("ERR syntax error"));
            return;
        }
        Persistence p = call.server().persistence();
        synchronized (p) {
            if (p.bgsaveInProgress) {
                call.finish(w -> w.error("ERR Background save already in progress"));
                return;
            }
            p.bgsaveInProgress = true;
        }
        long start = call.server().clock().millis();
        call.runOnce(call.server().shards().all(), s -> Persistence.bgsaveShard(ServerContext.state(s).store()), (out, r) -> {
            if (failed(out, r, "ERR")) {
                p.bgsaveInProgress = false;
                p.lastBgsaveStatus = "err";
                return;
            }
            p.awaitBgsave(start);
            out.simple("Background saving started");
        });
    }

    static void bgrewriteaof(CrossShardCall call) {
        if (!persistent(call)) {
            return;
        }
        Persistence p = call.server().persistence();
        if (!p.startRewrite()) {
            call.finish(w -> w.error("ERR Background append only file rewriting already in progress"));
            return;
        }
        call.finish(w -> w.simple("Background append only file rewriting started"));
    }

    static void checkpoint(CrossShardCall call) {
        if (!persistent(call)) {
            return;
        }
        Path target = Path.of(call.args().string(1));
        if (Files.exists(target)) {
            call.finish(w -> w.error("ERR checkpoint directory " + target + " already exists"));
            return;
        }
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            call.finish(w -> w.error("ERR cannot create " + target + ": " + e.getMessage()));
            return;
        }
        Persistence p = call.server().persistence();
        call.runOnce(call.server().shards().all(), s -> Persistence.checkpointShard(ServerContext.state(s).store(), target), (out, r) -> {
            if (failed(out, r, "ERR checkpoint failed:")) {
                return;
            }
            try {
                p.finishCheckpoint(target);
            } catch (IOException e) {
                out.error("ERR checkpoint failed: " + e.getMessage());
                return;
            }
            out.ok();
        });
    }

    private static boolean failed(RespWriter out, Object[] results, String prefix) {
        for (Object o : results) {
            if (o instanceof Exception e) {
                out.error(prefix + " " + (e instanceof StepFailure f ? Errors.failureDetail(f) : e.getMessage()));
                return true;
            }
        }
        return false;
    }
}

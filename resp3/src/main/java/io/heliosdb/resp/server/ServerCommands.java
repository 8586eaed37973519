package io.heliosdb.resp.server;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.BusyScript;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.engine.SlowLog;
import io.heliosdb.runtime.config.ConfigChange;
import io.heliosdb.scheduler.Shard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The server family: COMMAND, INFO, CONFIG, DBSIZE, FLUSH*, SWAPDB, TIME, LASTSAVE, SLOWLOG, DEBUG, MEMORY. */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable t) {
        CommandCommands.register(t);
        ClusterCommands.register(t);
        ModuleCommand.register(t);
        t.register("lolwut", Routing.SESSION, Lolwut::run);
        t.register("wait", Routing.ALL_SHARDS, MultiShardCommand.allShards(WaitCommand::run));
        t.register("info", Routing.ALL_SHARDS, MultiShardCommand.allShards(InfoCommand::run));
        t.register("config|get", Routing.SESSION, ServerCommands::configGet);
        t.register("config|set", Routing.SESSION, ServerCommands::configSet);
        t.register("config|resetstat", Routing.ALL_SHARDS, MultiShardCommand.allShards(ServerCommands::resetStat));
        t.register("config|help", Routing.SESSION, Help.redis("CONFIG"));
        t.register("dbsize", Routing.ALL_SHARDS, MultiShardCommand.allShards(ServerCommands::dbsize));
        t.register("flushdb", Routing.ALL_SHARDS, MultiShardCommand.allShards(call -> flush(call, false)));
        t.register("flushall", Routing.ALL_SHARDS, MultiShardCommand.allShards(call -> flush(call, true)));
        t.register("swapdb", Routing.ALL_SHARDS, MultiShardCommand.allShards(ServerCommands::swapdb));
        t.register("time", Routing.SESSION, ctx -> {
            long micros = Math.multiplyExact(ctx.now(), 1000L) + (System.nanoTime() / 1000) % 1000;
            ctx.out().array(2);
            ctx.out().bulk(Long.toString(micros / 1_000_000));
            ctx.out().bulk(Long.toString(micros % 1_000_000));
        });
        t.register("lastsave", Routing.SESSION, ctx -> ctx.out().integer(ctx.server().lastSaveSeconds));
        t.register("slowlog|get", Routing.SESSION, ServerCommands::slowlogGet);
        t.register("slowlog|len", Routing.SESSION, ctx -> ctx.out().integer(ctx.server().slowLog().size()));
        t.register("slowlog|reset", Routing.SESSION, ctx -> {
            ctx.server().slowLog().reset();
            ctx.out().ok();
        });
        t.register("slowlog|help", Routing.SESSION, Help.redis("SLOWLOG"));
        t.register("debug", Routing.ALL_SHARDS, MultiShardCommand.allShards(DebugCommand::run));
        t.register("shutdown", Routing.SESSION, ServerCommands::shutdown);
        t.register("memory|usage", Routing.KEYS, ServerCommands::memoryUsage);
        t.register("memory|help", Routing.SESSION, Help.redis("MEMORY"));
        MemoryCommands.register(t);
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. This build keeps data in memory only, so SAVE
     * has nothing to write; like Redis, a successful SHUTDOWN closes the connection without a reply.
     */
    static void shutdown(CommandContext ctx) {
        Args a = ctx.args();
        for (int i = 1; i < a.count(); i++) {
            String opt = a.lower(i);
            if (opt.equals("abort")) {
                ctx.out().error("ERR No shutdown in progress.");
                return;
            }
            if (!opt.equals("nosave") && !opt.equals("save") && !opt.equals("now") && !opt.equals("force")) {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
        }
        BusyScript busy = null;
        for (Shard s : ctx.server().shards().all()) {
            busy = busy != null ? busy : ServerContext.state(s).busyScript;
        }
        if (busy != null) {
            // A script past lua-time-limit: Redis shuts down only with NOSAVE then, at once.
            boolean nosave = false;
            for (int i = 1; i < a.count(); i++) {
                nosave |= a.lower(i).equals("nosave");
            }
            if (!nosave) {
                ctx.out().error(busy.busyError());
                return;
            }
            ctx.session().closeAfterReply = true;
            ctx.server().shutdownHard();
            return;
        }
        ctx.session().closeAfterReply = true;
        ctx.server().shutdown();
    }

    static void configGet(CommandContext ctx) {
        Args a = ctx.args();
        List<String> patterns = new ArrayList<>();
        for (int i = 2; i < a.count(); i++) {
            patterns.add(a.string(i));
        }
        Map<String, String> m = ctx.server().config().matching(patterns);
        ctx.out().map(m.size());
        m.forEach((k, v) -> {
            ctx.out().bulk(k);
            ctx.out().bulk(v);
        });
    }

    static void configSet(CommandContext ctx) {
        Args a = ctx.args();
        if ((a.count() - 2) % 2 != 0) {
            ctx.out().error(Errors.SYNTAX); // Redis 7.0: an odd argc is a syntax error before any name is looked at
            return;
        }
        List<String[]> pairs = new ArrayList<>();
        for (int i = 2; i < a.count(); i += 2) {
            pairs.add(new String[]{a.string(i), a.string(i + 1)}); // checked in order by setAtRuntime, as Redis does
        }
        ConfigChange change = ctx.server().config().setAtRuntime(pairs, protectedAllowed(ctx));
        if (!change.applied()) {
            ctx.out().error(ConfigSetErrors.text(change));
        } else {
            var persistence = ctx.server().persistence();
            if (pairs.stream().anyMatch(p -> p[0].equalsIgnoreCase("maxmemory"))) {
                if (persistence != null) {
                    persistence.applyMaxmemory(ctx.server().config().number("maxmemory"));
                } else {
                    ctx.server().applyInMemoryMaxmemory(ctx.server().config().number("maxmemory"));
                }
            }
            if (pairs.stream().anyMatch(p -> p[0].equalsIgnoreCase("hz"))) {
                long hz = ctx.server().config().number("hz");
                if (hz < 1 || hz > 500) {
                    ctx.server().config().setAtRuntime(List.<String[]>of(new String[]{"hz", Long.toString(Math.max(1, Math.min(500, hz)))}));
                }
                ctx.server().hzChanged();
            }
            ctx.server().evictionSettings(ctx.server().config().get("maxmemory-policy"),
                    (int) Math.min(64, ctx.server().config().number("maxmemory-samples"))); // a bounded sampling loop
            ctx.out().ok();
        }
    }

    /** Redis' allowProtectedAction: enable-protected-configs yes, or local and the client is on loopback. */
    private static boolean protectedAllowed(CommandContext ctx) {
        String policy = ctx.server().config().get("enable-protected-configs");
        String addr = ctx.session().addr;
        return policy.equals("yes") || (policy.equals("local") && (addr.startsWith("127.") || addr.startsWith("0:0:0:0:0:0:0:1")));
    }

    static void resetStat(CrossShardCall call) {
        call.server().slowLog().reset();
        call.server().rejectedCalls.reset();
        call.runOnce(call.server().shards().all(), s -> {
            ShardState st = ServerContext.state(s);
            Arrays.fill(st.commandCalls, 0);
            Arrays.fill(st.commandMicros, 0);
            Arrays.fill(st.commandFailed, 0);
            Arrays.fill(st.commandRejected, 0);
            st.latencies.reset();
            st.keyspaceHits = st.keyspaceMisses = st.expiredKeys = 0;
            return null;
        }, (out, r) -> out.ok());
    }

    static void dbsize(CrossShardCall call) {
        call.runOnce(call.server().shards().all(), s -> call.db(s).size(), (out, r) -> {
            long n = 0;
            for (Object o : r) {
                n += (Long) o;
            }
            out.integer(n);
        });
    }

    static void flush(CrossShardCall call, boolean all) {
        Args a = call.args();
        if (a.count() > 2 || (a.count() == 2 && !a.lower(1).equals("async") && !a.lower(1).equals("sync"))) {
            call.finish(w -> w.error(Errors.SYNTAX));
            return;
        }
        call.runOnce(call.server().shards().all(), s -> {
            ShardState st = ServerContext.state(s);
            if (all) {
                for (int i = 0; i < st.databases(); i++) {
                    st.db(i).clear();
                }
            } else {
                call.db(s).clear();
            }
            return null;
        }, (out, r) -> out.ok());
    }

    static void swapdb(CrossShardCall call) {
        Args a = call.args();
        // Redis parses both with getIntFromObjectOrReply: beyond an int is "invalid", not "out of range"
        if (!a.isLong(1) || a.parseLong(1) != (int) a.parseLong(1)) {
            call.finish(w -> w.error("ERR invalid first DB index"));
            return;
        }
        if (!a.isLong(2) || a.parseLong(2) != (int) a.parseLong(2)) {
            call.finish(w -> w.error("ERR invalid second DB index"));
            return;
        }
        long x = a.parseLong(1), y = a.parseLong(2);
        int n = call.server().databases();
        if (x < 0 || x >= n || y < 0 || y >= n) {
            call.finish(w -> w.error(Errors.DB_RANGE));
            return;
        }
        call.runOnce(call.server().shards().all(), s -> {
            ServerContext.state(s).swap((int) x, (int) y);
            return null;
        }, (out, r) -> out.ok());
    }

    static void slowlogGet(CommandContext ctx) {
        Args a = ctx.args();
        int count = 10;
        if (a.count() == 3) {
            if (!a.isLong(2) || a.parseLong(2) < -1) {
                ctx.out().error("ERR count should be greater than or equal to -1");
                return;
            }
            count = (int) Math.min(Integer.MAX_VALUE, a.parseLong(2));
        } else if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a.string(1), "slowlog"));
            return;
        }
        List<SlowLog.Entry> entries = ctx.server().slowLog().latest(count);
        ctx.out().array(entries.size());
        for (SlowLog.Entry e : entries) {
            ctx.out().array(6);
            ctx.out().integer(e.id());
            ctx.out().integer(e.timestampSeconds());
            ctx.out().integer(e.micros());
            ctx.out().array(e.args().size());
            for (byte[] b : e.args()) {
                ctx.out().bulk(b);
            }
            ctx.out().bulk(e.addr());
            ctx.out().bulk(e.name());
        }
    }

    static void memoryUsage(CommandContext ctx) {
        Args a = ctx.args();
        for (int i = 3; i < a.count(); i++) { // SAMPLES n, as often as given; a negative n is a syntax error
            if (!a.lower(i).equals("samples") || i + 1 >= a.count()) {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
            if (!a.isLong(i + 1)) {
                ctx.out().error(Errors.NOT_INTEGER);
                return;
            }
            if (a.parseLong(++i) < 0) {
                ctx.out().error(Errors.SYNTAX);
                return;
            }
        }
        Keyspace ks = ctx.db();
        long e = ks.find(a.segment(), a.offset(2), a.length(2));
        if (e == Keyspace.NONE) {
            ctx.out().nullBulk();
        } else {
            ctx.out().integer(ks.memoryUsage(e));
        }
    }
}

package io.heliosdb.resp.scripting;

import io.heliosdb.resp.blocking.ServeInOrder;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.BusyScript;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL. */
public final class ScriptCommands {

    private ScriptCommands() {}

    public static void register(CommandTable t) {
        for (String name : new String[]{"eval", "evalsha", "eval_ro", "evalsha_ro"}) {
            boolean bySha = name.startsWith("evalsha");
            t.register(name, Routing.KEYS, new Eval(bySha, name.endsWith("_ro")));
            t.across(name, (server, a) -> server.shards().size() > 1 && ScriptPlacement.mustHoldEveryShard(server, ScriptPlacement.evalKey(a, bySha)));
            t.keys(name, new CommandSpec.KeyFinder() {
                @Override
                public int first(Args a) {
                    return numKeys(a) >= 0 ? 3 : -1;
                }

                @Override
                public int count(Args a) {
                    return Math.max(0, numKeys(a));
                }
            });
        }
        t.register("script|load", Routing.SESSION, ScriptCommands::load);
        t.register("script|exists", Routing.SESSION, ScriptCommands::exists);
        t.register("script|flush", Routing.SESSION, ScriptCommands::flush);
        t.register("script|kill", Routing.SESSION, ctx -> kill(ctx, true));
        t.register("script|help", Routing.SESSION, Help.redis("SCRIPT"));
        t.register("script|debug", Routing.SESSION, ScriptCommands::debug);
    }

    /** SCRIPT DEBUG YES|SYNC|NO: whether (and how) this client's next EVAL runs under the Lua debugger. */
    private static void debug(CommandContext ctx) {
        if (ctx.session().inExec || ctx.out().buffer().isReadable()) {
            // replies still unsent (a pipeline, or EXEC's own reply under way): the session would interleave with them
            ctx.out().error("ERR SCRIPT DEBUG must be called outside a pipeline");
            return;
        }
        switch (ctx.args().lower(2)) {
            case "no" -> ctx.session().luaDebug = 0;
            case "yes" -> ctx.session().luaDebug = ClientSession.LUA_DEBUG_FORKED;
            case "sync" -> ctx.session().luaDebug = ClientSession.LUA_DEBUG_SYNC;
            default -> {
                ctx.out().error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
                return;
            }
        }
        ctx.out().ok();
    }

    private static final String DEBUG_EVALSHA = "ERR Please use EVAL instead of EVALSHA for debugging";

    private static boolean debugging(ClientSession session) {
        return session != null && session.luaDebug != 0;
    }

    /** numkeys when valid, else -1 (the call then fails with the matching error). */
    static int numKeys(Args a) {
        if (a.count() < 3 || !a.isLong(2)) {
            return -1;
        }
        long n = a.parseLong(2);
        return n < 0 || n > a.count() - 3 ? -1 : (int) n;
    }

    static String numKeysError(Args a) {
        if (!a.isLong(2)) {
            return Errors.NOT_INTEGER;
        }
        long n = a.parseLong(2);
        if (n < 0) {
            return "ERR Number of keys can't be negative";
        }
        return n > a.count() - 3 ? "ERR Number of keys can't be greater than number of args" : null;
    }

    /** One EVAL form. Declared keys on one shard: {@link #execute} there; otherwise {@link #executeAcross}. */
    private static final class Eval implements MultiShardCommand {
        private final boolean bySha;
        private final boolean readOnly;

        Eval(boolean bySha, boolean readOnly) {
            this.bySha = bySha;
            this.readOnly = readOnly;
        }

        @Override
        public void execute(CommandContext ctx) {
            run(ctx.server(), ctx.shard(), ctx.args(), bySha, readOnly, ctx.session(), ctx.dbIndex(), null, ctx.out());
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Args a = call.args();
            if (!bySha && debugging(call.session()) && !call.inTransaction()) {
                holdingEveryShard(call, (tx, w) -> runDebugged(call.server(), ServerContext.state(call.home()), a, readOnly,
                        call.session(), call.db(), tx, w));
                return;
            }
            String error = bySha && a.length(1) != 40 ? NOSCRIPT
                    : bySha && debugging(call.session()) ? DEBUG_EVALSHA : numKeysError(a); // Redis: a SHA of another length first
            if (error == null && bySha && ScriptRegistry.of(call.server()).get(a.string(1)) == null) {
                error = NOSCRIPT;
            }
            if (error != null) {
                String e = error;
                call.finish(w -> w.error(e));
                return;
            }
            holdingEveryShard(call, (tx, w) ->
                    run(call.server(), ServerContext.state(call.home()), a, bySha, readOnly, call.session(), call.db(), tx, w));
        }
    }

    /**
     * A script with no declared keys or keys on several shards (EVAL, FCALL): holds every shard,
     * runs {@code body} on the connection's shard, and replies once every shard has logged what it
     * changed there.
     */
    static void holdingEveryShard(CrossShardCall call, BiConsumer<ShardTransaction, RespWriter> body) {
        Shard[] all = call.server().shards().all();
        ShardTransaction tx = call.transaction(all);
        call.serveBlockedAtEnd();
        tx.lockAll(() -> {
            ByteBuf reply = Unpooled.buffer(128);
            RespWriter w = new RespWriter();
            w.wrap(reply, call.protocol());
            // The script's writes on this shard join the commit record with its other shards' parts.
            Object failed = tx.runHere(() -> body.accept(tx, w), "a script");
            Runnable release = () -> tx.run(all, s -> null, true, () -> {
                if (failed instanceof RuntimeException e) {
                    call.finish(x -> x.error(call.failure(e)));
                    return;
                }
                for (Object r : tx.results()) {
                    if (r instanceof RuntimeException e) {
                        call.finish(x -> x.error(call.failure(e)));
                        return;
                    }
                }
                call.finish(x -> x.raw(reply));
            });
            if (call.inTransaction()) {
                release.run(); // inside EXEC: EXEC serves blocked clients when it ends
            } else {
                ServeInOrder.serve(tx, all, release); // after the whole script, as Redis
            }
        });
    }

    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    /**
     * An EVAL under the Lua debugger (SCRIPT DEBUG YES|SYNC), holding every shard on the caller's
     * loop: the session starts before anything is checked (an error ends it at once, as in Redis),
     * its end mark goes out before the reply, and the connection closes after the reply, which is
     * how Redis tells the client the session is over. YES undoes the script's changes at the end,
     * as Redis' forked session leaves the dataset as it was.
     */
    static void runDebugged(ServerContext server, ShardState state, Args a, boolean readOnly, ClientSession session,
                            int db, ShardTransaction outer, RespWriter out) {
        boolean forked = session.luaDebug == ClientSession.LUA_DEBUG_FORKED;
        LuaDebugger d = new LuaDebugger(session, state.shard(), LuaVm.of(state), a.bytes(1), server.config().number("lua-time-limit"));
        session.debuggerInput = new ArrayDeque<>();
        System.err.println(forked ? "HeliosDB: Lua debugging session started (its changes are undone at its end)"
                : "HeliosDB: synchronous Lua debugging session started");
        try {
            run(server, state, a, false, readOnly, session, db, outer, out, d, forked);
        } finally {
            d.end();
            session.debuggerInput = null;
            session.luaDebug = 0;
            session.closeAfterReply = true;
            System.err.println("HeliosDB: Lua debugging session ended");
        }
    }

    /** Runs a script on the calling shard's thread, writing its reply to {@code out}. */
    static void run(ServerContext server, ShardState state, Args a, boolean bySha, boolean readOnly, ClientSession session,
                    int db, ShardTransaction outer, RespWriter out) {
        run(server, state, a, bySha, readOnly, session, db, outer, out, null, false);
    }

    private static void run(ServerContext server, ShardState state, Args a, boolean bySha, boolean readOnly, ClientSession session,
                    int db, ShardTransaction outer, RespWriter out, LuaDebugger debugger, boolean undo) {
        String error = bySha && a.length(1) != 40 ? NOSCRIPT
                : bySha && debugging(session) ? DEBUG_EVALSHA : numKeysError(a); // Redis: a SHA of another length first
        if (error != null) {
            out.error(error);
            return;
        }
        ScriptRegistry registry = ScriptRegistry.of(server);
        String sha;
        byte[] body;
        if (bySha) {
            sha = a.string(1).toLowerCase(Locale.ROOT);
            body = registry.get(sha);
            if (body == null) {
                out.error(NOSCRIPT);
                return;
            }
        } else {
            body = a.bytes(1);
            sha = ScriptRegistry.sha1hex(body);
        }
        ScriptFlags flags;
        try {
            flags = ScriptFlags.of(body);
        } catch (ScriptFlags.Invalid e) {
            out.error("ERR " + e.getMessage());
            return;
        }
        LuaVm vm = LuaVm.of(state);
        LuaFunction f;
        try {
            f = vm.function(sha, body, registry.epoch());
        } catch (LuaVm.CompileError e) {
            out.error("ERR Error compiling script (new function): " + e.getMessage());
            return;
        }
        if (!bySha) {
            registry.add(body); // EVAL caches the script, as Redis does
        }
        if (flags.denyOom() && server.outOfMemory()) {
            out.error(Errors.OOM); // a shebang script that may write is refused up front, as a write command is
            return;
        }
        if (readOnly && !flags.compat() && flags.mayWrite()) {
            out.error("ERR Can not execute a script with write flag using *_ro command.");
            return;
        }
        LuaTable keys = keysOf(a);
        LuaTable argv = argvOf(a);
        ScriptRun run = new ScriptRun(server, state.shard(), session, db, outer, readOnly || flags.noWrites(), sha, false, a);
        run.allowOom = flags.allowOom();
        run.placementKey = debugger != null ? null : ScriptPlacement.shaKey(sha); // a debugged run teaches nothing
        run.debugger = debugger;
        if (undo) {
            run.startUndo();
        }
        try {
            LuaValue result = vm.call(f, keys, argv, run);
            run.completed();
            LuaReplies.write(out, result, run.scriptResp);
        } catch (LuaError e) {
            out.error(errorText(e, sha, vm.lastLine(), "user_script"));
        } catch (ScriptRun.Killed k) {
            out.error("ERR Script killed by user with SCRIPT KILL... script: " + sha + ", on @user_script:" + Math.max(0, vm.lastLine()) + ".");
        } catch (StackOverflowError e) {
            out.error("ERR reached lua stack limit script: " + sha + ", on @user_script:?.");
        } finally {
            run.finished();
            run.undo(); // SCRIPT DEBUG YES: the dataset as it was before the session
        }
    }

    /** KEYS of an EVAL or FCALL call (its numkeys arguments after the numkeys). */
    static LuaTable keysOf(Args a) {
        int numKeys = numKeys(a);
        LuaTable keys = new LuaTable(numKeys, 0);
        for (int i = 0; i < numKeys; i++) {
            keys.rawset(i + 1, LuaString.valueUsing(a.bytes(3 + i)));
        }
        return keys;
    }

    /** ARGV: the arguments after the keys. */
    static LuaTable argvOf(Args a) {
        int first = 3 + numKeys(a);
        LuaTable argv = new LuaTable(a.count() - first, 0);
        for (int i = first; i < a.count(); i++) {
            argv.rawset(i - first + 1, LuaString.valueUsing(a.bytes(i)));
        }
        return argv;
    }

    /** Redis 7's script error reply: the error, then " script: SHA, on @user_script:LINE." */
    static String errorText(LuaError e, String sha, int lastLine, String chunk) {
        String full = String.valueOf(e.getMessage());
        int nl = full.indexOf('\n');
        if (nl >= 0) {
            full = full.substring(0, nl);
        }
        String line = lastLine > 0 ? Integer.toString(lastLine) : "?";
        String rest = full;
        Matcher m = Pattern.compile("^@?" + chunk + ":(\\d+):? ?").matcher(full);
        if (m.find()) {
            line = m.group(1);
            rest = full.substring(m.end());
        }
        LuaValue obj = e.getMessageObject();
        String message;
        if (e instanceof LuaSandbox.PlainError) {
            message = "ERR " + full; // raised without a position (error(msg, 0), a read-only table's rawset)
        } else if (obj != null && obj.istable() && obj.rawget(LuaReplies.ERR).isstring()) {
            message = obj.rawget(LuaReplies.ERR).tojstring();
        } else {
            rest = LuaSandbox.lua51Text(rest);
            message = "ERR " + (line.equals("?") ? rest : chunk + ":" + line + ": " + rest);
        }
        return message.replace('\r', ' ').replace('\n', ' ') + " script: " + sha + ", on @" + chunk + ":" + line + ".";
    }

    // ---- SCRIPT ------------------------------------------------------------------------------

    private static void load(CommandContext ctx) {
        byte[] body = ctx.args().bytes(2);
        String sha = ScriptRegistry.sha1hex(body);
        try {
            ScriptFlags.of(body);
        } catch (ScriptFlags.Invalid e) {
            ctx.out().error("ERR " + e.getMessage());
            return;
        }
        try {
            LuaVm.of(ctx.shard()).function(sha, body, ScriptRegistry.of(ctx.server()).epoch());
        } catch (LuaVm.CompileError e) {
            ctx.out().error("ERR Error compiling script (new function): " + e.getMessage());
            return;
        }
        ScriptRegistry.of(ctx.server()).add(body);
        ctx.out().bulk(sha);
    }

    private static void exists(CommandContext ctx) {
        Args a = ctx.args();
        ctx.out().array(a.count() - 2);
        for (int i = 2; i < a.count(); i++) {
            ctx.out().integer(ScriptRegistry.of(ctx.server()).exists(a.string(i)) ? 1 : 0);
        }
    }

    private static void flush(CommandContext ctx) {
        Args a = ctx.args();
        if (a.count() > 3 || (a.count() == 3 && !a.lower(2).equals("sync") && !a.lower(2).equals("async"))) {
            ctx.out().error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        ScriptRegistry.of(ctx.server()).flush();
        ctx.out().ok();
    }

    /** The script or function past lua-time-limit on some shard, or null. */
    static ScriptRun busy(ServerContext server) {
        for (Shard s : server.shards().all()) {
            if (ServerContext.state(s).busyScript instanceof ScriptRun r) {
                return r;
            }
        }
        return null;
    }

    /**
     * SCRIPT KILL ({@code eval}) and FUNCTION KILL: stop a script past lua-time-limit unless it has
     * written (its effects would be half applied); each kills only its own kind, as in Redis.
     */
    static void kill(CommandContext ctx, boolean eval) {
        ScriptRun r = busy(ctx.server());
        if (r == null) {
            ctx.out().error("NOTBUSY No scripts in execution right now.");
        } else if (r.wrote) {
            ctx.out().error("UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
        } else if (eval == r.isFunction()) {
            ctx.out().error(eval ? BusyScript.BUSY_FUNCTION : BusyScript.BUSY_EVAL);
        } else {
            r.killRequested = true;
            ctx.out().ok();
        }
    }
}

package io.heliosdb.resp.scripting;

import io.heliosdb.memory.GlobMatcher;
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
import io.heliosdb.keyspace.rdb.RdbValues;
import io.heliosdb.scheduler.ShardTransaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** FCALL, FCALL_RO and FUNCTION LOAD|DELETE|FLUSH|LIST|DUMP|RESTORE|STATS|KILL. */
public final class FunctionCommands {
    private FunctionCommands() {}

    public static void register(CommandTable t) {
        for (String name : new String[]{"fcall", "fcall_ro"}) {
            t.register(name, Routing.KEYS, new Fcall(name.endsWith("_ro")));
            t.across(name, (server, a) -> server.shards().size() > 1 && ScriptPlacement.mustHoldEveryShard(server, ScriptPlacement.fcallKey(server, a)));
            t.keys(name, new CommandSpec.KeyFinder() {
                @Override
                public int first(Args a) {
                    return ScriptCommands.numKeys(a) >= 0 ? 3 : -1;
                }

                @Override
                public int count(Args a) {
                    return Math.max(0, ScriptCommands.numKeys(a));
                }
            });
        }
        t.register("function|load", Routing.SESSION, FunctionCommands::load);
        t.register("function|delete", Routing.SESSION, FunctionCommands::delete);
        t.register("function|flush", Routing.SESSION, FunctionCommands::flush);
        t.register("function|list", Routing.SESSION, FunctionCommands::list);
        t.register("function|dump", Routing.SESSION, FunctionCommands::dump);
        t.register("function|restore", Routing.SESSION, FunctionCommands::restore);
        t.register("function|stats", Routing.SESSION, FunctionCommands::stats);
        t.register("function|kill", Routing.SESSION, ctx -> ScriptCommands.kill(ctx, false));
        t.register("function|help", Routing.SESSION, Help.redis("FUNCTION"));
    }

    /** FCALL: routed like EVAL by its declared keys. */
    private static final class Fcall implements MultiShardCommand {
        private final boolean readOnly;

        Fcall(boolean readOnly) {
            this.readOnly = readOnly;
        }

        @Override
        public void execute(CommandContext ctx) {
            run(ctx.server(), ctx.shard(), ctx.args(), readOnly, ctx.session(), ctx.dbIndex(), null, ctx.out());
        }

        @Override
        public void executeAcross(CrossShardCall call) {
            Args a = call.args();
            String error = check(call.server(), a, readOnly);
            if (error != null) {
                call.finish(w -> w.error(error));
                return;
            }
            ScriptCommands.holdingEveryShard(call, (tx, w) ->
                    run(call.server(), ServerContext.state(call.home()), a, readOnly, call.session(), call.db(), tx, w));
        }
    }

    /** Errors found before running: numkeys, an unknown function, a writing function under FCALL_RO. */
    private static String check(ServerContext server, Args a, boolean readOnly) {
        String e = ScriptCommands.numKeysError(a);
        if (e != null) {
            return e;
        }
        FunctionRegistry.Function f = FunctionRegistry.of(server).function(a.string(1));
        if (f == null) {
            return "ERR Function not found";
        }
        if (readOnly && !f.readOnly()) {
            return "ERR Can not execute a script with write flag using *_ro command.";
        }
        return null;
    }

    static void run(ServerContext server, ShardState state, Args a, boolean readOnly, ClientSession session, int db,
                    ShardTransaction outer, RespWriter out) {
        String error = check(server, a, readOnly);
        if (error != null) {
            out.error(error);
            return;
        }
        String name = a.string(1);
        FunctionRegistry.Function fn = FunctionRegistry.of(server).function(name);
        FunctionRegistry.Library lib = FunctionRegistry.of(server).library(fn.library());
        LuaVm vm = LuaVm.of(state);
        LuaFunction callback;
        try {
            callback = lib == null ? null : vm.function(lib, name);
        } catch (FunctionLoader.Failure f) {
            out.error(f.getMessage());
            return;
        }
        if (callback == null) {
            out.error("ERR Function not found");
            return;
        }
        LuaTable keys = ScriptCommands.keysOf(a);
        LuaTable argv = ScriptCommands.argvOf(a);
        ScriptRun run = new ScriptRun(server, state.shard(), session, db, outer, readOnly || fn.readOnly(), name, true, a);
        run.placementKey = ScriptPlacement.functionKey(name, lib.version());
        try {
            LuaValue result = vm.callFunction(callback, keys, argv, run);
            run.completed();
            LuaReplies.write(out, result, run.scriptResp);
        } catch (LuaError e) {
            out.error(ScriptCommands.errorText(e, name, vm.lastLine(), "user_function"));
        } catch (ScriptRun.Killed k) {
            out.error("ERR Script killed by user with SCRIPT KILL... script: " /* Redis says SCRIPT KILL for functions too */ + name + ", on @user_function:" + Math.max(0, vm.lastLine()) + ".");
        } catch (StackOverflowError e) {
            out.error("ERR reached lua stack limit script: " + name + ", on @user_function:?.");
        } finally {
            run.finished();
        }
    }

    // ---- FUNCTION ----------------------------------------------------------------------------

    private static void load(CommandContext ctx) {
        Args a = ctx.args();
        boolean replace = false;
        int codeArg = a.count() - 1; // Redis: every argument before the last is an option (REPLACE, as often as given)
        for (int i = 2; i < codeArg; i++) {
            if (!a.lower(i).equals("replace")) {
                ctx.out().error("ERR Unknown option given: " + Errors.cString(a.string(i)));
                return;
            }
            replace = true;
        }
        String code = new String(a.bytes(codeArg), StandardCharsets.UTF_8);
        try {
            String name = install(ctx.server(), LuaVm.of(ctx.shard()), code, replace);
            ctx.out().bulk(name);
        } catch (FunctionLoader.Failure f) {
            ctx.out().error(f.getMessage());
        }
    }

    /** Parses, runs and registers one library, then saves the registry. */
    static String install(ServerContext server, LuaVm vm, String code, boolean replace) throws FunctionLoader.Failure {
        FunctionRegistry reg = FunctionRegistry.of(server);
        String name = FunctionLoader.libraryName(code);
        if (!replace && reg.library(name) != null) {
            throw new FunctionLoader.Failure("ERR Library '" + name + "' already exists");
        }
        // Bounded as FUNCTION LOAD is in Redis; FUNCTION RESTORE too, so no payload can spin the shard.
        List<FunctionRegistry.Function> fns = FunctionLoader.load(vm, name, code, FunctionLoader.LOAD_TIMEOUT_MS);
        String err = reg.add(name, code, fns, replace);
        if (err != null) {
            throw new FunctionLoader.Failure(err);
        }
        save(reg);
        return name;
    }

    private static void save(FunctionRegistry reg) throws FunctionLoader.Failure {
        try {
            reg.save();
        } catch (IOException e) {
            throw new FunctionLoader.Failure("ERR could not save the functions: " + e.getMessage());
        }
    }

    private static void delete(CommandContext ctx) {
        FunctionRegistry reg = FunctionRegistry.of(ctx.server());
        if (!reg.delete(ctx.args().string(2))) {
            ctx.out().error("ERR Library not found");
            return;
        }
        try {
            save(reg);
        } catch (FunctionLoader.Failure f) {
            ctx.out().error(f.getMessage());
            return;
        }
        ctx.out().ok();
    }

    private static void flush(CommandContext ctx) {
        Args a = ctx.args();
        if (a.count() > 3) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        if (a.count() == 3 && !a.lower(2).equals("sync") && !a.lower(2).equals("async")) {
            ctx.out().error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        FunctionRegistry reg = FunctionRegistry.of(ctx.server());
        reg.flush();
        try {
            save(reg);
        } catch (FunctionLoader.Failure f) {
            ctx.out().error(f.getMessage());
            return;
        }
        ctx.out().ok();
    }

    private static void list(CommandContext ctx) {
        Args a = ctx.args();
        String pattern = null;
        boolean withCode = false;
        for (int i = 2; i < a.count(); i++) {
            String o = a.lower(i);
            if (!withCode && o.equals("withcode")) { // each option once, as in Redis
                withCode = true;
            } else if (pattern == null && o.equals("libraryname")) {
                if (i + 1 >= a.count()) {
                    ctx.out().error("ERR library name argument was not given");
                    return;
                }
                pattern = a.string(++i);
            } else {
                ctx.out().error("ERR Unknown argument " + Errors.cString(a.string(i)));
                return;
            }
        }
        List<FunctionRegistry.Library> libs = new ArrayList<>();
        for (FunctionRegistry.Library l : FunctionRegistry.of(ctx.server()).libraries()) {
            if (pattern == null || GlobMatcher.matches(pattern, l.name(), false)) {
                libs.add(l);
            }
        }
        RespWriter out = ctx.out();
        out.array(libs.size());
        for (FunctionRegistry.Library l : libs) {
            out.map(withCode ? 4 : 3);
            out.bulk("library_name");
            out.bulk(l.name());
            out.bulk("engine");
            out.bulk("LUA");
            out.bulk("functions");
            out.array(l.functions().size());
            for (FunctionRegistry.Function f : l.functions().values()) {
                out.map(3);
                out.bulk("name");
                out.bulk(f.name());
                out.bulk("description");
                if (f.description() == null) {
                    out.nullBulk();
                } else {
                    out.bulk(f.description());
                }
                out.bulk("flags");
                out.set(f.flags().size());
                for (String flag : f.flags()) {
                    out.simple(flag);
                }
            }
            if (withCode) {
                out.bulk("library_code");
                out.bulk(l.code().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void dump(CommandContext ctx) {
        List<byte[]> codes = new ArrayList<>();
        for (String c : FunctionRegistry.of(ctx.server()).codes()) {
            codes.add(c.getBytes(StandardCharsets.UTF_8));
        }
        ctx.out().bulk(RdbValues.functionsPayload(codes));
    }

    private static void restore(CommandContext ctx) {
        Args a = ctx.args();
        if (a.count() > 4) {
            ctx.out().error(Errors.subcommandSyntax(a));
            return;
        }
        String policy = a.count() > 3 ? a.lower(3) : "append";
        if (!(policy.equals("append") || policy.equals("replace") || policy.equals("flush"))) {
            ctx.out().error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            return;
        }
        List<byte[]> codes = RdbValues.functionCodes(a.bytes(2));
        if (codes == null) {
            ctx.out().error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        FunctionRegistry reg = FunctionRegistry.of(ctx.server());
        try {
            if (policy.equals("append")) {
                for (byte[] c : codes) {
                    String name = FunctionLoader.libraryName(new String(c, StandardCharsets.UTF_8));
                    if (reg.library(name) != null) {
                        ctx.out().error("ERR Library " + name + " already exists");
                        return;
                    }
                }
            }
            if (policy.equals("flush")) {
                reg.flush();
            }
            for (byte[] c : codes) {
                install(ctx.server(), LuaVm.of(ctx.shard()), new String(c, StandardCharsets.UTF_8), !policy.equals("append"));
            }
        } catch (FunctionLoader.Failure f) {
            ctx.out().error(f.getMessage());
            return;
        }
        ctx.out().ok();
    }

    private static void stats(CommandContext ctx) {
        FunctionRegistry reg = FunctionRegistry.of(ctx.server());
        RespWriter out = ctx.out();
        ScriptRun running = ScriptCommands.busy(ctx.server());
        if (running != null && !running.isFunction()) {
            out.error(BusyScript.BUSY_EVAL); // as Redis: a busy EVAL is not reported here
            return;
        }
        out.map(2);
        out.bulk("running_script");
        String[] command = running == null ? null : running.command();
        if (command == null) {
            out.nullBulk();
        } else {
            out.map(3);
            out.bulk("name");
            out.bulk(running.sha);
            out.bulk("command");
            out.array(command.length);
            for (String c : command) {
                out.bulk(c);
            }
            out.bulk("duration_ms");
            out.integer(running.elapsedMillis());
        }
        out.bulk("engines");
        out.map(1);
        out.bulk("LUA");
        out.map(2);
        out.bulk("libraries_count");
        out.integer(reg.libraries().size());
        out.bulk("functions_count");
        out.integer(reg.functionCount());
    }

    /** At start: the libraries saved in the data directory, loaded into a scratch VM for their metadata. */
    public static void loadSaved(ServerContext server) throws IOException {
        LuaVm vm = new LuaVm();
        for (byte[] c : FunctionRegistry.of(server).saved()) {
            String code = new String(c, StandardCharsets.UTF_8);
            try {
                String name = FunctionLoader.libraryName(code);
                List<FunctionRegistry.Function> fns = FunctionLoader.load(vm, name, code, 0);
                String err = FunctionRegistry.of(server).add(name, code, fns, true);
                if (err != null) {
                    throw new IOException(err);
                }
            } catch (FunctionLoader.Failure f) {
                throw new IOException("saved function library does not load: " + f.getMessage());
            }
        }
    }

}

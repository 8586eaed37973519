package io.heliosdb.resp.scripting;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ShardState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Lua interpreter (luaj) with Redis' environment: the base, table, string and math libraries,
 * the redis, cjson, cmsgpack, bit and struct libraries, and Redis 7's sandbox (no io/os/loadfile/
 * dofile/print; reading an undefined global or writing any global is an error). Compiled scripts
 * are cached by SHA1. Not thread-safe: each shard thread owns one.
 */
public final class LuaVm {
    private static final Feature<LuaVm> FEATURE = Feature.named("lua vm");

    /** The shard's interpreter, made on first use. Shard thread only. */
    public static LuaVm of(ShardState shard) {
        return shard.featureState(FEATURE, LuaVm::new);
    }

    private static final LuaString KEYS = LuaString.valueOf("KEYS");
    private static final LuaString ARGV = LuaString.valueOf("ARGV");

    private final LuaSandbox.Sandboxed globals = new LuaSandbox.Sandboxed();
    private final Map<String, LuaFunction> compiled = new HashMap<>();
    private long compiledEpoch;
    private final TimeLimit limit = new TimeLimit();
    /**
     * Library code and its functions see their own globals, as in Redis 7.0's function engine: while a
     * library loads only {@code redis} (register_function, log, versions), at run time the libraries
     * without KEYS, ARGV or the EVAL-only redis.breakpoint/debug/replicate_commands.
     */
    private final LuaSandbox.Sandboxed functionEnv;
    private final LuaTable functionApi;
    /** The load-time globals while a library's code runs, else null. */
    private LuaTable loadApi;
    /** The script running now, or null; read by redis.* functions. */
    ScriptRun current;

    public LuaVm() {
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        for (String name : new String[]{"dofile", "loadfile", "print", "require", "module", "package", "collectgarbage"}) {
            globals.rawset(name, LuaValue.NIL);
        }
        LuaValue table = globals.get("table");
        globals.rawset("unpack", table.get("unpack")); // Lua 5.1 names Redis scripts use
        LuaValue load = globals.get("load");
        VarArgFunction loadstring = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                Varargs r = load.invoke(a);
                return r.arg1().isnil() && r.arg(2).isstring()
                        ? LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(LuaSandbox.lua51Compile(r.arg(2).tojstring()))) : r;
            }
        };
        globals.rawset("load", loadstring);
        globals.rawset("loadstring", loadstring);
        table.rawset("getn", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue unused) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        // Redis 7's pcall: an error table ({err=...}) caught by pcall is handed over as its message string;
        // luaj's messages ("@user_script:1 msg" and a newline) read as Lua 5.1's ("user_script:1: msg")
        LuaValue basePcall = globals.get("pcall");
        globals.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                Varargs r = basePcall.invoke(a);
                if (r.arg1().toboolean()) {
                    return r;
                }
                LuaValue m = r.arg(2);
                if (m.istable()) {
                    LuaValue err = m.rawget(LuaReplies.ERR);
                    return LuaValue.varargsOf(LuaValue.FALSE, err.isstring() ? err : m);
                }
                return LuaValue.varargsOf(LuaValue.FALSE, LuaSandbox.lua51Message(m));
            }
        });
        // Lua 5.1's xpcall(f, handler): the handler gets the error value (a table stays a table)
        globals.rawset("xpcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                Varargs r = basePcall.invoke(a.arg1());
                if (r.arg1().toboolean()) {
                    return r;
                }
                return LuaValue.varargsOf(LuaValue.FALSE, a.arg(2).call(LuaSandbox.lua51Message(r.arg(2))));
            }
        });
        globals.rawset("redis", new RedisLib(this).table());
        globals.rawset("cjson", CJsonLib.table());
        globals.rawset("cmsgpack", CMsgpackLib.table());
        globals.rawset("bit", BitLib.table());
        globals.rawset("struct", StructLib.table());
        LuaSandbox.lua51(globals);
        globals.debuglib = limit; // its per-instruction hook enforces the time limit and SCRIPT KILL
        protectGlobals();
        LuaSandbox.protect(globals);
        globals.seal();
        functionApi = LuaSandbox.functionGlobals(globals);
        functionEnv = LuaSandbox.functionEnv(k -> (loadApi != null ? loadApi : functionApi).rawget(k), limit);
    }

    /** Redis 7: globals are read-only, and reading one that does not exist is an error. */
    private void protectGlobals() {
        LuaTable meta = new LuaTable();
        meta.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue t, LuaValue k) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + k.tojstring() + "'");
            }
        });
        meta.rawset("__newindex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                throw new LuaError("Attempt to modify a readonly table");
            }
        });
        globals.setmetatable(meta);
    }

    /** The compiled function of a script, compiling it on first use. Throws {@link CompileError}. */
    LuaFunction function(String sha, byte[] body, long epoch) {
        if (epoch != compiledEpoch) {
            compiled.clear(); // SCRIPT FLUSH
            compiledEpoch = epoch;
        }
        LuaFunction f = compiled.get(sha);
        if (f == null) {
            try {
                f = (LuaFunction) globals.load(new ByteArrayInputStream(body), "@user_script", "t", globals);
            } catch (LuaError e) {
                throw new CompileError(LuaSandbox.compileErrorText(e.getMessage(),
                        new String(body, StandardCharsets.ISO_8859_1), "user_script"));
            }
            compiled.put(sha, f);
        }
        return f;
    }

    /** A script that does not compile; the message is luaj's, with Redis' prefix added by the caller. */
    static final class CompileError extends RuntimeException {
        CompileError(String message) {
            super(message, null, false, false);
        }
    }

    /** A function registered by a library's code: its name, callback and metadata. */
    public record Registered(String name, LuaFunction callback, String description, List<String> flags) {}

    private static final Set<String> FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");
    private final Map<String, Long> libraryVersions = new HashMap<>();
    private final Map<String, Map<String, LuaFunction>> libraryFunctions = new HashMap<>();

    /** A library function's callback in this VM, compiling the library on first use or after it changed. */
    LuaFunction function(FunctionRegistry.Library lib, String name) throws FunctionLoader.Failure {
        Long v = libraryVersions.get(lib.name());
        if (v == null || v != lib.version()) {
            Map<String, LuaFunction> m = new HashMap<>();
            for (Registered r : runLibrary(lib.name(), lib.code(), lib.version(), 0)) {
                m.put(r.name(), r.callback());
            }
            libraryFunctions.put(lib.name(), m);
            libraryVersions.put(lib.name(), lib.version());
        }
        return libraryFunctions.get(lib.name()).get(name);
    }

    /**
     * Runs a library's code (its "#!lua" header line left blank, so line numbers stay) with the
     * load-time {@code redis} table, whose register_function collects the library's functions.
     */
    List<Registered> runLibrary(String name, String code, long version, long timeoutMs) throws FunctionLoader.Failure {
        int nl = code.indexOf('\n');
        String body = nl < 0 ? "" : "\n" + code.substring(nl + 1);
        LuaFunction chunk;
        try {
            chunk = (LuaFunction) globals.load(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                    "@user_function", "t", functionEnv);
        } catch (LuaError e) {
            String m = String.valueOf(e.getMessage());
            throw new FunctionLoader.Failure("ERR Error compiling function: "
                    + (m.contains("java.") || m.contains("Exception") ? LuaSandbox.compileErrorText(m, body, "user_function") : m));
        }
        List<Registered> regs = new ArrayList<>();
        LuaTable api = new LuaTable();
        api.rawset("redis", loadTimeRedis(regs));
        loadApi = api;
        limit.startLoad(timeoutMs);
        try {
            chunk.call();
        } catch (LuaError e) {
            LuaValue obj = e.getMessageObject();
            String text;
            if (obj != null && obj.istable() && obj.rawget(LuaReplies.ERR).isstring()) {
                text = obj.rawget(LuaReplies.ERR).tojstring();
            } else {
                String m = String.valueOf(e.getMessage());
                int cut = m.indexOf('\n');
                m = cut >= 0 ? m.substring(0, cut) : m;
                text = "ERR " + m.replaceFirst("^@?user_function:(\\d+):? ?", "user_function:$1: ");
            }
            throw new FunctionLoader.Failure("ERR Error registering functions: " + text);
        } finally {
            limit.stop();
            loadApi = null;
        }
        return regs;
    }

    /** The redis table library code sees while it loads: register_function and log only. */
    private LuaTable loadTimeRedis(List<Registered> regs) {
        LuaTable t = new LuaTable();
        t.rawset("register_function", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                String name;
                LuaValue callback;
                String description = null;
                List<String> flags = new ArrayList<>();
                if (a.arg1().istable()) {
                    LuaValue spec = a.arg1();
                    name = spec.get("function_name").isstring() ? spec.get("function_name").tojstring() : null;
                    callback = spec.get("callback");
                    if (spec.get("description").isstring()) {
                        description = spec.get("description").tojstring();
                    }
                    LuaValue f = spec.get("flags");
                    if (f.istable()) {
                        for (int i = 1; !f.get(i).isnil(); i++) {
                            String flag = f.get(i).tojstring();
                            if (!FLAGS.contains(flag)) {
                                throw new LuaError(LuaReplies.errorTable("ERR Unknown flag given"));
                            }
                            flags.add(flag);
                        }
                    }
                } else {
                    name = a.arg1().isstring() ? a.arg1().tojstring() : null;
                    callback = a.arg(2);
                }
                if (name == null || !FunctionRegistry.NAME.matcher(name).matches()) {
                    // (Redis 7.0 words this error about library names)
                    throw new LuaError(LuaReplies.errorTable("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"));
                }
                if (!callback.isfunction()) {
                    throw new LuaError(LuaReplies.errorTable("ERR callback argument given to redis.register_function must be a function"));
                }
                for (Registered r : regs) {
                    if (r.name().equals(name)) {
                        throw new LuaError(LuaReplies.errorTable("ERR Function already exists in the library"));
                    }
                }
                regs.add(new Registered(name, (LuaFunction) callback, description, flags));
                return LuaValue.NONE;
            }
        });
        LuaValue normal = globals.rawget("redis");
        for (String k : new String[]{"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            t.rawset(k, normal.rawget(k));
        }
        LuaTable meta = new LuaTable();
        meta.rawset("__index", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue tbl, LuaValue k) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + k.tojstring() + "'");
            }
        });
        t.setmetatable(meta);
        return t;
    }

    /** Calls a library function with its keys and arguments (functions get them as parameters, not globals). */
    LuaValue callFunction(LuaFunction f, LuaTable keys, LuaTable argv, ScriptRun run) {
        current = run;
        limit.start(run);
        try {
            return f.call(keys, argv);
        } finally {
            current = null;
            limit.stop();
        }
    }

    /** Runs {@code f} with KEYS and ARGV set; the run's limits and redis.call target come from {@code run}. */
    LuaValue call(LuaFunction f, LuaTable keys, LuaTable argv, ScriptRun run) {
        globals.internalSet(KEYS, keys);
        globals.internalSet(ARGV, argv);
        current = run;
        limit.start(run);
        limit.debugger = run.debugger;
        if (run.debugger != null) {
            run.debugger.attach(limit);
        }
        try {
            return f.call();
        } finally {
            current = null;
            limit.stop();
        }
    }

    private String debugCompileError;

    /** A debugger "eval" fragment compiled in the scripts' globals (chunk "@ldb_eval"), or null (see {@link #lastDebugCompileError}). */
    LuaFunction compileDebugFragment(String code) {
        byte[] b = code.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return (LuaFunction) globals.load(new ByteArrayInputStream(b), "@ldb_eval", "t", globals);
        } catch (LuaError e) {
            debugCompileError = LuaSandbox.compileErrorText(String.valueOf(e.getMessage()), code, "ldb_eval");
            return null;
        }
    }

    String lastDebugCompileError() {
        return debugCompileError;
    }

    LuaValue globalRedis() {
        return globals.rawget("redis");
    }

    /** A global such as KEYS or ARGV, read without the sandbox's nonexistent-global error. */
    LuaValue globalValue(String name) {
        return globals.rawget(name);
    }

    /** The source line of the last instruction run (the line of an error luaj did not locate, such as a tail call's), or -1. */
    int lastLine() {
        return limit.lastLine();
    }

    /**
     * luaj calls this hook on every instruction and call: it checks the clock every few thousand
     * instructions and remembers where the script is (for error replies), without allocating.
     */
    private static final class TimeLimit extends DebugLib implements LuaDebugger.Frames {
        private ScriptRun run;
        /** The debugging session of the running script, or null: line events go to it. */
        LuaDebugger debugger;
        private int countdown;
        private Prototype[] frames = new Prototype[64];
        /** Each frame's registers (Lua functions only) and the instruction it is at: what the debugger shows. */
        private LuaValue[][] stacks = new LuaValue[64][];
        private int[] pcs = new int[64];
        private int depth;
        private Prototype lastProto;
        private int lastPc;
        /** System.nanoTime() after which library code at load time is stopped, or 0. */
        private long loadDeadline;

        void start(ScriptRun r) {
            run = r;
            countdown = 10_000;
            depth = 0;
            lastProto = null;
        }

        /** Library code at load time: past the deadline every instruction fails, so pcall cannot hold it. */
        void startLoad(long timeoutMs) {
            run = null;
            countdown = 10_000;
            depth = 0;
            lastProto = null;
            loadDeadline = timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000 : 0;
        }

        void stop() {
            run = null;
            debugger = null;
            loadDeadline = 0;
        }

        @Override
        public int depth() {
            return depth;
        }

        @Override
        public Prototype proto(int level) {
            return frames[depth - 1 - level];
        }

        @Override
        public LuaValue[] stack(int level) {
            return stacks[depth - 1 - level];
        }

        @Override
        public int pc(int level) {
            return pcs[depth - 1 - level];
        }

        int lastLine() {
            Prototype p = lastProto;
            return p != null && p.lineinfo != null && lastPc >= 0 && lastPc < p.lineinfo.length ? p.lineinfo[lastPc] : -1;
        }

        @Override
        public void onInstruction(int pc, Varargs v, int top) {
            int old = -1;
            if (depth > 0) {
                lastProto = frames[depth - 1];
                lastPc = pc;
                old = pcs[depth - 1];
                pcs[depth - 1] = pc;
            }
            LuaDebugger d = debugger;
            if (d != null && lastProto != null && depth > 0 && LuaDebugger.isUserScript(lastProto)) {
                int[] li = lastProto.lineinfo;
                int line = li != null && pc < li.length ? li[pc] : -1;
                // Lua 5.1's line hook: entering a function, jumping back, or reaching a new line
                if (pc == 0 || old < 0 || pc <= old || (li != null && old < li.length && line != li[old])) {
                    d.line(line, false);
                }
            }
            if (--countdown > 0) {
                return;
            }
            countdown = 10_000;
            if (d != null) {
                if (lastProto != null && LuaDebugger.isUserScript(lastProto)) {
                    d.line(lastLine(), true); // Redis' count hook: a script running too long stops by itself
                }
                return; // no BUSY announcement while debugging: the session holds the shards, as Redis' sync mode
            }
            ScriptRun r = run;
            if (r != null) {
                r.checkLimits();
            } else if (loadDeadline != 0 && System.nanoTime() - loadDeadline > 0) {
                countdown = 1;
                LuaTable err = new LuaTable();
                err.rawset(LuaReplies.ERR, LuaValue.valueOf("ERR FUNCTION LOAD timeout"));
                throw new LuaError(err);
            }
        }

        @Override
        public void onCall(LuaFunction f) {
            push(null, null);
        }

        @Override
        public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
            push(c.p, stack);
        }

        private void push(Prototype p, LuaValue[] stack) {
            if (depth == frames.length) {
                frames = Arrays.copyOf(frames, depth * 2);
                stacks = Arrays.copyOf(stacks, depth * 2);
                pcs = Arrays.copyOf(pcs, depth * 2);
            }
            stacks[depth] = stack;
            pcs[depth] = -1;
            frames[depth++] = p;
        }

        @Override
        public void onReturn() {
            if (depth > 0) {
                frames[--depth] = null;
                stacks[depth] = null;
            }
        }

        @Override
        public String traceback(int level) {
            return "";
        }
    }
}

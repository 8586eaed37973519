package io.heliosdb.resp.scripting;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.connection.Monitors;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.scheduler.Shard;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.luaj.vm2.LocVars;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * One Lua debugging session (SCRIPT DEBUG YES|SYNC, then EVAL), speaking Redis 7.0's LDB protocol
 * (eval.c): at each stop the pending log lines go to the client as an array of status replies, and
 * the debugger reads the client's next command (a RESP array) straight from its connection until it
 * says step, continue or abort. The script's shards are held meanwhile, as Redis' synchronous mode
 * blocks its server. Texts, limits and quirks follow eval.c.
 *
 * <p>Owned by the thread running the script (the caller's connection loop): it writes to the
 * client's channel and pumps that loop's I/O to read the client's input while it waits.
 */
final class LuaDebugger {
    static final int MAX_LEN_DEFAULT = 256;
    private static final int BREAKPOINTS_MAX = 64;
    /** LUA_MINSTACK/2: how deep a nested table is shown. */
    private static final int MAX_VALUES_DEPTH = 10;
    private static final int MAX_INPUT = 1 << 20;

    /** The frames of the running script, innermost first (level 0). */
    interface Frames {
        int depth();

        /** The Lua function at {@code level}, or null for a Java function. */
        Prototype proto(int level);

        LuaValue[] stack(int level);

        /** The instruction the frame is at. */
        int pc(int level);
    }

    private final ClientSession session;
    private final Shard shard;
    private final LuaVm vm;
    private final String[] lines;
    private final List<String> logs = new ArrayList<>();
    private final int[] bp = new int[BREAKPOINTS_MAX];
    private int bpcount;
    private boolean step = true;
    private boolean luabp;
    private int maxlen = MAX_LEN_DEFAULT;
    private boolean maxlenHintSent;
    private int currentLine = -1;
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private long stopResetNanos = System.nanoTime();
    private final long timeLimitNanos;
    private Frames frames;
    private boolean inRepl;

    LuaDebugger(ClientSession session, Shard shard, LuaVm vm, byte[] source, long timeLimitMillis) {
        this.session = session;
        this.shard = shard;
        this.vm = vm;
        this.lines = splitLines(source);
        this.timeLimitNanos = (timeLimitMillis > 0 ? timeLimitMillis : 5000) * 1_000_000L;
    }

    /** The source's lines as eval.c keeps them: trailing newlines dropped, then split at each '\n'. */
    private static String[] splitLines(byte[] source) {
        int n = source.length;
        while (n > 0 && (source[n - 1] == '\n' || source[n - 1] == '\r')) {
            n--;
        }
        if (n == 0) {
            return new String[0];
        }
        return new String(source, 0, n, StandardCharsets.ISO_8859_1).split("\n", -1);
    }

    void attach(Frames f) {
        this.frames = f;
    }

    /** Redis' ldbIsEnabled: commands and their replies are logged while stepping. */
    boolean logging() {
        return step;
    }

    // ---- what the script's hook reports -------------------------------------------------------

    /** A new line of user_script is about to run (or, with {@code countEvent}, many instructions ran). */
    void line(int line, boolean countEvent) {
        if (inRepl) {
            return; // code the debugger itself runs (eval, redis) does not stop
        }
        currentLine = line;
        boolean bpHit = isBreakpoint(line) || luabp;
        boolean timeout = false;
        if (countEvent && !step && !bpHit) {
            if (System.nanoTime() - stopResetNanos < timeLimitNanos) {
                return;
            }
            timeout = true;
            step = true;
        }
        if (!step && !bpHit) {
            return;
        }
        String reason = bpHit ? (luabp ? "redis.breakpoint() called" : "break point")
                : timeout ? "timeout reached, infinite loop?" : "step over";
        step = false;
        luabp = false;
        log("* Stopped at " + line + ", stop reason = " + reason);
        logSourceLine(line);
        sendLogs();
        boolean answered;
        inRepl = true;
        try {
            answered = repl();
        } finally {
            inRepl = false;
        }
        if (!answered && timeout) {
            throw raise("timeout during Lua debugging with client closing connection");
        }
        stopResetNanos = System.nanoTime();
    }

    /** redis.debug(...): a log line with the values, whether stepping or not. */
    void debug(Varargs a) {
        StringBuilder b = new StringBuilder("<debug> line ").append(currentLine).append(": ");
        for (int i = 1; i <= a.narg(); i++) {
            catValue(b, a.arg(i), 0);
            if (i != a.narg()) {
                b.append(", ");
            }
        }
        log(b.toString());
    }

    /** redis.breakpoint(): stop at the next line. */
    void breakpoint() {
        luabp = true;
    }

    /** A redis.call about to run, as the log shows it: at most ten arguments, raw. */
    void logCommand(Args args) {
        StringBuilder b = new StringBuilder("<redis>");
        int argc = args.count();
        for (int j = 0; j < argc; j++) {
            if (j == 10) {
                b.append(" ... (").append(argc - j - 1).append(" more)"); // eval.c's count, one short
                break;
            }
            b.append(' ').append(new String(args.bytes(j), StandardCharsets.ISO_8859_1));
        }
        log(b.toString());
    }

    /** A redis.call's reply (RESP bytes), in eval.c's human-readable form. */
    void logReply(byte[] resp) {
        if (resp.length > 0 && resp[0] == '-') {
            // converting an error reply to Lua goes through luaPushError, which logs it first
            int end = indexOfCrlf(resp, 0);
            log("<error> " + new String(resp, 0, end < 0 ? resp.length : end, StandardCharsets.ISO_8859_1));
        }
        StringBuilder b = new StringBuilder("<reply> ");
        new ReplyReader(resp).human(b);
        logWithMaxLen(b.toString());
    }

    /** An error redis.call raised before running a command (luaPushError's log line). */
    void logError(String err) {
        log("<error> " + err);
    }

    /** The end of the session: the logs left and the end mark go out before the script's reply. */
    void end() {
        log("<endsession>");
        sendLogs();
    }

    // ---- the REPL ---------------------------------------------------------------------------

    /** Reads and runs the client's commands until one resumes the script; false if the client is gone. */
    private boolean repl() {
        while (true) {
            String[] argv;
            while ((argv = parseCommand()) == null) {
                byte[] chunk = read();
                if (chunk == null) {
                    step = false; // the script goes on without stops: nobody is there to answer
                    bpcount = 0;
                    return false;
                }
                input.writeBytes(chunk);
                if (input.size() > MAX_INPUT) {
                    input.reset();
                    throw raise("max client buffer reached");
                }
            }
            input.reset(); // what followed the command is dropped, as eval.c flushes its buffer
            String cmd = argv[0].toLowerCase(Locale.ROOT);
            switch (cmd) {
                case "h", "help" -> {
                    help();
                    sendLogs();
                }
                case "s", "step", "n", "next" -> {
                    step = true;
                    return true;
                }
                case "c", "continue" -> {
                    return true;
                }
                case "t", "trace" -> {
                    trace();
                    sendLogs();
                }
                case "m", "maxlen" -> {
                    maxlen(argv);
                    sendLogs();
                }
                case "b", "break" -> {
                    breakCommand(argv);
                    sendLogs();
                }
                case "e", "eval" -> {
                    eval(argv);
                    sendLogs();
                }
                case "a", "abort" -> throw raise("script aborted for user request");
                case "p", "print" -> {
                    if (argv.length == 2) {
                        print(argv[1]);
                    } else {
                        printAll();
                    }
                    sendLogs();
                }
                case "l", "list" -> {
                    int around = currentLine;
                    int ctx = 5;
                    if (argv.length > 1) {
                        int num = atoi(argv[1]);
                        if (num > 0) {
                            around = num;
                        }
                    }
                    if (argv.length > 2) {
                        ctx = atoi(argv[2]);
                    }
                    list(around, ctx);
                    sendLogs();
                }
                case "w", "whole" -> {
                    list(1, 1000000);
                    sendLogs();
                }
                default -> {
                    if (argv.length > 1 && (cmd.equals("r") || cmd.equals("redis"))) {
                        redis(argv);
                    } else {
                        log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                    }
                    sendLogs();
                }
            }
        }
    }

    /** The client's next bytes: waits for them, serving this loop's sockets meanwhile; null if it is gone. */
    private byte[] read() {
        while (true) {
            byte[] b = session.debuggerInput.poll();
            if (b != null) {
                return b;
            }
            if (!session.channel.isActive()) {
                return null;
            }
            if (!shard.pumpIo()) {
                return null; // run from inside socket handling: nothing can be read here
            }
            b = session.debuggerInput.poll();
            if (b != null) {
                return b;
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /**
     * eval.c's ldbReplParseCommand: one "*N" then N "$len" arguments (1 to 1024 each, at most
     * 1024 of them). Null to read more, or after a protocol error (which {@link #repl} raises).
     */
    private String[] parseCommand() {
        byte[] buf = input.toByteArray();
        if (buf.length == 0) {
            return null;
        }
        int p = indexOf(buf, 0, (byte) '*');
        if (p < 0) {
            throw raise("protocol error");
        }
        int crlf = indexOfCrlf(buf, p);
        if (crlf < 0) {
            return null;
        }
        int argc = atoi(new String(buf, p + 1, crlf - p - 1, StandardCharsets.ISO_8859_1));
        if (argc <= 0 || argc > 1024) {
            throw raise("protocol error");
        }
        p = crlf + 2;
        String[] argv = new String[argc];
        for (int n = 0; n < argc; n++) {
            if (p >= buf.length) {
                return null;
            }
            if (buf[p] != '$') {
                throw raise("protocol error");
            }
            crlf = indexOfCrlf(buf, p);
            if (crlf < 0) {
                return null;
            }
            int len = atoi(new String(buf, p + 1, crlf - p - 1, StandardCharsets.ISO_8859_1));
            if (len <= 0 || len > 1024) {
                throw raise("protocol error");
            }
            p = crlf + 2;
            if (p + len + 2 > buf.length) {
                return null;
            }
            argv[n] = new String(buf, p, len, StandardCharsets.ISO_8859_1);
            p += len;
            if (buf[p] != '\r' || buf[p + 1] != '\n') {
                throw raise("protocol error");
            }
            p += 2;
        }
        return argv;
    }

    private static int indexOf(byte[] b, int from, byte c) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** C's atoi: optional blanks and sign, then digits up to the first other character. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE + 1L) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        v = neg ? -v : v;
        return (int) v; // beyond int, C's atoi is undefined; this wraps as glibc's does for 32 bits
    }

    /** An error raised as luaPushError + luaError raise it: an error table, which pcall can catch. */
    private static LuaError raise(String message) {
        return new LuaError(LuaReplies.errorTable("ERR " + message));
    }

    // ---- the commands -----------------------------------------------------------------------

    private static final String[] HELP = {
            "Redis Lua debugger help:",
            "[h]elp               Show this help.",
            "[s]tep               Run current line and stop again.",
            "[n]ext               Alias for step.",
            "[c]ontinue           Run till next breakpoint.",
            "[l]ist               List source code around current line.",
            "[l]ist [line]        List source code around [line].",
            "                     line = 0 means: current position.",
            "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
            "                     to show before/after [line].",
            "[w]hole              List all source code. Alias for 'list 1 1000000'.",
            "[p]rint              Show all the local variables.",
            "[p]rint <var>        Show the value of the specified variable.",
            "                     Can also show global vars KEYS and ARGV.",
            "[b]reak              Show all breakpoints.",
            "[b]reak <line>       Add a breakpoint to the specified line.",
            "[b]reak -<line>      Remove breakpoint from the specified line.",
            "[b]reak 0            Remove all breakpoints.",
            "[t]race              Show a backtrace.",
            "[e]val <code>        Execute some Lua code (in a different callframe).",
            "[r]edis <cmd>        Execute a Redis command.",
            "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
            "                     Specifying zero as <len> means unlimited.",
            "[a]bort              Stop the execution of the script. In sync",
            "                     mode dataset changes will be retained.",
            "",
            "Debugger functions you can call from Lua scripts:",
            "redis.debug()        Produce logs in the debugger console.",
            "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
            "                     next line of code.",
    };

    private void help() {
        for (String h : HELP) {
            log(h);
        }
    }

    private void maxlen(String[] argv) {
        if (argv.length == 2) {
            int v = atoi(argv[1]);
            maxlenHintSent = true; // the user knows about the command now
            if (v != 0 && v <= 60) {
                v = 60;
            }
            maxlen = v;
        }
        log(maxlen != 0 ? "<value> replies are truncated at " + maxlen + " bytes." : "<value> replies are unlimited.");
    }

    private void breakCommand(String[] argv) {
        if (argv.length == 1) {
            if (bpcount == 0) {
                log("No breakpoints set. Use 'b <line>' to add one.");
                return;
            }
            log(bpcount + " breakpoints set:");
            for (int j = 0; j < bpcount; j++) {
                logSourceLine(bp[j]);
            }
            return;
        }
        for (int j = 1; j < argv.length; j++) {
            Long parsed = string2l(argv[j]);
            if (parsed == null) {
                log("Invalid argument:'" + argv[j] + "'");
                continue;
            }
            long line = parsed;
            if (line == 0) {
                bpcount = 0;
                log("All breakpoints removed.");
            } else if (line > 0) {
                if (bpcount == BREAKPOINTS_MAX) {
                    log("Too many breakpoints set.");
                } else if (addBreakpoint(line)) {
                    list((int) line, 1);
                } else {
                    log("Wrong line number.");
                }
            } else {
                log(deleteBreakpoint(-line) ? "Breakpoint removed." : "No breakpoint in the specified line.");
            }
        }
    }

    private boolean isBreakpoint(int line) {
        for (int j = 0; j < bpcount; j++) {
            if (bp[j] == line) {
                return true;
            }
        }
        return false;
    }

    private boolean addBreakpoint(long line) {
        if (line <= 0 || line > lines.length) {
            return false;
        }
        if (!isBreakpoint((int) line) && bpcount != BREAKPOINTS_MAX) {
            bp[bpcount++] = (int) line;
            return true;
        }
        return false; // already set: eval.c reports it as a wrong line number
    }

    /**
     * Removes a breakpoint the way eval.c does: its memmove moves (count - j) bytes, not ints, so the
     * later breakpoints shift only partly. Reproduced byte for byte (little-endian ints).
     */
    private boolean deleteBreakpoint(long line) {
        for (int j = 0; j < bpcount; j++) {
            if (bp[j] == line) {
                bpcount--;
                ByteBuffer bytes = ByteBuffer.allocate(BREAKPOINTS_MAX * 4).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asIntBuffer().put(bp);
                byte[] raw = bytes.array();
                System.arraycopy(raw, (j + 1) * 4, raw, j * 4, bpcount - j);
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(bp);
                return true;
            }
        }
        return false;
    }

    /** Redis' string2l: no blanks, no '+', no leading zeros, within a long. */
    private static Long string2l(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return null;
        }
        if (s.equals("0")) {
            return 0L;
        }
        int i = 0;
        boolean neg = s.charAt(0) == '-';
        if (neg) {
            i++;
            if (i == s.length()) {
                return null;
            }
        }
        if (s.charAt(i) < '1' || s.charAt(i) > '9') {
            return null;
        }
        for (int k = i; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void list(int around, int context) {
        for (int j = 1; j <= lines.length; j++) {
            if (around != 0 && Math.abs(around - j) > context) {
                continue;
            }
            logSourceLine(j);
        }
    }

    private void logSourceLine(int line) {
        String text = line - 1 >= 0 && line - 1 < lines.length ? lines[line - 1] : "<out of range source code line>";
        boolean b = isBreakpoint(line);
        boolean current = currentLine == line;
        String prefix = current && b ? "->#" : current ? "-> " : b ? "  #" : "   ";
        log(String.format(Locale.ROOT, "%s%-3d %s", prefix, line, text));
    }

    private void eval(String[] argv) {
        String code = String.join(" ", Arrays.copyOfRange(argv, 1, argv.length));
        LuaFunction f = vm.compileDebugFragment("return " + code);
        if (f == null) {
            f = vm.compileDebugFragment(code);
            if (f == null) {
                log("<error> " + vm.lastDebugCompileError());
                return;
            }
        }
        try {
            LuaValue r = f.call();
            StringBuilder b = new StringBuilder("<retval> ");
            catValue(b, r, 0);
            logWithMaxLen(b.toString());
        } catch (LuaError e) {
            log("<error> " + errorString(e));
        }
    }

    /** What lua_tostring gives for an error: its message (an error table has none to give). */
    private static String errorString(LuaError e) {
        LuaValue m = e.getMessageObject();
        if (m != null && m.isstring()) {
            return latin1(LuaSandbox.lua51Message(m).checkstring());
        }
        if (m != null && m.istable()) {
            LuaValue err = m.rawget(LuaReplies.ERR);
            return err.isstring() ? latin1(err.checkstring()) : "(null)";
        }
        return String.valueOf(LuaSandbox.lua51Message(LuaValue.valueOf(String.valueOf(e.getMessage()))));
    }

    /** The debugger's redis command: redis.call with logging on, its error (if any) swallowed. */
    private void redis(String[] argv) {
        LuaValue call = vm.globalRedis().get("call");
        LuaValue[] args = new LuaValue[argv.length - 1];
        for (int j = 1; j < argv.length; j++) {
            args[j - 1] = LuaString.valueOf(argv[j].getBytes(StandardCharsets.ISO_8859_1));
        }
        step = true; // makes redis.call log the command and its reply
        try {
            call.invoke(LuaValue.varargsOf(args));
        } catch (LuaError ignored) {
            // as lua_pcall there: the log already shows what went wrong
        } finally {
            step = false;
        }
    }

    private void trace() {
        int level = 0;
        int depth = frames.depth();
        for (; level < depth; level++) {
            Prototype p = frames.proto(level);
            if (p == null || !isUserScript(p)) {
                continue;
            }
            String name = functionName(level);
            log((level == 0 ? "In " : "From ") + (name != null ? name : "top level") + ":");
            logSourceLine(lineOf(p, frames.pc(level)));
        }
        if (level == 0) {
            log("<error> Can't retrieve Lua stack.");
        }
    }

    private static final LuaString USER_SCRIPT = LuaString.valueOf("@user_script");

    static boolean isUserScript(Prototype p) {
        return p.source != null && p.source.raweq(USER_SCRIPT);
    }

    private static int lineOf(Prototype p, int pc) {
        return p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? p.lineinfo[pc] : -1;
    }

    private void print(String name) {
        for (int level = 0; level < frames.depth(); level++) {
            Prototype p = frames.proto(level);
            if (p == null) {
                continue;
            }
            LuaValue[] stack = frames.stack(level);
            int pc = frames.pc(level);
            int reg = 0;
            for (LocVars v : p.locvars) {
                if (v.startpc <= pc && pc < v.endpc) {
                    if (v.varname.tojstring().equals(name)) {
                        StringBuilder b = new StringBuilder("<value> ");
                        catValue(b, stack != null && reg < stack.length ? stack[reg] : LuaValue.NIL, 0);
                        logWithMaxLen(b.toString());
                        return;
                    }
                    reg++;
                }
            }
        }
        if (name.equals("ARGV") || name.equals("KEYS")) {
            StringBuilder b = new StringBuilder("<value> ");
            catValue(b, vm.globalValue(name), 0);
            logWithMaxLen(b.toString());
        } else {
            log("No such variable.");
        }
    }

    private void printAll() {
        int vars = 0;
        if (frames.depth() > 0 && frames.proto(0) != null) {
            Prototype p = frames.proto(0);
            LuaValue[] stack = frames.stack(0);
            int pc = frames.pc(0);
            int reg = 0;
            for (LocVars v : p.locvars) {
                if (v.startpc <= pc && pc < v.endpc) {
                    StringBuilder b = new StringBuilder("<value> ").append(latin1(v.varname)).append(" = ");
                    catValue(b, stack != null && reg < stack.length ? stack[reg] : LuaValue.NIL, 0);
                    logWithMaxLen(b.toString());
                    vars++;
                    reg++;
                }
            }
        }
        if (vars == 0) {
            log("No local variables in the current context.");
        }
    }

    /**
     * The name Lua 5.1's getfuncname gives the function at {@code level}: how its caller (a Lua
     * function) named the called register: a local, a global, a field or method, an upvalue. Null
     * when the caller is not Lua code, or the name cannot be told.
     */
    private String functionName(int level) {
        if (level + 1 >= frames.depth()) {
            return null;
        }
        Prototype caller = frames.proto(level + 1);
        if (caller == null) {
            return null;
        }
        int pc = frames.pc(level + 1);
        if (pc < 0 || pc >= caller.code.length) {
            return null;
        }
        int i = caller.code[pc];
        int op = Lua.GET_OPCODE(i);
        if (op != Lua.OP_CALL && op != Lua.OP_TAILCALL && op != Lua.OP_TFORCALL) {
            return null;
        }
        return registerName(caller, pc, Lua.GETARG_A(i));
    }

    private static String registerName(Prototype p, int lastpc, int reg) {
        String local = localName(p, reg, lastpc);
        if (local != null) {
            return local;
        }
        int setpc = findSetReg(p, lastpc, reg);
        if (setpc < 0) {
            return null;
        }
        int i = p.code[setpc];
        switch (Lua.GET_OPCODE(i)) {
            case Lua.OP_MOVE -> {
                int b = Lua.GETARG_B(i);
                return b < Lua.GETARG_A(i) ? registerName(p, setpc, b) : null;
            }
            case Lua.OP_GETTABUP, Lua.OP_GETTABLE, Lua.OP_SELF -> {
                int k = Lua.GETARG_C(i);
                return Lua.ISK(k) && p.k[Lua.INDEXK(k)].isstring() ? latin1(p.k[Lua.INDEXK(k)].checkstring()) : null;
            }
            case Lua.OP_GETUPVAL -> {
                int u = Lua.GETARG_B(i);
                return u < p.upvalues.length && p.upvalues[u].name != null ? latin1(p.upvalues[u].name) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String localName(Prototype p, int reg, int pc) {
        int n = 0;
        for (LocVars v : p.locvars) {
            if (v.startpc <= pc && pc < v.endpc) {
                if (n == reg) {
                    return latin1(v.varname);
                }
                n++;
            }
        }
        return null;
    }

    /** Lua 5.2's findsetreg: the last instruction before {@code lastpc} that set {@code reg}, or -1. */
    private static int findSetReg(Prototype p, int lastpc, int reg) {
        int setreg = -1;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL -> {
                    int b = Lua.GETARG_B(i);
                    if (a <= reg && reg <= a + b) {
                        setreg = pc;
                    }
                }
                case Lua.OP_TFORCALL -> {
                    if (reg >= a + 2) {
                        setreg = pc;
                    }
                }
                case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                    if (reg >= a) {
                        setreg = pc;
                    }
                }
                case Lua.OP_JMP -> {
                    int dest = pc + 1 + Lua.GETARG_sBx(i);
                    if (pc < dest && dest <= lastpc) {
                        pc += Lua.GETARG_sBx(i);
                    }
                }
                case Lua.OP_TEST -> {
                    if (reg == a) {
                        setreg = pc;
                    }
                }
                default -> {
                    if (testAMode(op) && reg == a) {
                        setreg = pc;
                    }
                }
            }
        }
        return setreg;
    }

    /** Whether an opcode writes its A register (Lua 5.2's testAMode). */
    private static boolean testAMode(int op) {
        return switch (op) {
            case Lua.OP_SETTABUP, Lua.OP_SETUPVAL, Lua.OP_SETTABLE, Lua.OP_SETLIST, Lua.OP_JMP, Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE,
                 Lua.OP_TEST, Lua.OP_RETURN, Lua.OP_FORLOOP, Lua.OP_TFORLOOP, Lua.OP_EXTRAARG -> false;
            default -> true;
        };
    }

    // ---- values -----------------------------------------------------------------------------

    /** eval.c's ldbCatStackValueRec: Lua values as the debugger shows them. */
    private static void catValue(StringBuilder b, LuaValue v, int level) {
        if (level++ == MAX_VALUES_DEPTH) {
            b.append("<max recursion level reached! Nested table?>");
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> repr(b, bytes(v.checkstring()));
            case LuaValue.TBOOLEAN -> b.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> b.append(LuaFormat.g(v.todouble()));
            case LuaValue.TNIL -> b.append("nil");
            case LuaValue.TTABLE -> {
                LuaTable t = (LuaTable) v;
                StringBuilder asArray = new StringBuilder();
                StringBuilder asMap = new StringBuilder();
                boolean isArray = true;
                int expected = 1;
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = t.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    LuaValue val = n.arg(2);
                    if (isArray && (k.type() != LuaValue.TNUMBER || k.todouble() != expected)) {
                        isArray = false;
                    }
                    catValue(asArray, val, level);
                    asArray.append("; ");
                    asMap.append('[');
                    catValue(asMap, k, level);
                    asMap.append("]=");
                    catValue(asMap, val, level);
                    asMap.append("; ");
                    expected++;
                }
                StringBuilder chosen = isArray ? asArray : asMap;
                if (chosen.length() > 0) {
                    chosen.setLength(chosen.length() - 2);
                }
                b.append('{').append(chosen).append('}');
            }
            default -> {
                String type = switch (v.type()) {
                    case LuaValue.TFUNCTION -> "function";
                    case LuaValue.TUSERDATA -> "userdata";
                    case LuaValue.TTHREAD -> "thread";
                    case LuaValue.TLIGHTUSERDATA -> "light-userdata";
                    default -> "unknown";
                };
                b.append('"').append(type).append("@0x").append(Integer.toHexString(System.identityHashCode(v))).append('"');
            }
        }
    }

    /** Redis' sdscatrepr (MONITOR's quoting), appended as ISO-8859-1 chars. */
    static void repr(StringBuilder b, byte[] s) {
        ByteArrayOutputStream q = new ByteArrayOutputStream(s.length + 2);
        Monitors.quote(q, s);
        b.append(q.toString(StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(LuaString s) {
        byte[] r = new byte[s.m_length];
        s.copyInto(0, r, 0, r.length);
        return r;
    }

    private static String latin1(LuaString s) {
        return new String(bytes(s), StandardCharsets.ISO_8859_1);
    }

    // ---- the log ----------------------------------------------------------------------------

    private void log(String entry) {
        logs.add(entry);
    }

    private void logWithMaxLen(String entry) {
        boolean trimmed = false;
        byte[] raw = entry.getBytes(StandardCharsets.ISO_8859_1);
        if (maxlen != 0 && raw.length > maxlen) {
            entry = new String(raw, 0, maxlen, StandardCharsets.ISO_8859_1) + " ...";
            trimmed = true;
        }
        log(entry);
        if (trimmed && !maxlenHintSent) {
            maxlenHintSent = true;
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    /** The pending log lines, as one array of status replies written straight to the client. */
    private void sendLogs() {
        StringBuilder b = new StringBuilder("*").append(logs.size()).append("\r\n");
        for (String l : logs) {
            b.append('+').append(l.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
        }
        logs.clear();
        if (session.channel.isActive()) {
            session.channel.writeAndFlush(Unpooled.wrappedBuffer(b.toString().getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    /** A RESP reply read back into eval.c's ldbRedisProtocolToHuman text. */
    private static final class ReplyReader {
        private final byte[] r;
        private int p;

        ReplyReader(byte[] r) {
            this.r = r;
        }

        private String lineText() {
            int e = p;
            while (e < r.length && r[e] != '\r') {
                e++;
            }
            String s = new String(r, p, e - p, StandardCharsets.ISO_8859_1);
            p = Math.min(r.length, e + 2);
            return s;
        }

        void human(StringBuilder o) {
            if (p >= r.length) {
                return;
            }
            byte type = r[p];
            switch (type) {
                case ':' -> {
                    p++;
                    o.append(lineText());
                }
                case '$' -> {
                    p++;
                    long len = Long.parseLong(lineText());
                    if (len == -1) {
                        o.append("NULL");
                    } else {
                        repr(o, Arrays.copyOfRange(r, p, p + (int) len));
                        p += (int) len + 2;
                    }
                }
                case '+', '-' -> repr(o, lineText().getBytes(StandardCharsets.ISO_8859_1));
                case '*' -> {
                    p++;
                    long n = Long.parseLong(lineText());
                    if (n == -1) {
                        o.append("NULL");
                        return;
                    }
                    o.append('[');
                    for (long j = 0; j < n; j++) {
                        human(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append(']');
                }
                case '~' -> {
                    p++;
                    long n = Long.parseLong(lineText());
                    o.append("~(");
                    for (long j = 0; j < n; j++) {
                        human(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append(')');
                }
                case '%' -> {
                    p++;
                    long n = Long.parseLong(lineText());
                    o.append('{');
                    for (long j = 0; j < n; j++) {
                        human(o);
                        o.append(" => ");
                        human(o);
                        if (j != n - 1) {
                            o.append(',');
                        }
                    }
                    o.append('}');
                }
                case '_' -> {
                    lineText();
                    o.append("(null)");
                }
                case '#' -> {
                    p++;
                    o.append(lineText().startsWith("t") ? "#true" : "#false");
                }
                case ',' -> {
                    p++;
                    o.append("(double) ").append(lineText());
                }
                default -> lineText(); // eval.c shows nothing for other types
            }
        }
    }
}

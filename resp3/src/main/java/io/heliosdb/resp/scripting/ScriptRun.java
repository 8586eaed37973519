package io.heliosdb.resp.scripting;

import io.heliosdb.resp.acl.Acl;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.connection.Monitors;
import io.heliosdb.resp.connection.RespConnection;
import io.heliosdb.resp.engine.BusyScript;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTransaction;
import io.heliosdb.scheduler.SliceBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * One execution of a script, and how its redis.call reaches the keyspace. The script runs on the
 * thread of one shard and is atomic there because nothing else runs on that thread meanwhile.
 * <ul>
 *   <li>Declared keys on one shard: the script runs on that shard; commands on its keys run inline.
 *       A key of another shard is refused (as a Redis Cluster node refuses non-local keys).</li>
 *   <li>No declared keys, or keys on several shards: every shard is held by {@link #outer} (whole-
 *       shard locks) and the script runs on the connection's shard; a command for another shard runs
 *       there while the script waits, since that shard does nothing else while held.</li>
 * </ul>
 */
final class ScriptRun implements BusyScript {
    static final String NON_LOCAL = "ERR Script attempted to access a non local key in a cluster node script";

    private final ServerContext server;
    private final CommandTable table;
    private final Shard shard;
    private final ClientSession session;
    private final ShardTransaction outer;
    private final boolean readOnly;
    final String sha;
    int db;
    int scriptResp = 2;
    /** The script's shebang declared allow-oom: its writes are not refused when used memory > maxmemory. */
    boolean allowOom;
    /** A write command ran: SCRIPT KILL may no longer stop it (its effects would be half applied). */
    volatile boolean wrote;
    volatile boolean killRequested;
    private final long startNanos = System.nanoTime();
    private final long limitNanos;
    private boolean announcedBusy;
    /** Past lua-time-limit: a pumpIo round per millisecond (the scheduler's budget hook for atomic long tasks). */
    private final SliceBudget pumpBudget = SliceBudget.ofTime(1_000_000L, System::nanoTime);
    /** FCALL/FCALL_RO (a function), rather than EVAL/EVALSHA. */
    private final boolean function;
    /** What {@link ScriptPlacement} learns about this script under; null when nothing is learnt. */
    String placementKey;
    /** Holding every shard with all declared keys on one: that shard (the script is being learnt), else null. */
    private final Shard declaredShard;
    /** While learnt: the script touched a key it did not declare (or every shard), so it must keep holding them all. */
    private boolean usedUndeclared;
    /** The calling command's arguments, copied once the script is busy (FUNCTION STATS shows them). */
    private final Args command;
    private volatile String[] commandCopy;

    /** The Lua debugging session this run is under, or null. */
    LuaDebugger debugger;
    /** SCRIPT DEBUG YES: each written key's state before the session's first write to it; null otherwise. */
    private LinkedHashMap<String, Saved> saved;
    /** Running the undo's own DUMP/RESTORE: not logged, not checked, not saved again. */
    private boolean internal;

    private byte[] argBytes = new byte[256];
    private long[] offsets = new long[8];
    private int[] lengths = new int[8];
    private final Args args = new Args();
    private final ByteBuf reply = Unpooled.buffer(256);
    private final RespWriter writer = new RespWriter();

    ScriptRun(ServerContext server, Shard shard, ClientSession session, int db, ShardTransaction outer, boolean readOnly, String sha,
            boolean function, Args command) {
        this.function = function;
        this.command = command;
        this.declaredShard = outer == null ? null : shardOfDeclaredKeys(server, command);
        this.server = server;
        this.table = CommandTable.of(server);
        this.shard = shard;
        this.session = session;
        this.db = db;
        this.outer = outer;
        this.readOnly = readOnly;
        this.sha = sha;
        this.limitNanos = Math.max(1, server.config().number("lua-time-limit")) * 1_000_000L;
    }

    /** Thrown (not a LuaError, so pcall cannot catch it) when SCRIPT KILL stops the script. */
    static final class Killed extends Error {
        Killed() {
            super("killed", null, false, false);
        }
    }

    /**
     * Called every few thousand Lua instructions. Past lua-time-limit the script is announced busy
     * (on every shard it holds) and, as Redis processes events from its script hook, this shard's
     * loop serves its sockets about every millisecond: its clients get BUSY, and SCRIPT KILL works
     * from any connection, old or new.
     */
    void checkLimits() {
        long now = System.nanoTime();
        if (!announcedBusy && now - startNanos > limitNanos) {
            announcedBusy = true;
            String[] copy = new String[command.count()];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = command.string(i);
            }
            commandCopy = copy;
            for (Shard s : busyShards()) {
                ServerContext.state(s).busyScript = this;
                if (s != shard) {
                    s.answerWhileHeld(true); // held shards' waiting requests answer BUSY too
                }
            }
        }
        if (announcedBusy) {
            shard.yieldIfSpent(pumpBudget);
        }
        if (killRequested) {
            throw new Killed();
        }
    }

    /** The shards this script keeps from doing anything else: its own, or every shard when it holds them all. */
    private Shard[] busyShards() {
        return outer == null ? new Shard[]{shard} : server.shards().all();
    }

    void finished() {
        if (announcedBusy) {
            for (Shard s : busyShards()) {
                ServerContext.state(s).busyScript = null;
                if (s != shard) {
                    s.answerWhileHeld(false);
                }
            }
        }
    }

    /** The one shard all declared keys live on, or null (none declared, or several shards). */
    private static Shard shardOfDeclaredKeys(ServerContext server, Args a) {
        int n = ScriptCommands.numKeys(a);
        Shard only = null;
        for (int i = 3; i < 3 + Math.max(0, n); i++) {
            Shard s = server.shardOfKey(a.segment(), a.offset(i), a.length(i));
            if (only != null && s != only) {
                return null;
            }
            only = s;
        }
        return only;
    }

    /** The script returned (no error escaped): what a run holding every shard showed is learnt. */
    void completed() {
        if (declaredShard != null) {
            ScriptPlacement.learnt(server, placementKey, !usedUndeclared);
        }
    }

    /** Whether argument {@code i} of the running redis.call is one of the script's declared keys. */
    private boolean declared(int i) {
        int n = ScriptCommands.numKeys(command);
        for (int k = 3; k < 3 + n; k++) {
            if (command.length(k) == args.length(i) && MemorySegment.mismatch(command.segment(), command.offset(k),
                    command.offset(k) + command.length(k), args.segment(), args.offset(i), args.offset(i) + args.length(i)) < 0) {
                return true;
            }
        }
        return false;
    }

    /** A key on another shard than the script's, while not holding it: the script must hold every shard. */
    private String nonLocal() {
        ScriptPlacement.learnt(server, placementKey, false);
        return NON_LOCAL;
    }

    @Override
    public void abandon() {
        killRequested = true;
    }

    @Override
    public ClientSession caller() {
        return session;
    }

    @Override
    public boolean isFunction() {
        return function;
    }

    /** Milliseconds since the script started (FUNCTION STATS). */
    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    /** The calling command, as FUNCTION STATS shows it (set once busy). */
    String[] command() {
        return commandCopy;
    }

    // ---- redis.call / redis.pcall ------------------------------------------------------------

    Varargs call(Varargs a, boolean raise) {
        if (killRequested) {
            throw new Killed();
        }
        LuaValue r = execute(a);
        if (raise && r.istable() && r.rawget(LuaReplies.ERR).isstring()) {
            throw new LuaError(r);
        }
        return r;
    }

    /** redis.acl_check_cmd: whether the caller's user may run the command, without running it. */
    LuaValue aclCheck(Varargs a) {
        if (a.narg() == 0) {
            throw RedisLib.raise("ERR Please specify at least one argument for this redis lib call");
        }
        if (!encode(a)) {
            throw RedisLib.raise("ERR Lua redis lib command arguments must be strings or integers");
        }
        CommandSpec spec = table.lookup(args.segment(), args.offset(0), args.length(0));
        if (spec != null && spec.isContainer() && args.count() >= 2) {
            spec = CommandTable.lookupSub(spec, args.segment(), args.offset(1), args.length(1));
        }
        if (spec == null) {
            throw RedisLib.raise("ERR Invalid command passed to redis.acl_check_cmd()");
        }
        if (session == null || !Acl.of(server).restricted(session.user)) {
            return LuaValue.TRUE;
        }
        return LuaValue.valueOf(Acl.of(server).permits(Acl.of(server).user(session.user), spec, args)); // Redis logs nothing here
    }

    private LuaValue execute(Varargs a) {
        LuaDebugger d = internal ? null : debugger;
        if (d == null || !d.logging()) {
            return executeChecked(a, null);
        }
        // under the debugger, while stepping: the command and its reply (or error) go to the log
        LuaValue r = executeChecked(a, d);
        if (r.istable() && r.rawget(LuaReplies.ERR).isstring() && !replyLogged) {
            String e = r.rawget(LuaReplies.ERR).tojstring();
            d.logError(e.startsWith("ERR ") ? e.substring(4) : "-" + e + "  "); // Redis' shared errors keep their CRLF
        }
        return r;
    }

    /** Whether the reply of the command just run went to the debugger's log (then it is not an error of redis.call's own). */
    private boolean replyLogged;

    private LuaValue executeChecked(Varargs a, LuaDebugger log) {
        replyLogged = false;
        int n = a.narg();
        if (n == 0) {
            return LuaReplies.errorTable("ERR Please specify at least one argument for this redis lib call");
        }
        if (!encode(a)) {
            return LuaReplies.errorTable("ERR Lua redis lib command arguments must be strings or integers");
        }
        if (log != null) {
            log.logCommand(args);
        }
        CommandSpec spec = table.lookup(args.segment(), args.offset(0), args.length(0));
        if (spec != null && spec.isContainer() && args.count() >= 2) {
            spec = CommandTable.lookupSub(spec, args.segment(), args.offset(1), args.length(1));
        }
        // Redis checks existence, arity, then noscript: commands HeliosDB lacks (SYNC, MONITOR, WAIT)
        // are still refused as Redis refuses them
        if (spec == null || (spec.handler() == null && spec.container() == null && !spec.isContainer()
                && !spec.flags().contains("noscript"))) {
            return LuaReplies.errorTable("ERR Unknown Redis command called from script");
        }
        if (!spec.arityOk(args.count())) {
            return LuaReplies.errorTable("ERR Wrong number of args calling Redis command from script");
        }
        if (spec.flags().contains("noscript")) {
            return LuaReplies.errorTable("ERR This Redis command is not allowed from script");
        }
        if (spec.handler() == null) {
            return LuaReplies.errorTable("ERR Unknown Redis command called from script");
        }
        String blocked = blockOption(spec);
        if (blocked != null) {
            return LuaReplies.errorTable(blocked);
        }
        if (!internal && session != null && Acl.of(server).restricted(session.user)) {
            // a script runs with its caller's permissions, command by command
            String denied = Acl.of(server).check(Acl.of(server).user(session.user), spec, args, session, Acl.LUA);
            if (denied != null) {
                return LuaReplies.errorTable(denied.equals(Acl.NOPERM_KEY)
                        ? "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments"
                        : denied.equals(Acl.NOPERM_CHANNEL)
                        ? "ERR The user executing the script can't publish to the channel mentioned in the command"
                        : "ERR The user executing the script can't run this command or subcommand");
            }
        }
        if (spec.isWrite()) {
            if (readOnly) {
                return LuaReplies.errorTable("ERR Write commands are not allowed from read-only scripts.");
            }
            if (!wrote && !allowOom && spec.denyOom() && server.outOfMemory()) {
                return LuaReplies.errorTable(Errors.OOM);
            }
            String refused = server.writesRefused();
            if (refused != null) {
                return LuaReplies.errorTable(refused);
            }
        }
        if (saved != null && !internal && spec.isWrite()) {
            String refused = save(spec);
            if (refused != null) {
                return LuaReplies.errorTable(refused);
            }
            encode(a); // saving ran commands of its own through the same argument buffer
        }
        reply.clear();
        writer.wrap(reply, internal ? 2 : scriptResp);
        if (spec.name().equals("select")) {
            select();
            if (Monitors.of(server).active()) {
                Monitors.of(server).feed(session, true, db, spec, args); // shown in the database it selected
            }
        } else {
            String error = dispatch(spec);
            if (error != null) {
                return LuaReplies.errorTable(error);
            }
        }
        if (spec.isWrite()) {
            wrote = true;
        }
        if (log != null) {
            byte[] resp = new byte[reply.readableBytes()];
            reply.getBytes(reply.readerIndex(), resp);
            log.logReply(resp);
            replyLogged = true;
        }
        return LuaReplies.toLua(reply);
    }

    // ---- SCRIPT DEBUG YES: undoing the session's changes ---------------------------------------

    /** A key's state before the session wrote it: its DUMP payload (null: it did not exist) and PEXPIRETIME. */
    private record Saved(int db, byte[] key, byte[] payload, long expireAt) {}

    void startUndo() {
        saved = new LinkedHashMap<>();
    }

    /**
     * Before a write in a SCRIPT DEBUG YES session: the state of each key it names, the first time.
     * Redis' forked session throws its changes away with the child process; HeliosDB cannot fork,
     * so it restores what the session wrote. Writes that name no keys (FLUSHALL, SWAPDB, ...) or
     * reach another database (MOVE, COPY ... DB) cannot be undone that way and are refused.
     */
    private String save(CommandSpec spec) {
        String name = spec.name();
        int first = spec.firstKeyOf(args);
        boolean otherDb = name.equals("move") || (name.equals("copy") && hasArg("db"));
        if (first <= 0 || args.count() <= first || otherDb) {
            return "ERR " + name.toUpperCase(Locale.ROOT) + " cannot be undone at the end of a SCRIPT DEBUG YES session"
                    + " (HeliosDB does not fork): use SCRIPT DEBUG SYNC";
        }
        List<byte[]> keys = new ArrayList<>();
        int last = spec.lastKeyOf(args);
        for (int i = first; i <= last && i < args.count(); i += spec.keyStepOf()) {
            keys.add(args.bytes(i));
        }
        for (byte[] key : keys) {
            String id = db + ":" + new String(key, StandardCharsets.ISO_8859_1);
            if (saved.containsKey(id)) {
                continue;
            }
            LuaValue dump = internal("DUMP", key);
            byte[] payload = dump.isstring() ? bytesOf(dump.checkstring()) : null;
            LuaValue at = internal("PEXPIRETIME", key);
            saved.put(id, new Saved(db, key, payload, at.isnumber() ? at.tolong() : -1));
        }
        return null;
    }

    private boolean hasArg(String word) {
        for (int i = 1; i < args.count(); i++) {
            if (args.string(i).equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    /** Puts every key the session wrote back as it was, newest first. */
    void undo() {
        if (saved == null) {
            return;
        }
        int scriptDb = db;
        List<Saved> all = new ArrayList<>(saved.values());
        Collections.reverse(all);
        for (Saved s : all) {
            db = s.db();
            if (s.payload() == null) {
                internal("DEL", s.key());
            } else if (s.expireAt() > 0) {
                internal("RESTORE", s.key(), Long.toString(s.expireAt()).getBytes(StandardCharsets.US_ASCII), s.payload(),
                        "REPLACE".getBytes(StandardCharsets.US_ASCII), "ABSTTL".getBytes(StandardCharsets.US_ASCII));
            } else {
                internal("RESTORE", s.key(), "0".getBytes(StandardCharsets.US_ASCII), s.payload(), "REPLACE".getBytes(StandardCharsets.US_ASCII));
            }
        }
        db = scriptDb;
        saved = null;
    }

    private LuaValue internal(String command, byte[]... rest) {
        LuaValue[] v = new LuaValue[rest.length + 1];
        v[0] = LuaValue.valueOf(command);
        for (int i = 0; i < rest.length; i++) {
            v[i + 1] = LuaString.valueOf(rest[i]);
        }
        boolean was = internal;
        internal = true;
        try {
            return executeChecked(LuaValue.varargsOf(v), null);
        } finally {
            internal = was;
        }
    }

    private static byte[] bytesOf(LuaString s) {
        byte[] r = new byte[s.m_length];
        s.copyInto(0, r, 0, r.length);
        return r;
    }

    /** XREAD and XREADGROUP refuse BLOCK inside scripts (their other blocking forms just do not block). */
    private String blockOption(CommandSpec spec) {
        String name = spec.name();
        if (!name.equals("xread") && !name.equals("xreadgroup")) {
            return null;
        }
        for (int i = 1; i < args.count() - 1; i++) {
            String opt = args.string(i);
            if (opt.equalsIgnoreCase("streams")) {
                break;
            }
            if (opt.equalsIgnoreCase("block")) {
                return "ERR " + name + " command is not allowed with BLOCK option from scripts";
            }
        }
        return null;
    }

    /** SELECT inside a script changes the script's database only (Redis 7). */
    private void select() {
        long idx;
        try {
            idx = Long.parseLong(args.string(1));
        } catch (NumberFormatException e) {
            writer.error(Errors.NOT_INTEGER);
            return;
        }
        if (idx < 0 || idx >= ServerContext.state(shard).databases()) {
            writer.error(Errors.DB_RANGE);
            return;
        }
        db = (int) idx;
        writer.ok();
    }

    /** Runs the command where its keys live; returns an error for the script, or null with the reply in {@link #reply}. */
    private String dispatch(CommandSpec spec) {
        if (spec.routing() == Routing.ALL_SHARDS) {
            usedUndeclared = true;
            return nested(spec);
        }
        if (spec.routing() == Routing.SESSION) {
            runOn(ServerContext.state(shard), spec);
            return null;
        }
        Shard target = null;
        int first = spec.firstKeyOf(args);
        if (first > 0 && args.count() > first) {
            int last = spec.lastKeyOf(args);
            for (int i = first; i <= last; i += spec.keyStepOf()) {
                Shard s = server.shardOfKey(args.segment(), args.offset(i), args.length(i));
                usedUndeclared |= declaredShard != null && !declared(i);
                if (target == null) {
                    target = s;
                } else if (s != target) {
                    return spec.handler() instanceof MultiShardCommand ? nested(spec) : Errors.CROSSSLOT;
                }
            }
        }
        if (target == null || target == shard) {
            if (first > 0 && shard.hasKeyLocks() && lockedKey(spec, first)) {
                return "ERR a key of this script is locked by a multi-key command in progress; declare every key in KEYS";
            }
            runOn(ServerContext.state(shard), spec);
            return null;
        }
        if (outer == null) {
            return nonLocal();
        }
        ShardTransaction step = ShardTransaction.synchronous(shard, new Shard[]{target}, outer);
        CommandSpec s = spec;
        Object[] result = new Object[1];
        try {
            step.run(new Shard[]{target}, t -> {
                runOn(ServerContext.state(t), s);
                return null;
            }, false, () -> result[0] = step.results()[0]);
        } catch (ShardTransaction.NotHeldException e) {
            return nonLocal();
        }
        if (result[0] instanceof RuntimeException e) {
            return Errors.ofFailure(e, server.shards().errors());
        }
        return null;
    }

    private boolean lockedKey(CommandSpec spec, int first) {
        int last = spec.lastKeyOf(args);
        for (int i = first; i <= last; i += spec.keyStepOf()) {
            if (shard.lockedKey(KeyBytes.copyOf(args.segment(), args.offset(i), args.length(i))) != null) {
                return true;
            }
        }
        return false;
    }

    private void runOn(ShardState state, CommandSpec spec) {
        CommandContext c = CommandContext.forScripts(state);
        c.prepare(spec, args, reply, scriptResp, db, session);
        BlockedClients.of(state).hold(); // blocked clients are served after the whole script, against its final state
        try {
            RespConnection.execute(state, spec, c, reply, args, session, false);
        } finally {
            BlockedClients.of(state).unhold();
        }
    }

    /** A multi-key or all-shard command: runs synchronously, inside the shards this script holds. */
    private String nested(CommandSpec spec) {
        if (Monitors.of(server).active()) {
            Monitors.of(server).feed(session, true, db, spec, args);
        }
        boolean[] done = {false};
        CrossShardCall call = new CrossShardCall(server, shard, spec, args, db, scriptResp, session, r -> {
            r.accept(writer);
            done[0] = true;
        }, outer, true);
        try {
            ((MultiShardCommand) spec.handler()).executeAcross(call);
        } catch (ShardTransaction.NotHeldException e) {
            reply.clear();
            return nonLocal();
        }
        if (!done[0]) {
            return "ERR command did not complete inside the script";
        }
        return null;
    }

    /** Lua arguments to a RESP argument list in {@link #args}; false when one is not a string or number. */
    private boolean encode(Varargs a) {
        int n = a.narg();
        int used = 0;
        if (offsets.length < n) { // reused across the script's calls
            offsets = new long[n];
            lengths = new int[n];
        }
        for (int i = 1; i <= n; i++) {
            LuaValue v = a.arg(i);
            byte[] number = null;
            int len;
            if (v.type() == LuaValue.TSTRING) {
                len = ((LuaString) v.checkstring()).m_length;
            } else if (v.type() == LuaValue.TNUMBER) {
                number = formatNumber(v.todouble()).getBytes(StandardCharsets.US_ASCII);
                len = number.length;
            } else {
                return false;
            }
            if (used + len > argBytes.length) {
                argBytes = Arrays.copyOf(argBytes, Math.max(used + len, argBytes.length * 2));
            }
            if (number != null) {
                System.arraycopy(number, 0, argBytes, used, len);
            } else {
                LuaString s = v.checkstring();
                s.copyInto(0, argBytes, used, len);
            }
            offsets[i - 1] = used;
            lengths[i - 1] = len;
            used += len;
        }
        args.reset(MemorySegment.ofArray(argBytes));
        for (int i = 0; i < n; i++) {
            args.addRaw(offsets[i], lengths[i]);
        }
        return true;
    }

    /** Numbers as Redis' Lua prints them for commands: integers plainly, others with 17 significant digits (%.17g). */
    static String formatNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(17));
        int exponent = b.precision() - b.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            String digits = b.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mantissa = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return b.stripTrailingZeros().toPlainString();
    }
}

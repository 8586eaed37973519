package io.heliosdb.resp.command;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.ops.KeyReads;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.Feature;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * What a command sees while it runs: its arguments, the reply writer, the selected database of the
 * shard it runs on, and the server. One instance per shard, reused for every command that shard
 * runs (owned by the shard thread).
 */
public final class CommandContext {
    private final ServerContext server;
    private final ShardState shard;
    private final RespWriter out = new RespWriter();
    private Args args;
    private CommandSpec spec;
    private int db;
    private ClientSession session;
    /** Reads for operations: Redis' lookupKeyRead statistics in the selected database. */
    private final KeyReads reads;

    public CommandContext(ServerContext server, ShardState shard) {
        this.server = server;
        this.shard = shard;
        this.reads = (ks, seg, off, len) -> shard.lookupRead(db, ks, seg, off, len, session == null || !session.noTouch);
    }

    public void prepare(CommandSpec spec, Args args, ByteBuf reply, int protocol, int db, ClientSession session) {
        this.spec = spec;
        this.args = args;
        this.db = db;
        this.session = session;
        out.wrap(reply, protocol);
    }

    /** True for a command a script runs (redis.call), which monitors see as "lua". */
    public boolean fromScript() {
        return shard != null && this == forScripts(shard);
    }

    /** A shard's contexts, reused by every command that runs there (shard thread only). */
    private static final Feature<CommandContext> COMMAND = Feature.named("command context");
    /** The context of commands a script runs (the script's own command holds {@link #COMMAND}'s). */
    private static final Feature<CommandContext> SCRIPT = Feature.named("script command context");
    /** The context of commands this loop's clients send while a script here is busy (the script holds the other two). */
    private static final Feature<CommandContext> BUSY = Feature.named("busy-script command context");

    static void installOn(ShardState shard) {
        for (Feature<CommandContext> f : List.of(COMMAND, SCRIPT, BUSY)) {
            shard.install(f, new CommandContext(shard.server(), shard));
        }
    }

    /** The context for a command a connection of this loop runs on {@code shard} now (shard thread only). */
    public static CommandContext of(ShardState shard) {
        return shard.get(shard.busyScript == null ? COMMAND : BUSY);
    }

    /** The context for the commands a script runs on {@code shard}. */
    public static CommandContext forScripts(ShardState shard) {
        return shard.get(SCRIPT);
    }

    public Args args() {
        return args;
    }

    public RespWriter out() {
        return out;
    }

    public Keyspace db() {
        return shard.db(db);
    }

    public int dbIndex() {
        return db;
    }

    public ShardState shard() {
        return shard;
    }

    public ServerContext server() {
        return server;
    }

    public CommandSpec spec() {
        return spec;
    }

    /**
     * The client's session. Commands routed as {@link Routing#SESSION} may change it; others run on
     * other threads and may only read it.
     */
    public ClientSession session() {
        return session;
    }

    public long now() {
        return server.clock().millis();
    }

    /** Records a read access (hit/miss statistics, LRU/LFU unless the client set NO-TOUCH). */
    public long lookupRead(Keyspace ks, int argIndex) {
        return shard.lookupRead(db, ks, args, argIndex, session == null || !session.noTouch);
    }

    /** How operations run by this command look up the keys they read (statistics, LRU, keymiss). */
    public KeyReads reads() {
        return reads;
    }

    public long lookupWrite(Keyspace ks, int argIndex) {
        return ks.find(args.segment(), args.offset(argIndex), args.length(argIndex));
    }

    public void wrongArgs() {
        out.error(Errors.wrongArgs(spec.name()));
    }
}

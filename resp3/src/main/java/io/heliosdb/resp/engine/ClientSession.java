package io.heliosdb.resp.engine;

import io.heliosdb.resp.pubsub.Subscriber;
import io.heliosdb.resp.tracking.TrackingState;
import io.heliosdb.resp.transactions.QueuedCommand;
import io.heliosdb.resp.transactions.WatchState;
import io.heliosdb.runtime.clients.Client;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Per-connection state. Written only by the connection's event loop; other connections read it
 * for CLIENT LIST / CLIENT KILL (fields are volatile where that matters).
 */
public final class ClientSession implements Client {
    public final long id;
    public final Channel channel;
    public final long createdMillis;
    public final String addr;
    public final String laddr;

    public volatile String name = "";
    public volatile int db;
    public volatile int protocol = 2;
    public volatile boolean authenticated;
    public volatile String user = "default";
    public volatile long lastInteractionMillis;
    public volatile String lastCommand = "NULL";
    public volatile boolean noEvict;
    public volatile boolean noTouch;
    public volatile String libName = "";
    public volatile String libVersion = "";
    /** CLIENT REPLY: ON, OFF, or SKIP (the next command only). */
    public volatile ReplyMode replyMode = ReplyMode.ON;
    public volatile boolean closeAfterReply;
    /** Closed by another connection (ACL SETUSER took its channels away): none of its later commands runs. */
    public volatile boolean killed;
    public volatile int queryBufferBytes;
    public volatile long queryBufferCapacity;

    /** This connection's pub/sub subscriptions and delivery (set once the connection is active). */
    public Subscriber subscriber;

    /** CLIENT TRACKING settings, or null when tracking is off. */
    public volatile TrackingState tracking;

    /** Commands queued since MULTI, or null outside a transaction. Connection loop only. */
    public List<QueuedCommand> multi;
    /** A command was refused while queuing: EXEC answers EXECABORT. */
    public boolean multiAborted;
    /** In MONITOR mode ({@link Monitors}): it sees every command, and may not touch the keyspace itself. */
    public volatile boolean monitor;
    /** EXEC is running this client's queued commands: blocking ones answer at once, MONITOR is refused. */
    public boolean inExec;
    /** The keys WATCHed since the last EXEC/DISCARD/UNWATCH, or null. */
    public WatchState watch;

    public enum ReplyMode { ON, OFF, SKIP }

    /** SCRIPT DEBUG YES: the next EVAL is debugged, and what it changed is undone at the end. */
    public static final int LUA_DEBUG_FORKED = 1;
    /** SCRIPT DEBUG SYNC: the next EVAL is debugged, and keeps what it changed. */
    public static final int LUA_DEBUG_SYNC = 2;
    /** SCRIPT DEBUG's mode (0: off). */
    public volatile int luaDebug;
    /**
     * While a debugging session of this client runs: where its input goes (the debugger reads it),
     * instead of being parsed as commands. Null otherwise. Connection loop only.
     */
    public ArrayDeque<byte[]> debuggerInput;

    public ClientSession(long id, Channel channel, String addr, String laddr, long now) {
        this.id = id;
        this.channel = channel;
        this.addr = addr;
        this.laddr = laddr;
        this.createdMillis = now;
        this.lastInteractionMillis = now;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String protocol() {
        return RESP;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String address() {
        return addr;
    }

    @Override
    public long createdMillis() {
        return createdMillis;
    }

    @Override
    public long lastInteractionMillis() {
        return lastInteractionMillis;
    }

    @Override
    public void close() {
        if (channel != null) { // null in benchmarks that drive a session without a connection
            channel.close();
        }
    }

    /** One line of CLIENT LIST / CLIENT INFO, with Redis 7's fields. */
    public String describe(long now) {
        List<?> queued = multi;
        Subscriber sub = subscriber;
        boolean subscribed = sub != null && sub.subscribed();
        String flags = (subscribed ? "P" : "") + (tracking != null ? "t" : "") + (queued != null ? "x" : "") + (noEvict ? "e" : "") + (noTouch ? "T" : "") + (monitor ? "O" : "");
        return "id=" + id + " addr=" + addr + " laddr=" + laddr + " fd=-1 name=" + name
                + " age=" + (now - createdMillis) / 1000 + " idle=" + (now - lastInteractionMillis) / 1000
                + " flags=" + (flags.isEmpty() ? "N" : flags) + " db=" + db + " sub=0 psub=0 ssub=0 multi=-1"
                + " qbuf=" + queryBufferBytes + " qbuf-free=" + Math.max(0, queryBufferCapacity - queryBufferBytes) + " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0"
                + " tot-mem=0 events=r cmd=" + lastCommand + " user=" + user + " redir=" + (tracking == null ? -1 : tracking.redirect) + " resp=" + protocol
                + " lib-name=" + libName + " lib-ver=" + libVersion;
    }
}

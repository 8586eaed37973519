package io.heliosdb.resp.engine;

import io.heliosdb.runtime.clients.Client;
import io.netty.channel.Channel;
import java.util.ArrayDeque;

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

    /**
     * The features' state for this client (its subscriptions, CLIENT TRACKING settings, commands
     * queued since MULTI, WATCHed keys): each feature keeps its own under its {@link Feature} key.
     */
    private final Features features = new Features();

    /** A command was refused while queuing: EXEC answers EXECABORT. */
    public boolean multiAborted;
    /** In MONITOR mode (connection.Monitors): it sees every command, and may not touch the keyspace itself. */
    public volatile boolean monitor;
    /** EXEC is running this client's queued commands: blocking ones answer at once, MONITOR is refused. */
    public boolean inExec;

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

    /** {@code feature}'s state for this client, or null (any thread: CLIENT LIST reads other clients'). */
    public <T> T get(Feature<T> feature) {
        return features.get(feature);
    }

    /** Sets (null: clears) {@code feature}'s state for this client. The connection's loop only. */
    public <T> void set(Feature<T> feature, T state) {
        features.set(feature, state);
    }
}

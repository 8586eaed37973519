package io.heliosdb.resp.notify;

import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandObserver;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.engine.KeyEventListener;
import io.heliosdb.resp.engine.ShardState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyspace notifications on one shard: records what a write command changes and announces Redis'
 * events for it when the command ends; announces "expired", "evicted" and "keymiss" as they
 * happen. Shard thread.
 */
public final class CommandEvents implements KeyEventListener, CommandObserver {

    private final ShardState state;
    /** Keys changed by the running command while notifications are on, else null. */
    private List<KeyspaceEvents.Change> changes;

    private CommandEvents(ShardState state) {
        this.state = state;
    }

    public static void install(ShardState state) {
        state.install(CommandObserver.FEATURE, new CommandEvents(state));
    }

    @Override
    public boolean active() {
        return state.server().notifyFlags() != 0;
    }

    /** Whether a command's changes are being recorded here now (a step inside it must not start another). */
    @Override
    public boolean recording() {
        return changes != null;
    }

    /** Before a write command while notifications are on: record what it changes. */
    @Override
    public void begin() {
        if (!state.hooksOn()) {
            state.refreshKeyHooks();
        }
        changes = new ArrayList<>(2);
    }

    /** After it: Redis' events for what it changed. */
    @Override
    public void end(int flags, CommandSpec spec, Args args, int db) {
        List<KeyspaceEvents.Change> c = changes;
        changes = null;
        if (c != null && !c.isEmpty()) {
            KeyspaceEvents.commandEnded(state, flags, spec, args, c, db);
        }
    }

    @Override
    public void created(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len) {
        if (changes != null) {
            KeyspaceEvents.recordCreated(changes, copy(seg, off, len));
        }
    }

    @Override
    public void changed(int db, OffHeapKeyspace ks, MemorySegment seg, long off, int len, Cause cause) {
        switch (cause) {
            case EXPIRED -> announce(db, seg, off, len, KeyspaceEvents.EXPIRED, "expired");
            case EVICTED -> announce(db, seg, off, len, KeyspaceEvents.EVICTED, "evicted");
            case CHANGED, REMOVED -> {
                if (changes != null && !state.evicting()) {
                    KeyspaceEvents.record(changes, copy(seg, off, len), cause == Cause.REMOVED);
                }
            }
        }
    }

    @Override
    public void missed(int db, MemorySegment seg, long off, int len) {
        announce(db, seg, off, len, KeyspaceEvents.KEY_MISS, "keymiss");
    }

    private void announce(int db, MemorySegment seg, long off, int len, int type, String event) {
        int flags = state.server().notifyFlags();
        if ((flags & type) != 0) {
            KeyspaceEvents.publish(state, flags, type, event, copy(seg, off, len), db);
        }
    }

    private static byte[] copy(MemorySegment seg, long off, int len) {
        byte[] key = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, key, 0, len);
        return key;
    }
}

package io.heliosdb.resp.engine;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A command travelling to the shard that owns its key and its reply travelling back. Pooled per
 * connection and reused, so the cross-shard path allocates nothing in steady state. Its argument
 * bytes are a private copy (the connection's input buffer moves on).
 */
final class Request implements ShardTask {
    private final RespConnection owner;
    private final Shard origin;
    private final Args args = new Args();
    private final ByteBuf reply = PooledByteBufAllocator.DEFAULT.directBuffer(256);
    private MemorySegment argBytes = Arena.ofAuto().allocate(256);
    private CommandSpec spec;
    private int protocol;
    private int db;
    private ClientSession session;
    private boolean executed;
    boolean suppressReply;

    Request(RespConnection owner, Shard origin) {
        this.owner = owner;
        this.origin = origin;
    }

    void load(CommandSpec spec, Args source, ClientSession session, boolean suppressReply) {
        long base = source.minOffset();
        long len = source.endOffset() - base;
        if (len > argBytes.byteSize()) {
            argBytes = Arena.ofAuto().allocate(Math.max(len, argBytes.byteSize() * 2));
        }
        MemorySegment.copy(source.segment(), base, argBytes, 0, len);
        args.copyRebased(source, argBytes, base);
        this.spec = spec;
        this.session = session;
        this.protocol = session.protocol;
        this.db = session.db;
        this.suppressReply = suppressReply;
        this.executed = false;
        reply.clear();
    }

    @Override
    public boolean isControl() {
        return executed; // the trip back is a completion, not data work
    }

    @Override
    public void run(Shard shard) {
        if (!executed) {
            ShardState state = shard.state();
            CommandContext ctx = state.context();
            ctx.prepare(spec, args, reply, protocol, db, session);
            RespConnection.execute(state, spec, ctx, reply, args, session);
            executed = true;
            origin.postControl(this);
        } else {
            owner.completed(this);
        }
    }

    ByteBuf reply() {
        return reply;
    }

    void releaseBuffers() {
        reply.release();
    }
}

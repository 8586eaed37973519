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
import java.util.Arrays;

/**
 * A batch of consecutive commands of one connection for one shard, travelling to that shard and
 * back with their replies. One mailbox message and one wake-up carry the whole batch (a pipeline of
 * 16 GETs for the same remote shard costs one hop, not 16). Pooled per connection and reused, so
 * the cross-shard path allocates nothing in steady state. Argument bytes are a private copy.
 */
final class Request implements ShardTask {
    static final int MAX_COMMANDS = 64;

    private final RespConnection owner;
    private final Shard origin;
    private final Args args = new Args();
    private final ByteBuf reply = PooledByteBufAllocator.DEFAULT.directBuffer(512);
    private MemorySegment bytes = Arena.ofAuto().allocate(1024);
    private long used;
    // Per command: spec, argument (offset, length) pairs, whether its reply is dropped.
    private final CommandSpec[] specs = new CommandSpec[MAX_COMMANDS];
    private final boolean[] suppress = new boolean[MAX_COMMANDS];
    private final int[] firstArg = new int[MAX_COMMANDS + 1];
    private long[] argOffsets = new long[MAX_COMMANDS * 4];
    private int[] argLengths = new int[MAX_COMMANDS * 4];
    private int commands;
    private int protocol;
    private int db;
    private ClientSession session;
    private Shard target;
    private boolean executed;

    Request(RespConnection owner, Shard origin) {
        this.owner = owner;
        this.origin = origin;
    }

    void start(Shard target, ClientSession session) {
        this.target = target;
        this.session = session;
        this.protocol = session.protocol;
        this.db = session.db;
        this.commands = 0;
        this.used = 0;
        this.executed = false;
        reply.clear();
    }

    Shard target() {
        return target;
    }

    int commands() {
        return commands;
    }

    /** Whether one more command fits (and shares this batch's database and protocol). */
    boolean accepts(Shard shard, ClientSession s) {
        return target == shard && commands < MAX_COMMANDS && s.db == db && s.protocol == protocol;
    }

    void add(CommandSpec spec, Args source, boolean suppressReply) {
        assert commands < MAX_COMMANDS;
        long base = source.minOffset();
        long len = source.endOffset() - base;
        if (used + len > bytes.byteSize()) {
            MemorySegment bigger = Arena.ofAuto().allocate(Math.max(used + len, bytes.byteSize() * 2));
            MemorySegment.copy(bytes, 0, bigger, 0, used);
            bytes = bigger;
        }
        MemorySegment.copy(source.segment(), base, bytes, used, len);
        int first = firstArg[commands];
        int n = source.count();
        if (first + n > argOffsets.length) {
            argOffsets = Arrays.copyOf(argOffsets, Math.max(first + n, argOffsets.length * 2));
            argLengths = Arrays.copyOf(argLengths, argOffsets.length);
        }
        for (int i = 0; i < n; i++) {
            argOffsets[first + i] = source.offset(i) - base + used;
            argLengths[first + i] = source.length(i);
        }
        used += len;
        specs[commands] = spec;
        suppress[commands] = suppressReply;
        firstArg[++commands] = first + n;
    }

    @Override
    public boolean isControl() {
        return executed; // the trip back is a completion, not data work
    }

    @Override
    public void run(Shard shard) {
        if (executed) {
            owner.completed(this);
            return;
        }
        ShardState state = shard.state();
        CommandContext ctx = state.context();
        for (int c = 0; c < commands; c++) {
            args.reset(bytes);
            for (int i = firstArg[c]; i < firstArg[c + 1]; i++) {
                args.addRaw(argOffsets[i], argLengths[i]);
            }
            int mark = reply.writerIndex();
            ctx.prepare(specs[c], args, reply, protocol, db, session);
            RespConnection.execute(state, specs[c], ctx, reply, args, session);
            if (suppress[c]) {
                reply.writerIndex(mark);
            }
        }
        executed = true;
        origin.postControl(this);
    }

    ByteBuf reply() {
        return reply;
    }

    void releaseBuffers() {
        reply.release();
    }
}

package io.heliosdb.resp.connection;

import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.ServeWait;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.engine.BusyScript;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.scheduler.CommitWaiter;
import io.heliosdb.scheduler.KeyBytes;
import io.heliosdb.scheduler.Shard;
import io.heliosdb.scheduler.ShardTask;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's pipeline on its way through the shards: an itinerary of legs, each a run of
 * consecutive commands for one shard. The request visits the legs' shards in order, runs each leg on
 * the owning shard's thread, forwards itself to the next leg's shard and finally returns home with
 * all replies, in order, in one buffer. Program order holds (legs run one after the other) and a
 * switch between shards costs one hop, not a round trip through the connection's loop.
 *
 * <p>Pooled per connection and reused: the cross-shard path allocates nothing in steady state.
 * Argument bytes are a private copy, so the connection's input buffer can move on.
 */
final class Request implements ShardTask, CommitWaiter {
    static final int MAX_COMMANDS = 128;

    private final RespConnection owner;
    private final Shard origin;
    private final Args args = new Args();
    /** Buffers grown past this for one big request are dropped on reuse instead of kept in the pool. */
    private static final int RETAINED_LIMIT = 1 << 20;

    private ByteBuf reply = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
    private MemorySegment bytes = Arena.ofAuto().allocate(2048);
    private long used;
    // Per command.
    private final CommandSpec[] specs = new CommandSpec[MAX_COMMANDS];
    private final boolean[] suppress = new boolean[MAX_COMMANDS];
    private final int[] firstArg = new int[MAX_COMMANDS + 1];
    private long[] argOffsets = new long[MAX_COMMANDS * 4];
    private int[] argLengths = new int[MAX_COMMANDS * 4];
    private int commands;
    // Per leg: its shard and the index one past its last command.
    private final Shard[] legShard = new Shard[MAX_COMMANDS];
    private final int[] legEnd = new int[MAX_COMMANDS];
    private int legs;
    private int currentLeg;
    private int protocol;
    private int db;
    private ClientSession session;
    private volatile boolean returning; // read by isControl() on the thread that posts it home
    /** A leg's shard failed to log its changes: the connection must not acknowledge them. */
    private volatile boolean notDurable;
    /** The trip itself plus each leg whose commit is still pending; home when it reaches zero. */
    private final AtomicInteger pendingCommits = new AtomicInteger();
    /** Command to continue from after waiting for a key lock, or -1. */
    private int resumeAt = -1;
    /** The first command of the current leg whose reply is not written yet (for {@link #failed}). */
    private int unanswered;

    Request(RespConnection owner, Shard origin) {
        this.owner = owner;
        this.origin = origin;
    }

    private final RespWriter errorWriter = new RespWriter();
    private boolean runsScript;

    void start(ClientSession session) {
        this.session = session;
        this.protocol = session.protocol;
        this.db = session.db;
        this.commands = 0;
        this.legs = 0;
        this.currentLeg = 0;
        this.unanswered = 0;
        this.used = 0;
        this.returning = false;
        this.runsScript = false;
        this.notDurable = false;
        this.pendingCommits.set(1);
        this.resumeAt = -1;
        reply.clear();
        if (reply.capacity() > RETAINED_LIMIT) {
            reply.release();
            reply = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        }
        if (bytes.byteSize() > RETAINED_LIMIT) {
            bytes = Arena.ofAuto().allocate(2048); // the big one is freed by the GC with its arena
        }
    }

    /** A script is among the commands: the batch must run as a task (see CommandSpec#runsScript). */
    boolean runsScript() {
        return runsScript;
    }

    Shard firstShard() {
        return legShard[0];
    }

    int commands() {
        return commands;
    }

    /** Whether one more command fits (a batch keeps one database and protocol throughout). */
    boolean accepts(ClientSession s) {
        return commands < MAX_COMMANDS && s.db == db && s.protocol == protocol;
    }

    void add(Shard shard, CommandSpec spec, Args source, boolean suppressReply) {
        assert commands < MAX_COMMANDS;
        if (legs == 0 || legShard[legs - 1] != shard) {
            legShard[legs++] = shard;
        }
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
        runsScript |= spec.runsScript();
        suppress[commands] = suppressReply;
        firstArg[++commands] = first + n;
        legEnd[legs - 1] = commands;
    }

    @Override
    public boolean isControl() {
        return returning; // the trip home is a completion; the legs are data work (held while locked)
    }

    @Override
    public boolean answersWhileBusy() {
        return !returning; // a leg on a shard whose script is past lua-time-limit answers BUSY (see run)
    }

    @Override
    public void run(Shard shard) {
        if (returning) {
            owner.completed(this);
            return;
        }
        assert legShard[currentLeg] == shard : "leg " + currentLeg + " delivered to " + shard;
        ShardState state = shard.get(ShardState.SLOT);
        CommandContext ctx = CommandContext.of(state);
        int from = resumeAt >= 0 ? resumeAt : currentLeg == 0 ? 0 : legEnd[currentLeg - 1];
        resumeAt = -1;
        BusyScript busy = state.busyScript;
        boolean ranAny = false;
        for (int c = from; c < legEnd[currentLeg]; c++) {
            unanswered = c;
            if (busy != null && !specs[c].flags().contains("allow_busy")) {
                // A script here is past lua-time-limit (this leg came before it was): refuse as Redis
                // does then. Nothing ran, so nothing waits for a commit.
                int mark = reply.writerIndex();
                errorWriter.wrap(reply, protocol).error(busy.busyError());
                state.commandRejected[specs[c].id()]++;
                state.server().rejectedCalls.increment();
                if (suppress[c]) {
                    reply.writerIndex(mark);
                }
                continue;
            }
            ranAny = true;
            args.reset(bytes);
            for (int i = firstArg[c]; i < firstArg[c + 1]; i++) {
                args.addRaw(argOffsets[i], argLengths[i]);
            }
            if (shard.hasKeyLocks()) {
                Object lock = lockedKeyOf(shard, specs[c]);
                if (lock != null) {
                    resumeAt = c; // a transaction holds one of its keys: continue here when released
                    shard.waitForKey(lock, this);
                    return;
                }
            }
            int mark = reply.writerIndex();
            ctx.prepare(specs[c], args, reply, protocol, db, session);
            RespConnection.execute(state, specs[c], ctx, reply, args, session);
            if (suppress[c]) {
                reply.writerIndex(mark);
            }
            ServeWait woke = BlockedClients.of(state).takeRound();
            if (woke != null) {
                // It woke moves across shards: the rest of the trip (and the replies) waits until
                // they are over, as Redis serves blocked clients before the next command runs.
                pendingCommits.incrementAndGet();
                shard.afterCommit(this);
                resumeAt = c + 1;
                unanswered = c + 1; // answered: should the resumed leg fail before it runs, c gets no second reply
                woke.whenOver(shard, () -> shard.submit(this));
                return;
            }
        }
        endLeg(shard, ranAny);
    }

    /**
     * This leg's own code threw (a bug; the commands' handlers cannot: their failures are replies):
     * the commands of the leg not answered yet get the internal error, and the trip goes on, so the
     * client gets one reply per command, in order, and the connection is not left waiting.
     */
    @Override
    public void failed(Shard shard, long internalErrorId) {
        if (returning) {
            return; // the connection's own completion failed: it has been reported, nothing travels
        }
        resumeAt = -1;
        for (int c = unanswered; c < legEnd[currentLeg]; c++) {
            if (!suppress[c]) {
                errorWriter.wrap(reply, protocol).error(Errors.internal(internalErrorId));
            }
        }
        endLeg(shard, true);
    }

    private void endLeg(Shard shard, boolean ranAny) {
        // The replies go home only when every visited shard has logged the leg's changes, but the
        // next leg need not wait: it runs on another shard, which cannot see these keys. So a
        // pipeline over several shards waits for their commits (and fsyncs) in parallel, not in turn.
        if (ranAny) {
            pendingCommits.incrementAndGet();
            shard.afterCommit(this);
        }
        if (++currentLeg < legs) {
            unanswered = legEnd[currentLeg - 1];
            legShard[currentLeg].forward(this);
        } else {
            returning = true;
            arrived();
        }
    }

    /** A visited shard's commit covering its leg (on that shard's thread, possibly after the request moved on). */
    @Override
    public void committed(boolean durable) {
        if (!durable) {
            notDurable = true;
        }
        arrived();
    }

    /** One of: the end of the trip, or a leg's commit. The last one sends the request home. */
    private void arrived() {
        if (pendingCommits.decrementAndGet() == 0) {
            origin.postControl(this);
        }
    }

    boolean notDurable() {
        return notDurable;
    }

    /** The lock of the first of the command's keys that a transaction holds on this shard, or null. */
    private Object lockedKeyOf(Shard shard, CommandSpec spec) {
        int first = spec.firstKeyOf(args);
        if (first <= 0 || args.count() <= first) {
            return null;
        }
        int last = spec.lastKeyOf(args);
        for (int i = first; i <= last; i += spec.keyStepOf()) {
            Object lock = shard.lockedKey(KeyBytes.copyOf(args.segment(), args.offset(i), args.length(i)));
            if (lock != null) {
                return lock;
            }
        }
        return null;
    }

    ByteBuf reply() {
        return reply;
    }

    void releaseBuffers() {
        reply.release();
    }
}

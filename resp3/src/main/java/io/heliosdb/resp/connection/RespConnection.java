package io.heliosdb.resp.connection;

import io.heliosdb.keyspace.UnreadableValueException;
import io.heliosdb.memory.NativeMemory;
import io.heliosdb.resp.acl.Acl;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.blocking.ServeWait;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespParser;
import io.heliosdb.resp.codec.RespWriter;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandObserver;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.CrossShardCall;
import io.heliosdb.resp.command.Errors;
import io.heliosdb.resp.command.MultiShardCommand;
import io.heliosdb.resp.command.Routing;
import io.heliosdb.resp.engine.BusyScript;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.resp.pubsub.PubSub;
import io.heliosdb.resp.pubsub.PubSubCommands;
import io.heliosdb.resp.pubsub.Subscriber;
import io.heliosdb.resp.tracking.TrackingCommands;
import io.heliosdb.resp.tracking.TrackingState;
import io.heliosdb.resp.transactions.QueuedCommand;
import io.heliosdb.resp.transactions.TransactionCommands;
import io.heliosdb.scheduler.CommitWaiter;
import io.heliosdb.scheduler.Shard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One client connection, living on one event loop (its home shard). It parses requests, routes each
 * to the shard owning its keys and writes replies in request order.
 *
 * <p>Ordering rule: commands that cannot run inline are gathered, in order, into a batch whose
 * legs visit the owning shards one after the other ({@link Request}); one batch travels at a time.
 * Session commands, cross-shard transactions and error replies wait until nothing is in flight. So a
 * client's commands take effect in the order it sent them, across shards, as on a single-threaded
 * Redis, and replies need no reordering.
 */
public final class RespConnection extends ChannelInboundHandlerAdapter {
    private static final int MAX_IN_FLIGHT = 1024;
    private static final int INITIAL_INPUT = 16 * 1024;
    private static final int FLUSH_THRESHOLD = 64 * 1024;

    private final ServerContext server;
    private final CommandTable table;
    private final RespParser parser = new RespParser();
    private final Args args = new Args();
    private final RespWriter errorWriter = new RespWriter();
    private final ArrayDeque<Request> pool = new ArrayDeque<>();
    private final Consumer<Consumer<RespWriter>> crossShardFinisher = this::crossShardFinished;

    private ChannelHandlerContext ctx;
    private Shard home;
    private ShardState homeState;
    /** The home shard's blocked clients (one load on the inline path: did the command wake a move across shards?). */
    private BlockedClients homeBlocked;
    private ClientSession session;
    /** The input buffer and the arena that owns it (one arena per buffer, so growing frees the old one). */
    private Arena inArena;
    private MemorySegment in;
    private long readPos;
    private long writePos;
    private ByteBuf out;

    /** Commands dispatched and not yet answered: the travelling batch, the open batch, or a transaction. */
    private int inFlight;
    /** A cross-shard call is running: what follows waits for its reply, even commands that batch. */
    private boolean acrossInFlight;
    /** The batch on its way through the shards (at most one, so batches run in order). */
    private Request travelling;
    /** Commands gathered since, posted when the travelling batch is home (or at the end of a pass). */
    private Request open;
    /** A parsed command that could not be dispatched yet; its args stay valid in {@code in}. */
    private boolean parked;
    private long parkedEnd;
    private boolean skipNextReply;
    private boolean closed;
    /** A flush waits for the home shard's commit. */
    private boolean flushQueued;
    /** Writer index of {@link #out} when the queued flush began waiting: what its commit covers. */
    private int flushMark;
    /** A command ran on the home shard since the last flush waited for its commit. */
    private boolean ranOnHome;
    private final CommitWaiter flushWaiter = this::flushAfterCommit;
    private boolean resumeScheduled;
    /** True while {@link #process} runs: completions arriving synchronously must not re-enter it. */
    private boolean processing;
    /**
     * Input that arrived while this connection could not take it: a busy script's hook served the
     * loop's sockets while this connection's own command (the script, or the command under it) ran.
     */
    private ArrayDeque<byte[]> deferredInput;
    /** The peer closed while this connection's command was still running: clean up after it. */
    private boolean inactiveDeferred;
    /** The MONITOR line of the cross-shard command in flight, shown when it finishes (null: none). */
    private byte[] pendingMonitorLine;
    /**
     * Commands of this client that woke moves across shards not over yet (see ServeWait): replies
     * and later commands wait for them, as Redis serves blocked clients before a command replies.
     */
    private int serving;
    /** A protocol error seen while earlier commands were still in flight; reported after them. */
    private String pendingProtocolError;

    public RespConnection(ServerContext server) {
        this.server = server;
        this.table = CommandTable.of(server);
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.home = server.shards().shardOfLoop(ctx.channel().eventLoop());
        assert home != null : "connection on a loop that is not a shard";
        this.homeState = home.get(ShardState.SLOT);
        this.homeBlocked = BlockedClients.of(homeState);
        this.inArena = Arena.ofConfined();
        this.in = inArena.allocate(INITIAL_INPUT);
        this.session = new ClientSession(server.clients().nextId(), ctx.channel(), address(ctx.channel().remoteAddress()),
                address(ctx.channel().localAddress()), server.clock().millis());
        session.authenticated = server.config().get("requirepass").isEmpty();
        session.set(Subscriber.FEATURE, new Subscriber(home, this::deliverPush, session));
        if (!server.clients().tryAdd(session, server.config().number("maxclients"))) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("-ERR max number of clients reached\r\n".getBytes()))
                    .addListener(ChannelFutureListener.CLOSE);
            closed = true;
            return;
        }
        ctx.fireChannelActive();
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (processing) {
            inactiveDeferred = true; // seen from a busy script's hook: its command still uses the input buffer
            return;
        }
        if (session != null) {
            server.clients().remove(session);
            TransactionCommands.discard(session);
            PubSubCommands.unsubscribeAll(PubSub.of(server), session);
            TrackingCommands.off(server, session);
            Monitors.of(server).remove(session);
        }
        if (out != null) {
            out.release();
            out = null;
        }
        for (Request r : pool) {
            r.releaseBuffers();
        }
        if (open != null) {
            open.releaseBuffers(); // gathered but never posted
            open = null;
        }
        pool.clear();
        if (inArena != null) {
            inArena.close();
            inArena = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) { // a reset by the peer is not our bug
            server.shards().errors().report("connection " + (session == null ? "?" : session.id), cause);
        }
        ctx.close();
    }

    public ClientSession session() {
        return session;
    }

    // ---- input -------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (closed) {
                return;
            }
            int n = buf.readableBytes();
            server.netInputBytes.add(n);
            if (session.debuggerInput != null) { // a Lua debugging session reads it (see LuaDebugger)
                byte[] b = new byte[n];
                buf.getBytes(buf.readerIndex(), b);
                session.debuggerInput.add(b);
                return;
            }
            if (processing || busyCaller()) {
                // Served from a busy script's hook while this connection's command runs: the input
                // buffer holds that command's arguments, so keep the bytes aside until it is done.
                byte[] b = new byte[n];
                buf.getBytes(buf.readerIndex(), b);
                if (deferredInput == null) {
                    deferredInput = new ArrayDeque<>();
                }
                deferredInput.add(b);
                return;
            }
            if (!append(buf, n)) {
                return;
            }
        } finally {
            buf.release();
        }
        session.lastInteractionMillis = server.clock().millis();
        home.enterBusy(System.nanoTime(), session); // commands run from here, cross-shard ones included
        try {
            process();
        } finally {
            home.exitBusy();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Replies of a pipeline go out in one write once nothing is in flight; a parked pipeline
        // is flushed by the completion that finishes it (like Redis writing after the whole buffer).
        if (inFlight == 0) {
            flush();
        }
    }

    private boolean append(ByteBuf buf, int n) {
        if (writePos + n > in.byteSize()) {
            makeRoom(n);
        }
        if (buf.hasMemoryAddress()) {
            MemorySegment.copy(NativeMemory.ALL, buf.memoryAddress() + buf.readerIndex(), in, writePos, n);
        } else {
            for (int i = 0; i < n; i++) {
                in.set(NativeMemory.BYTE, writePos + i, buf.getByte(buf.readerIndex() + i));
            }
        }
        writePos += n;
        session.queryBufferBytes = (int) Math.min(Integer.MAX_VALUE, writePos - readPos);
        session.queryBufferCapacity = in.byteSize();
        if (writePos - readPos > server.queryBufferLimit()) {
            // Redis closes such a client without a reply (and logs it).
            closeNow();
            return false;
        }
        return true;
    }

    private void makeRoom(int n) {
        if (!parked && readPos > 0) {
            MemorySegment.copy(in, readPos, in, 0, writePos - readPos);
            writePos -= readPos;
            readPos = 0;
        }
        if (writePos + n > in.byteSize()) {
            replaceInput(Math.max(in.byteSize() * 2, writePos + n));
        }
    }

    /** Moves the buffered bytes to a new buffer of {@code size} bytes and frees the old one. */
    private void replaceInput(long size) {
        assert size >= writePos;
        Arena fresh = Arena.ofConfined();
        MemorySegment moved = fresh.allocate(size);
        MemorySegment.copy(in, 0, moved, 0, writePos);
        inArena.close();
        inArena = fresh;
        in = moved;
        if (parked) {
            args.moveTo(moved);
        }
    }

    /** Parses and dispatches as many complete requests as ordering allows. */
    private void process() {
        if (processing) {
            return; // the running loop picks up where the nested call would have started
        }
        processing = true;
        try {
            takeDeferredInput();
            processRequests();
            while (takeDeferredInput()) {
                processRequests();
            }
        } finally {
            processing = false;
        }
        if (inactiveDeferred) {
            inactiveDeferred = false;
            channelInactive(ctx);
        }
    }

    /** Whether this client's command is the script now busy on this loop's shard. */
    private boolean busyCaller() {
        BusyScript b = homeState.busyScript;
        return b != null && b.caller() == session;
    }

    /** Appends input kept aside by {@link #channelRead}; true if there was some. */
    private boolean takeDeferredInput() {
        if (deferredInput == null || deferredInput.isEmpty() || busyCaller()) {
            return false;
        }
        while (!deferredInput.isEmpty() && !closed) {
            byte[] b = deferredInput.poll();
            ByteBuf buf = Unpooled.wrappedBuffer(b);
            if (!append(buf, b.length)) {
                break;
            }
        }
        deferredInput.clear();
        return true;
    }

    private void processRequests() {
        if (pendingProtocolError != null) {
            if (inFlight == 0) {
                protocolError(pendingProtocolError); // after the replies of everything before it
            }
            return;
        }
        if (parked) {
            if (!dispatch()) {
                postBatch(); // what it waits for may be the batch gathered so far
                return;
            }
            parked = false;
            readPos = parkedEnd;
            if (session.closeAfterReply) { // a parked QUIT (or CLIENT KILL of itself) ran just now
                flush();
                closeAfterFlush();
                return;
            }
        }
        boolean mustAuth = !session.authenticated;
        parser.limits(server.protoMaxBulkLen(), Integer.MAX_VALUE);
        while (!closed && inFlight < MAX_IN_FLIGHT && ctx.channel().isWritable()) {
            int r = parser.parse(in, readPos, writePos, args, mustAuth);
            if (r == RespParser.NEED_MORE) {
                break;
            }
            if (r == RespParser.ERROR) {
                if (inFlight == 0) {
                    protocolError(parser.error());
                } else {
                    pendingProtocolError = parser.error();
                    postBatch();
                }
                return;
            }
            long end = parser.consumed();
            if (r == RespParser.EMPTY) {
                readPos = end;
                continue;
            }
            if (session.killed) { // set before the killer's reply, so no command sent after that runs
                closeAfterFlush();
                return;
            }
            if (!dispatch()) {
                parked = true;
                parkedEnd = end;
                break;
            }
            readPos = end;
            mustAuth = !session.authenticated;
            if (session.closeAfterReply) {
                if (!closed) {
                    flush();
                    closeAfterFlush();
                }
                return;
            }
            if (out != null && out.readableBytes() > FLUSH_THRESHOLD) {
                flush();
                if (!ctx.channel().isWritable()) {
                    break; // the client is not reading: resume when writability returns
                }
            }
        }
        postBatch();
        if (readPos == writePos && !parked) {
            readPos = writePos = 0;
            if (in.byteSize() > 4 * INITIAL_INPUT) {
                replaceInput(INITIAL_INPUT); // give back what one big request needed, like Redis' qbuf shrinking
                session.queryBufferCapacity = in.byteSize();
            }
        }
        if (out != null && out.readableBytes() > FLUSH_THRESHOLD) {
            flush();
        }
    }

    private void protocolError(String message) {
        // Redis replies with the protocol error and then closes the connection.
        errorWriter.wrap(out(), session.protocol).error("ERR " + message);
        flush();
        closeAfterFlush();
    }

    // ---- dispatch ----------------------------------------------------------------------------

    /** Dispatches the parsed command in {@link #args}; false when it has to wait (ordering). */
    private boolean dispatch() {
        CommandSpec spec = table.lookup(args.segment(), args.offset(0), args.length(0));
        if (spec != null && spec.isContainer() && args.count() >= 2) {
            CommandSpec sub = CommandTable.lookupSub(spec, args.segment(), args.offset(1), args.length(1));
            if (sub == null) {
                return reject(Errors.unknownSubcommand(args.string(1), spec.name()), spec);
            }
            spec = sub;
        }
        if (spec != null && spec.handler() == null && spec.container() != null && !spec.arityOk(args.count())) {
            return reject(Errors.wrongArgs(spec.name()), spec); // Redis checks a subcommand's arity first, implemented or not
        }
        if (spec == null || (spec.handler() == null && !spec.isContainer())) {
            return reject(unknownCommand(), null);
        }
        if (spec.handler() == null) {
            return reject(Errors.wrongArgs(spec.name()), spec); // a container called without a subcommand
        }
        if (!spec.arityOk(args.count())) {
            return reject(Errors.wrongArgs(spec.name()), spec);
        }
        if (!session.authenticated && !spec.allowsNoAuth()) {
            return reject(Errors.NOAUTH, spec);
        }
        if (!spec.allowsNoAuth() && Acl.of(server).restricted(session.user)) {
            String denied = Acl.of(server).check(Acl.of(server).user(session.user), spec, args, session,
                    session.get(QueuedCommand.QUEUE) != null ? Acl.MULTI : Acl.TOPLEVEL);
            if (denied != null) {
                return reject(denied, spec);
            }
        }
        long now = server.clock().millis();
        if (server.isPaused(spec.isWrite(), now)) {
            // Re-check often rather than sleeping until the deadline: CLIENT UNPAUSE ends it early.
            scheduleResume(Math.min(10, Math.max(1, server.pauseUntilMillis - now)));
            return false;
        }
        if (spec.denyOom() && server.outOfMemory()) {
            return reject(Errors.OOM, spec);
        }
        if (spec.isWrite()) {
            String refused = server.writesRefused();
            if (refused != null) {
                return reject(refused, spec); // the log cannot take writes (disk full): say so, like Redis' MISCONF
            }
        }
        if (session.protocol == 2 && !spec.allowedWhenSubscribed() && session.get(Subscriber.FEATURE).subscribed()) {
            return reject("ERR Can't execute '" + spec.name()
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", spec);
        }
        BusyScript busy = homeState.busyScript;
        if (busy != null && !spec.flags().contains("allow_busy")) {
            return reject(busy.busyError(), spec); // this loop's shard runs a script past lua-time-limit
        }
        session.lastCommand = spec.name();
        if (session.get(QueuedCommand.QUEUE) != null && !spec.isTransactionControl()) {
            return queue(spec);
        }
        return switch (spec.routing()) {
            case SESSION -> runSession(spec);
            case KEYS -> routeByKeys(spec);
            case ALL_SHARDS -> startCrossShard(spec);
        };
    }

    /** Inside MULTI: the command is checked and queued for EXEC (its reply is +QUEUED). */
    private boolean queue(CommandSpec spec) {
        if (inFlight > 0) {
            return false;
        }
        if (spec.noMulti()) {
            return reject("ERR Command not allowed inside a transaction", spec);
        }
        if (session.monitor && spec.touchesKeyspace()) {
            return reject(MONITOR_KEYSPACE, spec); // refused when queued, as Redis refuses it before queueing
        }
        session.get(QueuedCommand.QUEUE).add(QueuedCommand.copyOf(spec, args));
        boolean suppress = consumeSuppress();
        ByteBuf o = out();
        int mark = o.writerIndex();
        errorWriter.wrap(o, session.protocol).simple("QUEUED");
        applyReplyMode(o, mark, suppress);
        return true;
    }

    private boolean reject(String error, CommandSpec spec) {
        if (inFlight > 0) {
            return false; // the error must come after replies still in flight
        }
        if (spec != null && spec.name().equals("exec")) {
            // Redis: a refused EXEC discards the transaction (if any) and says why, inside MULTI or not
            if (session.get(QueuedCommand.QUEUE) != null) {
                TransactionCommands.discard(session);
            }
            error = "EXECABORT Transaction discarded because of: " + (error.startsWith("ERR ") ? error.substring(4) : error);
        } else if (session.get(QueuedCommand.QUEUE) != null) {
            session.multiAborted = true; // EXEC will answer EXECABORT
        }
        server.rejectedCalls.increment();
        if (spec != null) {
            homeState.commandRejected[spec.id()]++;
        }
        ByteBuf o = out();
        int mark = o.writerIndex();
        errorWriter.wrap(o, session.protocol).error(error);
        applyReplyMode(o, mark, false);
        return true;
    }

    private String unknownCommand() {
        StringBuilder b = new StringBuilder("ERR unknown command '").append(truncated(args.string(0), 128))
                .append("', with args beginning with: ");
        for (int i = 1; i < args.count() && b.length() < 128 + 60; i++) {
            b.append('\'').append(truncated(args.string(i), 128)).append("' ");
        }
        return b.toString();
    }

    private static String truncated(String s, int n) {
        return s.length() > n ? s.substring(0, n) : s;
    }

    private boolean runSession(CommandSpec spec) {
        if (inFlight > 0) {
            return false;
        }
        ByteBuf o = out();
        int mark = o.writerIndex();
        CommandContext c = CommandContext.of(homeState);
        c.prepare(spec, args, o, session.protocol, session.db, session);
        execute(homeState, spec, c, o, args, session);
        // A command let through while a script here is busy writes nothing: its reply must not wait
        // for a commit of the script's changes (which comes after the script).
        ranOnHome |= homeState.busyScript == null;
        ServeWait woke = homeBlocked.takeRound();
        if (woke != null) {
            awaitServe(woke);
        }
        ClientSession.ReplyMode after = session.replyMode;
        // Only CLIENT REPLY changes the mode; a command is silent while the mode after it is not ON
        // (so CLIENT REPLY ON answers +OK, while OFF and SKIP are silent themselves).
        boolean suppress = after != ClientSession.ReplyMode.ON;
        if (after == ClientSession.ReplyMode.SKIP) {
            session.replyMode = ClientSession.ReplyMode.ON;
            skipNextReply = true;
            o.writerIndex(mark);
            return true;
        }
        if (o.writerIndex() > mark && o.getByte(mark) != '-' && PubSubCommands.confirmsWithPushes(spec)) {
            skipNextReply = false; // pushes are not silenced; a pending SKIP is used up all the same
            return true;
        }
        applyReplyMode(o, mark, suppress);
        return true;
    }

    private boolean routeByKeys(CommandSpec spec) {
        Shard target = home;
        CommandSpec.KeyFinder finder = spec.keyFinder();
        if (session.luaDebug != 0 && spec.runsScript()) {
            return startCrossShard(spec); // a debugged script holds every shard, on this connection's loop
        }
        if (finder != null && finder.first(args) >= 0 && finder.count(args) == 0) {
            return startCrossShard(spec); // declares no keys (EVAL ... 0): it may touch any shard
        }
        if (spec.acrossWhen() != null && spec.acrossWhen().test(server, args)) {
            return startCrossShard(spec); // it may have to wait (XREAD BLOCK): only the cross-shard path can
        }
        int first = spec.firstKeyOf(args);
        if (first > 0 && args.count() > first) {
            int last = spec.lastKeyOf(args);
            target = server.shardOfKey(args.segment(), args.offset(first), args.length(first));
            for (int i = first + spec.keyStepOf(); i <= last; i += spec.keyStepOf()) {
                Shard s = server.shardOfKey(args.segment(), args.offset(i), args.length(i));
                if (s != target) {
                    if (spec.handler() instanceof MultiShardCommand) {
                        return startCrossShard(spec);
                    }
                    return reject(Errors.CROSSSLOT, spec);
                }
            }
        }
        if (acrossInFlight) {
            return false; // a batch posted now could answer before the cross-shard call
        }
        if (target != home && busy(target, spec) != null) {
            return reject(busy(target, spec), spec);
        }
        if (target == home && inFlight == 0 && home.isRunnableNow() && !spec.runsScript()) {
            boolean suppress = consumeSuppress();
            ByteBuf o = out();
            int mark = o.writerIndex();
            CommandContext c = CommandContext.of(homeState);
            c.prepare(spec, args, o, session.protocol, session.db, session);
            execute(homeState, spec, c, o, args, session);
            ranOnHome |= homeState.busyScript == null; // as in runSession
            applyReplyMode(o, mark, suppress);
            ServeWait woke = homeBlocked.takeRound();
            if (woke != null) {
                awaitServe(woke);
            }
            return true;
        }
        if (open == null) {
            open = pool.isEmpty() ? new Request(this, home) : pool.poll();
            open.start(session);
        } else if (!open.accepts(session)) {
            return false; // full: wait for the travelling batch, then this one goes
        }
        open.add(target, spec, args, consumeSuppress());
        inFlight++;
        return true;
    }

    /** The command just run woke moves across shards: its reply, and what follows, wait until they are over. */
    private void awaitServe(ServeWait woke) {
        serving++;
        inFlight++; // nothing runs inline meanwhile, session commands wait
        woke.whenOver(home, () -> {
            serving--;
            inFlight--;
            if (!closed && !processing) {
                process();
                if (inFlight == 0) {
                    flush();
                }
            }
        });
    }

    /** Sends the open batch unless one is still travelling; false when the first shard's mailbox is full. */
    private boolean postBatch() {
        if (open == null || travelling != null || serving > 0) {
            return true;
        }
        if (open.firstShard() == home && home.isRunnableNow() && !open.runsScript()) {
            // First leg is ours and the shard is free: run it now instead of posting to ourselves.
            // Its completion still arrives through the mailbox, so nothing here re-enters.
            travelling = open;
            open = null;
            travelling.run(home);
            return true;
        }
        if (!open.firstShard().post(open)) {
            scheduleResume(1); // mailbox above its high-water mark: back off, retry later
            return false;
        }
        travelling = open;
        open = null;
        return true;
    }

    /** The BUSY error when a script on {@code shard} is past lua-time-limit (Redis' words), else null. */
    private static String busy(Shard shard, CommandSpec spec) {
        BusyScript b = ServerContext.state(shard).busyScript;
        return b != null && !spec.flags().contains("allow_busy") ? b.busyError() : null;
    }

    private boolean startCrossShard(CommandSpec spec) {
        if (inFlight > 0) {
            return false;
        }
        for (Shard s : server.shards().all()) {
            String busy = busy(s, spec);
            if (busy != null) {
                return reject(busy, spec);
            }
        }
        byte[] monitorLine = null;
        Monitors monitors = Monitors.of(server);
        if (monitors.active()) {
            if (session.monitor && spec.touchesKeyspace()) {
                return reject(MONITOR_KEYSPACE, spec);
            }
            monitorLine = monitors.line(session, false, session.db, spec, args);
            if (spec.runsScript()) {
                monitors.deliver(monitorLine); // before the script's own calls
                monitorLine = null;
            }
        }
        pendingMonitorLine = monitorLine; // shown once it ran, like the commands run inline
        boolean suppress = consumeSuppress();
        inFlight = 1;
        acrossInFlight = true;
        CrossShardCall call = new CrossShardCall(server, home, spec, args, session.db, session.protocol, session,
                suppress ? this::crossShardFinishedSilently : crossShardFinisher);
        home.enterBusy(System.nanoTime(), spec);
        try {
            ((MultiShardCommand) spec.handler()).executeAcross(call);
        } finally {
            home.exitBusy();
        }
        if (monitorLine != null && spec.mayBlock() && pendingMonitorLine == monitorLine) {
            // Still running: it blocks. Redis shows a blocked call when it blocks, so once it has
            // started waiting (CLIENT UNBLOCK from a client that saw the line finds it waiting).
            Monitors.of(server).deliver(monitorLine);
            pendingMonitorLine = null;
        }
        return true;
    }

    private boolean consumeSuppress() {
        boolean s = session.replyMode == ClientSession.ReplyMode.OFF || skipNextReply;
        skipNextReply = false;
        return s;
    }

    private void applyReplyMode(ByteBuf o, int mark, boolean suppress) {
        if (suppress || skipNextReply) {
            o.writerIndex(mark);
            skipNextReply = false;
        }
    }

    /** Runs a command on the current (owning) thread with statistics and the slow log. */
    /** What follows every command on its shard: blocked clients served, events announced, tracked reads remembered. */
    private static void afterCommand(ShardState state, CommandSpec spec, Args args, ClientSession session,
                                     TrackingState tracking, int notify, int db) {
        if (BlockedClients.of(state).hasReady()) {
            BlockedClients.of(state).serveReady(state); // a push woke blocked clients: serve them before anything else runs
        }
        if (notify != 0) {
            state.get(CommandObserver.FEATURE).end(notify, spec, args, db);
        }
        if (tracking != null) {
            TrackingCommands.afterCommand(state, spec, args, session, tracking);
            state.currentClientId = 0;
        }
    }

    public static void execute(ShardState state, CommandSpec spec, CommandContext ctx, ByteBuf reply, Args args, ClientSession session) {
        execute(state, spec, ctx, reply, args, session, true);
    }

    /**
     * As above; {@code refuseOom} false for a script's commands, which the script checks itself (Redis
     * refuses only a script's first deny-oom write, never one after a write or in an allow-oom script).
     */
    public static void execute(ShardState state, CommandSpec spec, CommandContext ctx, ByteBuf reply, Args args, ClientSession session,
                               boolean refuseOom) {
        if (state.evictionBudget > 0 && spec.isWrite()) {
            // maxmemory without persistence: make room before a write, as Redis does before each command
            ServerContext sc = ctx.server();
            state.evictIfNeeded(sc.evictionPolicy(), sc.evictionSamples());
            if (refuseOom && spec.denyOom() && state.overBudget) {
                ctx.out().error(Errors.OOM);
                state.commandRejected[spec.id()]++;
                return;
            }
        }
        boolean monitoring = Monitors.of(ctx.server()).active(); // the one check this path pays while nobody monitors
        if (monitoring && !beforeMonitored(spec, ctx, args, session)) {
            return;
        }
        int mark = reply.writerIndex();
        long t0 = System.nanoTime();
        Shard shard = state.shard();
        shard.enterBusy(t0, spec); // the watchdog's view of this loop
        TrackingState tracking = session == null ? null : session.get(TrackingState.FEATURE);
        int notify = spec.isWrite() ? ctx.server().notifyFlags() : 0;
        if (notify != 0) {
            state.get(CommandObserver.FEATURE).begin();
        } else if (spec.isWrite() && !state.hooksOn() && !ctx.server().trackingBroadcast().isEmpty()) {
            state.refreshKeyHooks(); // a BCAST client just appeared: do not wait for the posted refresh
        }
        if (tracking != null) {
            state.currentClientId = session.id; // NOLOOP: a client's own changes are not announced to it
        }
        try {
            spec.handler().execute(ctx);
        } catch (UnreadableValueException e) {
            reply.writerIndex(mark);
            ctx.out().error("ERR " + e.getMessage()); // damaged storage under this key: refuse, never serve wrong data
        } catch (Throwable e) { // a bug (StackOverflowError too): the client gets its id, the log the trace
            reply.writerIndex(mark);
            ctx.out().error(Errors.internal(ctx.server().shards().errors().report(
                    state.shard() + " running " + spec.name(), e)));
        }
        try {
            afterCommand(state, spec, args, session, tracking, notify, ctx.dbIndex());
        } catch (Throwable e) { // the reply is written: report, add nothing to it
            ctx.server().shards().errors().report(state.shard() + " after " + spec.name(), e);
        } finally {
            shard.exitBusy();
        }
        if (monitoring && !spec.runsScript()) {
            feedMonitors(spec, ctx, args, session); // after it ran, as Redis: SELECT shows its new database
        }
        long micros = (System.nanoTime() - t0) / 1000;
        int id = spec.id();
        state.commandCalls[id]++;
        state.commandMicros[id] += micros;
        if (reply.writerIndex() > mark && reply.getByte(mark) == '-') {
            state.commandFailed[id]++;
        }
        ServerContext server = ctx.server();
        if (server.latencyTracking()) {
            state.latencies.record(id, micros);
        }
        if (micros >= 1000) { // a millisecond or more: the latency monitor may want it (Redis' call())
            server.latencySample(spec.flags().contains("fast") ? "fast-command" : "command", micros / 1000);
        }
        long threshold = server.slowlogThresholdMicros();
        if (threshold >= 0 && micros >= threshold) {
            server.slowLog().add(args, micros, session.addr, session.name, server.clock().millis(), server.slowlogMaxLen());
        }
    }

    /**
     * With monitors connected: a monitoring client may not touch the keyspace (Redis treats it as a
     * replica); a script is shown when it starts, so that its own calls come after it.
     */
    private static boolean beforeMonitored(CommandSpec spec, CommandContext ctx, Args args, ClientSession session) {
        if (session != null && session.monitor && spec.touchesKeyspace() && !ctx.fromScript()) {
            ctx.out().error(MONITOR_KEYSPACE);
            return false;
        }
        if (spec.runsScript()) {
            feedMonitors(spec, ctx, args, session);
        }
        return true;
    }

    private static final String MONITOR_KEYSPACE = "ERR Replica can't interact with the keyspace";

    private static void feedMonitors(CommandSpec spec, CommandContext ctx, Args args, ClientSession session) {
        boolean lua = ctx.fromScript();
        int db = lua || session == null ? ctx.dbIndex() : session.db;
        Monitors.of(ctx.server()).feed(session, lua, db, spec, args);
    }

    // ---- completions -------------------------------------------------------------------------

    /** The travelling batch is home with its replies; runs on the home loop. */
    void completed(Request r) {
        assert home.inShardThread();
        assert r == travelling;
        travelling = null;
        if (closed) {
            r.releaseBuffers();
            return;
        }
        if (r.notDurable()) {
            closeNow(); // a shard could not log this batch's changes: acknowledge none of them
            return;
        }
        if (r.reply().isReadable()) {
            out().writeBytes(r.reply());
        }
        inFlight -= r.commands();
        pool.push(r);
        postBatch();
        process();
        if (inFlight == 0 || (out != null && out.readableBytes() > FLUSH_THRESHOLD)) {
            flush();
        }
    }

    private void crossShardFinished(Consumer<RespWriter> reply) {
        if (!closed) {
            reply.accept(errorWriter.wrap(out(), session.protocol));
        }
        afterCrossShard();
    }

    private void crossShardFinishedSilently(Consumer<RespWriter> reply) {
        afterCrossShard();
    }

    private void afterCrossShard() {
        inFlight = 0;
        acrossInFlight = false;
        if (pendingMonitorLine != null) {
            Monitors.of(server).deliver(pendingMonitorLine);
            pendingMonitorLine = null;
        }
        if (session.closeAfterReply && !closed) { // the end of a Lua debugging session
            flush();
            closeAfterFlush();
            return;
        }
        if (!closed) {
            process();
            if (inFlight == 0) {
                flush();
            }
        }
    }

    private void scheduleResume(long delayMillis) {
        if (resumeScheduled) {
            return;
        }
        resumeScheduled = true;
        ctx.channel().eventLoop().schedule(() -> {
            resumeScheduled = false;
            if (!closed) {
                process();
                if (inFlight == 0) {
                    flush();
                }
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    // ---- pushes (pub/sub messages) -----------------------------------------------------------

    /** A flush of pushed messages is scheduled on this loop. */
    private boolean pushFlushQueued;
    /** Since when the output has been above the soft pub/sub limit (0 = it is not). */
    private long softLimitSince;
    private final Runnable pushFlusher = this::flushPushes;

    /**
     * A pub/sub message for this client, on its loop. It joins the output between whole replies;
     * messages arriving together go out in one write. A subscriber whose unsent output passes
     * client-output-buffer-limit pubsub is disconnected, as Redis does, so a client that does not
     * read cannot make the server hold its messages without bound.
     */
    private void deliverPush(byte[] message) {
        if (closed) {
            return;
        }
        ByteBuf o = out();
        o.writeBytes(message);
        if (overOutputLimit(o)) {
            System.err.println("HeliosDB: client id=" + session.id + " addr=" + session.addr
                    + " closed for overcoming of output buffer limits (pubsub).");
            closeNow();
            return;
        }
        if (!pushFlushQueued) {
            pushFlushQueued = true;
            ctx.channel().eventLoop().execute(pushFlusher); // after the other messages of this drain
        }
    }

    private void flushPushes() {
        pushFlushQueued = false;
        if (!closed) {
            flush();
        }
    }

    /**
     * client-output-buffer-limit normal: a client whose unsent replies pass it is closed and the
     * replies are not sent, as Redis does (a RESP2 subscriber is of the pubsub class, checked as
     * its messages come). Without a limit (the default) only the write-buffer bound applies.
     */
    private boolean closedForOutputLimit() {
        long[] limit = server.outputLimits().normal();
        if ((limit[0] | limit[1]) == 0 || (session.protocol == 2 && session.get(Subscriber.FEATURE).subscribed())) {
            return false;
        }
        if (!overOutputLimit(out, limit)) {
            return false;
        }
        System.err.println("HeliosDB: client id=" + session.id + " addr=" + session.addr
                + " closed for overcoming of output buffer limits (normal).");
        closeNow();
        return true;
    }

    private boolean overOutputLimit(ByteBuf o) {
        return overOutputLimit(o, server.pubsubOutputLimit());
    }

    /** PROTO_REPLY_CHUNK_BYTES: the reply bytes a Redis client holds before its output counts against the limits. */
    private static final long REPLY_BUFFER_BYTES = 16 * 1024;

    private boolean overOutputLimit(ByteBuf o, long[] limit) {
        if (limit[0] == 0 && limit[1] == 0) {
            return false;
        }
        ChannelOutboundBuffer ob = ctx.channel().unsafe().outboundBuffer();
        // Redis counts only what overflows a client's 16 KB static reply buffer (getClientOutputBufferMemoryUsage)
        long pending = o.readableBytes() + (ob == null ? 0 : ob.totalPendingWriteBytes()) - REPLY_BUFFER_BYTES;
        if (limit[0] > 0 && pending >= limit[0]) {
            return true;
        }
        if (limit[1] > 0 && pending >= limit[1]) {
            long now = server.clock().millis();
            if (softLimitSince == 0) {
                softLimitSince = now;
            } else if (now - softLimitSince > limit[2] * 1000) { // Redis: past the seconds, not at them
                return true;
            }
        } else {
            softLimitSince = 0;
        }
        return false;
    }

    // ---- output ------------------------------------------------------------------------------

    private ByteBuf out() {
        if (out == null) {
            out = ctx.alloc().directBuffer(4096);
        }
        return out;
    }

    /**
     * Sends the replies gathered so far, but never before the changes they may acknowledge or reveal
     * are in the log (synced, in appendfsync always). Replies of commands that ran on other shards
     * were held there already (see Request); those of commands run here wait for this shard's commit.
     * Only the bytes present when the wait began go out when it ends: later replies may depend on a
     * later commit, and wait for that one.
     */
    private void flush() {
        if (flushQueued || out == null || !out.isReadable() || closed || serving > 0) {
            return; // a queued flush re-flushes what follows its mark; the end of serving flushes
        }
        if (closedForOutputLimit()) {
            return;
        }
        if (!ranOnHome) {
            writeOut(out.writerIndex());
            return;
        }
        ranOnHome = false;
        flushQueued = true;
        flushMark = out.writerIndex();
        home.afterCommit(flushWaiter);
    }

    private void flushAfterCommit(boolean durable) {
        flushQueued = false;
        if (!durable) {
            closeNow(); // the log write failed: these replies must not acknowledge anything
            return;
        }
        writeOut(flushMark);
        if (!closed) {
            flush(); // what was added after the mark
        }
    }

    /** Writes the pending replies up to writer index {@code upTo} of {@link #out}. */
    private void writeOut(int upTo) {
        if (out == null || !out.isReadable() || !ctx.channel().isActive()) {
            return;
        }
        int n = Math.min(upTo, out.writerIndex()) - out.readerIndex();
        if (n <= 0) {
            return;
        }
        server.netOutputBytes.add(n);
        ByteBuf b;
        if (n == out.readableBytes()) {
            b = out;
            out = null;
        } else {
            b = out.readRetainedSlice(n); // the rest waits for its own commit
        }
        ctx.writeAndFlush(b, ctx.voidPromise());
        if (!ctx.channel().isWritable()) {
            // The client is not reading its replies: stop reading its requests until it does,
            // so a slow reader costs at most the write-buffer high-water mark plus one pipeline.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !closed) {
            ctx.channel().config().setAutoRead(true);
            process(); // requests already buffered while the client was not reading
            if (inFlight == 0) {
                flush();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void closeAfterFlush() {
        closed = true;
        home.afterCommit(durable -> { // behind a queued flush, if any: replies first, then the close
            if (durable && out != null) {
                writeOut(out.writerIndex());
            }
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        });
    }

    private void closeNow() {
        closed = true;
        ctx.close();
    }
}

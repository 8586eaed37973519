package io.heliosdb.benchmarks;

import io.heliosdb.platform.Transport;
import io.heliosdb.resp.RespCommands;
import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespParser;
import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.connection.RespConnection;
import io.heliosdb.resp.engine.ClientSession;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.engine.ShardState;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.scheduler.ShardGroup;
import io.heliosdb.server.ServerParameters;
import io.heliosdb.time.Clock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's per-command path without the socket: parse a RESP frame from an off-heap buffer,
 * look the command up in the table, run it on a shard's keyspace and write the reply into a netty
 * buffer, exactly as RespConnection does for a key owned by the connection's own shard. Run with
 * {@code -prof gc}: the steady state must allocate 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class DispatchBenchmark {
    private static final int KEYS = 10_000;

    private ShardGroup shards;
    private ServerContext server;
    private ShardState state;
    private CommandTable table;
    private ClientSession session;
    private final RespParser parser = new RespParser();
    private final Args args = new Args();
    private MemorySegment getFrames;
    private MemorySegment setFrames;
    private long[] getOffsets;
    private long[] setOffsets;
    /** Collection commands on one large hash, set and sorted set ({@code KEYS} fields/members each). */
    private final long[][] collOffsets = new long[5][KEYS + 1];
    private final MemorySegment[] collFrames = new MemorySegment[5];
    private static final int HSET = 0, HGET = 1, SADD = 2, SISMEMBER = 3, ZSCORE = 4;
    private ByteBuf reply;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ConfigRegistry config = ServerParameters.registry();
        shards = new ShardGroup(1, Transport.NIO, false);
        table = RespCommands.table();
        server = new ServerContext(shards, table, config, Clock.SYSTEM);
        state = shards.shard(0).get(ShardState.SLOT);
        session = new ClientSession(1, null, "127.0.0.1:1", "127.0.0.1:6379", 0);
        byte[] value = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
        getOffsets = new long[KEYS + 1];
        setOffsets = new long[KEYS + 1];
        getFrames = encodeAll("GET", null, getOffsets);
        setFrames = encodeAll("SET", value, setOffsets);
        reply = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        for (int i = 0; i < KEYS; i++) {
            run(setFrames, setOffsets, i); // populate
        }
        collFrames[HSET] = encode(i -> new String[]{"HSET", "bench:hash", field(i), "v".repeat(20)}, collOffsets[HSET]);
        collFrames[HGET] = encode(i -> new String[]{"HGET", "bench:hash", field(i)}, collOffsets[HGET]);
        collFrames[SADD] = encode(i -> new String[]{"SADD", "bench:set", field(i)}, collOffsets[SADD]);
        collFrames[SISMEMBER] = encode(i -> new String[]{"SISMEMBER", "bench:set", field(i)}, collOffsets[SISMEMBER]);
        collFrames[ZSCORE] = encode(i -> new String[]{"ZSCORE", "bench:zset", field(i)}, collOffsets[ZSCORE]);
        long[] zaddOffsets = new long[KEYS + 1];
        MemorySegment zadd = encode(i -> new String[]{"ZADD", "bench:zset", Integer.toString(i % 977), field(i)}, zaddOffsets);
        for (int i = 0; i < KEYS; i++) {
            run(collFrames[HSET], collOffsets[HSET], i);
            run(collFrames[SADD], collOffsets[SADD], i);
            run(zadd, zaddOffsets, i);
        }
    }

    private static String field(int i) {
        return "field:" + String.format("%08d", i);
    }

    private static MemorySegment encode(IntFunction<String[]> command, long[] offsets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < KEYS; i++) {
            offsets[i] = out.size();
            String[] parts = command.apply(i);
            out.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String p : parts) {
                out.writeBytes(("$" + p.length() + "\r\n" + p + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        offsets[KEYS] = out.size();
        byte[] all = out.toByteArray();
        MemorySegment seg = Arena.global().allocate(all.length);
        MemorySegment.copy(MemorySegment.ofArray(all), 0, seg, 0, all.length);
        return seg;
    }

    private int collection(int which) {
        int i = next++ % KEYS;
        run(collFrames[which], collOffsets[which], i);
        return reply.writerIndex();
    }

    /** HSET of an existing field of a 10,000-field hash (value of the same length: in place). */
    @Benchmark
    public int hset() {
        return collection(HSET);
    }

    @Benchmark
    public int hget() {
        return collection(HGET);
    }

    /** SADD of a member already present (the lookup; a new member also copies it into a page). */
    @Benchmark
    public int sadd() {
        return collection(SADD);
    }

    @Benchmark
    public int sismember() {
        return collection(SISMEMBER);
    }

    @Benchmark
    public int zscore() {
        return collection(ZSCORE);
    }

    private static MemorySegment encodeAll(String cmd, byte[] value, long[] offsets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < KEYS; i++) {
            offsets[i] = out.size();
            byte[] key = ("key:" + String.format("%012d", i)).getBytes(StandardCharsets.US_ASCII);
            int n = value == null ? 2 : 3;
            out.writeBytes(("*" + n + "\r\n$" + cmd.length() + "\r\n" + cmd + "\r\n$" + key.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(key);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (value != null) {
                out.writeBytes(("$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(value);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        offsets[KEYS] = out.size();
        byte[] all = out.toByteArray();
        MemorySegment seg = Arena.global().allocate(all.length);
        MemorySegment.copy(MemorySegment.ofArray(all), 0, seg, 0, all.length);
        return seg;
    }

    private void run(MemorySegment frames, long[] offsets, int i) {
        int r = parser.parse(frames, offsets[i], offsets[i + 1], args, false);
        assert r == RespParser.COMPLETE;
        CommandSpec spec = table.lookup(args.segment(), args.offset(0), args.length(0));
        if (!spec.arityOk(args.count())) {
            throw new IllegalStateException();
        }
        reply.clear();
        CommandContext ctx = CommandContext.of(state);
        ctx.prepare(spec, args, reply, 2, 0, session);
        RespConnection.execute(state, spec, ctx, reply, args, session);
    }

    @Benchmark
    public int get() {
        int i = next++ % KEYS;
        run(getFrames, getOffsets, i);
        return reply.writerIndex();
    }

    @Benchmark
    public int set() {
        int i = next++ % KEYS;
        run(setFrames, setOffsets, i);
        return reply.writerIndex();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reply.release();
        shards.close();
    }
}

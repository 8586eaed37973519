package io.heliosdb.benchmarks;

import io.heliosdb.resp.codec.Args;
import io.heliosdb.resp.codec.RespParser;
import io.heliosdb.resp.codec.RespWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** RESP parsing and reply writing alone. Run with {@code -prof gc}: 0 B/op expected. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"})
public class RespCodecBenchmark {
    private final RespParser parser = new RespParser();
    private final Args args = new Args();
    private final RespWriter writer = new RespWriter();
    private MemorySegment setFrame;
    private long setLength;
    private MemorySegment value;
    private ByteBuf out;

    @Setup
    public void setUp() {
        byte[] v = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = ("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000123456\r\n$100\r\n" + "v".repeat(100) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        setFrame = Arena.global().allocate(frame.length);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, setFrame, 0, frame.length);
        setLength = frame.length;
        value = Arena.global().allocate(v.length);
        MemorySegment.copy(MemorySegment.ofArray(v), 0, value, 0, v.length);
        out = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
    }

    @Benchmark
    public int parseSet() {
        parser.parse(setFrame, 0, setLength, args, false);
        return args.count();
    }

    @Benchmark
    public int writeBulkAndInteger() {
        out.clear();
        writer.wrap(out, 2);
        writer.bulk(value, 0, 100);
        writer.integer(1234567);
        return out.writerIndex();
    }

    @TearDown
    public void tearDown() {
        out.release();
    }
}

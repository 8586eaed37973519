package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heliosdb.keyspace.Keyspace;
import io.heliosdb.keyspace.OffHeapKeyspace;
import io.heliosdb.keyspace.ValueEncoding;
import io.heliosdb.keyspace.ValueType;
import io.heliosdb.keyspace.ops.BitfieldOps.Step;
import io.heliosdb.memory.SlabAllocator;
import io.heliosdb.time.ManualClock;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BitfieldOps on a real off-heap keyspace: reads, writes, the three overflow modes, WRONGTYPE. */
class BitfieldOpsTest {
    private SlabAllocator memory;
    private Keyspace ks;
    private final StringOpsTest.Sink out = new StringOpsTest.Sink();
    private final MemorySegment k = MemorySegment.ofArray("bf".getBytes(StandardCharsets.US_ASCII));

    @BeforeEach
    void setUp() {
        memory = new SlabAllocator("test");
        ks = new OffHeapKeyspace(memory, new ManualClock(1_000_000));
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    private List<String> run(Step... steps) {
        assertEquals(OpStatus.OK, BitfieldOps.run(KeyReads.DIRECT, ks, k, 0, 2, List.of(steps), out));
        return out.take();
    }

    @Test
    void readsOfAMissingKeyAreZeroAndCreateNothing() {
        assertEquals(List.of("*2", ":0", ":0"), run(new Step(BitfieldOps.GET, true, 8, 0, 0, 0), new Step(BitfieldOps.GET, false, 3, 100, 0, 0)));
        assertEquals(Keyspace.NONE, ks.find(k, 0, 2));
    }

    @Test
    void setAndIncrbyWithEachOverflowMode() {
        assertEquals(List.of("*2", ":0", ":255"), run(new Step(BitfieldOps.SET, false, 8, 0, 255, BitfieldOps.WRAP),
                new Step(BitfieldOps.GET, false, 8, 0, 0, BitfieldOps.WRAP)));
        assertEquals(List.of("*1", ":-1"), run(new Step(BitfieldOps.GET, true, 8, 0, 0, BitfieldOps.WRAP)));
        assertEquals(List.of("*3", ":9", ":255", "nil"), run(new Step(BitfieldOps.INCRBY, false, 8, 0, 10, BitfieldOps.WRAP),
                new Step(BitfieldOps.INCRBY, false, 8, 0, 1000, BitfieldOps.SAT),
                new Step(BitfieldOps.INCRBY, false, 8, 0, 1, BitfieldOps.FAIL)));
        assertEquals(List.of("*2", ":127", ":-128"), run(new Step(BitfieldOps.INCRBY, true, 8, 8, 200, BitfieldOps.SAT),
                new Step(BitfieldOps.INCRBY, true, 8, 8, 1, BitfieldOps.WRAP)));
        assertEquals(List.of("$\u00ff\u0080"), get());
    }

    private List<String> get() {
        assertEquals(OpStatus.OK, StringOps.get(KeyReads.DIRECT, ks, k, 0, 2, out));
        return out.take();
    }

    @Test
    void anotherTypeIsWrongtype() {
        ks.putUninitialized(k, 0, 2, ValueType.LIST, ValueEncoding.RAW, 0, 0);
        assertEquals(OpStatus.WRONGTYPE, BitfieldOps.run(KeyReads.DIRECT, ks, k, 0, 2,
                List.of(new Step(BitfieldOps.SET, false, 8, 0, 1, BitfieldOps.WRAP)), out));
        assertEquals(List.of(), out.take());
    }
}

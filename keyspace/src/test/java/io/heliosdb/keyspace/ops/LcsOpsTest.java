package io.heliosdb.keyspace.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** LCS over two copied values: the subsequence, its length, the ranges (Redis' documented example) and the size limit. */
class LcsOpsTest {
    private static final byte[] A = "ohmytext".getBytes(StandardCharsets.UTF_8), B = "mynewtext".getBytes(StandardCharsets.UTF_8);
    private static final long CELLS = 512L * 1024 * 1024;
    private final TranscriptSink out = new TranscriptSink();

    @Test
    void theSubsequenceAndItsLength() {
        assertEquals(OpStatus.OK, LcsOps.lcs(A, B, LcsOps.Form.STRING, 0, false, CELLS, out));
        assertEquals("bulk:mytext", out.take());
        assertEquals(OpStatus.OK, LcsOps.lcs(A, B, LcsOps.Form.LEN, 0, false, CELLS, out));
        assertEquals("int:6", out.take());
        assertEquals(OpStatus.OK, LcsOps.lcs(null, B, LcsOps.Form.STRING, 0, false, CELLS, out));
        assertEquals("bulk:", out.take(), "a missing key reads as empty");
        assertEquals(OpStatus.OK, LcsOps.lcs(A, null, LcsOps.Form.LEN, 0, false, CELLS, out));
        assertEquals("int:0", out.take());
    }

    @Test
    void rangesLastFirstFilteredByMinMatchLen() {
        assertEquals(OpStatus.OK, LcsOps.lcs(A, B, LcsOps.Form.IDX, 0, false, CELLS, out));
        assertEquals("map:2 bulk:matches array:2 array:2 array:2 int:4 int:7 array:2 int:5 int:8 array:2 array:2 int:2 int:3 array:2 int:0 int:1"
                + " bulk:len int:6", out.take());
        assertEquals(OpStatus.OK, LcsOps.lcs(A, B, LcsOps.Form.IDX, 4, true, CELLS, out));
        assertEquals("map:2 bulk:matches array:1 array:3 array:2 int:4 int:7 array:2 int:5 int:8 int:4 bulk:len int:6", out.take());
        assertEquals(OpStatus.OK, LcsOps.lcs(null, null, LcsOps.Form.IDX, 0, true, CELLS, out));
        assertEquals("map:2 bulk:matches array:0 bulk:len int:0", out.take());
    }

    @Test
    void aTableOverTheLimitIsTooLarge() {
        assertEquals(OpStatus.TOO_LARGE, LcsOps.lcs(A, B, LcsOps.Form.LEN, 0, false, 9 * 10 - 1, out));
        assertEquals("", out.take());
        assertEquals(OpStatus.OK, LcsOps.lcs(A, B, LcsOps.Form.LEN, 0, false, 9 * 10, out));
        assertEquals("int:6", out.take());
    }
}

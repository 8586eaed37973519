package io.heliosdb.resp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {
    private final RespParser parser = new RespParser();
    private final Args args = new Args();

    private static MemorySegment seg(byte[] b) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    private List<String> parseAll(String frame) {
        byte[] b = frame.getBytes(StandardCharsets.ISO_8859_1);
        int r = parser.parse(seg(b), 0, b.length, args, false);
        assertEquals(RespParser.COMPLETE, r, () -> "result " + r + " error " + parser.error());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.count(); i++) {
            out.add(args.string(i));
        }
        return out;
    }

    @Test
    void multibulkFramesBecomeArguments() {
        assertEquals(List.of("SET", "key", "value"), parseAll("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"));
        assertEquals(List.of("GET", ""), parseAll("*2\r\n$3\r\nGET\r\n$0\r\n\r\n"));
    }

    @Test
    void inlineCommandsFollowSdssplitargs() {
        assertEquals(List.of("SET", "a b", "c"), parseAll("SET \"a b\" c\r\n"));
        assertEquals(List.of("ECHO", "it's"), parseAll("ECHO 'it\\'s'\r\n"));
        assertEquals(List.of("ECHO", "A\n"), parseAll("ECHO \"\\x41\\n\"\n"));
        assertEquals(List.of("PING"), parseAll("   PING   \r\n"));
    }

    @Test
    void incompleteFramesAskForMore() {
        byte[] b = "*2\r\n$3\r\nGET\r\n$3\r\nke".getBytes(StandardCharsets.US_ASCII);
        assertEquals(RespParser.NEED_MORE, parser.parse(seg(b), 0, b.length, args, false));
        byte[] line = "PING".getBytes(StandardCharsets.US_ASCII);
        assertEquals(RespParser.NEED_MORE, parser.parse(seg(line), 0, line.length, args, false));
    }

    @Test
    void protocolErrorsCarryRedisText() {
        assertError("*1\r\n$abc\r\n", "Protocol error: invalid bulk length");
        assertError("*abc\r\n", "Protocol error: invalid multibulk length");
        assertError("*1\r\n+foo\r\n", "Protocol error: expected '$', got '+'");
        assertError("SET \"a\r\n", "Protocol error: unbalanced quotes in request");
        assertError("*1\r\n$-1\r\n", "Protocol error: invalid bulk length");
        assertError("*3000000000\r\n", "Protocol error: invalid multibulk length");
        byte[] b = "*11\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(RespParser.ERROR, parser.parse(seg(b), 0, b.length, args, true));
        assertEquals("Protocol error: unauthenticated multibulk length", parser.error());
        byte[] longLine = new byte[RespParser.INLINE_MAX + 10];
        java.util.Arrays.fill(longLine, (byte) 'a');
        assertEquals(RespParser.ERROR, parser.parse(seg(longLine), 0, longLine.length, args, false));
        assertEquals("Protocol error: too big inline request", parser.error());
    }

    private void assertError(String frame, String message) {
        byte[] b = frame.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(RespParser.ERROR, parser.parse(seg(b), 0, b.length, args, false), frame);
        assertEquals(message, parser.error());
    }

    /** Random commands, encoded and cut at random points, always parse back to the same arguments. */
    @Test
    void randomlyFragmentedFramesRoundTrip() {
        Random rnd = new Random(42);
        for (int round = 0; round < 2000; round++) {
            List<byte[]> cmd = new ArrayList<>();
            int n = 1 + rnd.nextInt(6);
            ByteArrayOutputStream enc = new ByteArrayOutputStream();
            enc.writeBytes(("*" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < n; i++) {
                byte[] a = new byte[rnd.nextInt(40)];
                rnd.nextBytes(a);
                cmd.add(a);
                enc.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                enc.writeBytes(a);
                enc.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            byte[] frame = enc.toByteArray();
            MemorySegment s = seg(frame);
            int cut = rnd.nextInt(frame.length);
            assertEquals(RespParser.NEED_MORE, parser.parse(s, 0, cut, args, false));
            assertEquals(RespParser.COMPLETE, parser.parse(s, 0, frame.length, args, false));
            assertEquals(frame.length, parser.consumed());
            assertEquals(n, args.count());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(cmd.get(i), args.bytes(i));
            }
        }
    }

    /** Arbitrary bytes never make the parser throw or read outside the buffer. */
    @Test
    void fuzzedInputNeverThrows() {
        Random rnd = new Random(7);
        byte[] alphabet = "*$\r\n0123456789-+: \"'\\xabcSETGET".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[rnd.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                b[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : alphabet[rnd.nextInt(alphabet.length)];
            }
            MemorySegment s = seg(b);
            long pos = 0;
            while (pos < b.length) {
                int r = parser.parse(s, pos, b.length, args, rnd.nextBoolean());
                assertTrue(r >= RespParser.NEED_MORE && r <= RespParser.ERROR);
                if (r == RespParser.NEED_MORE || r == RespParser.ERROR) {
                    break;
                }
                assertTrue(parser.consumed() > pos && parser.consumed() <= b.length);
                for (int i = 0; i < (r == RespParser.COMPLETE ? args.count() : 0); i++) {
                    assertTrue(args.offset(i) >= 0 && args.offset(i) + args.length(i) <= b.length);
                }
                pos = parser.consumed();
            }
        }
    }
}

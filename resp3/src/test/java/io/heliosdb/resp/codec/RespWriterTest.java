package io.heliosdb.resp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Golden bytes of each reply type in RESP2 and RESP3. */
class RespWriterTest {
    private static String render(int proto, Consumer<RespWriter> w) {
        ByteBuf b = Unpooled.buffer();
        w.accept(new RespWriter().wrap(b, proto));
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void golden(Consumer<RespWriter> w, String resp2, String resp3) {
        assertEquals(resp2, render(2, w));
        assertEquals(resp3, render(3, w));
    }

    @Test
    void integralDoublesWrittenWithoutFormattingMatchRedisPercent17g() {
        java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(1.0, -1.0, 42.0, 1e16, -1e16,
                9007199254740992.0, 9007199254740994.0, 99999999999999984.0, 1e17, -1e17, 1.5e17, 123456789012.0, -0.0, 0.0));
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < 5000; i++) {
            values.add((double) (r.nextLong() >> r.nextInt(64)));
            values.add(Math.rint(r.nextGaussian() * Math.pow(10, r.nextInt(19))));
        }
        for (double d : values) {
            String text = RespWriter.formatDouble(d); // the general %.17g path
            golden(w -> w.doubleValue(d), "$" + text.length() + "\r\n" + text + "\r\n", "," + text + "\r\n");
        }
    }

    @Test
    void replyTypesDegradeForResp2AsRedisDoes() {
        golden(RespWriter::ok, "+OK\r\n", "+OK\r\n");
        golden(w -> w.integer(-42), ":-42\r\n", ":-42\r\n");
        golden(w -> w.integer(Long.MIN_VALUE), ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
        golden(w -> w.bulk("hé"), "$3\r\nhé\r\n".replace("é", "\u00c3\u00a9"), "$3\r\nhé\r\n".replace("é", "\u00c3\u00a9"));
        golden(RespWriter::nullBulk, "$-1\r\n", "_\r\n");
        golden(RespWriter::nullArray, "*-1\r\n", "_\r\n");
        golden(w -> w.map(2), "*4\r\n", "%2\r\n");
        golden(w -> w.set(3), "*3\r\n", "~3\r\n");
        golden(w -> w.push(3), "*3\r\n", ">3\r\n");
        golden(w -> w.bool(true), ":1\r\n", "#t\r\n");
        golden(w -> w.doubleValue(1.5), "$3\r\n1.5\r\n", ",1.5\r\n");
        golden(w -> w.doubleValue(Double.POSITIVE_INFINITY), "$3\r\ninf\r\n", ",inf\r\n");
        golden(w -> w.verbatim("a\r\n"), "$3\r\na\r\n\r\n", "=7\r\ntxt:a\r\n\r\n");
        golden(w -> w.error("ERR bad\r\nthing"), "-ERR bad  thing\r\n", "-ERR bad  thing\r\n");
        golden(w -> w.bulkDecimal(-1234), "$5\r\n-1234\r\n", "$5\r\n-1234\r\n");
    }
}

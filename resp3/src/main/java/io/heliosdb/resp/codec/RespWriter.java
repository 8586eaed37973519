package io.heliosdb.resp.codec;

import io.heliosdb.keyspace.RedisDoubles;
import io.heliosdb.keyspace.ops.ValueSink;
import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies into a netty buffer in the protocol version the client chose (HELLO 2 or 3).
 * RESP3-only types degrade the way Redis degrades them for RESP2 clients (map → flat array,
 * double → bulk string, boolean → integer, null → $-1 or *-1). A flyweight: re-pointed with
 * {@link #wrap}; allocation-free for integers, bulk strings and headers.
 */
public final class RespWriter implements ValueSink {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[256][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private ByteBuf out;
    private int protocol = 2;

    public RespWriter wrap(ByteBuf out, int protocol) {
        this.out = out;
        this.protocol = protocol;
        return this;
    }

    public ByteBuf buffer() {
        return out;
    }

    public int protocol() {
        return protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    public void ok() {
        out.writeBytes(OK);
    }

    public void simple(String s) {
        out.writeByte('+');
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    /** An error reply; {@code message} starts with its code (ERR, WRONGTYPE, ...). */
    public void error(String message) {
        out.writeByte('-');
        // An error line may not contain CR or LF (Redis replaces them with spaces).
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            out.writeByte(c == '\r' || c == '\n' ? ' ' : c < 0x80 ? c : '?');
        }
        out.writeBytes(CRLF);
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            out.writeBytes(SMALL_INTS[(int) v]);
            return;
        }
        out.writeByte(':');
        writeDecimal(v);
        out.writeBytes(CRLF);
    }

    public void bulk(MemorySegment seg, long off, int len) {
        out.writeByte('$');
        writeDecimal(len);
        out.writeBytes(CRLF);
        copyIn(seg, off, len);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int len) {
        out.writeByte('$');
        writeDecimal(len);
        out.writeBytes(CRLF);
        out.writeBytes(b, off, len);
        out.writeBytes(CRLF);
    }

    public void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string holding the decimal text of {@code v} (how Redis returns INT-encoded strings). */
    public void bulkDecimal(long v) {
        out.writeByte('$');
        writeDecimal(ByteStrings.decimalLength(v));
        out.writeBytes(CRLF);
        writeDecimal(v);
        out.writeBytes(CRLF);
    }

    public void nullBulk() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_BULK2);
    }

    public void nullArray() {
        out.writeBytes(protocol == 3 ? NULL3 : NULL_ARRAY2);
    }

    public void array(int n) {
        header('*', n);
    }

    /** A map of {@code n} pairs (RESP2: a flat array of 2n elements). */
    public void map(int n) {
        if (protocol == 3) {
            header('%', n);
        } else {
            header('*', 2L * n);
        }
    }

    public void set(int n) {
        header(protocol == 3 ? '~' : '*', n);
    }

    /** {@code n} pairs as Redis writes scored members: RESP3 an array of 2-arrays, RESP2 flat. */
    @Override
    public void pairs(int n) {
        header('*', protocol == 3 ? n : 2L * n);
    }

    @Override
    public void pair() {
        if (protocol == 3) {
            header('*', 2);
        }
    }

    /** A push message header (RESP3); RESP2 clients get a plain array, as Redis does for pub/sub. */
    public void push(int n) {
        header(protocol == 3 ? '>' : '*', n);
    }

    public void doubleValue(double d) {
        if (d != 0 && Math.abs(d) < 1e17 && d == (long) d) {
            // an integral score (the common case): %.17g prints it as the integer, so no formatting objects
            if (protocol == 3) {
                out.writeByte(',');
                writeDecimal((long) d);
                out.writeBytes(CRLF);
            } else {
                bulkDecimal((long) d);
            }
            return;
        }
        doubleText(formatDouble(d));
    }

    /** A RESP3 double already formatted ("," + text); RESP2 clients get it as a bulk string. */
    public void doubleText(String text) {
        if (protocol == 3) {
            out.writeByte(',');
            out.writeCharSequence(text, StandardCharsets.US_ASCII);
            out.writeBytes(CRLF);
        } else {
            bulk(text);
        }
    }

    public void bool(boolean b) {
        if (protocol == 3) {
            out.writeBytes(b ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            integer(b ? 1 : 0);
        }
    }

    /** Verbatim text (RESP3 "=" with a "txt:" prefix; RESP2 bulk), as INFO and CLIENT LIST use. */
    public void verbatim(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (protocol == 3) {
            out.writeByte('=');
            writeDecimal(b.length + 4);
            out.writeBytes(CRLF);
            out.writeBytes("txt:".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.writeBytes(CRLF);
        } else {
            bulk(b);
        }
    }

    private void header(char type, long n) {
        out.writeByte(type);
        writeDecimal(n);
        out.writeBytes(CRLF);
    }

    /** Redis 7.0's reply format for doubles (see {@link RedisDoubles#format}). */
    public static String formatDouble(double d) {
        return RedisDoubles.format(d);
    }

    private void writeDecimal(long v) {
        int len = ByteStrings.decimalLength(v);
        out.ensureWritable(len);
        int w = out.writerIndex();
        int pos = w + len - 1;
        if (v == Long.MIN_VALUE) {
            out.setBytes(w, "-9223372036854775808".getBytes(StandardCharsets.US_ASCII));
            out.writerIndex(w + len);
            return;
        }
        boolean negative = v < 0;
        long x = Math.abs(v);
        do {
            out.setByte(pos--, (int) ('0' + x % 10));
            x /= 10;
        } while (x != 0);
        if (negative) {
            out.setByte(pos, '-');
        }
        out.writerIndex(w + len);
    }

    /** Copies off-heap bytes into the buffer without intermediate objects. */
    private void copyIn(MemorySegment seg, long off, int len) {
        out.ensureWritable(len);
        int w = out.writerIndex();
        if (out.hasMemoryAddress()) {
            MemorySegment.copy(seg, off, NativeMemory.ALL, out.memoryAddress() + w, len);
        } else if (out.hasArray()) {
            MemorySegment.copy(seg, NativeMemory.BYTE, off, out.array(), out.arrayOffset() + w, len);
        } else {
            for (int i = 0; i < len; i++) {
                out.setByte(w + i, seg.get(NativeMemory.BYTE, off + i));
            }
        }
        out.writerIndex(w + len);
    }

    /** Writes raw, already-encoded RESP bytes. */
    public void raw(ByteBuf encoded) {
        out.writeBytes(encoded, encoded.readerIndex(), encoded.readableBytes());
    }
}

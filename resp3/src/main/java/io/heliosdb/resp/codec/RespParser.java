package io.heliosdb.resp.codec;

import io.heliosdb.memory.ByteStrings;
import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;

/**
 * Incremental RESP request parser: multibulk frames ({@code *N $len data ...}) and inline commands
 * (what telnet and redis-cli's inline mode send). It never allocates on the request path: arguments
 * become (offset, length) pairs in {@link Args} over the caller's buffer. Errors are values with
 * Redis' exact text, after which the caller replies and closes the connection, as Redis does.
 */
public final class RespParser {
    public static final int NEED_MORE = 0;
    public static final int COMPLETE = 1;
    public static final int EMPTY = 2; // nothing to execute (blank inline line, *0, *-1)
    public static final int ERROR = 3;

    /** Redis' PROTO_INLINE_MAX_SIZE: the longest multibulk header or inline line. */
    public static final int INLINE_MAX = 64 * 1024;

    private long maxBulkLength = 512L * 1024 * 1024;
    private long maxMultibulkLength = Integer.MAX_VALUE;

    private String error;
    private long consumed;
    private final InlineSplitter inline = new InlineSplitter();

    public void limits(long maxBulkLength, long maxMultibulkLength) {
        this.maxBulkLength = maxBulkLength;
        this.maxMultibulkLength = maxMultibulkLength;
    }

    /** The protocol error of the last {@link #ERROR} result. */
    public String error() {
        return error;
    }

    /** End of the frame consumed by the last {@link #COMPLETE} or {@link #EMPTY} result. */
    public long consumed() {
        return consumed;
    }

    /**
     * Parses one request from {@code buf[from, to)} into {@code args}. With {@code unauthenticated},
     * Redis' tighter limits for clients that have not authenticated apply.
     */
    public int parse(MemorySegment buf, long from, long to, Args args, boolean unauthenticated) {
        if (from >= to) {
            return NEED_MORE;
        }
        args.reset(buf);
        if (buf.get(NativeMemory.BYTE, from) != '*') {
            return parseInline(buf, from, to, args);
        }
        long lineEnd = findCrlf(buf, from + 1, to);
        if (lineEnd < 0) {
            return to - from > INLINE_MAX ? fail("Protocol error: too big mbulk count string") : NEED_MORE;
        }
        long n = parseNumber(buf, from + 1, lineEnd);
        if (n == BAD_NUMBER || n > maxMultibulkLength) {
            return fail("Protocol error: invalid multibulk length");
        }
        if (unauthenticated && n > 10) {
            return fail("Protocol error: unauthenticated multibulk length");
        }
        long pos = lineEnd + 2;
        if (n <= 0) {
            consumed = pos;
            return EMPTY;
        }
        for (long i = 0; i < n; i++) {
            if (pos >= to) {
                return NEED_MORE;
            }
            byte c = buf.get(NativeMemory.BYTE, pos);
            if (c != '$') {
                return fail("Protocol error: expected '$', got '" + (char) (c & 0xFF) + "'");
            }
            long end = findCrlf(buf, pos + 1, to);
            if (end < 0) {
                return to - pos > INLINE_MAX ? fail("Protocol error: too big bulk count string") : NEED_MORE;
            }
            long len = parseNumber(buf, pos + 1, end);
            if (len == BAD_NUMBER || len < 0 || len > maxBulkLength) {
                return fail("Protocol error: invalid bulk length");
            }
            if (unauthenticated && len > 16384) {
                return fail("Protocol error: unauthenticated bulk length");
            }
            long data = end + 2;
            if (data + len + 2 > to) {
                return NEED_MORE;
            }
            // Redis does not check that the payload is followed by CRLF: it skips two bytes.
            args.add(data, (int) len);
            pos = data + len + 2;
        }
        consumed = pos;
        return COMPLETE;
    }

    private int parseInline(MemorySegment buf, long from, long to, Args args) {
        long nl = -1;
        for (long p = from; p < to; p++) {
            if (buf.get(NativeMemory.BYTE, p) == '\n') {
                nl = p;
                break;
            }
        }
        if (nl < 0) {
            return to - from > INLINE_MAX ? fail("Protocol error: too big inline request") : NEED_MORE;
        }
        long lineEnd = nl > from && buf.get(NativeMemory.BYTE, nl - 1) == '\r' ? nl - 1 : nl;
        consumed = nl + 1;
        if (!inline.split(buf, from, lineEnd, args)) {
            return fail("Protocol error: unbalanced quotes in request");
        }
        return args.count() == 0 ? EMPTY : COMPLETE;
    }

    private int fail(String message) {
        error = message;
        return ERROR;
    }

    private static long findCrlf(MemorySegment buf, long from, long to) {
        for (long p = from; p + 1 < to; p++) {
            if (buf.get(NativeMemory.BYTE, p) == '\r') {
                return p; // like Redis, the byte after '\r' is skipped, not checked
            }
        }
        return -1;
    }

    private static final long BAD_NUMBER = Long.MIN_VALUE;

    /** Redis' string2ll over a header line; BAD_NUMBER when it is not a valid integer. */
    private static long parseNumber(MemorySegment buf, long from, long to) {
        int len = (int) (to - from);
        if (len <= 0 || len > 20 || !ByteStrings.isLong(buf, from, len)) {
            return BAD_NUMBER;
        }
        return ByteStrings.parseLong(buf, from, len);
    }
}

package io.heliosdb.resp.codec;

import io.heliosdb.memory.NativeMemory;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line like Redis' sdssplitargs: whitespace separates arguments; "..."
 * understands \n \r \t \b \a \\ \" and \xHH; '...' understands \'. Unescaping happens in place
 * (the result is never longer than the input), so no memory is allocated.
 */
public final class InlineSplitter {
    /**
     * sdssplitargs on a byte string held one char per byte (the inside of an ACL selector): the
     * arguments, held the same way, or null for unbalanced quotes.
     */
    public static List<String> split(String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        MemorySegment seg = MemorySegment.ofArray(b);
        Args args = new Args();
        args.reset(seg);
        if (!new InlineSplitter().split(seg, 0, b.length, args)) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.count(); i++) {
            out.add(new String(args.bytes(i), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    boolean split(MemorySegment b, long from, long to, Args args) {
        long p = from;
        while (true) {
            while (p < to && isSpace(b.get(NativeMemory.BYTE, p))) {
                p++;
            }
            if (p >= to) {
                return true;
            }
            long start = p;
            long w = p; // write position for the unescaped argument
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (p >= to) {
                    if (inDouble || inSingle) {
                        return false;
                    }
                    break;
                }
                byte c = b.get(NativeMemory.BYTE, p);
                if (inDouble) {
                    if (c == '\\' && p + 3 < to && b.get(NativeMemory.BYTE, p + 1) == 'x'
                            && isHex(b.get(NativeMemory.BYTE, p + 2)) && isHex(b.get(NativeMemory.BYTE, p + 3))) {
                        b.set(NativeMemory.BYTE, w++, (byte) (hex(b.get(NativeMemory.BYTE, p + 2)) * 16 + hex(b.get(NativeMemory.BYTE, p + 3))));
                        p += 4;
                        continue;
                    } else if (c == '\\' && p + 1 < to) {
                        byte e = b.get(NativeMemory.BYTE, p + 1);
                        b.set(NativeMemory.BYTE, w++, switch (e) {
                            case 'n' -> (byte) '\n';
                            case 'r' -> (byte) '\r';
                            case 't' -> (byte) '\t';
                            case 'b' -> (byte) '\b';
                            case 'a' -> (byte) 7;
                            default -> e;
                        });
                        p += 2;
                        continue;
                    } else if (c == '"') {
                        if (p + 1 < to && !isSpace(b.get(NativeMemory.BYTE, p + 1))) {
                            return false; // closing quote must be followed by a space
                        }
                        done = true;
                        p++;
                        continue;
                    }
                    b.set(NativeMemory.BYTE, w++, c);
                    p++;
                } else if (inSingle) {
                    if (c == '\\' && p + 1 < to && b.get(NativeMemory.BYTE, p + 1) == '\'') {
                        b.set(NativeMemory.BYTE, w++, (byte) '\'');
                        p += 2;
                        continue;
                    } else if (c == '\'') {
                        if (p + 1 < to && !isSpace(b.get(NativeMemory.BYTE, p + 1))) {
                            return false;
                        }
                        done = true;
                        p++;
                        continue;
                    }
                    b.set(NativeMemory.BYTE, w++, c);
                    p++;
                } else {
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                        p++;
                    } else if (c == '\'') {
                        inSingle = true;
                        p++;
                    } else {
                        b.set(NativeMemory.BYTE, w++, c);
                        p++;
                    }
                }
            }
            args.add(start, (int) (w - start));
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0x0B;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}

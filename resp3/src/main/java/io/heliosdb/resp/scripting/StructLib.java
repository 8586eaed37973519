package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Roberto Ierusalimschy's struct library (0.2, with Redis' fixes) as Redis ships it on x86-64:
 * pack, unpack and size with {@code > < ! space} (endianness, alignment up to 8) and
 * {@code x b B h H l L T i[n] I[n] f d c[n] s}; little endian and no alignment by default.
 */
final class StructLib {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;

    private StructLib() {}

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("pack", CJsonLib.fn(a -> LuaValue.valueOf(pack(a))));
        t.rawset("unpack", CJsonLib.fn(StructLib::unpack));
        t.rawset("size", CJsonLib.fn(StructLib::size));
        return t;
    }

    /** The format being read, with the current endianness and alignment. */
    private static final class Format {
        final String fmt;
        final String fn;
        int i;
        boolean little = true;
        int align = 1;

        Format(LuaString f, String fn) {
            this.fmt = f.tojstring();
            this.fn = fn;
        }

        boolean more() {
            return i < fmt.length();
        }

        char next() {
            return fmt.charAt(i++);
        }

        int number(int def) {
            if (!more() || !Character.isDigit(fmt.charAt(i))) {
                return def;
            }
            int a = 0;
            do {
                int d = fmt.charAt(i) - '0';
                if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - d) {
                    throw new LuaError("integral size overflow");
                }
                a = a * 10 + d;
                i++;
            } while (more() && Character.isDigit(fmt.charAt(i)));
            return a;
        }

        /** optsize: the item's bytes (0 for the control options, and for c0 and s). */
        int size(char opt) {
            return switch (opt) {
                case 'B', 'b', 'x' -> 1;
                case 'H', 'h' -> 2;
                case 'L', 'l', 'T', 'd' -> 8;
                case 'f' -> 4;
                case 'c' -> number(1);
                case 'i', 'I' -> {
                    int sz = number(4);
                    if (sz > MAX_INT_SIZE) {
                        throw new LuaError("integral size " + sz + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    yield sz;
                }
                default -> 0;
            };
        }

        int toAlign(long len, char opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            int s = Math.min(size, align);
            return (int) ((s - (len & (s - 1))) & (s - 1));
        }

        void control(char opt) {
            switch (opt) {
                case ' ' -> { }
                case '>' -> little = false;
                case '<' -> little = true;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (a <= 0 || (a & (a - 1)) != 0) {
                        throw new LuaError("alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw LuaArgs.argError(1, fn, "invalid format option '" + opt + "'");
            }
        }
    }

    private static byte[] pack(Varargs a) {
        Format f = new Format(LuaArgs.checkString(a, 1, "pack"), "pack");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        long total = 0;
        while (f.more()) {
            char opt = f.next();
            int size = f.size(opt);
            int pad = f.toAlign(total, opt, size);
            total += pad;
            for (; pad > 0; pad--) {
                out.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = number(a, arg++);
                    long v = n < 0 ? LuaArgs.cast(n) : LuaArgs.castUnsigned(n);
                    byte[] b = new byte[size];
                    for (int k = 0; k < size; k++) {
                        b[f.little ? k : size - 1 - k] = (byte) v;
                        v >>>= 8; // bytes past the eighth are zero, as the C shift leaves them
                    }
                    out.writeBytes(b);
                }
                case 'x' -> out.write(0);
                case 'f' -> put(out, Float.floatToRawIntBits((float) number(a, arg++)) & 0xffffffffL, 4, f.little);
                case 'd' -> put(out, Double.doubleToRawLongBits(number(a, arg++)), 8, f.little);
                case 'c', 's' -> {
                    LuaString s = string(a, arg++);
                    if (size == 0) {
                        size = s.m_length;
                    }
                    if (s.m_length < size) {
                        throw LuaArgs.argError(arg, "pack", "string too short"); // sic: the next argument's number
                    }
                    out.write(s.m_bytes, s.m_offset, size);
                    if (opt == 's') {
                        out.write(0);
                        size++;
                    }
                }
                default -> f.control(opt);
            }
            total += size;
        }
        return out.toByteArray();
    }

    /** b_pack pushes a nil after its arguments: the first missing one is "nil", later ones "no value". */
    private static double number(Varargs a, int i) {
        LuaValue v = a.arg(i);
        if (!v.isnumber()) {
            throw LuaArgs.argError(i, "pack", "number expected, got " + (i == a.narg() + 1 ? "nil" : LuaArgs.got(a, i)));
        }
        return v.todouble();
    }

    private static LuaString string(Varargs a, int i) {
        LuaValue v = a.arg(i);
        if (!v.isstring()) {
            throw LuaArgs.argError(i, "pack", "string expected, got " + (i == a.narg() + 1 ? "nil" : LuaArgs.got(a, i)));
        }
        return v.strvalue();
    }

    private static void put(ByteArrayOutputStream out, long v, int size, boolean little) {
        for (int k = 0; k < size; k++) {
            int shift = 8 * (little ? k : size - 1 - k);
            out.write((int) (v >>> shift) & 0xff);
        }
    }

    private static long get(byte[] b, int p, int size, boolean little) {
        long l = 0;
        for (int k = 0; k < size; k++) {
            l = l << 8 | (b[p + (little ? size - 1 - k : k)] & 0xff);
        }
        return l;
    }

    private static Varargs unpack(Varargs a) {
        Format f = new Format(LuaArgs.checkString(a, 1, "unpack"), "unpack");
        LuaString data = LuaArgs.checkString(a, 2, "unpack");
        byte[] b = new byte[data.m_length];
        data.copyInto(0, b, 0, b.length);
        long ld = b.length;
        long pos = LuaArgs.optInteger(a, 3, "unpack", 1);
        if (pos == 0) {
            throw LuaArgs.argError(3, "unpack", "offset must be 1 or greater");
        }
        pos--; // a negative offset wraps around as C's size_t does, and is then too far
        List<LuaValue> out = new ArrayList<>();
        while (f.more()) {
            char opt = f.next();
            long size = f.size(opt);
            pos += f.toAlign(pos, opt, (int) size);
            if (!(size <= ld && Long.compareUnsigned(pos, ld - size) <= 0)) {
                throw LuaArgs.argError(2, "unpack", "data string too short");
            }
            int p = (int) pos;
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    int sz = (int) size;
                    long l = get(b, p, Math.min(sz, 8), f.little); // wider integers keep their low 64 bits
                    if (sz > 8) {
                        l = get(b, f.little ? p : p + sz - 8, 8, f.little);
                    }
                    double v;
                    if (Character.isLowerCase(opt)) {
                        if (sz < 8 && (l & (1L << (sz * 8 - 1))) != 0) {
                            l |= -1L << (sz * 8 - 1); // sign extension
                        }
                        v = l;
                    } else {
                        v = LuaArgs.unsignedToDouble(l);
                    }
                    out.add(LuaValue.valueOf(v));
                }
                case 'x' -> { }
                case 'f' -> out.add(LuaValue.valueOf(Float.intBitsToFloat((int) get(b, p, 4, f.little))));
                case 'd' -> out.add(LuaValue.valueOf(Double.longBitsToDouble(get(b, p, 8, f.little))));
                case 'c' -> {
                    if (size == 0) {
                        if (out.isEmpty() || !out.get(out.size() - 1).isnumber()) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = (long) out.remove(out.size() - 1).todouble();
                        if (!(size <= ld && pos <= ld - size)) {
                            throw LuaArgs.argError(2, "unpack", "data string too short");
                        }
                    }
                    out.add(LuaValue.valueOf(Arrays.copyOfRange(b, p, p + (int) size)));
                }
                case 's' -> {
                    int e = p;
                    while (e < b.length && b[e] != 0) {
                        e++;
                    }
                    if (e == b.length) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = e - p + 1;
                    out.add(LuaValue.valueOf(Arrays.copyOfRange(b, p, e)));
                }
                default -> f.control(opt);
            }
            pos += size;
        }
        out.add(LuaValue.valueOf(pos + 1));
        return LuaValue.varargsOf(out.toArray(LuaValue[]::new));
    }

    private static Varargs size(Varargs a) {
        Format f = new Format(LuaArgs.checkString(a, 1, "size"), "size");
        long pos = 0;
        while (f.more()) {
            char opt = f.next();
            int size = f.size(opt);
            pos += f.toAlign(pos, opt, size);
            if (opt == 's') {
                throw LuaArgs.argError(1, "size", "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw LuaArgs.argError(1, "size", "option 'c0' has no fixed size");
            }
            if (!Character.isLetterOrDigit(opt)) {
                f.control(opt);
            }
            pos += size;
        }
        return LuaValue.valueOf(pos);
    }
}

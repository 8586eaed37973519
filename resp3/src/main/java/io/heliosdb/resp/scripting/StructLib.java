package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Roberto Ierusalimschy's struct library as Redis ships it: pack, unpack, size with formats
 * {@code < > = !} (endianness, alignment), {@code x b B h H i[n] I[n] l L T f d c[n] s}.
 */
final class StructLib {
    private StructLib() {}

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.valueOf(pack(a.checkjstring(1), a));
            }
        });
        t.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return unpack(a.checkjstring(1), a.checkstring(2), a.optint(3, 1));
            }
        });
        t.rawset("size", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                String fmt = a.checkjstring(1);
                int size = 0;
                for (int i = 0; i < fmt.length(); i++) {
                    char c = fmt.charAt(i);
                    int[] n = {i};
                    int width = width(fmt, c, n);
                    i = n[0];
                    if (c == 's' || (c == 'c' && width == 0)) {
                        throw new LuaError("options 'c0' - 's' have undefined sizes");
                    }
                    size += width;
                }
                return LuaValue.valueOf(size);
            }
        });
        return t;
    }

    /** Bytes of one item (0 for the endianness marks); advances {@code i[0]} past a size suffix. */
    private static int width(String fmt, char c, int[] i) {
        int explicit = -1;
        int j = i[0] + 1;
        while (j < fmt.length() && Character.isDigit(fmt.charAt(j))) {
            explicit = (explicit < 0 ? 0 : explicit * 10) + (fmt.charAt(j) - '0');
            j++;
        }
        if (explicit >= 0) {
            i[0] = j - 1;
        }
        return switch (c) {
            case 'b', 'B', 'x' -> 1;
            case 'h', 'H' -> 2;
            case 'i', 'I' -> explicit < 0 ? 4 : explicit;
            case 'l', 'L', 'T', 'd' -> 8;
            case 'f' -> 4;
            case 'c' -> explicit < 0 ? 1 : explicit;
            case 's', '<', '>', '=', '!', ' ' -> 0;
            default -> throw new LuaError("invalid format option '" + c + "'");
        };
    }

    private static byte[] pack(String fmt, Varargs a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean little = true;
        int arg = 2;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            int[] pos = {i};
            int w = width(fmt, c, pos);
            i = pos[0];
            switch (c) {
                case '<', '=' -> little = true;
                case '>' -> little = false;
                case '!', ' ' -> { }
                case 'x' -> out.write(0);
                case 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'T' -> writeInt(out, (long) a.checkdouble(arg++), w, little);
                case 'f' -> writeInt(out, Float.floatToIntBits((float) a.checkdouble(arg++)) & 0xffffffffL, 4, little);
                case 'd' -> writeInt(out, Double.doubleToLongBits(a.checkdouble(arg++)), 8, little);
                case 'c', 's' -> {
                    LuaString s = a.checkstring(arg++);
                    int n = c == 's' ? s.m_length : (w == 0 ? s.m_length : w);
                    if (c == 'c' && s.m_length < n) {
                        throw new LuaError("string too short");
                    }
                    out.write(s.m_bytes, s.m_offset, n);
                    if (c == 's') {
                        out.write(0);
                    }
                }
                default -> throw new LuaError("invalid format option '" + c + "'");
            }
        }
        return out.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, long v, int width, boolean little) {
        for (int k = 0; k < width; k++) {
            int shift = 8 * (little ? k : width - 1 - k);
            out.write(shift < 64 ? (int) (v >>> shift) & 0xff : (v < 0 ? 0xff : 0));
        }
    }

    private static Varargs unpack(String fmt, LuaString data, int init) {
        byte[] b = new byte[data.m_length];
        data.copyInto(0, b, 0, b.length);
        int p = init - 1;
        boolean little = true;
        java.util.List<LuaValue> out = new java.util.ArrayList<>();
        long lastInt = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            int[] pos = {i};
            int w = width(fmt, c, pos);
            i = pos[0];
            switch (c) {
                case '<', '=' -> little = true;
                case '>' -> little = false;
                case '!', ' ' -> { }
                case 'x' -> p += 1;
                case 'b', 'h', 'i', 'l', 'B', 'H', 'I', 'L', 'T' -> {
                    need(b, p, w);
                    long v = 0;
                    for (int k = 0; k < w; k++) {
                        int shift = 8 * (little ? k : w - 1 - k);
                        v |= (long) (b[p + k] & 0xff) << shift;
                    }
                    if (Character.isLowerCase(c) && w < 8 && (v & (1L << (8 * w - 1))) != 0) {
                        v |= -1L << (8 * w); // sign-extend
                    }
                    p += w;
                    lastInt = v;
                    out.add(LuaReplies.number(v));
                }
                case 'f', 'd' -> {
                    need(b, p, w);
                    long v = 0;
                    for (int k = 0; k < w; k++) {
                        int shift = 8 * (little ? k : w - 1 - k);
                        v |= (long) (b[p + k] & 0xff) << shift;
                    }
                    p += w;
                    out.add(LuaValue.valueOf(c == 'f' ? Float.intBitsToFloat((int) v) : Double.longBitsToDouble(v)));
                }
                case 'c' -> {
                    int n = w == 0 ? (int) lastInt : w;
                    if (w == 0 && !out.isEmpty()) {
                        out.remove(out.size() - 1); // c0 takes its length from the previous item
                    }
                    need(b, p, n);
                    out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(b, p, p + n)));
                    p += n;
                }
                case 's' -> {
                    int end = p;
                    while (end < b.length && b[end] != 0) {
                        end++;
                    }
                    if (end >= b.length) {
                        throw new LuaError("unfinished string for format 's'");
                    }
                    out.add(LuaValue.valueOf(java.util.Arrays.copyOfRange(b, p, end)));
                    p = end + 1;
                }
                default -> throw new LuaError("invalid format option '" + c + "'");
            }
        }
        out.add(LuaValue.valueOf(p + 1));
        return LuaValue.varargsOf(out.toArray(LuaValue[]::new));
    }

    private static void need(byte[] b, int p, int n) {
        if (p < 0 || p + n > b.length) {
            throw new LuaError("data string too short");
        }
    }
}

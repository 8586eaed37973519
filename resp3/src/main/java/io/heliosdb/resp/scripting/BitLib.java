package io.heliosdb.resp.scripting;

import java.util.Locale;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** LuaBitOp's {@code bit} library as Redis ships it: 32-bit operations with signed results. */
final class BitLib {
    private BitLib() {}

    private interface Op {
        int apply(Varargs a, String fn);
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        put(t, "tobit", (a, fn) -> bits(a, 1, fn));
        put(t, "bnot", (a, fn) -> ~bits(a, 1, fn));
        put(t, "band", (a, fn) -> fold(a, 0, fn));
        put(t, "bor", (a, fn) -> fold(a, 1, fn));
        put(t, "bxor", (a, fn) -> fold(a, 2, fn));
        put(t, "lshift", (a, fn) -> bits(a, 1, fn) << (bits(a, 2, fn) & 31));
        put(t, "rshift", (a, fn) -> bits(a, 1, fn) >>> (bits(a, 2, fn) & 31));
        put(t, "arshift", (a, fn) -> bits(a, 1, fn) >> (bits(a, 2, fn) & 31));
        put(t, "rol", (a, fn) -> Integer.rotateLeft(bits(a, 1, fn), bits(a, 2, fn) & 31));
        put(t, "ror", (a, fn) -> Integer.rotateRight(bits(a, 1, fn), bits(a, 2, fn) & 31));
        put(t, "bswap", (a, fn) -> Integer.reverseBytes(bits(a, 1, fn)));
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                int x = bits(a, 1, "tohex");
                int n = a.narg() < 2 ? 8 : bits(a, 2, "tohex");
                boolean upper = n < 0;
                n = Math.min(8, Math.abs(n));
                String hex = String.format("%08x", x);
                hex = hex.substring(8 - n);
                return LuaValue.valueOf(upper ? hex.toUpperCase(Locale.ROOT) : hex);
            }
        });
        return t;
    }

    private static void put(LuaTable t, String fname, Op op) {
        t.rawset(fname, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.valueOf(op.apply(a, fname));
            }
        });
    }

    private static int fold(Varargs a, int kind, String fn) {
        int r = bits(a, 1, fn);
        for (int i = 2; i <= a.narg(); i++) {
            int v = bits(a, i, fn);
            r = switch (kind) {
                case 0 -> r & v;
                case 1 -> r | v;
                default -> r ^ v;
            };
        }
        return r;
    }

    /**
     * LuaBitOp's barg: the number plus 2^52+2^51, whose low 32 bits are the value rounded to an
     * integer (ties to even) modulo 2^32; what is not a number is refused.
     */
    static int bits(Varargs a, int i, String fn) {
        if (!a.arg(i).isnumber()) {
            throw LuaArgs.argError(i, fn, "number expected, got " + LuaArgs.got(a, i));
        }
        double d = a.arg(i).todouble() + 6755399441055744.0;
        return (int) Double.doubleToRawLongBits(d);
    }
}

package io.heliosdb.resp.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/** LuaBitOp's {@code bit} library as Redis ships it: 32-bit operations with signed results. */
final class BitLib {
    private BitLib() {}

    private interface Op {
        int apply(Varargs a);
    }

    static LuaTable table() {
        LuaTable t = new LuaTable();
        put(t, "tobit", a -> bits(a, 1));
        put(t, "bnot", a -> ~bits(a, 1));
        put(t, "band", a -> fold(a, -1, 0));
        put(t, "bor", a -> fold(a, 0, 1));
        put(t, "bxor", a -> fold(a, 0, 2));
        put(t, "lshift", a -> bits(a, 1) << (bits(a, 2) & 31));
        put(t, "rshift", a -> bits(a, 1) >>> (bits(a, 2) & 31));
        put(t, "arshift", a -> bits(a, 1) >> (bits(a, 2) & 31));
        put(t, "rol", a -> Integer.rotateLeft(bits(a, 1), bits(a, 2) & 31));
        put(t, "ror", a -> Integer.rotateRight(bits(a, 1), bits(a, 2) & 31));
        put(t, "bswap", a -> Integer.reverseBytes(bits(a, 1)));
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                int x = bits(a, 1);
                int n = a.isnoneornil(2) ? 8 : bits(a, 2);
                boolean upper = n < 0;
                n = Math.min(8, Math.abs(n));
                String hex = String.format("%08x", x);
                hex = hex.substring(8 - n);
                return LuaValue.valueOf(upper ? hex.toUpperCase(java.util.Locale.ROOT) : hex);
            }
        });
        return t;
    }

    private static void put(LuaTable t, String name, Op op) {
        t.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.valueOf(op.apply(a));
            }
        });
    }

    private static int fold(Varargs a, int start, int kind) {
        int r = start;
        for (int i = 1; i <= a.narg(); i++) {
            int v = bits(a, i);
            r = switch (kind) {
                case 0 -> r & v;
                case 1 -> r | v;
                default -> r ^ v;
            };
        }
        if (kind == 0 && a.narg() == 0) {
            throw new LuaError("bad argument #1 to 'band' (number expected, got no value)");
        }
        return r;
    }

    /** LuaBitOp's number normalisation: the value modulo 2^32, as a signed 32-bit integer. */
    static int bits(Varargs a, int i) {
        double d = a.checkdouble(i);
        return (int) (long) d;
    }
}

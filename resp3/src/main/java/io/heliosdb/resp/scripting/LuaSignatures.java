package io.heliosdb.resp.scripting;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's argument checks in front of luaj's base, string, math and table functions, so a bad
 * call fails with Lua's "bad argument #2 to 'rep' (number expected, got string)" rather than luaj's
 * "bad argument: number expected, got string". A signature has one letter per argument: s string,
 * n number, t table, f function, v any value; a capital letter is optional (checked when not nil),
 * and '*' repeats the letter before it.
 */
final class LuaSignatures {
    private static final Pattern NUMBERED = Pattern.compile("^bad argument #(\\d+): (.*)$");

    private LuaSignatures() {}

    static void install(LuaTable globals) {
        LuaTable string = (LuaTable) globals.get("string");
        sign(string, "byte", "sNN");
        sign(string, "char", "n*");
        sign(string, "find", "ssN");
        sign(string, "gmatch", "ss");
        sign(string, "gsub", "ssvN");
        sign(string, "len", "s");
        sign(string, "lower", "s");
        sign(string, "upper", "s");
        sign(string, "match", "ssN");
        sign(string, "rep", "sn");
        sign(string, "reverse", "s");
        sign(string, "sub", "snN");
        LuaTable math = (LuaTable) globals.get("math");
        for (String f : new String[]{"abs", "acos", "asin", "atan", "ceil", "cos", "cosh", "deg", "exp", "floor", "log",
                "log10", "rad", "sin", "sinh", "sqrt", "tan", "tanh", "frexp", "modf"}) {
            sign(math, f, "n");
        }
        for (String f : new String[]{"atan2", "fmod", "mod", "pow", "ldexp"}) {
            sign(math, f, "nn");
        }
        sign(math, "max", "nn*");
        sign(math, "min", "nn*");
        sign(math, "random", "NN");
        sign(math, "randomseed", "n");
        LuaTable table = (LuaTable) globals.get("table");
        sign(table, "concat", "tSNN");
        sign(table, "insert", "t");
        sign(table, "remove", "tN");
        sign(table, "sort", "tF");
        sign(table, "getn", "t");
        sign(table, "maxn", "t");
        sign(globals, "ipairs", "t");
        sign(globals, "pairs", "t");
        sign(globals, "next", "t");
        sign(globals, "rawget", "tv");
        sign(globals, "rawset", "tvv");
        sign(globals, "unpack", "tNN");
        sign(globals, "tostring", "v");
        sign(globals, "type", "v");
        sign(globals, "tonumber", "vN");
        sign(globals, "getmetatable", "v");
        sign(globals, "setmetatable", "t");
        sign(globals, "select", "v");
    }

    private static void sign(LuaTable lib, String fname, String signature) {
        LuaValue f = lib.rawget(fname);
        lib.rawset(fname, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                check(a, fname, signature); // (not 'name': luaj's LibFunction has a field of that name)
                try {
                    return f.invoke(a);
                } catch (LuaError e) {
                    // luaj's own "bad argument #2: base out of range" lacks the function's name
                    Matcher m = NUMBERED.matcher(String.valueOf(e.getMessage()));
                    if (m.matches()) {
                        throw LuaArgs.argError(Integer.parseInt(m.group(1)), fname, m.group(2));
                    }
                    throw e;
                }
            }
        });
    }

    private static void check(Varargs a, String fn, String sig) {
        for (int i = 1, k = 0; k < sig.length(); i++) {
            char c = sig.charAt(k);
            boolean repeat = k + 1 < sig.length() && sig.charAt(k + 1) == '*';
            if (repeat && i > a.narg()) {
                return;
            }
            LuaValue v = a.arg(i);
            boolean optional = Character.isUpperCase(c);
            if (!(optional && v.isnil())) {
                String expected = switch (Character.toLowerCase(c)) {
                    case 's' -> v.isstring() ? null : "string";
                    case 'n' -> v.isnumber() ? null : "number";
                    case 't' -> v.istable() ? null : "table";
                    case 'f' -> v.isfunction() ? null : "function";
                    default -> i <= a.narg() ? null : "value";
                };
                if (expected != null) {
                    throw LuaArgs.argError(i, fn, expected.equals("value") ? "value expected"
                            : expected + " expected, got " + LuaArgs.got(a, i));
                }
            }
            if (!repeat) {
                k++;
            }
        }
    }
}

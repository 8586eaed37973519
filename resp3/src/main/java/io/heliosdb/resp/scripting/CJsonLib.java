package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1.0 as Redis bundles it: byte-exact encoding (%.14g numbers, '/' escaped, bytes from
 * 0x80 kept), lua-cjson's array test (sparse arrays, empty table as object), its configuration
 * functions with their limits, and its decoder's tokens and error texts. Each table from
 * {@link #table()} (and cjson.new()) has its own configuration, as each lua-cjson instance does.
 */
final class CJsonLib {
    static final LuaValue NULL = new LuaUserdata(new Object());
    private static final String[] INVALID_NUMBER_OPTIONS = {"off", "on", "null"};

    // lua-cjson's defaults
    private boolean sparseConvert;
    private int sparseRatio = 2;
    private int sparseSafe = 10;
    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    private int encodeInvalidNumbers; // 0 off, 1 on, 2 null
    private boolean decodeInvalidNumbers = true;
    private boolean keepBuffer = true;
    private int precision = 14;

    private CJsonLib() {}

    static LuaTable table() {
        return new CJsonLib().build();
    }

    private LuaTable build() {
        LuaTable t = new LuaTable();
        t.rawset("encode", fn(a -> {
            argCheck(a.narg() == 1, 1, "encode", "expected 1 argument");
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            encode(b, a.arg1(), 0);
            return LuaValue.valueOf(b.toByteArray());
        }));
        t.rawset("decode", fn(a -> {
            argCheck(a.narg() == 1, 1, "decode", "expected 1 argument");
            if (!a.arg1().isstring()) {
                throw new LuaError("bad argument #1 to 'decode' (string expected, got " + typeName(a.arg1()) + ")");
            }
            LuaString s = a.arg1().strvalue();
            byte[] bytes = new byte[s.m_length];
            s.copyInto(0, bytes, 0, bytes.length);
            return new JsonDecoder(bytes, decodeMaxDepth, decodeInvalidNumbers).document();
        }));
        t.rawset("encode_sparse_array", fn(a -> {
            verifyArgs(a, 3, "encode_sparse_array");
            sparseConvert = boolOption(a, 1, "encode_sparse_array", sparseConvert);
            sparseRatio = intOption(a, 2, "encode_sparse_array", sparseRatio, 0, Integer.MAX_VALUE);
            sparseSafe = intOption(a, 3, "encode_sparse_array", sparseSafe, 0, Integer.MAX_VALUE);
            return LuaValue.varargsOf(LuaValue.valueOf(sparseConvert), LuaValue.valueOf(sparseRatio), LuaValue.valueOf(sparseSafe));
        }));
        t.rawset("encode_max_depth", fn(a -> {
            verifyArgs(a, 1, "encode_max_depth");
            encodeMaxDepth = intOption(a, 1, "encode_max_depth", encodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(encodeMaxDepth);
        }));
        t.rawset("decode_max_depth", fn(a -> {
            verifyArgs(a, 1, "decode_max_depth");
            decodeMaxDepth = intOption(a, 1, "decode_max_depth", decodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(decodeMaxDepth);
        }));
        t.rawset("encode_number_precision", fn(a -> {
            verifyArgs(a, 1, "encode_number_precision");
            precision = intOption(a, 1, "encode_number_precision", precision, 1, 14);
            return LuaValue.valueOf(precision);
        }));
        t.rawset("encode_keep_buffer", fn(a -> {
            verifyArgs(a, 1, "encode_keep_buffer");
            keepBuffer = boolOption(a, 1, "encode_keep_buffer", keepBuffer);
            return LuaValue.valueOf(keepBuffer);
        }));
        t.rawset("encode_invalid_numbers", fn(a -> {
            verifyArgs(a, 1, "encode_invalid_numbers");
            LuaValue v = a.arg1();
            if (v.isboolean()) {
                encodeInvalidNumbers = v.toboolean() ? 1 : 0;
            } else if (!v.isnil()) {
                encodeInvalidNumbers = checkOption(v, 1, "encode_invalid_numbers", INVALID_NUMBER_OPTIONS);
            }
            return encodeInvalidNumbers < 2 ? LuaValue.valueOf(encodeInvalidNumbers == 1) : LuaValue.valueOf("null");
        }));
        t.rawset("decode_invalid_numbers", fn(a -> {
            verifyArgs(a, 1, "decode_invalid_numbers");
            decodeInvalidNumbers = boolOption(a, 1, "decode_invalid_numbers", decodeInvalidNumbers);
            return LuaValue.valueOf(decodeInvalidNumbers);
        }));
        t.rawset("new", fn(a -> table()));
        t.rawset("null", NULL);
        t.rawset("_NAME", "cjson");
        t.rawset("_VERSION", "2.1.0");
        return t;
    }

    // ---- configuration arguments (json_verify_arg_count, json_enum_option, json_integer_option) -----

    private static void argCheck(boolean ok, int arg, String fn, String message) {
        if (!ok) {
            throw new LuaError("bad argument #" + arg + " to '" + fn + "' (" + message + ")");
        }
    }

    private static void verifyArgs(Varargs a, int max, String fn) {
        argCheck(a.narg() <= max, max + 1, fn, "found too many arguments");
    }

    private static boolean boolOption(Varargs a, int i, String fn, boolean current) {
        LuaValue v = a.arg(i);
        if (v.isnil()) {
            return current;
        }
        if (v.isboolean()) {
            return v.toboolean();
        }
        return checkOption(v, i, fn, new String[]{"off", "on"}) == 1;
    }

    private static int checkOption(LuaValue v, int i, String fn, String[] options) {
        if (!v.isstring()) {
            throw new LuaError("bad argument #" + i + " to '" + fn + "' (string expected, got " + typeName(v) + ")");
        }
        String s = v.tojstring();
        for (int k = 0; k < options.length; k++) {
            if (options[k].equals(s)) {
                return k;
            }
        }
        throw new LuaError("bad argument #" + i + " to '" + fn + "' (invalid option '" + s + "')");
    }

    private static int intOption(Varargs a, int i, String fn, int current, int min, int max) {
        LuaValue v = a.arg(i);
        if (v.isnil()) {
            return current;
        }
        if (!v.isnumber()) {
            throw new LuaError("bad argument #" + i + " to '" + fn + "' (number expected, got " + typeName(v) + ")");
        }
        long n = (long) v.todouble();
        argCheck(min <= n && n <= max, i, fn, "expected integer between " + min + " and " + max);
        return (int) n;
    }

    /** Lua 5.1's type names in argument errors ("no value" for a missing argument is the caller's). */
    static String typeName(LuaValue v) {
        return v.isnil() ? "nil" : v.typename();
    }

    // ---- encoding ---------------------------------------------------------------------------------

    private void encode(ByteArrayOutputStream b, LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(b, v.strvalue());
            case LuaValue.TNUMBER -> number(b, v);
            case LuaValue.TBOOLEAN -> ascii(b, v.toboolean() ? "true" : "false");
            case LuaValue.TTABLE -> {
                int d = depth + 1;
                if (d > encodeMaxDepth) {
                    throw new LuaError("Cannot serialise, excessive nesting (" + d + ")");
                }
                LuaTable t = (LuaTable) v;
                int len = arrayLength(t);
                if (len > 0) {
                    b.write('[');
                    for (int i = 1; i <= len; i++) {
                        if (i > 1) {
                            b.write(',');
                        }
                        encode(b, t.rawget(i), d);
                    }
                    b.write(']');
                } else {
                    object(b, t, d);
                }
            }
            case LuaValue.TNIL -> ascii(b, "null");
            default -> {
                if (v == NULL) {
                    ascii(b, "null");
                } else {
                    throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
                }
            }
        }
    }

    private void object(ByteArrayOutputStream b, LuaTable t, int depth) {
        b.write('{');
        boolean comma = false;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            if (comma) {
                b.write(',');
            }
            comma = true;
            LuaValue k = e.arg1();
            if (k.type() == LuaValue.TNUMBER) {
                b.write('"');
                number(b, k);
                b.write('"');
                b.write(':');
            } else if (k.type() == LuaValue.TSTRING) {
                string(b, k.strvalue());
                b.write(':');
            } else {
                throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
            }
            encode(b, e.arg(2), depth);
        }
        b.write('}');
    }

    /** lua-cjson's lua_array_length: the highest index of a table keyed by integers >= 1 only, else -1. */
    private int arrayLength(LuaTable t) {
        double max = 0;
        int items = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
            if (d == 0 || Math.floor(d) != d || d < 1) {
                return -1;
            }
            max = Math.max(max, d);
            items++;
        }
        if (sparseRatio > 0 && max > (double) items * sparseRatio && max > sparseSafe) {
            if (!sparseConvert) {
                throw new LuaError("Cannot serialise table: excessively sparse array");
            }
            return -1;
        }
        return (int) max;
    }

    private void number(ByteArrayOutputStream b, LuaValue v) {
        double d = v.todouble();
        if (encodeInvalidNumbers == 0 && (Double.isNaN(d) || Double.isInfinite(d))) {
            throw new LuaError("Cannot serialise number: must not be NaN or Inf");
        } else if (encodeInvalidNumbers == 1 && Double.isNaN(d)) {
            ascii(b, "nan");
            return;
        } else if (encodeInvalidNumbers == 2 && (Double.isNaN(d) || Double.isInfinite(d))) {
            ascii(b, "null");
            return;
        }
        ascii(b, LuaNumbers.g(d, precision));
    }

    private static void string(ByteArrayOutputStream b, LuaString s) {
        b.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xFF;
            switch (c) {
                case '"' -> ascii(b, "\\\"");
                case '\\' -> ascii(b, "\\\\");
                case '/' -> ascii(b, "\\/");
                case '\n' -> ascii(b, "\\n");
                case '\r' -> ascii(b, "\\r");
                case '\t' -> ascii(b, "\\t");
                case '\b' -> ascii(b, "\\b");
                case '\f' -> ascii(b, "\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        ascii(b, String.format("\\u%04x", c));
                    } else {
                        b.write(c); // bytes from 0x80 pass through: lua-cjson does not validate UTF-8
                    }
                }
            }
        }
        b.write('"');
    }

    private static void ascii(ByteArrayOutputStream b, String s) {
        for (int i = 0; i < s.length(); i++) {
            b.write(s.charAt(i));
        }
    }

    interface Body {
        Varargs run(Varargs a);
    }

    static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return body.run(a);
            }
        };
    }
}

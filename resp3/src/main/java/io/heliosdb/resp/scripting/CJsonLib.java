package io.heliosdb.resp.scripting;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/** lua-cjson's encode/decode as Redis ships it (cjson.null, '/' escaped, integral numbers without a point). */
final class CJsonLib {
    static final LuaValue NULL = new LuaUserdata(new Object());

    private CJsonLib() {}

    static LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("encode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                StringBuilder b = new StringBuilder();
                encode(b, v, 0);
                return LuaValue.valueOf(b.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        t.rawset("decode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                LuaString s = v.checkstring();
                byte[] bytes = new byte[s.m_length];
                s.copyInto(0, bytes, 0, bytes.length);
                Decoder d = new Decoder(new String(bytes, StandardCharsets.UTF_8));
                LuaValue r = d.value(0);
                d.skipSpace();
                if (d.pos != d.s.length()) {
                    throw new LuaError("Expected the end but found invalid token at character " + (d.pos + 1));
                }
                return r;
            }
        });
        t.rawset("null", NULL);
        t.rawset("_NAME", "cjson");
        t.rawset("_VERSION", "2.1.0");
        t.rawset("new", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return table();
            }
        });
        VarArgFunction setting = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return a;
            }
        };
        for (String name : new String[]{"encode_keep_buffer", "encode_max_depth", "decode_max_depth",
                "encode_invalid_numbers", "decode_invalid_numbers", "encode_sparse_array", "encode_number_precision"}) {
            t.rawset(name, setting);
        }
        return t;
    }

    static void encode(StringBuilder b, LuaValue v, int depth) {
        if (depth > 1000) {
            throw new LuaError("Cannot serialise, excessive nesting (1001)");
        }
        switch (v.type()) {
            case LuaValue.TNIL -> b.append("null");
            case LuaValue.TBOOLEAN -> b.append(v.toboolean());
            case LuaValue.TNUMBER -> {
                double d = v.todouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new LuaError("Cannot serialise number: must not be NaN or Inf");
                }
                b.append(number(d));
            }
            case LuaValue.TSTRING -> string(b, v.tojstring());
            case LuaValue.TTABLE -> {
                LuaTable t = (LuaTable) v;
                int n = arrayLength(t);
                if (n > 0) {
                    b.append('[');
                    for (int i = 1; i <= n; i++) {
                        if (i > 1) {
                            b.append(',');
                        }
                        encode(b, t.rawget(i), depth + 1);
                    }
                    b.append(']');
                } else {
                    b.append('{');
                    boolean first = true;
                    for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                        LuaValue k = e.arg1();
                        if (!k.isstring()) {
                            throw new LuaError("Cannot serialise table: table key must be a number or string");
                        }
                        if (!first) {
                            b.append(',');
                        }
                        first = false;
                        string(b, k.type() == LuaValue.TNUMBER ? number(k.todouble()) : k.tojstring());
                        b.append(':');
                        encode(b, e.arg(2), depth + 1);
                    }
                    b.append('}');
                }
            }
            case LuaValue.TUSERDATA -> {
                if (v == NULL) {
                    b.append("null");
                } else {
                    throw new LuaError("Cannot serialise userdata: type not supported");
                }
            }
            default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
    }

    /** The length of a table whose keys are exactly 1..n, else 0 (an object). */
    private static int arrayLength(LuaTable t) {
        int count = 0;
        int max = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() != LuaValue.TNUMBER || k.todouble() != Math.floor(k.todouble()) || k.todouble() < 1) {
                return 0;
            }
            count++;
            max = Math.max(max, (int) k.todouble());
        }
        return max == count ? count : 0;
    }

    /** lua-cjson prints numbers with %.14g. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = new java.math.BigDecimal(d).round(new java.math.MathContext(14)).stripTrailingZeros().toString();
        return s.replace("E+", "e+").replace("E-", "e-");
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '/' -> b.append("\\/");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static final class Decoder {
        final String s;
        int pos;

        Decoder(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        LuaError error(String what) {
            return new LuaError("Expected " + what + " but found invalid token at character " + (pos + 1));
        }

        LuaValue value(int depth) {
            if (depth > 1000) {
                throw new LuaError("Found too many nested data structures (1001) at character " + (pos + 1));
            }
            skipSpace();
            if (pos >= s.length()) {
                throw error("value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{': {
                    pos++;
                    LuaTable t = new LuaTable();
                    skipSpace();
                    if (pos < s.length() && s.charAt(pos) == '}') {
                        pos++;
                        return t;
                    }
                    while (true) {
                        skipSpace();
                        if (pos >= s.length() || s.charAt(pos) != '"') {
                            throw error("object key string");
                        }
                        LuaValue k = str();
                        skipSpace();
                        if (pos >= s.length() || s.charAt(pos) != ':') {
                            throw error("colon");
                        }
                        pos++;
                        t.rawset(k, value(depth + 1));
                        skipSpace();
                        if (pos < s.length() && s.charAt(pos) == ',') {
                            pos++;
                            continue;
                        }
                        if (pos < s.length() && s.charAt(pos) == '}') {
                            pos++;
                            return t;
                        }
                        throw error("comma or object end");
                    }
                }
                case '[': {
                    pos++;
                    LuaTable t = new LuaTable();
                    skipSpace();
                    if (pos < s.length() && s.charAt(pos) == ']') {
                        pos++;
                        return t;
                    }
                    for (int i = 1; ; i++) {
                        t.rawset(i, value(depth + 1));
                        skipSpace();
                        if (pos < s.length() && s.charAt(pos) == ',') {
                            pos++;
                            continue;
                        }
                        if (pos < s.length() && s.charAt(pos) == ']') {
                            pos++;
                            return t;
                        }
                        throw error("comma or array end");
                    }
                }
                case '"':
                    return str();
                default:
                    if (s.startsWith("true", pos)) {
                        pos += 4;
                        return LuaValue.TRUE;
                    }
                    if (s.startsWith("false", pos)) {
                        pos += 5;
                        return LuaValue.FALSE;
                    }
                    if (s.startsWith("null", pos)) {
                        pos += 4;
                        return NULL;
                    }
                    int start = pos;
                    while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                        pos++;
                    }
                    if (start == pos) {
                        throw error("value");
                    }
                    try {
                        double d = Double.parseDouble(s.substring(start, pos));
                        return d == (int) d ? LuaValue.valueOf((int) d) : LuaValue.valueOf(d);
                    } catch (NumberFormatException e) {
                        pos = start;
                        throw error("value");
                    }
            }
        }

        LuaValue str() {
            pos++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("string end");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return LuaValue.valueOf(b.toString().getBytes(StandardCharsets.UTF_8));
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> b.append(e);
                }
            }
        }
    }
}

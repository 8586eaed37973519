package io.heliosdb.resp.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * lua-cjson's decoder over the raw bytes: its tokens (named T_END, T_ARR_END... in errors), its
 * "Expected X but found Y at character N" texts with lua-cjson's positions, strtod's number syntax
 * (hex, inf and nan when decode_invalid_numbers is on), and its depth limit. A NUL byte ends the
 * document, as the C string does.
 */
final class JsonDecoder {
    private enum Type { OBJ_BEGIN, OBJ_END, ARR_BEGIN, ARR_END, STRING, NUMBER, BOOLEAN, NULL, COLON, COMMA, END, WHITESPACE, ERROR, UNKNOWN }

    private final byte[] s;
    private final int maxDepth;
    private final boolean invalidNumbers;
    private int ptr;
    private int depth;

    // the current token
    private Type type;
    private int index;
    private String error;
    private LuaValue value;

    JsonDecoder(byte[] s, int maxDepth, boolean invalidNumbers) {
        this.s = s;
        this.maxDepth = maxDepth;
        this.invalidNumbers = invalidNumbers;
    }

    LuaValue document() {
        if (s.length >= 2 && (s[0] == 0 || s[1] == 0)) {
            throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
        }
        next();
        LuaValue v = value();
        next();
        if (type != Type.END) {
            throw parseError("the end");
        }
        return v;
    }

    private int at(int i) {
        return i < s.length ? s[i] & 0xFF : 0;
    }

    private static Type classify(int c) {
        return switch (c) {
            case ' ', '\t', '\r', '\n' -> Type.WHITESPACE;
            case 0 -> Type.END;
            case '{' -> Type.OBJ_BEGIN;
            case '}' -> Type.OBJ_END;
            case '[' -> Type.ARR_BEGIN;
            case ']' -> Type.ARR_END;
            case ':' -> Type.COLON;
            case ',' -> Type.COMMA;
            case '"', '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'f', 'i', 'I', 'n', 'N', 't' -> Type.UNKNOWN;
            default -> Type.ERROR;
        };
    }

    private LuaError parseError(String expected) {
        String found = type == Type.ERROR ? error : "T_" + type.name();
        return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
    }

    private void tokenError(String what) {
        type = Type.ERROR;
        index = ptr;
        error = what;
    }

    private void next() {
        int c;
        while ((type = classify(c = at(ptr))) == Type.WHITESPACE) {
            ptr++;
        }
        index = ptr;
        if (type == Type.ERROR) {
            tokenError("invalid token");
            return;
        }
        if (type == Type.END) {
            return;
        }
        if (type != Type.UNKNOWN) {
            ptr++;
            return;
        }
        if (c == '"') {
            string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!invalidNumbers && invalidNumber()) {
                tokenError("invalid number");
                return;
            }
            number();
        } else if (startsWith("true")) {
            type = Type.BOOLEAN;
            value = LuaValue.TRUE;
            ptr += 4;
        } else if (startsWith("false")) {
            type = Type.BOOLEAN;
            value = LuaValue.FALSE;
            ptr += 5;
        } else if (startsWith("null")) {
            type = Type.NULL;
            ptr += 4;
        } else if (invalidNumbers && invalidNumber()) {
            number();
        } else {
            tokenError("invalid token");
        }
    }

    private boolean startsWith(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (at(ptr + i) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWithIgnoreCase(int p, String w) {
        for (int i = 0; i < w.length(); i++) {
            if (Character.toLowerCase(at(p + i)) != w.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** json_is_invalid_number: what JSON forbids but strtod reads (+, hex, leading zeros, inf, nan). */
    private boolean invalidNumber() {
        int p = ptr;
        if (at(p) == '+') {
            return true;
        }
        if (at(p) == '-') {
            p++;
        }
        if (at(p) == '0') {
            int c2 = at(p + 1);
            return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
        } else if (at(p) <= '9') {
            return false;
        }
        return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
    }

    private void number() {
        type = Type.NUMBER;
        int end = Strtod.end(s, ptr);
        if (end == ptr) {
            tokenError("invalid number");
            return;
        }
        value = LuaValue.valueOf(Strtod.value(s, ptr, end));
        ptr = end;
    }

    private void string() {
        ptr++;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = at(ptr)) != '"') {
            if (c == 0) {
                tokenError("unexpected end of string");
                return;
            }
            if (c == '\\') {
                int e = at(ptr + 1);
                c = switch (e) {
                    case '"', '\\', '/' -> e;
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> -1;
                    default -> 0;
                };
                if (c == -1) {
                    if (!unicodeEscape(b)) {
                        tokenError("invalid unicode escape code");
                        return;
                    }
                    continue;
                }
                if (c == 0) {
                    tokenError("invalid escape code");
                    return;
                }
                ptr++;
            }
            b.write(c);
            ptr++;
        }
        ptr++;
        type = Type.STRING;
        value = LuaValue.valueOf(b.toByteArray());
    }

    private int hex4(int p) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(at(p + i), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** A \\uXXXX escape (a surrogate pair takes two) appended as UTF-8; false when invalid. */
    private boolean unicodeEscape(ByteArrayOutputStream b) {
        int cp = hex4(ptr + 2);
        int len = 6;
        if (cp < 0) {
            return false;
        }
        if ((cp & 0xF800) == 0xD800) {
            if ((cp & 0x400) != 0 || at(ptr + 6) != '\\' || at(ptr + 7) != 'u') {
                return false;
            }
            int low = hex4(ptr + 8);
            if (low < 0 || (low & 0xFC00) != 0xDC00) {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            len = 12;
        }
        if (cp < 0x80) {
            b.write(cp);
        } else if (cp < 0x800) {
            b.write(0xC0 | cp >> 6);
            b.write(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            b.write(0xE0 | cp >> 12);
            b.write(0x80 | (cp >> 6 & 0x3F));
            b.write(0x80 | (cp & 0x3F));
        } else {
            b.write(0xF0 | cp >> 18);
            b.write(0x80 | (cp >> 12 & 0x3F));
            b.write(0x80 | (cp >> 6 & 0x3F));
            b.write(0x80 | (cp & 0x3F));
        }
        ptr += len;
        return true;
    }

    private LuaValue value() {
        return switch (type) {
            case STRING, NUMBER, BOOLEAN -> value;
            case NULL -> CJsonLib.NULL;
            case OBJ_BEGIN -> object();
            case ARR_BEGIN -> array();
            default -> throw parseError("value");
        };
    }

    private void descend() {
        if (++depth > maxDepth) {
            throw new LuaError("Found too many nested data structures (" + depth + ") at character " + ptr);
        }
    }

    private LuaTable object() {
        descend();
        LuaTable t = new LuaTable();
        next();
        if (type == Type.OBJ_END) {
            depth--;
            return t;
        }
        while (true) {
            if (type != Type.STRING) {
                throw parseError("object key string");
            }
            LuaValue key = value;
            next();
            if (type != Type.COLON) {
                throw parseError("colon");
            }
            next();
            t.rawset(key, value());
            next();
            if (type == Type.OBJ_END) {
                depth--;
                return t;
            }
            if (type != Type.COMMA) {
                throw parseError("comma or object end");
            }
            next();
        }
    }

    private LuaTable array() {
        descend();
        LuaTable t = new LuaTable();
        next();
        if (type == Type.ARR_END) {
            depth--;
            return t;
        }
        for (int i = 1; ; i++) {
            t.rawset(i, value());
            next();
            if (type == Type.ARR_END) {
                depth--;
                return t;
            }
            if (type != Type.COMMA) {
                throw parseError("comma or array end");
            }
            next();
        }
    }
}

package io.heliosdb.resp.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's argument checks (luaL_checknumber, luaL_checklstring, luaL_argerror) with their texts,
 * "bad argument #N to 'fn' (number expected, got no value)", for the libraries Redis bundles.
 */
final class LuaArgs {
    private LuaArgs() {}

    static LuaError argError(int arg, String fn, String message) {
        return new LuaError("bad argument #" + arg + " to '" + fn + "' (" + message + ")");
    }

    /** Lua 5.1's name of what was passed: "no value" past the last argument. */
    static String got(Varargs a, int i) {
        return i > a.narg() ? "no value" : a.arg(i).isnil() ? "nil" : a.arg(i).typename();
    }

    static double checkNumber(Varargs a, int i, String fn) {
        LuaValue v = a.arg(i);
        if (!v.isnumber()) { // numbers and numeric strings, as lua_tonumber
            throw argError(i, fn, "number expected, got " + got(a, i));
        }
        return v.todouble();
    }

    /** luaL_checkinteger: the number truncated toward zero. */
    static long checkInteger(Varargs a, int i, String fn) {
        return cast(checkNumber(a, i, fn));
    }

    static long optInteger(Varargs a, int i, String fn, long def) {
        return a.arg(i).isnil() ? def : checkInteger(a, i, fn);
    }

    static LuaString checkString(Varargs a, int i, String fn) {
        LuaValue v = a.arg(i);
        if (!v.isstring()) { // strings and numbers, as lua_tolstring
            throw argError(i, fn, "string expected, got " + got(a, i));
        }
        return v.strvalue();
    }

    /** C's double to int64 conversion on x86-64: out of range and NaN give INT64_MIN. */
    static long cast(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's double to uint64 conversion as gcc compiles it on x86-64 (values from 2^63 through the high bit). */
    static long castUnsigned(double d) {
        return d >= 0x1p63 ? cast(d - 0x1p63) ^ Long.MIN_VALUE : cast(d);
    }

    /** A uint64 as a Lua number (C's unsigned conversion to double). */
    static double unsignedToDouble(long v) {
        return v >= 0 ? (double) v : Double.parseDouble(Long.toUnsignedString(v)); // correctly rounded, as C converts
    }
}

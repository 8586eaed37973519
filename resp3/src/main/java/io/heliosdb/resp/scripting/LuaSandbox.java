package io.heliosdb.resp.scripting;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis 7.0's Lua sandbox on luaj: the globals table and every library table reachable from it are
 * read-only ("Attempt to modify a readonly table"), and the base library keeps Lua 5.1's names
 * (luaj implements 5.2). Only the server writes KEYS and ARGV, through {@link Sandboxed#internalSet}.
 */
final class LuaSandbox {
    static final String READONLY = "Attempt to modify a readonly table";

    private LuaSandbox() {}

    /**
     * An error whose message is shown as is, with no "user_script:N:" position: what Redis reports for
     * errors raised from C (rawset on a read-only table) and for error(msg, 0) or error(nil).
     */
    static final class PlainError extends LuaError {
        private final String text;

        PlainError(String text) {
            this(text, LuaValue.valueOf(text));
        }

        /** {@code value} is what pcall hands over (error(nil) gives nil there, "nil" in the reply). */
        PlainError(String text, LuaValue value) {
            super(value);
            this.text = text;
        }

        @Override
        public String getMessage() {
            return text;
        }
    }

    /** A table that refuses writes once sealed: assignments from Lua code carry their position, rawset does not. */
    static final class ReadOnlyTable extends LuaTable {
        private boolean sealed;

        ReadOnlyTable(LuaTable from) {
            this(from, null);
        }

        ReadOnlyTable(LuaTable from, LuaValue metatable) {
            for (LuaValue k = from.next(NIL).arg1(); !k.isnil(); k = from.next(k).arg1()) {
                super.rawset(k, from.rawget(k));
            }
            if (metatable != null) {
                super.setmetatable(metatable);
            }
            sealed = true;
        }

        /** Makes {@code name} refer to this table itself (a globals table's _G). */
        void selfAs(String name) {
            super.rawset(LuaValue.valueOf(name), this);
        }

        @Override
        public void set(LuaValue key, LuaValue value) {
            throw new LuaError(READONLY);
        }

        @Override
        public void set(int key, LuaValue value) {
            throw new LuaError(READONLY);
        }

        @Override
        public void rawset(LuaValue key, LuaValue value) {
            if (sealed) {
                throw new PlainError(READONLY);
            }
            super.rawset(key, value);
        }

        @Override
        public void rawset(int key, LuaValue value) {
            if (sealed) {
                throw new PlainError(READONLY);
            }
            super.rawset(key, value);
        }

        @Override
        public void insert(int pos, LuaValue value) {
            throw new PlainError(READONLY);
        }

        @Override
        public LuaValue remove(int pos) {
            throw new PlainError(READONLY);
        }

        @Override
        public void sort(LuaValue comparator) {
            throw new PlainError(READONLY);
        }

        @Override
        public LuaValue setmetatable(LuaValue metatable) {
            throw new PlainError(READONLY);
        }
    }

    /** The globals: read-only once sealed, except for what the server itself sets (KEYS, ARGV). */
    static final class Sandboxed extends Globals {
        private boolean sealed;

        void seal() {
            sealed = true;
        }

        void internalSet(LuaValue key, LuaValue value) {
            super.rawset(key, value);
        }

        @Override
        public void set(LuaValue key, LuaValue value) {
            if (sealed && !rawget(key).isnil()) {
                throw new LuaError(READONLY); // existing globals; new ones meet the metatable's __newindex
            }
            super.set(key, value);
        }

        @Override
        public void rawset(LuaValue key, LuaValue value) {
            if (sealed) {
                throw new PlainError(READONLY);
            }
            super.rawset(key, value);
        }

        @Override
        public void rawset(int key, LuaValue value) {
            if (sealed) {
                throw new PlainError(READONLY);
            }
            super.rawset(key, value);
        }

        @Override
        public LuaValue setmetatable(LuaValue metatable) {
            if (sealed) {
                throw new PlainError(READONLY);
            }
            return super.setmetatable(metatable);
        }
    }

    /** Makes every table reachable from the globals read-only (Redis' luaSetTableProtectionRecursively). */
    static void protect(Sandboxed g) {
        for (LuaValue k = g.next(LuaValue.NIL).arg1(); !k.isnil(); k = g.next(k).arg1()) {
            LuaValue v = g.rawget(k);
            if (v instanceof LuaTable t && !(v instanceof ReadOnlyTable) && v != g) {
                g.internalSet(k, readOnly(t));
            }
        }
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, g.rawget("string"));
        LuaString.s_metatable = new ReadOnlyTable(meta); // strings' metatable too: getmetatable('').__index = nil fails
    }

    /** The globals functions run with: the EVAL globals without what only EVAL scripts see. */
    static LuaTable functionGlobals(Sandboxed g) {
        LuaTable copy = new LuaTable();
        for (LuaValue k = g.next(LuaValue.NIL).arg1(); !k.isnil(); k = g.next(k).arg1()) {
            String name = k.tojstring();
            if (!name.equals("KEYS") && !name.equals("ARGV") && !name.equals("__redis__err__handler")) {
                copy.rawset(k, g.rawget(k));
            }
        }
        LuaTable redis = new LuaTable();
        LuaTable evalRedis = (LuaTable) g.rawget("redis");
        for (LuaValue k = evalRedis.next(LuaValue.NIL).arg1(); !k.isnil(); k = evalRedis.next(k).arg1()) {
            String name = k.tojstring();
            if (!name.equals("breakpoint") && !name.equals("debug") && !name.equals("replicate_commands")) {
                redis.rawset(k, evalRedis.rawget(k));
            }
        }
        copy.rawset("redis", new ReadOnlyTable(redis));
        ReadOnlyTable api = new ReadOnlyTable(copy, missingGlobal());
        api.selfAs("_G");
        return api;
    }

    /** A metatable whose __index refuses what is missing, as Redis' luaSetErrorMetatable. */
    static LuaTable missingGlobal() {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, fn(a -> {
            throw new LuaError("Script attempted to access nonexistent global variable '" + a.arg(2).tojstring() + "'");
        }));
        return meta;
    }

    interface Lookup {
        LuaValue get(LuaValue key);
    }

    /**
     * The environment library code is compiled with: empty and read-only, every name looked up in
     * what {@code lookup} currently serves (the load-time or the run-time globals).
     */
    static Sandboxed functionEnv(Lookup lookup, DebugLib hooks) {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, fn(a -> {
            LuaValue v = lookup.get(a.arg(2));
            if (v.isnil()) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + a.arg(2).tojstring() + "'");
            }
            return v;
        }));
        meta.rawset(LuaValue.NEWINDEX, fn(a -> {
            throw new LuaError(READONLY);
        }));
        // a Globals, so luaj runs the debug hooks (time limit, SCRIPT KILL) in the closures compiled with it
        Sandboxed env = new Sandboxed();
        env.setmetatable(new ReadOnlyTable(meta));
        env.debuglib = hooks;
        env.seal();
        return env;
    }

    private static ReadOnlyTable readOnly(LuaTable t) {
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            LuaValue v = t.rawget(k);
            if (v instanceof LuaTable inner && !(v instanceof ReadOnlyTable)) {
                t.rawset(k, readOnly(inner));
            }
        }
        return new ReadOnlyTable(t);
    }

    /**
     * Lua 5.1's names where luaj has 5.2's (and its string.format): _VERSION, math.mod and log10, table.maxn/foreach/
     * foreachi/setn, string.gfind, gcinfo and collectgarbage; 5.2 additions (rawlen, table.pack and
     * table.unpack) removed. Also error(msg, 0) and error(nil) without a position, and tostring of
     * numbers with "%.14g", as Lua 5.1 does (luaj's own conversion still serves concatenation).
     */
    static void lua51(Globals g) {
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        g.rawset("rawlen", LuaValue.NIL);
        LuaValue math = g.get("math");
        math.rawset("mod", math.get("fmod"));
        math.rawset("log10", fn(a -> LuaValue.valueOf(Math.log10(a.checkdouble(1)))));
        LuaValue table = g.get("table");
        table.rawset("pack", LuaValue.NIL);
        table.rawset("unpack", LuaValue.NIL);
        table.rawset("maxn", fn(a -> {
            LuaTable t = a.checktable(1);
            double max = 0;
            for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
                if (k.type() == LuaValue.TNUMBER && k.todouble() > max) {
                    max = k.todouble();
                }
            }
            return LuaValue.valueOf(max);
        }));
        table.rawset("foreach", fn(a -> {
            LuaTable t = a.checktable(1);
            LuaValue f = a.checkfunction(2);
            for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
                LuaValue r = f.call(k, t.rawget(k));
                if (!r.isnil()) {
                    return r;
                }
            }
            return LuaValue.NONE;
        }));
        table.rawset("foreachi", fn(a -> {
            LuaTable t = a.checktable(1);
            LuaValue f = a.checkfunction(2);
            for (int i = 1, n = t.length(); i <= n; i++) {
                LuaValue r = f.call(LuaValue.valueOf(i), t.rawget(i));
                if (!r.isnil()) {
                    return r;
                }
            }
            return LuaValue.NONE;
        }));
        table.rawset("setn", fn(a -> {
            throw new LuaError("'setn' is obsolete");
        }));
        LuaValue string = g.get("string");
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("format", fn(LuaFormat::format));
        g.rawset("gcinfo", fn(a -> LuaValue.valueOf(usedKilobytes())));
        g.rawset("collectgarbage", fn(a -> {
            String opt = a.optjstring(1, "collect");
            return switch (opt) {
                case "count" -> LuaValue.valueOf((double) usedKilobytes());
                case "step" -> LuaValue.FALSE;
                case "collect", "stop", "restart", "setpause", "setstepmul" -> LuaValue.valueOf(0);
                default -> throw new LuaError("bad argument #1 to 'collectgarbage' (invalid option '" + opt + "')");
            };
        }));
        // Redis keeps its error handler in the globals; scripts can see (not call usefully) it
        g.rawset("__redis__err__handler", fn(a -> a.arg1()));
        LuaValue tostring = g.get("tostring");
        g.rawset("tostring", fn(a -> a.narg() >= 1 && a.arg1().type() == LuaValue.TNUMBER
                ? LuaValue.valueOf(LuaNumbers.tostring(a.arg1().todouble())) : tostring.invoke(a)));
        LuaValue error = g.get("error");
        g.rawset("error", fn(a -> {
            LuaValue msg = a.arg1();
            int level = a.optint(2, 1);
            if (msg.istable() || (msg.isstring() && level > 0)) {
                return error.invoke(a); // luaj adds the position of the raising code
            }
            throw new PlainError(msg.tojstring(), msg);
        }));
        LuaSignatures.install(g);
    }

    private static final Pattern LUAJ_POSITION =
            Pattern.compile("^@([^\\s:]+):(-?\\d+|\\?) (.*?)\\n?$", Pattern.DOTALL);

    /** A caught error's message as Lua 5.1 words it: luaj's "@chunk:line msg\n" becomes "chunk:line: msg". */
    static LuaValue lua51Message(LuaValue m) {
        if (m.type() != LuaValue.TSTRING) {
            return m;
        }
        Matcher x = LUAJ_POSITION.matcher(m.tojstring());
        return x.matches() ? LuaValue.valueOf(x.group(1) + ":" + x.group(2) + ": " + lua51Text(x.group(3))) : m;
    }

    private static final Pattern UNEXPECTED = Pattern.compile("unexpected symbol (\\d+) \\((.)\\)$");

    /**
     * luaj's "unexpected symbol 286 (?)" (a token code) as Lua 5.1's "unexpected symbol near '<eof>'";
     * its other compiler messages lack Lua's "near" part, which luaj does not give.
     */
    /**
     * A compile error luaj reports as Java text (its lexer lets NumberFormatException out for a
     * numeral like 1.2.3): Lua 5.1's "malformed number near '...'" with its line when the source has
     * such a numeral, else a plain compile error; never Java text.
     */
    static String compileErrorText(String msg, String source, String chunk) {
        String m = String.valueOf(msg);
        if (!m.contains("java.") && !m.contains("Exception")) {
            return lua51Compile(m);
        }
        String[] bad = malformedNumeral(source);
        return bad != null ? chunk + ":" + bad[0] + ": malformed number near '" + bad[1] + "'"
                : chunk + ":?: cannot compile this script";
    }

    private static final Pattern DECIMAL = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");

    /**
     * The first numeral Lua 5.1's lexer (read_numeral, then luaO_str2d) rejects, as {line, text}, or
     * null. Strings and comments are skipped as llex skips them.
     */
    static String[] malformedNumeral(String s) {
        int line = 1;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                int level = longBracket(s, i + 2);
                if (level >= 0) {
                    int end = s.indexOf("]" + "=".repeat(level) + "]", i + 4 + level);
                    end = end < 0 ? n : end + level + 2;
                    line += count(s, i, end);
                    i = end;
                } else {
                    while (i < n && s.charAt(i) != '\n') {
                        i++;
                    }
                }
            } else if (c == '[' && longBracket(s, i) >= 0) {
                int level = longBracket(s, i);
                int end = s.indexOf("]" + "=".repeat(level) + "]", i + 2 + level);
                end = end < 0 ? n : end + level + 2;
                line += count(s, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    i++;
                    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                }
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                String t = s.substring(start, i);
                if (!DECIMAL.matcher(t).matches() && !HEX.matcher(t).matches()) {
                    return new String[]{Integer.toString(line), t};
                }
            } else {
                i++;
            }
        }
        return null;
    }

    /** The level of a long bracket "[==[" starting at {@code i}, or -1. */
    private static int longBracket(String s, int i) {
        if (i >= s.length() || s.charAt(i) != '[') {
            return -1;
        }
        int j = i + 1;
        while (j < s.length() && s.charAt(j) == '=') {
            j++;
        }
        return j < s.length() && s.charAt(j) == '[' ? j - i - 1 : -1;
    }

    private static int count(String s, int from, int to) {
        int k = 0;
        for (int j = from; j < Math.min(to, s.length()); j++) {
            if (s.charAt(j) == '\n') {
                k++;
            }
        }
        return k;
    }

    static String lua51Compile(String msg) {
        Matcher x = UNEXPECTED.matcher(String.valueOf(msg));
        if (!x.find()) {
            return msg;
        }
        int token = Integer.parseInt(x.group(1));
        String near = token == 286 ? "<eof>" : token < 257 ? x.group(2) : null; // 286: luaj's TK_EOS
        return near == null ? msg : msg.substring(0, x.start()) + "unexpected symbol near '" + near + "'";
    }

    private static final Pattern TYPES = Pattern.compile(
            "^attempt to (?:(index) \\? \\(a (\\w+) value\\)|(call|get length of) (nil|boolean|number|string|table|function|userdata|thread)"
                    + "|perform (arithmetic) (?:__\\w+ on (\\w+) and (\\w+)|on (\\w+))|(concatenate) (\\w+) and (\\w+)"
                    + "|(compare) __l[te] on (\\w+) and (\\w+))$");

    /**
     * luaj's runtime error texts in Lua 5.1's words (its forms without a variable name: luaj does not
     * know names, so "local 'x' (a nil value)" stays out of reach): "attempt to index a nil value",
     * "attempt to perform arithmetic on a table value", "table index is nil"...
     */
    static String lua51Text(String msg) {
        Matcher x = TYPES.matcher(msg);
        if (!x.matches()) {
            if (msg.matches("^index expected, got \\w+$")) {
                return "attempt to index a " + msg.substring(msg.lastIndexOf(' ') + 1) + " value";
            }
            return msg.matches("^table index expected, got \\w+$") ? "table index is nil" : msg;
        }
        if (x.group(1) != null) {
            return "attempt to index a " + x.group(2) + " value";
        }
        if (x.group(3) != null) {
            return "attempt to " + x.group(3) + " a " + x.group(4) + " value";
        }
        if (x.group(5) != null) {
            String t = x.group(8) != null ? x.group(8) : x.group(6).equals("number") ? x.group(7) : x.group(6);
            return "attempt to perform arithmetic on a " + t + " value";
        }
        if (x.group(9) != null) {
            String a = x.group(10);
            return "attempt to concatenate a " + (a.equals("string") || a.equals("number") ? x.group(11) : a) + " value";
        }
        return x.group(13).equals(x.group(14)) ? "attempt to compare two " + x.group(13) + " values"
                : "attempt to compare " + x.group(13) + " with " + x.group(14);
    }

    private static long usedKilobytes() {
        Runtime r = Runtime.getRuntime();
        return Math.max(1, (r.totalMemory() - r.freeMemory()) >> 20); // no per-VM figure in luaj: a small positive count
    }

    private interface Body {
        Varargs run(Varargs a);
    }

    private static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return body.run(a);
            }
        };
    }
}

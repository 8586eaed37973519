package io.heliosdb.resp.scripting;

import io.heliosdb.resp.codec.RespWriter;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** Redis' conversion rules between RESP replies and Lua values, both ways (RESP2 and RESP3). */
final class LuaReplies {
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");
    static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");

    private LuaReplies() {}

    // ---- RESP -> Lua (what redis.call returns) -----------------------------------------------

    /** Parses one reply from {@code b} (advancing it). Errors become {err=...} tables; the caller raises them. */
    static LuaValue toLua(ByteBuf b) {
        byte type = b.readByte();
        switch (type) {
            case '+': {
                LuaTable t = new LuaTable();
                t.rawset(OK, line(b));
                return t;
            }
            case '-': {
                LuaTable t = errorTable(line(b).tojstring());
                t.rawset(IGNORE_STATS, LuaValue.TRUE); // as Redis 7 marks errors that came from a command reply
                return t;
            }
            case ':':
                return number(Long.parseLong(line(b).tojstring()));
            case '$': {
                int n = Integer.parseInt(line(b).tojstring());
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaString s = bytes(b, n);
                b.skipBytes(2);
                return s;
            }
            case '*': {
                int n = Integer.parseInt(line(b).tojstring());
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaTable t = new LuaTable(n, 0);
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, toLua(b));
                }
                return t;
            }
            case '_':
                b.skipBytes(2);
                return LuaValue.NIL;
            case '#': {
                boolean v = b.readByte() == 't';
                b.skipBytes(2);
                return LuaValue.valueOf(v);
            }
            case ',': {
                LuaTable t = new LuaTable();
                t.rawset(DOUBLE, LuaValue.valueOf(parseDouble(line(b).tojstring())));
                return t;
            }
            case '(': {
                LuaTable t = new LuaTable();
                t.rawset(BIG_NUMBER, line(b));
                return t;
            }
            case '%': {
                int n = Integer.parseInt(line(b).tojstring());
                LuaTable m = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = toLua(b);
                    m.rawset(k, toLua(b));
                }
                LuaTable t = new LuaTable();
                t.rawset(MAP, m);
                return t;
            }
            case '~': {
                int n = Integer.parseInt(line(b).tojstring());
                LuaTable m = new LuaTable();
                for (int i = 0; i < n; i++) {
                    m.rawset(toLua(b), LuaValue.TRUE);
                }
                LuaTable t = new LuaTable();
                t.rawset(SET, m);
                return t;
            }
            case '=': {
                int n = Integer.parseInt(line(b).tojstring());
                LuaString all = bytes(b, n);
                b.skipBytes(2);
                LuaTable v = new LuaTable();
                v.rawset(FORMAT, all.substring(0, 3));
                v.rawset(STRING, all.substring(4, all.length()));
                LuaTable t = new LuaTable();
                t.rawset(VERBATIM, v);
                return t;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    static LuaTable errorTable(String message) {
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaValue.valueOf(message));
        return t;
    }

    static LuaValue number(long v) {
        return v == (int) v ? LuaValue.valueOf((int) v) : LuaValue.valueOf((double) v);
    }

    private static double parseDouble(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    private static LuaString line(ByteBuf b) {
        int start = b.readerIndex();
        int end = b.indexOf(start, b.writerIndex(), (byte) '\r');
        LuaString s = bytes(b, end - start);
        b.skipBytes(2);
        return s;
    }

    private static LuaString bytes(ByteBuf b, int n) {
        byte[] a = new byte[n];
        b.readBytes(a);
        return LuaString.valueUsing(a);
    }

    // ---- Lua -> RESP (what the script returns) -----------------------------------------------

    /**
     * Writes the script's result. {@code scriptResp} is what the script chose with redis.setresp
     * (it decides how booleans and nil convert); the writer's protocol is the client's.
     */
    static void write(RespWriter w, LuaValue v, int scriptResp) {
        write(w, v, scriptResp, 0);
    }

    private static void write(RespWriter w, LuaValue v, int scriptResp, int depth) {
        switch (v.type()) {
            case LuaValue.TNUMBER -> w.integer(LuaNumbers.toReplyInteger(v.todouble()));
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                w.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        w.integer(1);
                    } else {
                        w.nullBulk();
                    }
                } else if (w.resp3()) {
                    w.bool(v.toboolean());
                } else {
                    w.integer(v.toboolean() ? 1 : 0);
                }
            }
            case LuaValue.TTABLE -> writeTable(w, (LuaTable) v, scriptResp, depth);
            default -> w.nullBulk();
        }
    }

    private static void writeTable(RespWriter w, LuaTable t, int scriptResp, int depth) {
        if (depth > 1000) {
            w.error("ERR reached lua stack limit");
            return;
        }
        // Each field counts only with its exact Lua type (lua_type, not a conversion): {err=5} is an empty array
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            w.error(err.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            w.simple(ok.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            w.doubleValue(dbl.todouble());
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            if (w.resp3()) {
                w.buffer().writeByte('(').writeBytes(big.tojstring().getBytes(StandardCharsets.US_ASCII)).writeByte('\r').writeByte('\n');
            } else {
                w.bulk(big.tojstring());
            }
            return;
        }
        LuaValue map = t.rawget(MAP);
        if (map.istable()) {
            LuaTable m = (LuaTable) map;
            int n = 0;
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                n++;
            }
            w.map(n);
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                write(w, k, scriptResp, depth + 1);
                write(w, m.rawget(k), scriptResp, depth + 1);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.istable()) {
            LuaTable m = (LuaTable) set;
            int n = 0;
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                n++;
            }
            w.set(n);
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) {
                write(w, k, scriptResp, depth + 1);
            }
            return;
        }
        LuaValue verb = t.rawget(VERBATIM);
        if (verb.istable()) {
            w.verbatim(verb.get(STRING).tojstring());
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        w.array(n);
        for (int i = 1; i <= n; i++) {
            write(w, t.rawget(i), scriptResp, depth + 1);
        }
    }
}

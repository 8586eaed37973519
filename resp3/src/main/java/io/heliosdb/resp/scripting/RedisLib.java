package io.heliosdb.resp.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/** The {@code redis} table scripts see: call, pcall, error_reply, status_reply, sha1hex, log, setresp... */
final class RedisLib {
    private final LuaVm vm;

    RedisLib(LuaVm vm) {
        this.vm = vm;
    }

    LuaTable table() {
        LuaTable t = new LuaTable();
        t.rawset("call", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return run().call(a, true);
            }
        });
        t.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return run().call(a, false);
            }
        });
        t.rawset("error_reply", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue msg) {
                String m = msg.checkjstring();
                return errorReply(m.startsWith("-") ? m : "-" + m); // Redis prepends the dash: the first word becomes the code
            }
        });
        t.rawset("status_reply", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue msg) {
                LuaTable r = new LuaTable();
                r.rawset(LuaReplies.OK, msg.checkstring());
                return r;
            }
        });
        t.rawset("sha1hex", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue s) {
                LuaString str = s.checkstring();
                byte[] b = new byte[str.m_length];
                str.copyInto(0, b, 0, b.length);
                return LuaValue.valueOf(ScriptRegistry.sha1hex(b));
            }
        });
        t.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() < 2) {
                    throw new LuaError(LuaReplies.errorTable("ERR redis.log() requires two arguments or more."));
                }
                int level = a.checkint(1);
                if (level < 0 || level > 3) {
                    throw new LuaError(LuaReplies.errorTable("ERR Invalid debug level."));
                }
                StringBuilder b = new StringBuilder();
                for (int i = 2; i <= a.narg(); i++) {
                    if (i > 2) {
                        b.append(' ');
                    }
                    b.append(a.arg(i).tojstring());
                }
                if (level >= 2) { // notice and warning reach the log, as with Redis' default loglevel
                    System.err.println("HeliosDB script log: " + b);
                }
                return LuaValue.NONE;
            }
        });
        t.rawset("setresp", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue v) {
                int resp = v.checkint();
                if (resp != 2 && resp != 3) {
                    throw new LuaError(LuaReplies.errorTable("ERR RESP version must be 2 or 3."));
                }
                run().scriptResp = resp;
                return LuaValue.NONE;
            }
        });
        VarArgFunction noop = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.NONE;
            }
        };
        t.rawset("set_repl", noop); // no replication here; scripts always replicate as effects in Redis 7
        t.rawset("replicate_commands", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.TRUE;
            }
        });
        t.rawset("breakpoint", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.FALSE;
            }
        });
        t.rawset("debug", noop);
        t.rawset("LOG_DEBUG", 0);
        t.rawset("LOG_VERBOSE", 1);
        t.rawset("LOG_NOTICE", 2);
        t.rawset("LOG_WARNING", 3);
        t.rawset("REPL_NONE", 0);
        t.rawset("REPL_AOF", 1);
        t.rawset("REPL_SLAVE", 2);
        t.rawset("REPL_REPLICA", 2);
        t.rawset("REPL_ALL", 3);
        return t;
    }

    private ScriptRun run() {
        ScriptRun r = vm.current;
        if (r == null) {
            throw new LuaError("redis functions can only be called from a running script");
        }
        return r;
    }

    /**
     * Redis' error table rules: "-CODE message" keeps its code, anything else gets ERR; the stored
     * form has no leading '-' and no trailing newline.
     */
    static LuaTable errorReply(String err) {
        String code;
        String msg;
        if (err.startsWith("-")) { // always, from error_reply
            int space = err.indexOf(' ');
            if (space < 0) {
                code = "ERR";
                msg = err.substring(1);
            } else {
                code = err.substring(1, space);
                msg = err.substring(space + 1);
            }
        } else {
            code = "ERR";
            msg = err;
        }
        msg = msg.replaceAll("[\r\n]+$", "");
        return LuaReplies.errorTable(code + " " + msg);
    }
}

package io.heliosdb.resp.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
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
        t.rawset("error_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable(BAD_ARGS); // returned, not raised, as Redis does
                }
                String m = a.arg1().tojstring();
                return errorReply(m.startsWith("-") ? m : "-" + m); // Redis prepends the dash: the first word becomes the code
            }
        });
        t.rawset("status_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                    return LuaReplies.errorTable(BAD_ARGS);
                }
                LuaTable r = new LuaTable();
                r.rawset(LuaReplies.OK, a.arg1());
                return r;
            }
        });
        t.rawset("sha1hex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() != 1) {
                    throw raise("ERR wrong number of arguments");
                }
                LuaValue v = a.arg1();
                byte[] b = new byte[0]; // what lua_tolstring cannot convert (a table) hashes as the empty string
                if (v.isstring()) {
                    LuaString str = v.strvalue();
                    b = new byte[str.m_length];
                    str.copyInto(0, b, 0, b.length);
                }
                return LuaValue.valueOf(ScriptRegistry.sha1hex(b));
            }
        });
        t.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() < 2) {
                    throw raise("ERR redis.log() requires two arguments or more.");
                }
                if (!a.arg1().isnumber()) {
                    throw raise("ERR First argument must be a number (log level).");
                }
                double level = a.arg1().todouble();
                if (level < 0 || level > 3) {
                    throw raise("ERR Invalid debug level.");
                }
                StringBuilder b = new StringBuilder();
                for (int i = 2; i <= a.narg(); i++) {
                    if (a.arg(i).isstring()) { // Redis logs what converts to a string and skips the rest
                        if (!b.isEmpty()) {
                            b.append(' ');
                        }
                        b.append(a.arg(i).tojstring());
                    }
                }
                if ((int) level >= 2) { // notice and warning reach the log, as with Redis' default loglevel
                    System.err.println("HeliosDB script log: " + b);
                }
                return LuaValue.NONE;
            }
        });
        t.rawset("setresp", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() != 1) {
                    throw raise("ERR redis.setresp() requires one argument.");
                }
                double resp = a.arg1().isnumber() ? a.arg1().todouble() : 0;
                if (resp != 2 && resp != 3) {
                    throw raise("ERR RESP version must be 2 or 3.");
                }
                run().scriptResp = (int) resp;
                return LuaValue.NONE;
            }
        });
        t.rawset("set_repl", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                if (a.narg() != 1) {
                    throw raise("ERR redis.set_repl() requires two arguments."); // sic: Redis' text
                }
                long flags = a.arg1().isnumber() ? (long) a.arg1().todouble() : 0;
                if ((flags & ~3L) != 0) {
                    throw raise("ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
                }
                return LuaValue.NONE; // no replication here; scripts always replicate as effects in Redis 7
            }
        });
        t.rawset("acl_check_cmd", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return run().aclCheck(a);
            }
        });
        t.rawset("replicate_commands", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                return LuaValue.TRUE;
            }
        });
        t.rawset("breakpoint", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                ScriptRun r = vm.current;
                if (r == null || r.debugger == null) {
                    return LuaValue.FALSE;
                }
                r.debugger.breakpoint();
                return LuaValue.TRUE;
            }
        });
        t.rawset("debug", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                ScriptRun r = vm.current;
                if (r != null && r.debugger != null) {
                    r.debugger.debug(a);
                }
                return LuaValue.NONE;
            }
        });
        t.rawset("LOG_DEBUG", 0);
        t.rawset("LOG_VERBOSE", 1);
        t.rawset("LOG_NOTICE", 2);
        t.rawset("LOG_WARNING", 3);
        t.rawset("REPL_NONE", 0);
        t.rawset("REPL_AOF", 1);
        t.rawset("REPL_SLAVE", 2);
        t.rawset("REPL_REPLICA", 2);
        t.rawset("REPL_ALL", 3);
        t.rawset("REDIS_VERSION", "7.0.15");
        t.rawset("REDIS_VERSION_NUM", 0x07000f);
        return t;
    }

    /** error_reply and status_reply called wrongly return (not raise) this error. */
    private static final String BAD_ARGS = "ERR wrong number or type of arguments";

    /** An error raised as Redis' luaPushError + luaError do: an error table, so no position is added. */
    static LuaError raise(String message) {
        return new LuaError(LuaReplies.errorTable(message));
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

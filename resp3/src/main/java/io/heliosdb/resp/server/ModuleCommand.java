package io.heliosdb.resp.server;

import io.heliosdb.resp.command.CommandContext;
import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.command.Help;
import io.heliosdb.resp.command.Routing;

/**
 * MODULE. HeliosDB loads no Redis modules (they are C shared objects linked against Redis' own
 * internals), so LIST is empty and LOAD/LOADEX/UNLOAD answer what Redis answers when loading fails
 * or no such module is loaded, behind the same enable-module-command gate.
 */
final class ModuleCommand {
    private ModuleCommand() {}

    static final String NOT_ALLOWED = "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", "
            + "you can run it from a local connection, otherwise you need to set this option in the configuration file, "
            + "and then restart the server.";

    static void register(CommandTable t) {
        t.register("module|list", Routing.SESSION, ctx -> ctx.out().array(0));
        t.register("module|load", Routing.SESSION, ctx -> load(ctx));
        t.register("module|loadex", Routing.SESSION, ctx -> load(ctx));
        t.register("module|unload", Routing.SESSION, ctx -> {
            if (allowed(ctx)) {
                ctx.out().error("ERR Error unloading module: no such module with that name");
            }
        });
        t.register("module|help", Routing.SESSION, ctx -> Help.reply(ctx.out(), "MODULE",
                "LIST", "    Return a list of loaded modules.",
                "LOAD <path> [<arg> ...]", "    Load a module library from <path>, passing to it any optional arguments.",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                "UNLOAD <name>", "    Unload a module."));
    }

    private static void load(CommandContext ctx) {
        if (allowed(ctx)) {
            System.err.println("HeliosDB: MODULE LOAD " + ctx.args().string(2) + ": Redis modules cannot be loaded into HeliosDB");
            ctx.out().error("ERR Error loading the extension. Please check the server logs.");
        }
    }

    /** enable-module-command: "no" refuses, "local" only from a loopback address, "yes" always. */
    private static boolean allowed(CommandContext ctx) {
        String policy = ctx.server().config().get("enable-module-command");
        String addr = ctx.session().addr;
        boolean local = addr.startsWith("127.") || addr.startsWith("0:0:0:0:0:0:0:1") || addr.startsWith("unix");
        if (policy.equals("no") || (policy.equals("local") && !local)) {
            ctx.out().error(NOT_ALLOWED);
            return false;
        }
        return true;
    }
}

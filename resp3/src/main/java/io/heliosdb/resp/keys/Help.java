package io.heliosdb.resp.keys;

import io.heliosdb.resp.codec.RespWriter;

/** The HELP reply format Redis uses for container commands. */
public final class Help {
    private Help() {}

    public static void reply(RespWriter out, String command, String... lines) {
        out.array(lines.length + 3);
        out.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            out.simple(l);
        }
        out.simple("HELP");
        out.simple("    Prints this help.");
    }
}

package io.heliosdb.resp.command;

import io.heliosdb.resp.codec.RespWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The HELP reply format Redis uses for container commands. */
public final class Help {
    /** Redis 7.0.15's own HELP replies, recorded from it (redis-7.0-help.txt), by container name. */
    private static final Map<String, List<String>> REDIS = load();

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

    /** The handler of CONTAINER HELP: Redis' reply, line for line (it lists what Redis has, as clients expect). */
    public static Command redis(String container) {
        List<String> lines = REDIS.get(container.toUpperCase(Locale.ROOT));
        if (lines == null) {
            throw new IllegalArgumentException("no recorded HELP for " + container);
        }
        return ctx -> {
            RespWriter out = ctx.out();
            out.array(lines.size());
            for (String l : lines) {
                out.simple(l);
            }
        };
    }

    private static Map<String, List<String>> load() {
        Map<String, List<String>> m = new HashMap<>();
        try (InputStream in = Help.class.getResourceAsStream("/io/heliosdb/resp/command/redis-7.0-help.txt")) {
            List<String> current = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.startsWith("== ")) {
                    current = new ArrayList<>();
                    m.put(line.substring(3), current);
                } else if (current != null && !line.isEmpty()) {
                    current.add(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }
}

package io.heliosdb.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The "#!lua flags=..." first line of an EVAL script (Redis 7.0's evalExtractShebangFlags): a script
 * without one runs in the compatibility mode; with one, its flags decide, and a script not flagged
 * no-writes may not run under EVAL_RO.
 */
final class Shebang {
    private static final Set<String> FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");

    /** Whether the script declares a shebang, whether it says no-writes, or the error reply (without "ERR "). */
    record Result(boolean declared, boolean noWrites, String error) {}

    private static final Result NONE = new Result(false, false, null);

    private Shebang() {}

    static Result of(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return NONE;
        }
        int end = 0;
        while (end < body.length && body[end] != '\n') {
            end++;
        }
        if (end == body.length) {
            return new Result(true, false, "Invalid script shebang");
        }
        String[] parts = new String(body, 0, end, StandardCharsets.ISO_8859_1).trim().split("[ \t\r\f\u000B]+");
        if (!parts[0].equals("#!lua")) {
            return new Result(true, false, "Unexpected engine in script shebang: " + parts[0]);
        }
        boolean noWrites = false;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) {
                return new Result(true, false, "Unknown lua shebang option: " + parts[i]);
            }
            String list = parts[i].substring(6);
            for (String f : list.isEmpty() ? new String[0] : list.split(",", -1)) { // "flags=" alone: none
                if (!FLAGS.contains(f)) {
                    return new Result(true, false, "Unexpected flag in script shebang: " + f);
                }
                noWrites |= f.equals("no-writes");
            }
        }
        return new Result(true, noWrites, null);
    }
}

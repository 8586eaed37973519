package io.heliosdb.resp.scripting;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The flags of an EVAL script's "#!lua flags=..." shebang (Redis 7's evalExtractShebangFlags). A
 * script without a shebang runs in compatibility mode: writes allowed, OOM checked per command.
 */
record ScriptFlags(boolean compat, boolean noWrites, boolean allowOom) {
    static final ScriptFlags COMPAT = new ScriptFlags(true, false, false);
    private static final Set<String> KNOWN = Set.of("no-writes", "allow-oom", "allow-stale",
            "no-cluster", "allow-cross-slot-keys");

    /** A shebang Redis refuses; the message is its reply (without "ERR "). */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static ScriptFlags of(byte[] body) throws Invalid {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return COMPAT;
        }
        int nl = 0;
        while (nl < body.length && body[nl] != '\n') {
            nl++;
        }
        if (nl == body.length) {
            throw new Invalid("Invalid script shebang");
        }
        String[] parts = new String(body, 0, nl, StandardCharsets.UTF_8).trim().split("[ \t\r\f\u000b]+");
        if (!parts[0].equals("#!lua")) {
            throw new Invalid("Unexpected engine in script shebang: " + parts[0]);
        }
        boolean noWrites = false;
        boolean allowOom = false;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("flags=")) {
                throw new Invalid("Unknown lua shebang option: " + parts[i]);
            }
            String list = parts[i].substring(6);
            if (list.isEmpty()) {
                continue; // "flags=" declares none
            }
            for (String f : list.split(",", -1)) {
                if (!KNOWN.contains(f)) {
                    throw new Invalid("Unexpected flag in script shebang: " + f);
                }
                noWrites |= f.equals("no-writes");
                allowOom |= f.equals("allow-oom");
            }
        }
        return new ScriptFlags(false, noWrites, allowOom);
    }

    /** Shebang scripts declare their writes up front: without no-writes or allow-oom they are refused under OOM. */
    boolean denyOom() {
        return !compat && !noWrites && !allowOom;
    }

    boolean mayWrite() {
        return compat || !noWrites;
    }
}

package io.heliosdb.resp.config;

import io.heliosdb.runtime.config.ValueRule;
import java.util.Locale;
import java.util.Set;

/** Parameters whose text Redis checks before taking it (config.c's is_valid functions). */
public final class CheckedText {
    private static final int NET_HOST_STR_LEN = 256;
    /** proc-title-template's variables that expand to nothing on a standalone server started without a file. */
    private static final Set<String> EMPTY_VARIABLES = Set.of("title", "server-mode", "unixsocket", "config-file");
    private static final Set<String> VARIABLES = Set.of("title", "listen-addr", "server-mode", "port", "tls-port",
            "unixsocket", "config-file");

    private CheckedText() {}

    /** cluster-announce-hostname: isValidAnnouncedHostname. */
    public static ValueRule.Outcome hostname(String current, String raw) {
        if (raw.length() >= NET_HOST_STR_LEN) {
            return ValueRule.Outcome.refuse("Hostnames must be less than " + NET_HOST_STR_LEN + " characters");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return ValueRule.Outcome.refuse("Hostnames may only contain alphanumeric characters, hyphens or dots");
            }
        }
        return ValueRule.Outcome.accept(raw);
    }

    /** dbfilename: isValidDBfilename (a base name, no directory). */
    public static ValueRule.Outcome dbFilename(String current, String raw) {
        if (raw.indexOf('/') >= 0 || raw.indexOf('\\') >= 0) {
            return ValueRule.Outcome.refuse("dbfilename can't be a path, just a filename");
        }
        return ValueRule.Outcome.accept(raw);
    }

    /** activedefrag: a yes/no that Redis without its own jemalloc refuses to turn on (the Debian build's answer). */
    public static ValueRule.Outcome activeDefrag(String current, String raw) {
        String v = raw.toLowerCase(Locale.ROOT);
        if (!v.equals("yes") && !v.equals("no")) {
            return ValueRule.Outcome.refuse("argument must be 'yes' or 'no'");
        }
        if (v.equals("yes")) {
            return ValueRule.Outcome.refuse("Active defragmentation cannot be enabled: it requires a Redis server compiled "
                    + "with a modified Jemalloc like the one shipped by default with the Redis source distribution");
        }
        return ValueRule.Outcome.accept(v);
    }

    /**
     * proc-title-template: validateProcTitleTemplate, which expands the template ("{{" is a brace,
     * "{name}" a variable) and refuses an unknown variable, an unclosed one, or a title that is
     * empty once blanks are trimmed.
     */
    public static ValueRule.Outcome procTitle(String current, String raw) {
        boolean visible = false;
        int p = 0;
        while (p < raw.length()) {
            int open = raw.indexOf('{', p);
            if (open < 0) {
                visible |= shows(raw.substring(p));
                break;
            }
            visible |= shows(raw.substring(p, open));
            if (open + 1 >= raw.length()) {
                return badTemplate();
            }
            if (raw.charAt(open + 1) == '{') {
                visible = true;
                p = open + 2;
                continue;
            }
            int close = raw.indexOf('}', open + 1);
            if (close < 0) {
                return badTemplate();
            }
            String name = raw.substring(open + 1, close);
            if (!VARIABLES.contains(name)) {
                return badTemplate();
            }
            visible |= !EMPTY_VARIABLES.contains(name);
            p = close + 1;
        }
        return visible ? ValueRule.Outcome.accept(raw) : badTemplate();
    }

    /** Whether text survives Redis' sdstrim(title, " "), which trims spaces only. */
    private static boolean shows(String text) {
        return text.chars().anyMatch(c -> c != ' ');
    }

    private static ValueRule.Outcome badTemplate() {
        return ValueRule.Outcome.refuse("template format is invalid or contains unknown variables");
    }
}

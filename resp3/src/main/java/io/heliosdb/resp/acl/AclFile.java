package io.heliosdb.resp.acl;

import io.heliosdb.resp.command.CommandTable;
import io.heliosdb.resp.engine.ServerContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aclfile: written by ACL SAVE (ACL LIST's lines; temporary file, fsync, rename) and read at
 * start and by ACL LOAD as Redis 7.0's ACLLoadFromFile reads it: lines split at single spaces, every
 * line checked and all errors reported together, nothing changed when there is one.
 */
public final class AclFile {
    private static final String NO_CHANGE = "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

    private AclFile() {}

    static void save(ServerContext server, Path f) throws IOException {
        StringBuilder b = new StringBuilder();
        Acl.of(server).sorted().values().forEach(u -> b.append(u.describe(CommandTable.of(server))).append('\n'));
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.ISO_8859_1); // one char per byte
        try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Replaces every user with the file's; null, or the error (Redis' texts, "ERR " first). A missing
     * file is an error (ACL LOAD, as Redis), or no users but the default one ({@code missingIsEmpty}:
     * at start, where Redis would refuse to start).
     */
    public static String load(ServerContext server, Path f, boolean missingIsEmpty) {
        String text;
        try {
            if (!Files.exists(f) && !missingIsEmpty) {
                return "ERR Error loading ACLs, opening file '" + f + "': No such file or directory";
            }
            // one char per byte, as rules are held (AclUser)
            text = Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "ERR Error loading ACLs, opening file '" + f + "': " + e.getMessage();
        }
        StringBuilder errors = new StringBuilder();
        Map<String, AclUser> loaded = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = trim(lines[n - 1], " \t\r\n");
            if (!line.isEmpty()) {
                loadLine(server, f + ":" + n, n, line.split(" ", -1), loaded, errors);
            }
        }
        if (!errors.isEmpty()) {
            return "ERR " + errors + NO_CHANGE;
        }
        Acl.of(server).replaceAll(loaded);
        return null;
    }

    private static void loadLine(ServerContext server, String where, int n, String[] words, Map<String, AclUser> loaded,
                                 StringBuilder errors) {
        if (!words[0].equals("user") || words.length < 2) {
            errors.append(where).append(" should start with user keyword followed by the username. ");
            return;
        }
        String name = utf8(words[1]);
        if (AclSelector.hasSpaces(name)) {
            errors.append('\'').append(where).append(": username '").append(name).append("' contains invalid characters. ");
            return;
        }
        if (loaded.containsKey(name)) {
            errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(n).append(". ");
            return;
        }
        AclUser u = Acl.of(server).newUser(name);
        loaded.put(name, u);
        List<String> rules;
        try {
            rules = AclUser.mergeSelectors(List.of(words).subList(2, words.length));
        } catch (IllegalArgumentException unmatched) {
            errors.append(where).append(": Unmatched parenthesis in selector definition.");
            return;
        }
        for (String r : rules) {
            String rule = trim(r, "\t\r\n");
            if (rule.isEmpty()) {
                continue;
            }
            String why = u.apply(rule, CommandTable.of(server));
            if (why != null) {
                errors.append(where).append(": ").append(why).append(". ");
                return;
            }
        }
    }

    private static String utf8(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** Redis' sdstrim: drops the given characters at both ends. */
    private static String trim(String s, String chars) {
        int from = 0;
        int to = s.length();
        while (from < to && chars.indexOf(s.charAt(from)) >= 0) {
            from++;
        }
        while (to > from && chars.indexOf(s.charAt(to - 1)) >= 0) {
            to--;
        }
        return s.substring(from, to);
    }
}

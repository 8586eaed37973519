package io.heliosdb.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A config file in redis.conf syntax: one "name value..." per line, '#' comments, quoted words,
 * {@code include FILE} (relative to the including file). Every protocol's parameters live in the
 * same file.
 */
public final class ConfigFile {
    private ConfigFile() {}

    /** Why a file was refused: the file could not be read (line 0), or a line's parameter refused its value. */
    public record Problem(Path file, int line, String text, String reason) {}

    /** Applies the file to {@code config} as startup values. Returns the first problem, or null. */
    public static Problem load(ConfigRegistry config, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return new Problem(file, 0, "", e.getMessage());
        }
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = splitArgs(line);
            if (words.isEmpty()) {
                continue;
            }
            String name = words.get(0);
            String value = String.join(" ", words.subList(1, words.size()));
            if (name.equalsIgnoreCase("include")) {
                Problem p = load(config, file.resolveSibling(value));
                if (p != null) {
                    return p;
                }
                continue;
            }
            String err = config.setAtStartup(name, value);
            if (err != null) {
                return new Problem(file, n, line, err);
            }
        }
        return null;
    }

    /** redis.conf quoting: "double" with escapes, 'single', or bare words. */
    public static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    char e = line.charAt(++i);
                    cur.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                } else {
                    cur.append(c);
                }
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }
}

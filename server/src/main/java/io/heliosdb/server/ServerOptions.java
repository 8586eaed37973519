package io.heliosdb.server;

import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.runtime.config.ConfigRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the configuration: a redis.conf-syntax file ({@code --config FILE}) first, then command-line
 * flags, which win. Flags take Redis' parameter names ({@code --port 6380}, {@code --maxmemory 1gb})
 * plus the launcher's short names ({@code --dir}, {@code --shards}).
 */
public final class ServerOptions {
    private ServerOptions() {}

    public static ConfigRegistry parse(String[] argv) {
        ConfigRegistry config = ServerParameters.registry();
        List<String[]> flags = new ArrayList<>();
        String configFile = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new UsageException(usage());
            }
            if (!a.startsWith("--")) {
                if (i == 0 && configFile == null) {
                    configFile = a; // like redis-server: a bare first argument is the config file
                    continue;
                }
                throw new UsageException("unexpected argument '" + a + "'\n" + usage());
            }
            String name = a.substring(2);
            if (i + 1 >= argv.length) {
                throw new UsageException("option --" + name + " needs a value\n" + usage());
            }
            String value = argv[++i];
            if (name.equals("config")) {
                configFile = value;
            } else {
                flags.add(new String[]{name, value});
            }
        }
        if (configFile != null) {
            System.setProperty("heliosdb.config", Path.of(configFile).toAbsolutePath().toString());
            loadFile(config, Path.of(configFile));
        }
        for (String[] f : flags) {
            String err = config.setAtStartup(f[0], f[1]);
            if (err != null) {
                throw new UsageException("--" + f[0] + " " + f[1] + ": " + err);
            }
        }
        return config;
    }

    static void loadFile(ConfigRegistry config, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
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
                loadFile(config, file.resolveSibling(value));
                continue;
            }
            String err = config.setAtStartup(name, value);
            if (err != null) {
                throw new UsageException("*** FATAL CONFIG FILE ERROR (HeliosDB " + ServerContext.HELIOS_VERSION
                        + ") ***\nReading the configuration file, at line " + n + "\n>>> '" + line + "'\n" + err);
            }
        }
    }

    /** redis.conf quoting: "double" with escapes, 'single', or bare words. */
    static List<String> splitArgs(String line) {
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

    static String usage() {
        return """
                usage: ./heliosdb server [--port N] [--bind ADDR] [--dir PATH] [--shards N] [--config FILE]
                                         [--requirepass PW] [--transport auto|io_uring|epoll|nio] [--<redis-option> VALUE]...
                A config file uses redis.conf syntax (one 'name value' per line); flags override it.""";
    }

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}

package io.heliosdb.server;

import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.runtime.config.ConfigFile;
import io.heliosdb.runtime.config.ConfigRegistry;
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
        ConfigFile.Problem p = ConfigFile.load(config, file);
        if (p == null) {
            return;
        }
        if (p.line() == 0) {
            throw new UsageException("cannot read config file " + p.file() + ": " + p.reason());
        }
        throw new UsageException("*** FATAL CONFIG FILE ERROR (HeliosDB " + ServerContext.HELIOS_VERSION
                + ") ***\nReading the configuration file, at line " + p.line() + "\n>>> '" + p.text() + "'\n" + p.reason());
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

package io.heliosdb.resp.engine;

import io.heliosdb.resp.command.Json;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.runtime.config.MemoryText;
import io.heliosdb.runtime.config.ValueRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redis' configuration parameters, under Redis' names, registered in the shared registry.
 * Parameters that only tune Redis internals (encoding thresholds and the like) are accepted,
 * validated, stored and reported, because tools and scripts set them. The server registers its
 * own (port, dir, shards, lsm-*, ...) first (the server module's ServerParameters).
 */
public final class RespParameters {
    private static final long LONG_MAX = Long.MAX_VALUE;

    private RespParameters() {}

    public static void register(ConfigRegistry r) {
        network(r);
        memoryAndPersistence(r);
        encodings(r);
        monitoring(r);
        r.custom("client-output-buffer-limit", true, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                OutputLimitsText::merge);
        remaining(r);
    }

    /** Network and clients. */
    private static void network(ConfigRegistry r) {
        r.string("requirepass", true, "");
        r.integer("timeout", true, "0", 0, Integer.MAX_VALUE);
        r.integer("tcp-keepalive", true, "300", 0, Integer.MAX_VALUE);
        r.integer("tcp-backlog", false, "511", 0, Integer.MAX_VALUE);
        r.integer("maxclients", true, "10000", 1, Integer.MAX_VALUE);
        r.bool("protected-mode", true, "yes");
        r.memory("proto-max-bulk-len", true, "536870912", 1024 * 1024, LONG_MAX);
        r.memory("client-query-buffer-limit", true, "1073741824", 1024 * 1024, LONG_MAX);
        r.integer("databases", false, "16", 1, Integer.MAX_VALUE);
        r.choice("enable-debug-command", false, "no", List.of("no", "yes", "local")); // Redis 7 default: DEBUG SLEEP can stop a shard
        r.choice("enable-module-command", false, "no", List.of("no", "yes", "local"));
        r.string("unixsocket", false, "");
        r.bool("daemonize", false, "no");
        r.choice("supervised", false, "no", List.of("upstart", "systemd", "auto", "no"));
        r.string("pidfile", false, "");
        r.integer("io-threads", false, "1", 1, 128);
    }

    /** Memory and persistence (beyond the server's own). */
    private static void memoryAndPersistence(ConfigRegistry r) {
        r.choice("maxmemory-policy", true, "noeviction", List.of("volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        r.integer("maxmemory-samples", true, "5", 1, 64);
        r.integer("maxmemory-eviction-tenacity", true, "10", 0, 100);
        r.integer("lfu-log-factor", true, "10", 0, Integer.MAX_VALUE);
        r.integer("lfu-decay-time", true, "1", 0, Integer.MAX_VALUE);
        r.string("dbfilename", true, "dump.rdb");
        r.string("save", true, "");
        r.string("appendfilename", false, "appendonly.aof");
        r.string("appenddirname", false, "appendonlydir");
        r.bool("no-appendfsync-on-rewrite", true, "no");
        r.integer("auto-aof-rewrite-percentage", true, "100", 0, Integer.MAX_VALUE);
        r.memory("auto-aof-rewrite-min-size", true, "67108864", 0, LONG_MAX);
        r.bool("rdbcompression", true, "yes");
        r.bool("rdbchecksum", true, "yes");
        r.bool("stop-writes-on-bgsave-error", true, "yes");
        r.bool("lazyfree-lazy-eviction", true, "no");
        r.bool("lazyfree-lazy-expire", true, "no");
        r.bool("lazyfree-lazy-server-del", true, "no");
        r.bool("lazyfree-lazy-user-del", true, "no");
        r.bool("lazyfree-lazy-user-flush", true, "no");
        r.bool("activerehashing", true, "yes");
        r.integer("active-expire-effort", true, "1", 1, 10);
        r.integer("hz", true, "10", 0, Integer.MAX_VALUE); // stored clamped to 1..500, as Redis' updateHZ does
        r.bool("dynamic-hz", true, "yes");
    }

    /** Encoding thresholds (reported by OBJECT ENCODING; accepted for compatibility). */
    private static void encodings(ConfigRegistry r) {
        r.integer("hash-max-listpack-entries", true, "512", 0, LONG_MAX); // 7.0's compiled default (redis.conf says 128)
        r.memory("hash-max-listpack-value", true, "64", 0, LONG_MAX); // MEMORY_CONFIG in Redis: "1kb" works
        r.integer("list-max-listpack-size", true, "-2", Integer.MIN_VALUE, Integer.MAX_VALUE);
        r.integer("list-compress-depth", true, "0", 0, Integer.MAX_VALUE);
        r.integer("set-max-intset-entries", true, "512", 0, LONG_MAX);
        r.integer("zset-max-listpack-entries", true, "128", 0, LONG_MAX);
        r.memory("zset-max-listpack-value", true, "64", 0, LONG_MAX);
        r.memory("hll-sparse-max-bytes", true, "3000", 0, LONG_MAX);
        r.memory("stream-node-max-bytes", true, "4096", 0, LONG_MAX);
        r.integer("stream-node-max-entries", true, "100", 0, LONG_MAX);
        r.alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
        r.alias("hash-max-ziplist-value", "hash-max-listpack-value");
        r.alias("list-max-ziplist-size", "list-max-listpack-size");
        r.alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
        r.alias("zset-max-ziplist-value", "zset-max-listpack-value");
    }

    /** Monitoring, scripting, ACL and the rest typed by hand. */
    private static void monitoring(ConfigRegistry r) {
        r.integer("slowlog-log-slower-than", true, "10000", -1, LONG_MAX);
        r.integer("slowlog-max-len", true, "128", 0, LONG_MAX);
        r.integer("latency-monitor-threshold", true, "0", 0, LONG_MAX);
        r.bool("latency-tracking", true, "yes");
        r.string("notify-keyspace-events", true, "");
        r.choice("acl-pubsub-default", true, "resetchannels", List.of("allchannels", "resetchannels"));
        r.integer("tracking-table-max-keys", true, "1000000", 0, LONG_MAX);
        r.choice("loglevel", true, "notice", List.of("debug", "verbose", "notice", "warning")); // "nothing" came in 7.2
        r.string("logfile", false, "");
        r.integer("lua-time-limit", true, "5000", 0, LONG_MAX);
        r.alias("busy-reply-threshold", "lua-time-limit");
        r.bool("cluster-enabled", false, "no");
        r.integer("watchdog-period", true, "0", 0, Integer.MAX_VALUE); // ms; Redis logs a blocked loop's stack past it
        r.bool("replica-read-only", true, "yes");
        r.alias("slave-read-only", "replica-read-only");
        r.string("aclfile", false, "");
    }

    /**
     * client-output-buffer-limit as Redis' setConfigClientOutputBufferLimitOption takes it: groups of
     * "class hard soft seconds", all checked before any applies, merged into the current limits,
     * and shown as all three classes with the sizes in bytes.
     */
    static final class OutputLimitsText {
        private static final String[] CLASSES = {"normal", "slave", "pubsub"};

        /** The new value, or why the text is refused. */
        static ValueRule.Outcome merge(String current, String raw) {
            long[][] limits = new long[3][3];
            if (current != null) {
                String[] c = current.trim().split("\\s+");
                for (int i = 0; i + 3 < c.length; i += 4) {
                    int k = classOf(c[i]);
                    limits[k] = new long[]{Long.parseUnsignedLong(c[i + 1]), Long.parseUnsignedLong(c[i + 2]), Long.parseLong(c[i + 3])};
                }
            }
            String trimmed = raw.trim();
            String[] a = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
            if (a.length % 4 != 0) {
                return ValueRule.Outcome.refuse("Wrong number of arguments in buffer limit configuration.");
            }
            long[][] given = new long[a.length / 4][];
            int[] classes = new int[a.length / 4];
            for (int j = 0; j < a.length; j += 4) {
                int k = classOf(a[j]);
                if (k < 0) {
                    return ValueRule.Outcome.refuse("Invalid client class specified in buffer limit configuration.");
                }
                boolean[] hardErr = new boolean[1];
                boolean[] softErr = new boolean[1];
                long hard = MemoryText.memtoull(a[j + 1], hardErr);
                long soft = MemoryText.memtoull(a[j + 2], softErr);
                Long seconds = strtoll(a[j + 3]);
                if (hardErr[0] || softErr[0] || seconds == null || seconds < 0) {
                    return ValueRule.Outcome.refuse("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
                }
                classes[j / 4] = k;
                given[j / 4] = new long[]{hard, soft, seconds};
            }
            for (int g = 0; g < given.length; g++) {
                limits[classes[g]] = given[g];
            }
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                if (k > 0) {
                    b.append(' ');
                }
                b.append(CLASSES[k]).append(' ').append(Long.toUnsignedString(limits[k][0])).append(' ')
                        .append(Long.toUnsignedString(limits[k][1])).append(' ').append(limits[k][2]);
            }
            return ValueRule.Outcome.accept(b.toString());
        }

        private static int classOf(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "normal" -> 0;
                case "slave", "replica" -> 1;
                case "pubsub" -> 2;
                default -> -1; // "master" too: Redis refuses a limit for it
            };
        }

        /** C's strtoll to the end of the text: blanks, a sign, digits (none reads as 0); null if anything follows. */
        private static Long strtoll(String s) {
            int i = 0;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            boolean neg = false;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                neg = s.charAt(i) == '-';
                i++;
            }
            int digits = i;
            long v = 0;
            boolean saturated = false;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                int d = s.charAt(i) - '0';
                if (!saturated && v > (Long.MAX_VALUE - d) / 10) {
                    saturated = true; // strtoll clamps (ERANGE, unchecked by Redis); the digits still have to be digits
                }
                if (!saturated) {
                    v = v * 10 + d;
                }
                i++;
            }
            if (i != s.length()) {
                return null;
            }
            if (i == digits) {
                return 0L;
            }
            if (saturated) {
                return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return neg ? -v : v;
        }
    }

    /**
     * Every other parameter of Redis 7.0 (names and defaults captured from redis-server's CONFIG GET
     * *, see tools/capture-redis-command-table.sh), so that tools and scripts that set them work:
     * they are accepted, validated by the type their default implies, stored and reported.
     */
    @SuppressWarnings("unchecked")
    private static void remaining(ConfigRegistry r) {
        String json;
        try (var in = RespParameters.class.getResourceAsStream("redis-7.0-config-defaults.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing redis-7.0-config-defaults.json", e);
        }
        var defaults = (Map<String, Object>) Json.parse(json);
        for (Map.Entry<String, Object> e : new TreeMap<>(defaults).entrySet()) {
            String name = e.getKey();
            String value = String.valueOf(e.getValue());
            if (r.known(name)) {
                continue; // typed by hand (and instance values such as port or dir are not defaults)
            }
            if (value.equals("yes") || value.equals("no")) {
                r.bool(name, true, value);
            } else if (value.matches("-\\d+")) {
                r.integer(name, true, value, Long.MIN_VALUE, Long.MAX_VALUE);
            } else if (value.matches("\\d+")) {
                r.memory(name, true, value, 0, Long.MAX_VALUE); // numbers, with or without units
            } else {
                r.string(name, true, value);
            }
        }
    }

}

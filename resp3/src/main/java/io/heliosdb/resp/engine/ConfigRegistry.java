package io.heliosdb.resp.engine;

import io.heliosdb.memory.GlobMatcher;
import io.heliosdb.resp.command.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runtime configuration under Redis' parameter names, shared by the config file, command-line
 * flags and CONFIG GET/SET. Parameters that only tune Redis internals (encoding thresholds and the
 * like) are accepted, validated, stored and reported, because tools and scripts set them.
 */
public final class ConfigRegistry {
    public enum Type { BOOL, INT, MEMORY, ENUM, STRING, OUTPUT_LIMITS }

    public static final class Param {
        final String name;
        final Type type;
        final boolean mutable;
        final long min;
        final long max;
        final List<String> choices;
        volatile String value;
        volatile long number;

        Param(String name, Type type, boolean mutable, String defaultValue, long min, long max, List<String> choices) {
            this.name = name;
            this.type = type;
            this.mutable = mutable;
            this.min = min;
            this.max = max;
            this.choices = choices;
            String err = assign(defaultValue);
            assert err == null : name + ": bad default " + defaultValue + ": " + err;
        }

        String assign(String raw) {
            switch (type) {
                case BOOL -> {
                    String v = raw.toLowerCase(Locale.ROOT);
                    if (!v.equals("yes") && !v.equals("no")) {
                        return "argument must be 'yes' or 'no'";
                    }
                    value = v;
                    number = v.equals("yes") ? 1 : 0;
                }
                case INT -> {
                    long n;
                    try {
                        if (!raw.matches("0|-?[1-9][0-9]*")) { // string2ll: no '+', spaces, leading zeros or "-0"
                            throw new NumberFormatException(raw);
                        }
                        n = Long.parseLong(raw);
                    } catch (NumberFormatException e) {
                        return "argument couldn't be parsed into an integer";
                    }
                    if (n < min || n > max) {
                        return "argument must be between " + min + " and " + max + " inclusive";
                    }
                    number = n;
                    value = Long.toString(n);
                }
                case MEMORY -> {
                    boolean[] err = new boolean[1];
                    long n = memtoull(raw, err);
                    if (err[0]) {
                        return "argument must be a memory value";
                    }
                    // compared unsigned: a value past a long's range is refused unless the bound is unsigned too
                    if (Long.compareUnsigned(n, max) > 0 || (min > 0 && Long.compareUnsigned(n, min) < 0)) {
                        return "argument must be between " + min + " and " + max + " inclusive";
                    }
                    number = n < 0 ? Long.MAX_VALUE : n; // past a long's range: as good as no limit
                    value = Long.toUnsignedString(n);
                }
                case ENUM -> {
                    String v = raw.toLowerCase(Locale.ROOT);
                    if (!choices.contains(v)) {
                        return "argument(s) must be one of the following: " + String.join(", ", choices);
                    }
                    value = v;
                }
                case STRING -> value = raw;
                case OUTPUT_LIMITS -> {
                    String merged = OutputLimitsText.merge(value, raw);
                    if (merged.startsWith("!")) {
                        return merged.substring(1);
                    }
                    value = merged;
                }
            }
            return null;
        }

        public String name() {
            return name;
        }

        public String value() {
            return value;
        }

        public long number() {
            return number;
        }
    }

    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();

    /**
     * One shard per core; on a machine with two cores or fewer, one shard: the log syncers and the
     * storage engine's flushes and compactions need a core too (measured on 2 cores: one shard is
     * faster in every side-by-side benchmark, perf-reports/durability and redis-side-by-side).
     */
    static int defaultShards(int cores) {
        return cores <= 2 ? 1 : cores;
    }

    public ConfigRegistry() {
        long maxLong = Long.MAX_VALUE;
        // Network and clients.
        add("port", Type.INT, false, "6379", 0, 65535);
        add("bind", Type.STRING, false, "127.0.0.1");
        add("requirepass", Type.STRING, true, "");
        add("timeout", Type.INT, true, "0", 0, Integer.MAX_VALUE);
        add("tcp-keepalive", Type.INT, true, "300", 0, Integer.MAX_VALUE);
        add("tcp-backlog", Type.INT, false, "511", 0, Integer.MAX_VALUE);
        add("maxclients", Type.INT, true, "10000", 1, Integer.MAX_VALUE);
        add("protected-mode", Type.BOOL, true, "yes");
        add("proto-max-bulk-len", Type.MEMORY, true, "536870912", 1024 * 1024, maxLong);
        add("client-query-buffer-limit", Type.MEMORY, true, "1073741824", 1024 * 1024, maxLong);
        add("databases", Type.INT, false, "16", 1, Integer.MAX_VALUE);
        add("enable-debug-command", Type.ENUM, false, "no", List.of("no", "yes", "local")); // Redis 7 default: DEBUG SLEEP can stop a shard
        add("enable-module-command", Type.ENUM, false, "no", List.of("no", "yes", "local"));
        add("unixsocket", Type.STRING, false, "");
        add("daemonize", Type.BOOL, false, "no");
        add("supervised", Type.ENUM, false, "no", List.of("upstart", "systemd", "auto", "no"));
        add("pidfile", Type.STRING, false, "");
        add("io-threads", Type.INT, false, "1", 1, 128);
        // Memory and persistence.
        add("maxmemory", Type.MEMORY, true, "0", 0, -1L); // -1: unsigned, up to 2^64-1, as Redis' unsigned long long
        add("maxmemory-policy", Type.ENUM, true, "noeviction", List.of("volatile-lru", "volatile-lfu", "volatile-random",
                "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"));
        add("maxmemory-samples", Type.INT, true, "5", 1, 64);
        add("maxmemory-eviction-tenacity", Type.INT, true, "10", 0, 100);
        add("lfu-log-factor", Type.INT, true, "10", 0, Integer.MAX_VALUE);
        add("lfu-decay-time", Type.INT, true, "1", 0, Integer.MAX_VALUE);
        add("dir", Type.STRING, true, "./data");
        add("dbfilename", Type.STRING, true, "dump.rdb");
        add("save", Type.STRING, true, "");
        // Persistence is on by default (the LSM engine under the data dir); "no" gives a pure in-memory
        // server. Fixed at start: switching a running server between the two is not supported yet.
        add("appendonly", Type.BOOL, false, "yes");
        add("appendfsync", Type.ENUM, true, "everysec", List.of("always", "everysec", "no"));
        add("appendfilename", Type.STRING, false, "appendonly.aof");
        add("appenddirname", Type.STRING, false, "appendonlydir");
        add("no-appendfsync-on-rewrite", Type.BOOL, true, "no");
        add("auto-aof-rewrite-percentage", Type.INT, true, "100", 0, Integer.MAX_VALUE);
        add("auto-aof-rewrite-min-size", Type.MEMORY, true, "67108864", 0, maxLong);
        add("rdbcompression", Type.BOOL, true, "yes");
        add("rdbchecksum", Type.BOOL, true, "yes");
        add("stop-writes-on-bgsave-error", Type.BOOL, true, "yes");
        add("lazyfree-lazy-eviction", Type.BOOL, true, "no");
        add("lazyfree-lazy-expire", Type.BOOL, true, "no");
        add("lazyfree-lazy-server-del", Type.BOOL, true, "no");
        add("lazyfree-lazy-user-del", Type.BOOL, true, "no");
        add("lazyfree-lazy-user-flush", Type.BOOL, true, "no");
        add("activerehashing", Type.BOOL, true, "yes");
        add("active-expire-effort", Type.INT, true, "1", 1, 10);
        add("hz", Type.INT, true, "10", 0, Integer.MAX_VALUE); // stored clamped to 1..500, as Redis' updateHZ does
        add("dynamic-hz", Type.BOOL, true, "yes");
        // Encoding thresholds (reported by OBJECT ENCODING; accepted for compatibility).
        add("hash-max-listpack-entries", Type.INT, true, "512", 0, maxLong); // 7.0's compiled default (redis.conf says 128)
        add("hash-max-listpack-value", Type.MEMORY, true, "64", 0, maxLong); // MEMORY_CONFIG in Redis: "1kb" works
        add("list-max-listpack-size", Type.INT, true, "-2", Integer.MIN_VALUE, Integer.MAX_VALUE);
        add("list-compress-depth", Type.INT, true, "0", 0, Integer.MAX_VALUE);
        add("set-max-intset-entries", Type.INT, true, "512", 0, maxLong);
        add("zset-max-listpack-entries", Type.INT, true, "128", 0, maxLong);
        add("zset-max-listpack-value", Type.MEMORY, true, "64", 0, maxLong);
        add("hll-sparse-max-bytes", Type.MEMORY, true, "3000", 0, maxLong);
        add("stream-node-max-bytes", Type.MEMORY, true, "4096", 0, maxLong);
        add("stream-node-max-entries", Type.INT, true, "100", 0, maxLong);
        alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
        alias("hash-max-ziplist-value", "hash-max-listpack-value");
        alias("list-max-ziplist-size", "list-max-listpack-size");
        alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
        alias("zset-max-ziplist-value", "zset-max-listpack-value");
        // Monitoring.
        add("slowlog-log-slower-than", Type.INT, true, "10000", -1, maxLong);
        add("slowlog-max-len", Type.INT, true, "128", 0, maxLong);
        add("latency-monitor-threshold", Type.INT, true, "0", 0, maxLong);
        add("latency-tracking", Type.BOOL, true, "yes");
        add("notify-keyspace-events", Type.STRING, true, "");
        add("acl-pubsub-default", Type.ENUM, true, "resetchannels", List.of("allchannels", "resetchannels"));
        add("tracking-table-max-keys", Type.INT, true, "1000000", 0, maxLong);
        add("loglevel", Type.ENUM, true, "notice", List.of("debug", "verbose", "notice", "warning", "nothing"));
        add("logfile", Type.STRING, false, "");
        add("lua-time-limit", Type.INT, true, "5000", 0, maxLong);
        alias("busy-reply-threshold", "lua-time-limit");
        add("cluster-enabled", Type.BOOL, false, "no");
        add("watchdog-period", Type.INT, true, "0", 0, Integer.MAX_VALUE); // ms; Redis logs a blocked loop's stack past it
        add("replica-read-only", Type.BOOL, true, "yes");
        alias("slave-read-only", "replica-read-only");
        add("aclfile", Type.STRING, false, "");
        // HeliosDB's own settings.
        add("shards", Type.INT, false, Integer.toString(defaultShards(Runtime.getRuntime().availableProcessors())), 1, 1024);
        add("transport", Type.ENUM, false, "auto", List.of("auto", "io_uring", "epoll", "nio"));
        add("cpu-affinity", Type.BOOL, false, "no"); // pin only on a machine the server has to itself
        // ms one command or task may keep a shard's loop before the watchdog logs it (0 = off)
        add("shard-watchdog-threshold", Type.INT, true, "1000", 0, Integer.MAX_VALUE);
        add("lsm-memtable-size", Type.MEMORY, false, "32mb", 1024 * 1024, maxLong); // per shard
        add("lsm-block-cache-size", Type.MEMORY, false, "64mb", 0, maxLong); // per shard
        add("lsm-compaction-rate", Type.MEMORY, false, "0", 0, maxLong); // bytes/s per shard, 0 = unlimited
        add("lsm-wal-preallocate", Type.MEMORY, false, "40mb", 0, maxLong); // zero-filled log segments, 0 = off
        add("client-output-buffer-limit", Type.OUTPUT_LIMITS, true, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
        addRemainingRedisParameters();
    }

    /**
     * client-output-buffer-limit as Redis' setConfigClientOutputBufferLimitOption takes it: groups of
     * "class hard soft seconds", all checked before any applies, merged into the current limits,
     * and shown as all three classes with the sizes in bytes.
     */
    static final class OutputLimitsText {
        private static final String[] CLASSES = {"normal", "slave", "pubsub"};

        /** The new value, or "!" and the error. */
        static String merge(String current, String raw) {
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
                return "!Wrong number of arguments in buffer limit configuration.";
            }
            long[][] given = new long[a.length / 4][];
            int[] classes = new int[a.length / 4];
            for (int j = 0; j < a.length; j += 4) {
                int k = classOf(a[j]);
                if (k < 0) {
                    return "!Invalid client class specified in buffer limit configuration.";
                }
                boolean[] hardErr = new boolean[1];
                boolean[] softErr = new boolean[1];
                long hard = memtoull(a[j + 1], hardErr);
                long soft = memtoull(a[j + 2], softErr);
                Long seconds = strtoll(a[j + 3]);
                if (hardErr[0] || softErr[0] || seconds == null || seconds < 0) {
                    return "!Error in hard, soft or soft_seconds setting in buffer limit configuration.";
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
            return b.toString();
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
    private void addRemainingRedisParameters() {
        String json;
        try (var in = ConfigRegistry.class.getResourceAsStream("redis-7.0-config-defaults.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing redis-7.0-config-defaults.json", e);
        }
        var defaults = (Map<String, Object>) Json.parse(json);
        for (Map.Entry<String, Object> e : new TreeMap<>(defaults).entrySet()) {
            String name = e.getKey();
            String value = String.valueOf(e.getValue());
            if (params.containsKey(name) || aliases.containsKey(name)) {
                continue; // typed by hand above (and instance values such as port or dir are not defaults)
            }
            if (value.equals("yes") || value.equals("no")) {
                add(name, Type.BOOL, true, value);
            } else if (value.matches("-\\d+")) {
                add(name, Type.INT, true, value, Long.MIN_VALUE, Long.MAX_VALUE);
            } else if (value.matches("\\d+")) {
                add(name, Type.MEMORY, true, value, 0, Long.MAX_VALUE); // numbers, with or without units
            } else {
                add(name, Type.STRING, true, value);
            }
        }
    }

    private void add(String name, Type type, boolean mutable, String def) {
        params.put(name, new Param(name, type, mutable, def, Long.MIN_VALUE, Long.MAX_VALUE, List.of()));
    }

    private void add(String name, Type type, boolean mutable, String def, long min, long max) {
        params.put(name, new Param(name, type, mutable, def, min, max, List.of()));
    }

    private void add(String name, Type type, boolean mutable, String def, List<String> choices) {
        params.put(name, new Param(name, type, mutable, def, 0, 0, choices));
    }

    private void alias(String alias, String name) {
        aliases.put(alias, name);
    }

    public Param param(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return params.get(aliases.getOrDefault(n, n));
    }

    public String get(String name) {
        Param p = param(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown config " + name);
        }
        return p.value;
    }

    public long number(String name) {
        return param(name).number;
    }

    public boolean bool(String name) {
        return param(name).number != 0;
    }

    /**
     * Sets one parameter as the config file or a flag does (immutable ones allowed). Returns an
     * error text, or null on success.
     */
    public String setAtStartup(String name, String value) {
        Param p = param(name);
        if (p == null) {
            return "Bad directive or wrong number of arguments";
        }
        return p.assign(value);
    }

    /**
     * CONFIG SET of several pairs, all or nothing, with Redis' error texts. Returns null on success.
     */
    public synchronized String setAtRuntime(List<String[]> pairs) {
        // configSetCommand: one pass in order; the first unknown, immutable or repeated name is the
        // error, named as the client typed it (an alias and its parameter are two names in 7.0).
        Set<String> seen = new HashSet<>();
        for (String[] pair : pairs) {
            Param p = param(pair[0]);
            if (p == null) {
                return "ERR Unknown option or number of arguments for CONFIG SET - '" + pair[0] + "'";
            }
            if (!p.mutable) {
                return "ERR CONFIG SET failed (possibly related to argument '" + pair[0] + "') - can't set immutable config";
            }
            if (!seen.add(pair[0].toLowerCase(Locale.ROOT))) {
                return "ERR CONFIG SET failed (possibly related to argument '" + pair[0] + "') - duplicate parameter";
            }
        }
        Map<Param, String> previous = new LinkedHashMap<>();
        for (String[] pair : pairs) {
            Param p = param(pair[0]);
            previous.putIfAbsent(p, p.value);
            String err = p.assign(pair[1]);
            if (err != null) {
                previous.forEach(Param::assign); // roll back what was applied
                return failed(pair[0], err);
            }
        }
        return null;
    }

    private static String failed(String name, String why) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name.toLowerCase(Locale.ROOT) + "') - " + why;
    }

    /**
     * CONFIG GET as Redis 7.0's configGetCommand answers it: a pattern without {@code [*?} is looked
     * up directly (case-insensitively) and answered under the name as typed; any other is matched
     * against every name and alias. A parameter already answered (under any spelling) is not
     * repeated. The pattern is not lower-cased: matching is case-insensitive already, except an
     * escaped character inside [...], which util.c's stringmatchlen compares exactly.
     */
    public Map<String, String> matching(List<String> patterns) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String pat : patterns) {
            if (pat.indexOf('[') < 0 && pat.indexOf('*') < 0 && pat.indexOf('?') < 0) {
                Param p = param(pat);
                if (p != null && seen.add(pat.toLowerCase(Locale.ROOT))) {
                    out.put(pat, p.value);
                }
                continue;
            }
            for (Param p : params.values()) {
                if (GlobMatcher.matches(pat, p.name, true) && seen.add(p.name)) {
                    out.put(p.name, p.value);
                }
            }
            for (Map.Entry<String, String> a : aliases.entrySet()) {
                if (GlobMatcher.matches(pat, a.getKey(), true) && seen.add(a.getKey())) {
                    out.put(a.getKey(), params.get(a.getValue()).value);
                }
            }
        }
        return out;
    }

    /** Redis' memtoll: a number with optional unit b, k, kb, m, mb, g, gb (case-insensitive). -1 if invalid. */
    /**
     * Redis' memtoull: digits, then nothing or one unit (b, k, kb, m, mb, g, gb, any case); no sign,
     * no spaces; no digits at all reads as 0 ("kb" is 0). -1 when invalid or too large.
     */
    public static long parseMemory(String raw) {
        boolean[] err = new boolean[1];
        long v = memtoull(raw, err);
        return err[0] || v < 0 ? -1 : v;
    }

    /**
     * Redis' memtoull: digits and an optional unit (b, k, kb, m, mb, g, gb, any case). Digits past an
     * unsigned 64-bit value read as its maximum (strtoull's ERANGE is not checked) and the product
     * with the unit wraps, as in C. The result is unsigned, in a long's bits; {@code err[0]} is set
     * when the text is not a number.
     */
    public static long memtoull(String raw, boolean[] err) {
        int nul = raw.indexOf('\0');
        if (nul >= 0) {
            raw = raw.substring(0, nul); // memtoull reads a C string
        }
        int u = 0;
        while (u < raw.length() && raw.charAt(u) >= '0' && raw.charAt(u) <= '9') {
            u++;
        }
        long mul = switch (raw.substring(u).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000_000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000_000_000L;
            case "gb" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (mul < 0 || u >= 128) {
            err[0] = true;
            return 0;
        }
        err[0] = false;
        if (u == 0) {
            return 0;
        }
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        BigInteger v = new BigInteger(raw.substring(0, u)).min(max);
        return v.multiply(BigInteger.valueOf(mul)).longValue(); // the low 64 bits: C's wrapping product
    }

}

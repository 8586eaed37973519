package io.heliosdb.resp.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heliosdb.resp.config.ApplyLimits;
import io.heliosdb.resp.config.CheckedText;
import io.heliosdb.resp.config.MaxmemoryClientsText;
import io.heliosdb.resp.config.OomScoreText;
import io.heliosdb.resp.config.OutputLimitsText;
import io.heliosdb.resp.config.PercentilesText;
import io.heliosdb.resp.config.SaveText;
import io.heliosdb.resp.config.ShutdownSignalText;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.runtime.config.ParamType;
import io.heliosdb.runtime.config.ValueRule;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis' configuration parameters, under Redis' names, registered in the shared registry with
 * Redis 7.0's types, bounds and mutability (config.c's table). Parameters that only tune Redis
 * internals (encoding thresholds and the like) are accepted, validated, stored and reported,
 * because tools and scripts set them. The server registers its own (port, dir, shards, lsm-*, ...)
 * first (the server module's ServerParameters).
 */
public final class RespParameters {
    private static final boolean MUTABLE = true;
    private static final boolean IMMUTABLE = false;
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final long UINT_MAX = 0xFFFF_FFFFL;
    private static final long LONG_MAX = Long.MAX_VALUE;

    private RespParameters() {}

    public static void register(ConfigRegistry r) {
        network(r);
        memoryAndPersistence(r);
        encodings(r);
        monitoring(r);
        special(r);
        hidden(r);
        remaining(r);
    }

    /** Network and clients. */
    private static void network(ConfigRegistry r) {
        r.string("requirepass", true, "");
        r.integer("timeout", true, "0", 0, Integer.MAX_VALUE);
        r.integer("tcp-keepalive", true, "300", 0, Integer.MAX_VALUE);
        r.integer("tcp-backlog", false, "511", 0, Integer.MAX_VALUE);
        r.integer("maxclients", true, "10000", 1, UINT_MAX);
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
        r.integer("maxmemory-samples", true, "5", 1, INT_MAX); // eviction samples at most 64 of them
        r.integer("maxmemory-eviction-tenacity", true, "10", 0, 100);
        r.integer("lfu-log-factor", true, "10", 0, Integer.MAX_VALUE);
        r.integer("lfu-decay-time", true, "1", 0, Integer.MAX_VALUE);
        r.custom("dbfilename", true, "dump.rdb", CheckedText::dbFilename).protect("dbfilename");
        r.string("appendfilename", false, "appendonly.aof");
        r.string("appenddirname", false, "appendonlydir");
        r.bool("no-appendfsync-on-rewrite", true, "no");
        r.integer("auto-aof-rewrite-percentage", true, "100", 0, Integer.MAX_VALUE);
        r.memory("auto-aof-rewrite-min-size", true, "67108864", 0, LONG_MAX);
        r.bool("rdbcompression", true, "yes");
        r.bool("rdbchecksum", false, "yes");
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
        r.choice("acl-pubsub-default", true, "resetchannels", List.of("allchannels", "resetchannels"));
        r.integer("tracking-table-max-keys", true, "1000000", 0, LONG_MAX);
        r.choice("loglevel", true, "notice", List.of("debug", "verbose", "notice", "warning")); // "nothing" came in 7.2
        r.string("logfile", false, "");
        r.integer("lua-time-limit", true, "5000", 0, LONG_MAX);
        r.alias("busy-reply-threshold", "lua-time-limit");
        r.bool("cluster-enabled", false, "no");
        r.integer("watchdog-period", true, "0", 0, Integer.MAX_VALUE).hide("watchdog-period"); // ms; Redis logs a blocked loop's stack past it
        r.bool("replica-read-only", true, "yes");
        r.alias("slave-read-only", "replica-read-only");
        r.string("aclfile", false, "");
    }

    /** Redis' HIDDEN_CONFIG debugging parameters (left out of CONFIG GET *, which the captured defaults come from). */
    private static void hidden(ConfigRegistry r) {
        r.integer("rdb-key-save-delay", true, "0", Integer.MIN_VALUE, INT_MAX).hide("rdb-key-save-delay");
        r.integer("key-load-delay", true, "0", Integer.MIN_VALUE, INT_MAX).hide("key-load-delay");
        r.bool("use-exit-on-panic", true, "no").hide("use-exit-on-panic");
        r.integer("loading-process-events-interval-bytes", true, "2097152", 1024, INT_MAX)
                .hide("loading-process-events-interval-bytes");
    }

    /** Redis' special and validated parameters: texts with their own syntax or checks. */
    private static void special(ConfigRegistry r) {
        r.custom("client-output-buffer-limit", true, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
                OutputLimitsText::merge);
        r.custom("save", true, "", SaveText::check);
        r.custom("notify-keyspace-events", true, "", RespParameters::notifyEvents);
        r.custom("oom-score-adj-values", true, "0 200 800", OomScoreText::check);
        r.custom("latency-tracking-info-percentiles", true, "50 99 99.9", PercentilesText::check);
        r.custom("maxmemory-clients", true, "0", MaxmemoryClientsText::check);
        r.custom("shutdown-on-sigint", true, "default", ShutdownSignalText::check);
        r.custom("shutdown-on-sigterm", true, "default", ShutdownSignalText::check);
        r.custom("activedefrag", true, "no", CheckedText::activeDefrag);
        r.custom("cluster-announce-hostname", true, "", CheckedText::hostname);
        r.custom("proc-title-template", true, "{title} {listen-addr} {server-mode}", CheckedText::procTitle);
        r.custom("oom-score-adj", true, "no", ApplyLimits::oomScoreAdj);
        r.custom("repl-backlog-size", true, "1048576", ApplyLimits::backlogSize);
        r.custom("tls-port", true, "0", ApplyLimits::tlsPort);
        r.custom("tls-cluster", true, "no", ApplyLimits::tlsOff);
        r.custom("tls-replication", true, "no", ApplyLimits::tlsOff);
    }

    /**
     * notify-keyspace-events as Redis' keyspaceEventsStringToFlags reads it and
     * keyspaceEventsFlagsToString shows it: "A" for all the type classes (or the classes one by
     * one), then K, E and m.
     */
    private static ValueRule.Outcome notifyEvents(String current, String raw) {
        int parsed = NotifyFlags.parse(raw + "KE"); // K and E added so that no flag is dropped
        if (parsed < 0) {
            return ValueRule.Outcome.refuse("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        }
        StringBuilder b = new StringBuilder();
        if ((parsed & NotifyFlags.ALL) == NotifyFlags.ALL) {
            // Redis shows "A" alone and hides n; the text is what the server reads back, so n stays
            b.append((parsed & NotifyFlags.NEW) != 0 ? "An" : "A");
        } else {
            String classes = "g$lshzxetdn";
            int[] bits = {NotifyFlags.GENERIC, NotifyFlags.STRING, NotifyFlags.LIST, NotifyFlags.SET, NotifyFlags.HASH,
                NotifyFlags.ZSET, NotifyFlags.EXPIRED, NotifyFlags.EVICTED, NotifyFlags.STREAM, NotifyFlags.MODULE,
                NotifyFlags.NEW};
            for (int i = 0; i < bits.length; i++) {
                if ((parsed & bits[i]) != 0) {
                    b.append(classes.charAt(i));
                }
            }
        }
        b.append(raw.indexOf('K') >= 0 ? "K" : "").append(raw.indexOf('E') >= 0 ? "E" : "");
        return ValueRule.Outcome.accept(b.append((parsed & NotifyFlags.KEY_MISS) != 0 ? "m" : "").toString());
    }

    /**
     * Every other parameter of Redis 7.0, typed as Redis' config.c types it (its standardConfig
     * table: bool, enum, numeric with its bounds and MEMORY_CONFIG flag, string; mutable or
     * IMMUTABLE_CONFIG), so that tools and scripts that set them get Redis' answers: accepted,
     * stored and reported, or refused in Redis' words. HeliosDB implements few of them.
     */
    private static final List<Row> TYPED = List.of(
            Row.bool("always-show-logo", IMMUTABLE),
            Row.bool("aof-disable-auto-gc", MUTABLE),
            Row.bool("aof-load-truncated", MUTABLE),
            Row.bool("aof-rewrite-incremental-fsync", MUTABLE),
            Row.bool("aof-timestamp-enabled", MUTABLE),
            Row.bool("aof-use-rdb-preamble", MUTABLE),
            Row.bool("cluster-allow-pubsubshard-when-down", MUTABLE),
            Row.bool("cluster-allow-reads-when-down", MUTABLE),
            Row.bool("cluster-allow-replica-migration", MUTABLE),
            Row.bool("cluster-replica-no-failover", MUTABLE).alias("cluster-slave-no-failover"),
            Row.bool("cluster-require-full-coverage", MUTABLE),
            Row.bool("crash-log-enabled", MUTABLE),
            Row.bool("crash-memcheck-enabled", MUTABLE),
            Row.bool("disable-thp", IMMUTABLE),
            Row.bool("io-threads-do-reads", IMMUTABLE),
            Row.bool("jemalloc-bg-thread", MUTABLE),
            Row.bool("rdb-del-sync-files", MUTABLE),
            Row.bool("rdb-save-incremental-fsync", MUTABLE),
            Row.bool("repl-disable-tcp-nodelay", MUTABLE),
            Row.bool("repl-diskless-sync", MUTABLE),
            Row.bool("replica-announced", MUTABLE),
            Row.bool("replica-ignore-disk-write-errors", MUTABLE),
            Row.bool("replica-ignore-maxmemory", MUTABLE).alias("slave-ignore-maxmemory"),
            Row.bool("replica-lazy-flush", MUTABLE).alias("slave-lazy-flush"),
            Row.bool("replica-serve-stale-data", MUTABLE).alias("slave-serve-stale-data"),
            Row.bool("set-proc-title", IMMUTABLE),
            Row.bool("syslog-enabled", IMMUTABLE),
            Row.bool("tls-prefer-server-ciphers", MUTABLE),
            Row.bool("tls-session-caching", MUTABLE),

            Row.choice("cluster-preferred-endpoint-type", MUTABLE, "ip", "hostname", "unknown-endpoint"),
            Row.choice("enable-protected-configs", IMMUTABLE, "no", "yes", "local"),
            Row.choice("propagation-error-behavior", MUTABLE, "ignore", "panic", "panic-on-replicas"),
            Row.choice("repl-diskless-load", MUTABLE, "disabled", "on-empty-db", "swapdb"),
            Row.choice("sanitize-dump-payload", MUTABLE, "no", "yes", "clients"),
            Row.choice("syslog-facility", IMMUTABLE, "user", "local0", "local1", "local2", "local3", "local4", "local5",
                    "local6", "local7"),
            Row.choice("tls-auth-clients", MUTABLE, "no", "yes", "optional"),

            Row.integer("acllog-max-len", MUTABLE, 0, LONG_MAX),
            Row.integer("active-defrag-cycle-max", MUTABLE, 1, 99),
            Row.integer("active-defrag-cycle-min", MUTABLE, 1, 99),
            Row.integer("active-defrag-max-scan-fields", MUTABLE, 1, LONG_MAX),
            Row.integer("active-defrag-threshold-lower", MUTABLE, 0, 1000),
            Row.integer("active-defrag-threshold-upper", MUTABLE, 0, 1000),
            Row.integer("cluster-announce-bus-port", MUTABLE, 0, 65535),
            Row.integer("cluster-announce-port", MUTABLE, 0, 65535),
            Row.integer("cluster-announce-tls-port", MUTABLE, 0, 65535),
            Row.integer("cluster-migration-barrier", MUTABLE, 0, INT_MAX),
            Row.integer("cluster-node-timeout", MUTABLE, 0, LONG_MAX),
            Row.integer("cluster-port", IMMUTABLE, 0, 65535),
            Row.integer("cluster-replica-validity-factor", MUTABLE, 0, INT_MAX).alias("cluster-slave-validity-factor"),
            Row.integer("min-replicas-max-lag", MUTABLE, 0, INT_MAX).alias("min-slaves-max-lag"),
            Row.integer("min-replicas-to-write", MUTABLE, 0, INT_MAX).alias("min-slaves-to-write"),
            Row.integer("repl-backlog-ttl", MUTABLE, 0, LONG_MAX),
            Row.integer("repl-diskless-sync-delay", MUTABLE, 0, INT_MAX),
            Row.integer("repl-diskless-sync-max-replicas", MUTABLE, 0, INT_MAX),
            Row.integer("repl-ping-replica-period", MUTABLE, 1, INT_MAX).alias("repl-ping-slave-period"),
            Row.integer("repl-timeout", MUTABLE, 1, INT_MAX),
            Row.integer("replica-announce-port", MUTABLE, 0, 65535).alias("slave-announce-port"),
            Row.integer("replica-priority", MUTABLE, 0, INT_MAX).alias("slave-priority"),
            Row.integer("shutdown-timeout", MUTABLE, 0, INT_MAX),
            Row.integer("socket-mark-id", IMMUTABLE, 0, UINT_MAX),
            Row.integer("tls-session-cache-size", MUTABLE, 0, INT_MAX),
            Row.integer("tls-session-cache-timeout", MUTABLE, 0, INT_MAX),

            Row.memory("active-defrag-ignore-bytes", MUTABLE, 1, LONG_MAX),
            Row.memory("cluster-link-sendbuf-limit", MUTABLE, 0, -1L), // unsigned long long

            Row.text("aof_rewrite_cpulist", IMMUTABLE),
            Row.text("bgsave_cpulist", IMMUTABLE),
            Row.text("bind-source-addr", MUTABLE),
            Row.text("bio_cpulist", IMMUTABLE),
            Row.text("cluster-announce-ip", MUTABLE),
            Row.text("cluster-config-file", IMMUTABLE),
            Row.text("ignore-warnings", MUTABLE),
            Row.text("masterauth", MUTABLE),
            Row.text("masteruser", MUTABLE),
            Row.text("replica-announce-ip", MUTABLE).alias("slave-announce-ip"),
            Row.text("replicaof", IMMUTABLE).alias("slaveof"),
            Row.text("server_cpulist", IMMUTABLE),
            Row.text("syslog-ident", IMMUTABLE),
            Row.text("tls-ca-cert-dir", MUTABLE),
            Row.text("tls-ca-cert-file", MUTABLE),
            Row.text("tls-cert-file", MUTABLE),
            Row.text("tls-ciphers", MUTABLE),
            Row.text("tls-ciphersuites", MUTABLE),
            Row.text("tls-client-cert-file", MUTABLE),
            Row.text("tls-client-key-file", MUTABLE),
            Row.text("tls-client-key-file-pass", MUTABLE),
            Row.text("tls-dh-params-file", MUTABLE),
            Row.text("tls-key-file", MUTABLE),
            Row.text("tls-key-file-pass", MUTABLE),
            Row.text("tls-protocols", MUTABLE),
            Row.text("unixsocketperm", IMMUTABLE)); // octal in Redis; immutable, so only the config file reads it

    /** One row of {@link #TYPED}: Redis' type, mutability, bounds or choices, and its alias (or null). */
    private record Row(String name, ParamType type, boolean mutable, long min, long max, List<String> choices, String alias) {
        static Row bool(String name, boolean mutable) {
            return new Row(name, ParamType.BOOL, mutable, 0, 0, List.of(), null);
        }

        static Row integer(String name, boolean mutable, long min, long max) {
            return new Row(name, ParamType.INT, mutable, min, max, List.of(), null);
        }

        static Row memory(String name, boolean mutable, long min, long max) {
            return new Row(name, ParamType.MEMORY, mutable, min, max, List.of(), null);
        }

        static Row choice(String name, boolean mutable, String... choices) {
            return new Row(name, ParamType.ENUM, mutable, 0, 0, List.of(choices), null);
        }

        static Row text(String name, boolean mutable) {
            return new Row(name, ParamType.STRING, mutable, 0, 0, List.of(), null);
        }

        Row alias(String other) {
            return new Row(name, type, mutable, min, max, choices, other);
        }

        void register(ConfigRegistry r, String def) {
            switch (type) {
                case BOOL -> r.bool(name, mutable, def);
                case INT -> r.integer(name, mutable, def, min, max);
                case MEMORY -> r.memory(name, mutable, def, min, max);
                case ENUM -> r.choice(name, mutable, def, choices);
                default -> r.string(name, mutable, def);
            }
            if (alias != null) {
                r.alias(alias, name);
            }
        }
    }

    /**
     * Registers {@link #TYPED} with the defaults captured from redis-server's CONFIG GET * (see
     * tools/capture-redis-command-table.sh). Every captured name must be registered by now, typed
     * by hand above, by the server, or in the table: a parameter Redis has cannot go untyped.
     */
    private static void remaining(ConfigRegistry r) {
        Map<String, String> defaults = capturedDefaults();
        for (Row row : TYPED) {
            String def = defaults.get(row.name());
            if (def == null || (row.alias() != null && !defaults.containsKey(row.alias()))) {
                throw new IllegalStateException("typed parameter " + row.name() + " is not in Redis' captured CONFIG GET *");
            }
            row.register(r, def);
        }
        for (String name : defaults.keySet()) {
            if (!r.known(name)) {
                throw new IllegalStateException("Redis parameter " + name + " has no type: add it to RespParameters");
            }
        }
    }

    /** redis-7.0-config-defaults.json: one object of name to value text, read with jackson-core. */
    private static Map<String, String> capturedDefaults() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = RespParameters.class.getResourceAsStream("redis-7.0-config-defaults.json")) {
            if (in == null) {
                throw new IllegalStateException("missing redis-7.0-config-defaults.json");
            }
            try (JsonParser p = new JsonFactory().createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalStateException("redis-7.0-config-defaults.json: not an object");
                }
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        throw new IllegalStateException("redis-7.0-config-defaults.json: " + name + " is not a string");
                    }
                    out.put(name, p.getText());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable redis-7.0-config-defaults.json", e);
        }
        return out;
    }
}

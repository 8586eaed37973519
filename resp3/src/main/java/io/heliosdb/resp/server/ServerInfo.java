package io.heliosdb.resp.server;

import static io.heliosdb.runtime.info.InfoSections.line;
import io.heliosdb.resp.blocking.BlockedClients;
import io.heliosdb.resp.engine.ServerContext;
import io.heliosdb.resp.tracking.TrackingState;
import java.util.Locale;

/** INFO's sections about the process and its role: server, clients, replication, cpu and the fixed ones. */
final class ServerInfo {
    private ServerInfo() {}

    /** # Server: versions, process, ports, uptime. */
    static void server(InfoInput in, StringBuilder b) {
        b.append("# Server\r\n");
        line(b, "redis_version", ServerContext.REDIS_VERSION);
        line(b, "heliosdb_version", ServerContext.HELIOS_VERSION);
        line(b, "redis_git_sha1", "00000000");
        line(b, "redis_git_dirty", "0");
        line(b, "redis_build_id", "heliosdb");
        line(b, "redis_mode", "standalone");
        line(b, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        line(b, "arch_bits", "64");
        line(b, "monotonic_clock", "POSIX clock_gettime");
        line(b, "multiplexing_api", in.server().shards().transport().configName());
        line(b, "atomicvar_api", "java");
        line(b, "gcc_version", "0.0.0");
        line(b, "process_id", Long.toString(ProcessHandle.current().pid()));
        line(b, "process_supervised", "no");
        line(b, "run_id", in.server().runId());
        line(b, "tcp_port", Integer.toString(in.server().tcpPort()));
        line(b, "server_time_usec", Long.toString(in.now() * 1000));
        line(b, "uptime_in_seconds", Long.toString((in.now() - in.server().startMillis()) / 1000));
        line(b, "uptime_in_days", Long.toString((in.now() - in.server().startMillis()) / 86_400_000));
        line(b, "hz", in.server().config().get("hz"));
        line(b, "configured_hz", in.server().config().get("hz"));
        line(b, "lru_clock", Long.toString((in.now() / 1000) & 0xFFFFFF));
        line(b, "executable", ProcessHandle.current().info().command().orElse(""));
        line(b, "config_file", System.getProperty("heliosdb.config", ""));
        line(b, "io_threads_active", "0");
        line(b, "shards", Integer.toString(in.server().shards().size()));
        line(b, "java_version", Runtime.version().toString());
    }

    /** # Clients: connections (every protocol's) and their states. */
    static void clients(InfoInput in, StringBuilder b) {
        b.append("# Clients\r\n");
        line(b, "connected_clients", Integer.toString(in.server().clients().size()));
        line(b, "cluster_connections", "0");
        line(b, "maxclients", in.server().config().get("maxclients"));
        line(b, "client_recent_max_input_buffer", "0");
        line(b, "client_recent_max_output_buffer", "0");
        line(b, "blocked_clients", Long.toString(blockedClients(in.server())));
        line(b, "tracking_clients", Long.toString(in.server().clients().all().stream().filter(c -> c.get(TrackingState.FEATURE) != null).count()));
        line(b, "clients_in_timeout_table", "0");
    }

    /** # Replication: always a master without replicas. */
    static void replication(InfoInput in, StringBuilder b) {
        b.append("# Replication\r\n");
        line(b, "role", "master");
        line(b, "connected_slaves", "0");
        line(b, "master_failover_state", "no-failover");
        line(b, "master_replid", in.server().runId());
        line(b, "master_replid2", "0000000000000000000000000000000000000000");
        line(b, "master_repl_offset", "0");
        line(b, "second_repl_offset", "-1");
        line(b, "repl_backlog_active", "0");
    }

    /** # CPU: the process' CPU time, split evenly (the JVM reports no user/sys split). */
    static void cpu(InfoInput in, StringBuilder b) {
        b.append("# CPU\r\n");
        double cpu = ProcessFigures.processCpuSeconds();
        line(b, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", cpu / 2));
        line(b, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu / 2));
    }

    /** # Modules: none. */
    static void modules(InfoInput in, StringBuilder b) {
        b.append("# Modules\r\n");
    }

    /** # Errorstats: not counted per error yet. */
    static void errorstats(InfoInput in, StringBuilder b) {
        b.append("# Errorstats\r\n");
    }

    /** # Cluster: not a cluster. */
    static void cluster(InfoInput in, StringBuilder b) {
        b.append("# Cluster\r\n");
        line(b, "cluster_enabled", "0");
    }

    /**
     * Clients still waiting: one served on another shard is not, though its reply is still on its
     * way to its own loop (in Redis it is unblocked once the command that served it has run).
     */
    private static long blockedClients(ServerContext server) {
        return server.blockedCalls.values().stream()
            .filter(c -> !(c instanceof BlockedClients.Waiter w) || !w.finished()).count();
    }
}

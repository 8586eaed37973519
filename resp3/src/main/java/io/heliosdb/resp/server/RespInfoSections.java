package io.heliosdb.resp.server;

import io.heliosdb.runtime.info.InfoSections;

/** INFO's sections of a RESP server, in Redis 7.0's order; {@code default} leaves out the costly ones. */
final class RespInfoSections {
    private RespInfoSections() {}

    static InfoSections<InfoInput> create() {
        return new InfoSections<InfoInput>()
                .register("server", 100, true, true, ServerInfo::server)
                .register("clients", 200, true, true, ServerInfo::clients)
                .register("memory", 300, true, true, MemoryInfo::memory)
                .register("persistence", 400, true, true, MemoryInfo::persistence)
                .register("stats", 500, true, true, StatsInfo::stats)
                .register("replication", 600, true, true, ServerInfo::replication)
                .register("cpu", 700, true, true, ServerInfo::cpu)
                .register("modules", 800, true, true, ServerInfo::modules)
                .register("commandstats", 900, false, true, StatsInfo::commandstats)
                .register("errorstats", 1000, true, true, ServerInfo::errorstats)
                .register("latencystats", 1100, false, true, StatsInfo::latencystats)
                .register("cluster", 1200, true, true, ServerInfo::cluster)
                .register("keyspace", 1300, true, true, StatsInfo::keyspace);
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** INFO writes the registered sections in Redis 7.0's order, each once, whatever the request's groups. */
class InfoSectionOrderTest {
    private static final List<String> DEFAULT = List.of("Server", "Clients", "Memory", "Persistence", "Stats",
            "Replication", "CPU", "Modules", "Errorstats", "Cluster", "Keyspace");
    private static final List<String> ALL = List.of("Server", "Clients", "Memory", "Persistence", "Stats",
            "Replication", "CPU", "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace");
    private static final Pattern HEADER = Pattern.compile("# ([A-Za-z]+)\\\\r\\\\n");

    @Test
    void groupsAndNamesGiveTheSectionsInOrder() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.port())) {
            c.call("SET", "k", "v");
            assertEquals(DEFAULT, headers(c.call("INFO")));
            assertEquals(DEFAULT, headers(c.call("INFO", "DEFAULT")));
            assertEquals(ALL, headers(c.call("INFO", "all")));
            assertEquals(ALL, headers(c.call("INFO", "everything")));
            assertEquals(List.of("Keyspace", "CPU"), headers(c.call("INFO", "keyspace", "nosuch", "cpu", "KEYSPACE")));
            List<String> mixed = new ArrayList<>(List.of("Latencystats"));
            DEFAULT.stream().filter(n -> !mixed.contains(n)).forEach(mixed::add);
            assertEquals(mixed, headers(c.call("INFO", "latencystats", "default", "server")));
        }
    }

    @Test
    void anUnknownSectionLeavesNoBlankLine() throws Exception {
        try (TestServer s = TestServer.start(); RawClient c = new RawClient(s.port())) {
            String reply = c.call("INFO", "nosuch", "cluster", "nosuch2", "modules", "nosuch3");
            assertEquals(true, reply.contains("# Cluster\\r\\ncluster_enabled:0\\r\\n\\r\\n# Modules\\r\\n"), reply);
            assertEquals(false, reply.contains("\\r\\n\\r\\n\\r\\n"), reply);
        }
    }

    private static List<String> headers(String reply) {
        List<String> out = new ArrayList<>();
        Matcher m = HEADER.matcher(reply);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}

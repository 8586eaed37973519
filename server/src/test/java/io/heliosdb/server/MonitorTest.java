package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MONITOR shows what redis-server shows, line for line (times and client ports masked): commands
 * of other clients inline, across shards, inside MULTI/EXEC and scripts ("lua"), the database after
 * SELECT, redacted passwords, no admin commands; the monitor's own commands, a second MONITOR, MONITOR
 * inside EXEC, and RESET leaving the mode.
 */
class MonitorTest {
    private static RedisPeer redis;
    private static TestServer helios;

    static final String[][] CALLS = {
            {"SET", "k", "v"}, {"SET", "a b", "x\"y\n\u0001"}, {"GET", "k"}, {"GET"},
            {"EVAL", "redis.call('set','a','1'); return redis.call('get','a')", "0"},
            {"EVAL", "return redis.call('mset',KEYS[1],'1',KEYS[2],'2')", "2", "{t}x", "{t}y"},
            {"FUNCTION", "LOAD", "REPLACE", "#!lua name=monlib\nredis.register_function('f', function(keys, args) "
                    + "redis.call('select', '2') return redis.call('set', keys[1], args[1]) end)"},
            {"FCALL", "f", "1", "fk", "v"}, {"EVALSHA", "0000000000000000000000000000000000000000", "0"},
            {"EVAL", "return redis.call('nosuch')", "0"}, {"EVAL", "return redis.pcall('incr', 'fk')", "0"},
            {"MULTI"}, {"SET", "x", "1"}, {"INCR", "x"}, {"MSET", "a", "1", "b", "2", "c", "3"}, {"EXEC"},
            {"SELECT", "3"}, {"SET", "z", "1"}, {"SELECT", "0"}, {"AUTH", "foo"}, {"AUTH", "user", "pw"},
            {"HELLO", "2", "AUTH", "default", "bar"}, {"HELLO", "2", "SETNAME", "n", "AUTH", "default", "bar"},
            {"CONFIG", "SET", "maxmemory", "0"}, {"ACL", "WHOAMI"}, {"CLIENT", "SETNAME", "foo"},
            {"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}, {"DBSIZE"}, {"PFSELFTEST"}, {"WAIT", "0", "0"},
            {"MIGRATE", "127.0.0.1", "1", "", "0", "10", "AUTH2", "u", "secret", "KEYS", "nokey"},
            {"MIGRATE", "127.0.0.1", "1", "nokey", "0", "10", "AUTH", "secret"}, {"RESET"}, {"INCR", "k"}};

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @Test
    void monitorsSeeWhatRedisShowsThem() throws Exception {
        assertEquals(session(redis.port), session(helios.port()));
    }

    @Test
    void aBlockedCommandIsShownWhenItBlocks() throws Exception {
        assertEquals(blocking(redis.port), blocking(helios.port()));
    }

    private static List<String> blocking(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient m = new RawClient(port); RawClient c = new RawClient(port); RawClient o = new RawClient(port)) {
            seen.add(m.call("MONITOR"));
            c.send(words("BLPOP", "queue", "0"));
            seen.add(mask(m.read())); // before anything is pushed
            o.call("RPUSH", "queue", "job");
            seen.add(mask(m.read()));
            seen.add(c.read());
            c.call("PING", "sentinel");
            readUntilSentinel(m, seen);
        }
        return seen;
    }

    private static List<String> session(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient m = new RawClient(port); RawClient c = new RawClient(port); RawClient m3 = new RawClient(port)) {
            seen.add(m.call("MONITOR"));
            for (String[] call : CALLS) {
                c.call(call);
            }
            c.call("PING", "sentinel");
            readUntilSentinel(m, seen);
            // its own commands: refused when they touch keys, shown otherwise; MONITOR again is ignored
            m.send(words("MONITOR"));
            seen.add(m.call("GET", "k"));
            seen.add(m.call("SET", "k", "1"));
            seen.add(m.call("PING"));
            seen.add(mask(m.read()));
            seen.add(m.call("MULTI"));
            seen.add(mask(m.read()));
            seen.add(m.call("MONITOR"));
            seen.add(m.call("EXEC"));
            seen.add(mask(m.read()));
            seen.add(m.call("MULTI"));
            seen.add(mask(m.read()));
            seen.add(m.call("GET", "k")); // refused when queued
            seen.add(m.call("EXEC"));
            seen.add(mask(m.read()));
            seen.add(m.call("RESET"));
            seen.add(m3.call("HELLO", "3").startsWith("%") ? "resp3" : "resp2?");
            seen.add(m3.call("MONITOR"));
            c.call("SET", "after", "reset");
            c.call("PING", "sentinel");
            readUntilSentinel(m3, seen);
            seen.add(m.call("PING")); // nothing from the first client's commands came in between
        }
        return seen;
    }

    private static List<byte[]> words(String... w) {
        List<byte[]> l = new ArrayList<>();
        for (String s : w) {
            l.add(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return l;
    }

    private static void readUntilSentinel(RawClient m, List<String> seen) throws Exception {
        for (int i = 0; i < 200; i++) {
            String line = mask(m.read());
            seen.add(line);
            if (line.contains("\"sentinel\"")) {
                return;
            }
        }
    }

    private static String mask(String line) {
        return line.replaceAll("^\\+\\d+\\.\\d{6} ", "+T ").replaceAll("127\\.0\\.0\\.1:\\d+", "ADDR");
    }
}

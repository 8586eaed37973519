package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WAIT without replicas, as redis-server answers it: 0 once the timeout passes, at once inside
 * MULTI; WAIT 1 0 blocks (counted in blocked_clients) until CLIENT UNBLOCK ends it (0, or the
 * UNBLOCKED error) or the client leaves; monitors see it when it blocks.
 */
class WaitTest {
    private static RedisPeer redis;
    private static TestServer helios;

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
    void blocksAndEndsAsInRedis() throws Exception {
        assertEquals(session(redis.port), session(helios.port()));
    }

    private static List<String> session(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawClient c = new RawClient(port); RawClient o = new RawClient(port); RawClient m = new RawClient(port)) {
            String id = c.call("CLIENT", "ID").substring(1);
            seen.add(c.call("WAIT", "1", "20"));
            seen.add(c.call("MULTI") + c.call("WAIT", "3", "0") + c.call("EXEC"));
            seen.add(m.call("MONITOR"));
            c.send(List.of("WAIT".getBytes(), "1".getBytes(), "0".getBytes()));
            seen.add(mask(m.read()));
            seen.add(blocked(o));
            seen.add(o.call("CLIENT", "UNBLOCK", id) + " " + c.read());
            seen.add(o.call("CLIENT", "UNBLOCK", id));
            c.send(List.of("WAIT".getBytes(), "1".getBytes(), "0".getBytes()));
            seen.add(mask(m.read())); // the INFO of blocked(o) above: not a sign that this WAIT blocked yet
            for (int i = 0; i < 100 && !blocked(o).equals("blocked_clients:1"); i++) {
                Thread.sleep(10);
            }
            seen.add(o.call("CLIENT", "UNBLOCK", id, "ERROR") + " " + c.read());
            seen.add(blocked(o));
        }
        try (RawClient c = new RawClient(port); RawClient o = new RawClient(port)) {
            c.send(List.of("WAIT".getBytes(), "1".getBytes(), "0".getBytes()));
            for (int i = 0; i < 100 && !blocked(o).equals("blocked_clients:1"); i++) {
                Thread.sleep(10);
            }
            seen.add(blocked(o));
        } // the waiting client leaves
        try (RawClient o = new RawClient(port)) {
            for (int i = 0; i < 100 && !blocked(o).equals("blocked_clients:0"); i++) {
                Thread.sleep(10);
            }
            seen.add(blocked(o));
        }
        return seen;
    }

    private static String blocked(RawClient c) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("blocked_clients:\\d+").matcher(c.call("INFO", "clients"));
        return m.find() ? m.group() : "none";
    }

    private static String mask(String line) {
        return line.replaceAll("^\\+\\d+\\.\\d{6} ", "+T ").replaceAll("127\\.0\\.0\\.1:\\d+", "ADDR");
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heliosdb.resp.keys.MigrateSockets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MIGRATE from HeliosDB to a real redis-server and to another HeliosDB: values and TTLs arrive,
 * sources are deleted unless COPY, and every answer
 * (OK, NOKEY, BUSYKEY from the target, AUTH errors, argument errors, IOERR) is the one redis-server
 * gives as the source of the same MIGRATE. Connections are cached and reused, and closed once idle;
 * the source's loop keeps serving while a target is slow to answer.
 */
class MigrateTest {
    private static RedisPeer target;
    private static RedisPeer redisSource;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        target = RedisPeer.start();
        redisSource = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redisSource.close();
        target.close();
    }

    @BeforeEach
    void empty() throws Exception {
        for (int port : new int[] {target.port, redisSource.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("FLUSHALL");
            }
        }
    }

    /** Runs the same setup and MIGRATE on redis-server and HeliosDB as sources, each against an empty target. */
    private static void sameAnswer(String[][] setup, String... migrate) throws Exception {
        String[] answers = new String[2];
        int[] sources = {redisSource.port, helios.port()};
        for (int s = 0; s < 2; s++) {
            try (RawClient src = new RawClient(sources[s]); RawClient t = new RawClient(target.port)) {
                t.call("FLUSHALL");
                t.call("SET", "busy", "x");
                for (String[] c : setup) {
                    src.call(c);
                }
                answers[s] = src.call(migrate) + " / target: " + t.call("DBSIZE") + " / source: " + src.call("DBSIZE");
            }
        }
        assertEquals(answers[0], answers[1], String.join(" ", migrate));
    }

    private static String[] migrate(String... rest) {
        String[] m = new String[rest.length + 3];
        m[0] = "MIGRATE";
        m[1] = "127.0.0.1";
        m[2] = Integer.toString(target.port);
        System.arraycopy(rest, 0, m, 3, rest.length);
        return m;
    }

    @Test
    void answersAreRedisOwn() throws Exception {
        String[][] keys = {{"SET", "k", "v"}, {"RPUSH", "l", "a", "b"}, {"SET", "busy", "mine"}};
        sameAnswer(keys, migrate("k", "0", "1000"));
        sameAnswer(keys, migrate("k", "0", "1000", "COPY"));
        sameAnswer(keys, migrate("nokey", "0", "1000"));
        sameAnswer(keys, migrate("busy", "0", "1000"));
        sameAnswer(keys, migrate("busy", "0", "1000", "REPLACE"));
        sameAnswer(keys, migrate("", "0", "1000", "KEYS", "k", "l", "nokey", "busy"));
        sameAnswer(keys, migrate("", "0", "1000", "REPLACE", "KEYS", "k", "l", "busy"));
        sameAnswer(keys, migrate("", "0", "1000", "KEYS", "nokey"));
        sameAnswer(keys, migrate("k", "0", "1000", "KEYS", "l"));
        sameAnswer(keys, migrate("k", "x", "1000"));
        sameAnswer(keys, migrate("k", "0", "y"));
        sameAnswer(keys, migrate("k", "0", "1000", "AUTH"));
        sameAnswer(keys, migrate("k", "0", "1000", "AUTH2", "u"));
        sameAnswer(keys, migrate("k", "0", "1000", "FOO"));
        sameAnswer(keys, migrate("k", "0", "1000", "AUTH", "pw"));
        sameAnswer(keys, migrate("k", "0", "1000", "AUTH2", "default", "pw"));
        sameAnswer(keys, migrate("k", "99", "1000"));
        sameAnswer(keys, new String[] {"MIGRATE", "127.0.0.1", "1", "k", "0", "100"});
    }

    @Test
    void worksInsideMultiAndScriptsAsInRedis() throws Exception {
        String port = Integer.toString(target.port);
        String[][] calls = {{"SET", "a", "1"}, {"SET", "b", "2"}, {"SET", "c", "3"}, {"MULTI"},
                {"MIGRATE", "127.0.0.1", port, "a", "0", "1000"}, {"GET", "a"},
                {"MIGRATE", "127.0.0.1", port, "", "0", "1000", "KEYS", "b", "nokey"}, {"EXEC"},
                {"EVAL", "return redis.call('migrate','127.0.0.1',ARGV[1],KEYS[1],'0','1000')", "1", "c", port},
                {"EVAL", "return redis.call('migrate','127.0.0.1',ARGV[1],KEYS[1],'0','1000')", "1", "nokey", port},
                {"EXISTS", "a", "b", "c"}};
        StringBuilder[] seen = {new StringBuilder(), new StringBuilder()};
        int[] sources = {redisSource.port, helios.port()};
        for (int s = 0; s < 2; s++) {
            try (RawClient src = new RawClient(sources[s]); RawClient t = new RawClient(target.port)) {
                t.call("FLUSHALL");
                for (String[] c : calls) {
                    seen[s].append(src.call(c)).append('\n');
                }
                seen[s].append(t.call("MGET", "a", "b", "c"));
            }
        }
        assertEquals(seen[0].toString(), seen[1].toString());
    }

    @Test
    void eachMovedKeyIsAnnouncedAsDeleted() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (int port : new int[] {redisSource.port, helios.port()}) {
            try (RawClient c = new RawClient(port); RawClient sub = new RawClient(port)) {
                c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
                c.call("MSET", "a", "1", "b", "2", "c", "3");
                sub.call("PSUBSCRIBE", "__keyevent@0__:*");
                c.call("MIGRATE", "127.0.0.1", Integer.toString(target.port), "", "0", "1000", "REPLACE", "KEYS", "a", "b", "c");
                c.call("PUBLISH", "__keyevent@0__:end", "x");
                List<String> events = new ArrayList<>();
                for (String m = sub.read(); !m.contains(":end"); m = sub.read()) {
                    events.add(m);
                }
                java.util.Collections.sort(events); // shards announce their keys in their own order
                seen.add(events);
                c.call("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    @Test
    void valuesAndTtlsArriveInEitherTarget() throws Exception {
        try (TestServer other = TestServer.start(); RawClient h = new RawClient(helios.port())) {
            for (int port : new int[] {target.port, other.port()}) {
                h.call("SET", "s", "value");
                h.call("PEXPIRE", "s", "100000");
                h.call("HSET", "h", "f1", "1", "f2", "2");
                h.call("ZADD", "z", "1", "a", "2", "b");
                h.call("SADD", "{x}set", "m");
                assertEquals("+OK", h.call("MIGRATE", "127.0.0.1", Integer.toString(port), "", "3", "1000", "KEYS", "s", "h", "z", "{x}set"));
                assertEquals(":0", h.call("EXISTS", "s", "h", "z", "{x}set"));
                try (RawClient t = new RawClient(port)) {
                    t.call("SELECT", "3");
                    assertEquals("\"value\"", t.call("GET", "s"));
                    long pttl = Long.parseLong(t.call("PTTL", "s").substring(1));
                    assertTrue(pttl > 0 && pttl <= 100000, "ttl " + pttl);
                    assertEquals("\"2\"", t.call("HGET", "h", "f2"));
                    assertEquals(":2", t.call("HLEN", "h"));
                    assertEquals("*[\"a\", \"b\"]", t.call("ZRANGE", "z", "0", "-1"));
                    assertEquals("*[\"m\"]", t.call("SMEMBERS", "{x}set"));
                    t.call("FLUSHALL");
                }
            }
        }
    }

    @Test
    void authenticatesWithPasswordOrUser() throws Exception {
        try (RawClient t = new RawClient(target.port); RawClient h = new RawClient(helios.port())) {
            t.call("ACL", "SETUSER", "mover", "on", ">secret", "~*", "+@all");
            h.call("SET", "k", "v");
            assertEquals("+OK", h.call("MIGRATE", "127.0.0.1", Integer.toString(target.port), "k", "0", "1000", "COPY",
                    "AUTH2", "mover", "secret"));
            assertEquals("-ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.",
                    h.call("MIGRATE", "127.0.0.1", Integer.toString(target.port), "k", "0", "1000", "REPLACE", "AUTH2", "mover", "bad"));
            assertEquals("\"v\"", t.call("GET", "k"));
            t.call("ACL", "DELUSER", "mover");
        }
    }

    @Test
    void connectionsAreCachedAndClosedWhenIdle() throws Exception {
        try (RawClient t = new RawClient(target.port); RawClient h = new RawClient(helios.port())) {
            String port = Integer.toString(target.port);
            var sockets = MigrateSockets.of(helios.server.context());
            sockets.closeIdle(Long.MAX_VALUE);
            long before = stat(t, "total_connections_received");
            for (int i = 0; i < 3; i++) {
                h.call("SET", "k" + i, "v");
                assertEquals("+OK", h.call("MIGRATE", "127.0.0.1", port, "k" + i, "0", "1000"));
            }
            assertEquals(before + 1, stat(t, "total_connections_received"), "one connection for three MIGRATEs");
            assertEquals(1, sockets.size());
            sockets.closeIdle(System.currentTimeMillis() + 10_001); // as the 10 s idle check does
            assertEquals(0, sockets.size());
        }
    }

    private static long stat(RawClient c, String field) throws Exception {
        String info = c.call("INFO", "stats");
        int i = info.indexOf(field + ":");
        int end = info.indexOf("\\r", i);
        return Long.parseLong(info.substring(i + field.length() + 1, end));
    }

    @Test
    void aTargetThatStopsReadingTimesOutAsInRedis() throws Exception {
        byte[] big = new byte[12 << 20]; // incompressible, larger than the socket buffers
        new java.util.Random(7).nextBytes(big);
        String[] answers = new String[2];
        int[] sources = {redisSource.port, helios.port()};
        for (int s = 0; s < 2; s++) {
            try (ServerSocket deaf = new ServerSocket(0); RawClient c = new RawClient(sources[s])) {
                Thread accept = Thread.ofVirtual().start(() -> {
                    try (Socket never = deaf.accept()) {
                        Thread.sleep(5000); // accepts, never reads
                    } catch (Exception ignored) {
                        // closed by the test
                    }
                });
                c.send(List.of("SET".getBytes(), "big".getBytes(), big));
                c.read();
                String port = Integer.toString(deaf.getLocalPort());
                answers[s] = c.call("MIGRATE", "127.0.0.1", port, "big", "0", "300") + " / " + c.call("EXISTS", "big")
                        // from a script, which blocks its loop while it waits, as Redis does
                        + " / " + c.call("EVAL", "return redis.pcall('migrate', '127.0.0.1', ARGV[1], KEYS[1], '0', '300')",
                        "1", "big", port);
                accept.interrupt();
            }
        }
        assertEquals("-IOERR error or timeout writing to target instance / :1 / -IOERR error or timeout writing to target instance",
                answers[0]);
        assertEquals(answers[0], answers[1]);
    }

    @Test
    void theLoopServesOtherClientsWhileTheTargetIsSlow() throws Exception {
        CountDownLatch pinged = new CountDownLatch(1);
        try (ServerSocket slow = new ServerSocket(0); TestServer one = TestServer.start("--shards", "1");
             RawClient a = new RawClient(one.port()); RawClient b = new RawClient(one.port())) {
            Thread fake = Thread.ofVirtual().start(() -> {
                try (Socket s = slow.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    in.read(new byte[4096]); // SELECT and RESTORE
                    pinged.await(10, TimeUnit.SECONDS); // answer only once the other client was served
                    out.write("+OK\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII)); // SELECT's and RESTORE's
                    out.flush();
                    s.setSoTimeout(500);
                    in.read(); // close only after the answer was read (closing with unread input resets the connection)
                } catch (Exception ignored) {
                    // the test's assertions report what went wrong
                }
            });
            a.call("SET", "k", "v"); // locked while it moves, as Redis blocks during MIGRATE
            a.send(java.util.List.of("MIGRATE".getBytes(), "127.0.0.1".getBytes(), Integer.toString(slow.getLocalPort()).getBytes(),
                    "k".getBytes(), "0".getBytes(), "9000".getBytes()));
            assertEquals("+PONG", b.call("PING"));
            assertEquals("+OK", b.call("SET", "other", "1"), "keys not being migrated are served meanwhile");
            pinged.countDown();
            assertEquals("+OK", a.read());
            assertEquals("(nil)", b.call("GET", "k"));
            fake.join(10_000);
        }
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redis 7 sends pushes (pub/sub confirmations and messages, tracking invalidations) to a client
 * whose replies are off or skipped; only command replies are silenced. Each case is a script of
 * sends and reads over named clients, run on redis-server and on HeliosDB: the replies read must
 * be the same. A silenced reply is never read; the next read sees what came after it.
 */
class PushesUnderReplyOffTest {
    private static TestServer helios;
    private static RedisPeer redis;

    @BeforeAll
    static void start() throws Exception {
        helios = TestServer.start();
        redis = RedisPeer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    /** One step: client {@code who} sends {@code cmd} (null: reads one reply). */
    record Step(String who, String[] cmd) {}

    record Case(String name, List<Step> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Step send(String who, String... cmd) {
        return new Step(who, cmd);
    }

    private static Step read(String who) {
        return new Step(who, null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("RESP3 subscribe, message and unsubscribe under CLIENT REPLY OFF", List.of(
                        send("a", "HELLO", "3"), read("a"), send("a", "CLIENT", "REPLY", "OFF"),
                        send("a", "SUBSCRIBE", "ch"), read("a"),
                        send("b", "PUBLISH", "ch", "m1"), read("b"), read("a"),
                        send("a", "PING"), send("a", "UNSUBSCRIBE", "ch"), read("a"),
                        send("a", "CLIENT", "REPLY", "ON"), read("a"))),
                new Case("RESP2 subscribe, pattern message and unsubscribe under CLIENT REPLY OFF", List.of(
                        send("a", "CLIENT", "REPLY", "OFF"),
                        send("a", "PSUBSCRIBE", "c*"), read("a"),
                        send("b", "PUBLISH", "ch", "m1"), read("b"), read("a"),
                        send("a", "PING"), send("a", "PUNSUBSCRIBE", "c*"), read("a"),
                        send("a", "CLIENT", "REPLY", "ON"), read("a"))),
                new Case("RESP3 subscribe under CLIENT REPLY SKIP takes the skip", List.of(
                        send("a", "HELLO", "3"), read("a"), send("a", "SUBSCRIBE", "ch"), read("a"),
                        send("a", "CLIENT", "REPLY", "SKIP"), send("a", "SUBSCRIBE", "ch2"), read("a"),
                        send("a", "PING"), read("a"))),
                new Case("RESP3 tracking invalidations under CLIENT REPLY OFF", List.of(
                        send("a", "HELLO", "3"), read("a"), send("a", "CLIENT", "TRACKING", "on"), read("a"),
                        send("a", "GET", "k"), read("a"), send("a", "CLIENT", "REPLY", "OFF"), send("a", "GET", "k2"),
                        send("b", "SET", "k", "1"), read("b"), read("a"),
                        send("b", "SET", "k2", "1"), read("b"), read("a"),
                        send("a", "CLIENT", "REPLY", "ON"), read("a"))),
                new Case("RESP3 tracking invalidation while a reply is to be skipped", List.of(
                        send("a", "HELLO", "3"), read("a"), send("a", "CLIENT", "TRACKING", "on"), read("a"),
                        send("a", "GET", "k"), read("a"), send("a", "CLIENT", "REPLY", "SKIP"),
                        send("b", "SET", "k", "1"), read("b"), read("a"),
                        send("a", "GET", "k"), send("a", "PING"), read("a"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pushesFlowWhileRepliesAreOff(Case k) throws Exception {
        assertEquals(run(redis.port, k), run(helios.port(), k));
    }

    private static List<String> run(int port, Case k) throws Exception {
        Map<String, RawClient> clients = new HashMap<>();
        List<String> t = new ArrayList<>();
        try {
            try (RawClient admin = new RawClient(port)) {
                admin.call("FLUSHALL");
            }
            for (Step s : k.steps) {
                RawClient c = clients.get(s.who);
                if (c == null) {
                    c = new RawClient(port);
                    clients.put(s.who, c);
                }
                if (s.cmd == null) {
                    String r = c.read();
                    t.add(s.who + " read " + (r.startsWith("%{") ? "(HELLO map)" : r)); // HELLO's server fields differ
                } else {
                    List<byte[]> l = new ArrayList<>();
                    for (String a : s.cmd) {
                        l.add(a.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    c.send(l);
                }
            }
        } finally {
            for (RawClient c : clients.values()) {
                c.close();
            }
        }
        return t;
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.heliosdb.scheduler.FaultInjection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A failure anywhere in the cross-shard protocol (a data task, a lock request, a step, the
 * coordinator's continuation) must answer the client with an internal error carrying an id — never
 * Java text — and leave every shard idle: no lock held, nothing queued, the next commands served.
 * Each command below is sent once per injection point with exactly one failure injected at the
 * n-th time that point is reached, for every n the command reaches it.
 */
class FailureContainmentTest {
    private static final Pattern INTERNAL = Pattern.compile("-ERR internal error \\d+ \\(details in the server log\\)");

    /** Commands over keys on all three shards ({a}, {b}, {c} hash to different shards), plus whole-keyspace ones. */
    private static final List<String[]> COMMANDS = List.of(
            new String[]{"MSET", "{a}1", "x", "{b}1", "y", "{c}1", "z"},
            new String[]{"MGET", "{a}1", "{b}1", "{c}1"},
            new String[]{"DEL", "{a}2", "{b}2", "{c}2"},
            new String[]{"MSETNX", "{a}3", "x", "{b}3", "y"},
            new String[]{"RENAME", "{a}1", "{b}9"},
            new String[]{"SINTERSTORE", "{c}s", "{a}s", "{b}s"},
            new String[]{"SMOVE", "{a}s", "{b}s", "m1"},
            new String[]{"LMOVE", "{a}l", "{c}l", "LEFT", "RIGHT"},
            new String[]{"SORT", "{a}l", "BY", "nosort", "STORE", "{b}sorted"},
            new String[]{"KEYS", "*"},
            new String[]{"SCAN", "0", "COUNT", "100"},
            new String[]{"DBSIZE"},
            new String[]{"EXISTS", "{a}1", "{b}1", "{c}1"},
            new String[]{"GET", "{b}1"},
            new String[]{"SET", "{c}1", "v"});

    @Test
    void everyInjectedFailureAnswersTheClientAndLeavesTheShardsIdle() throws Exception {
        try (TestServer helios = TestServer.start(); RawClient c = new RawClient(helios.port());
             RawClient probe = new RawClient(helios.port())) {
            var shards = helios.server.context().shards();
            int failures = 0;
            for (FaultInjection.Point point : FaultInjection.Point.values()) {
                for (String[] cmd : COMMANDS) {
                    for (int nth = 1; nth <= 8; nth++) {
                        setUp(c);
                        AtomicInteger seen = new AtomicInteger();
                        AtomicInteger fired = new AtomicInteger();
                        int target = nth;
                        shards.injectFaults((p, s) -> p == point && seen.incrementAndGet() == target && fired.incrementAndGet() == 1);
                        String reply = c.call(cmd);
                        shards.injectFaults(null);
                        String what = point + " #" + nth + " in " + String.join(" ", cmd) + ": " + reply;
                        assertTrue(reply != null, what);
                        assertTrue(!reply.contains("java.") && !reply.contains("Exception"), what);
                        if (fired.get() == 0) {
                            break; // the command reaches this point fewer than nth times
                        }
                        failures++;
                        if (reply.startsWith("-ERR internal")) {
                            assertTrue(INTERNAL.matcher(reply).matches(), what);
                        }
                        awaitIdle(shards, what);
                        // Everyone is served afterwards: whole-shard locks, key locks and data work.
                        assertEquals("+OK", probe.call("MSET", "{a}p", "1", "{b}p", "2", "{c}p", "3"), what);
                        assertEquals("*[\"1\", \"2\", \"3\"]", probe.call("MGET", "{a}p", "{b}p", "{c}p"), what);
                        assertTrue(probe.call("DBSIZE").startsWith(":"), what);
                        assertEquals("+PONG", c.call("PING"), what);
                    }
                }
            }
            assertTrue(failures > 40, "injected " + failures + " failures");
            helios.expectedInternalErrors = shards.internalErrors();
            assertEquals(failures, shards.internalErrors(), "one report per injected failure");
        }
    }

    @Test
    void aFailureInsideExecAnswersAndReleasesEveryShard() throws Exception {
        try (TestServer helios = TestServer.start(); RawClient c = new RawClient(helios.port());
             RawClient probe = new RawClient(helios.port())) {
            var shards = helios.server.context().shards();
            for (FaultInjection.Point point : FaultInjection.Point.values()) {
                for (int nth = 1; nth <= 6; nth++) {
                    setUp(c);
                    assertEquals("+OK", c.call("MULTI"));
                    c.call("SET", "{a}1", "1");
                    c.call("MSET", "{b}1", "2", "{c}1", "3");
                    c.call("INCR", "{c}n");
                    AtomicInteger seen = new AtomicInteger();
                    int target = nth;
                    AtomicInteger fired = new AtomicInteger();
                    shards.injectFaults((p, s) -> p == point && seen.incrementAndGet() == target && fired.incrementAndGet() == 1);
                    String reply = c.call("EXEC");
                    shards.injectFaults(null);
                    String what = point + " #" + nth + " in EXEC: " + reply;
                    assertTrue(reply != null && !reply.contains("java.") && !reply.contains("Exception"), what);
                    if (fired.get() == 0) {
                        break;
                    }
                    awaitIdle(shards, what);
                    assertEquals("+OK", probe.call("FLUSHALL"), what);
                    assertEquals(":0", probe.call("DBSIZE"), what);
                }
            }
            helios.expectedInternalErrors = shards.internalErrors();
        }
    }

    /**
     * A blocked BLMOVE whose destination is on another shard claims the element its source got and
     * takes it later, with both keys locked. A failure anywhere in that later move must end the
     * claim (the next waiter on the source is served by the next push) and lose no element.
     */
    @Test
    void aFailedResumedMoveEndsItsClaim() throws Exception {
        try (TestServer helios = TestServer.start(); RawClient waiter = new RawClient(helios.port());
             RawClient pusher = new RawClient(helios.port()); RawClient next = new RawClient(helios.port())) {
            var shards = helios.server.context().shards();
            int failures = 0;
            for (FaultInjection.Point point : FaultInjection.Point.values()) {
                for (int nth = 1; nth <= 6; nth++) {
                    assertEquals("+OK", pusher.call("FLUSHALL"));
                    waiter.send(List.of("BLMOVE".getBytes(), "{a}src".getBytes(), "{b}dst".getBytes(), "LEFT".getBytes(),
                            "RIGHT".getBytes(), "2".getBytes()));
                    awaitBlocked(pusher, 1);
                    AtomicInteger seen = new AtomicInteger();
                    AtomicInteger fired = new AtomicInteger();
                    int target = nth;
                    shards.injectFaults((p, s) -> p == point && seen.incrementAndGet() == target && fired.incrementAndGet() == 1);
                    String pushed = pusher.call("LPUSH", "{a}src", "e1");
                    String moved = waiter.read();
                    shards.injectFaults(null);
                    String what = point + " #" + nth + ": LPUSH " + pushed + ", BLMOVE " + moved;
                    assertTrue(moved != null && !moved.contains("java.") && !moved.contains("Exception"), what);
                    if (fired.get() == 0) {
                        what += " src " + pusher.call("LRANGE", "{a}src", "0", "-1") + " dst " + pusher.call("LRANGE", "{b}dst", "0", "-1");
                        assertEquals("\"e1\"", moved, what);
                        break;
                    }
                    failures++;
                    awaitIdle(shards, what);
                    awaitBlocked(pusher, 0);
                    next.send(List.of("BLMOVE".getBytes(), "{a}src".getBytes(), "{b}dst".getBytes(), "LEFT".getBytes(),
                            "RIGHT".getBytes(), "2".getBytes()));
                    pusher.call("LPUSH", "{a}src", "e2");
                    String second = next.read();
                    assertTrue(second.startsWith("\"e"), what + "; the next waiter got " + second);
                    // nothing lost, nothing doubled: every element pushed is in one of the lists
                    long total = Long.parseLong(pusher.call("LLEN", "{a}src").substring(1)) + Long.parseLong(pusher.call("LLEN", "{b}dst").substring(1));
                    assertEquals(pushed.startsWith(":") ? 2 : 1, total, what);
                }
            }
            assertTrue(failures > 5, "injected " + failures + " failures");
            helios.expectedInternalErrors = shards.internalErrors();
        }
    }

    private static void awaitBlocked(RawClient c, int n) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (c.call("INFO", "clients").contains("blocked_clients:" + n + "\\r\\n")) {
                return;
            }
            Thread.sleep(5);
        }
        fail("blocked_clients never reached " + n);
    }

    private static void setUp(RawClient c) throws Exception {
        assertEquals("+OK", c.call("FLUSHALL"));
        assertEquals("+OK", c.call("MSET", "{a}1", "a", "{b}1", "b", "{c}1", "c"));
        c.call("SADD", "{a}s", "m1", "m2");
        c.call("SADD", "{b}s", "m2", "m3");
        c.call("RPUSH", "{a}l", "3", "1", "2");
    }

    private static void awaitIdle(io.heliosdb.scheduler.ShardGroup shards, String what) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (shards.idle()) {
                return;
            }
            Thread.sleep(10);
        }
        fail("shards not idle after " + what);
    }
}

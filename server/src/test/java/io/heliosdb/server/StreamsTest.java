package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/** Streams through Jedis on a 3-shard server: blocking reads, consumer groups under load, restarts. */
class StreamsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = jedis(server)) {
            j.flushAll();
        }
    }

    private static Jedis jedis(TestServer s) {
        return new Jedis("127.0.0.1", s.port(), 30_000);
    }

    @Test
    void blockedXreadIsServedByTheFirstXaddOnAnyOfItsStreams() throws Exception {
        String[] keys = {"events:a", "events:b", "events:c", "events:d"}; // spread over the shards
        AtomicReference<List<Map.Entry<String, List<StreamEntry>>>> got = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (Jedis j = jedis(server)) {
                Map<String, StreamEntryID> from = new java.util.LinkedHashMap<>();
                for (String k : keys) {
                    from.put(k, StreamEntryID.XREAD_NEW_ENTRY);
                }
                got.set(j.xread(XReadParams.xReadParams().block(10_000), from));
            }
        });
        reader.start();
        try (Jedis w = jedis(server)) {
            // XADD only once the reader waits ("$" means: entries added after the XREAD)
            long deadline = System.currentTimeMillis() + 10_000;
            while (!w.info("clients").contains("blocked_clients:1") && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            w.sendCommand(Protocol.Command.XADD, "events:c", "5-1", "type", "click");
        }
        reader.join(10_000);
        List<Map.Entry<String, List<StreamEntry>>> r = got.get();
        assertEquals(1, r.size());
        assertEquals("events:c", r.get(0).getKey());
        assertEquals("5-1", r.get(0).getValue().get(0).getID().toString());
        assertEquals(Map.of("type", "click"), r.get(0).getValue().get(0).getFields());
    }

    @Test
    void blockedXreadTimesOutWithNull() {
        try (Jedis j = jedis(server)) {
            long t0 = System.nanoTime();
            var r = j.xread(XReadParams.xReadParams().block(200), Map.of("quiet", StreamEntryID.XREAD_NEW_ENTRY));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNull(r);
            assertTrue(ms >= 150, "waited " + ms + " ms");
        }
    }

    @Test
    void clientUnblockEndsABlockedXread() throws Exception {
        try (RawClient blocked = new RawClient(server.port()); Jedis admin = jedis(server)) {
            String id = blocked.call("CLIENT", "ID").substring(1);
            blocked.send(List.of("XREAD".getBytes(), "BLOCK".getBytes(), "0".getBytes(), "STREAMS".getBytes(),
                    "never:written".getBytes(), "$".getBytes()));
            long deadline = System.currentTimeMillis() + 5000;
            long unblocked = 0;
            while (unblocked == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20); // until its wait is registered
                unblocked = admin.clientUnblock(Long.parseLong(id), redis.clients.jedis.args.UnblockType.ERROR);
            }
            assertEquals(1, unblocked);
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK", blocked.read());
            assertEquals("+PONG", blocked.call("PING"));
        }
    }

    /**
     * Redis 7 unblocks a blocked XREADGROUP whose stream is deleted or replaced (UNBLOCKED) or whose
     * group is destroyed (NOGROUP); a plain XREAD keeps waiting. The same steps on redis-server and on
     * HeliosDB (3 shards, the stream on another loop than the writer's at times) must answer alike.
     */
    @Test
    void blockedGroupReadersHearTheirStreamOrGroupGoAwayAsInRedis() throws Exception {
        String[][] endings = {{"DEL", "gs:s"}, {"XGROUP", "DESTROY", "gs:s", "g"}, {"SET", "gs:s", "x"}, {"FLUSHALL"}, {"UNLINK", "gs:s"}};
        try (RedisPeer redis = RedisPeer.start()) {
            List<List<String>> seen = new ArrayList<>();
            for (int port : new int[]{redis.port, server.port()}) {
                List<String> answers = new ArrayList<>();
                try (RawClient w = new RawClient(port)) {
                    for (String[] end : endings) {
                        w.call("DEL", "gs:s");
                        w.call("XGROUP", "CREATE", "gs:s", "g", "$", "MKSTREAM");
                        try (RawClient r = new RawClient(port)) {
                            r.sendRaw(RawClient.encode(List.of("XREADGROUP".getBytes(), "GROUP".getBytes(), "g".getBytes(), "c".getBytes(),
                                    "BLOCK".getBytes(), "10000".getBytes(), "STREAMS".getBytes(), "gs:s".getBytes(), ">".getBytes())));
                            waitBlocked(w, 1);
                            w.call(end);
                            answers.add(String.join(" ", end) + " -> " + r.read());
                        }
                        waitBlocked(w, 0);
                    }
                    // a plain XREAD is not woken by the deletion: it times out
                    w.call("XADD", "gs:t", "1-1", "f", "v");
                    try (RawClient r = new RawClient(port)) {
                        r.sendRaw(RawClient.encode(List.of("XREAD".getBytes(), "BLOCK".getBytes(), "300".getBytes(), "STREAMS".getBytes(),
                                "gs:t".getBytes(), "$".getBytes())));
                        waitBlocked(w, 1);
                        w.call("DEL", "gs:t");
                        answers.add("XREAD after DEL -> " + r.read());
                    }
                }
                seen.add(answers);
            }
            assertEquals(seen.get(0), seen.get(1));
            assertTrue(seen.get(1).get(0).contains("UNBLOCKED the stream key no longer exists"), seen.get(1).toString());
        }
    }

    /**
     * XREAD and XREADGROUP check each key in argument order, its type, then its group, then its ID,
     * and the first key that fails decides the error (Redis' xreadCommand); nothing is read or
     * delivered then. The keys are spread over HeliosDB's shards, BLOCK sends the call across them.
     */
    @Test
    void readsCheckEachKeyInOrderAsRedisDoes() throws Exception {
        String[][] calls = {
                {"XREAD", "STREAMS", "xo:str", "1-18446744073709551616"},
                {"XREAD", "STREAMS", "xo:none", "xo:str", "0", "bad"},
                {"XREAD", "STREAMS", "xo:a", "xo:str", "bad", "0"},
                {"XREAD", "STREAMS", "xo:str", ">"},
                {"XREAD", "STREAMS", "xo:a", "xo:b", "0", ">"},
                {"XREAD", "STREAMS", "xo:a", "xo:b", "$", "0"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:none", "$"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:a", "$"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:a", "xo:str", ">", ">"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:a", "xo:b", ">", "bad"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:a", "xo:c", ">", ">"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:str", "xo:a", "bad", ">"},
                {"XINFO", "GROUPS", "xo:a"},
                {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "xo:a", "xo:b", ">", ">"},
        };
        try (RedisPeer redis = RedisPeer.start()) {
            List<List<String>> seen = new ArrayList<>();
            for (int port : new int[]{redis.port, server.port()}) {
                List<String> answers = new ArrayList<>();
                try (RawClient c = new RawClient(port)) {
                    c.call("DEL", "xo:str", "xo:a", "xo:b", "xo:c");
                    c.call("SET", "xo:str", "x");
                    for (String k : new String[]{"xo:a", "xo:b", "xo:c"}) {
                        c.call("XADD", k, "1-1", "f", "v");
                    }
                    c.call("XGROUP", "CREATE", "xo:a", "g", "0");
                    c.call("XGROUP", "CREATE", "xo:b", "g", "0");
                    for (String[] call : calls) {
                        answers.add(String.join(" ", call) + " -> " + c.call(call).replaceAll(":\\d{12,}", ":T"));
                        List<String> blocking = new ArrayList<>(List.of(call));
                        if (call[0].startsWith("XREAD")) {
                            blocking.add(1, "BLOCK");
                            blocking.add(2, "1");
                            answers.add("BLOCK 1 -> " + c.call(blocking.toArray(String[]::new)).replaceAll(":\\d{12,}", ":T"));
                        }
                    }
                }
                seen.add(answers);
            }
            assertEquals(String.join("\n", seen.get(0)), String.join("\n", seen.get(1)));
            assertTrue(seen.get(1).get(0).contains("WRONGTYPE"), seen.get(1).get(0));
        }
    }

    /** XINFO STREAM FULL with groups, consumers and pending entries reads as redis-server's (times masked). */
    @Test
    void xinfoStreamFullMatchesRedis() throws Exception {
        try (RedisPeer redis = RedisPeer.start()) {
            List<String> seen = new ArrayList<>();
            for (int port : new int[]{redis.port, server.port()}) {
                try (RawClient c = new RawClient(port)) {
                    c.call("DEL", "xf:s");
                    for (String id : new String[]{"1-1", "2-1", "3-1"}) {
                        c.call("XADD", "xf:s", id, "f", id);
                    }
                    c.call("XGROUP", "CREATE", "xf:s", "g", "0");
                    c.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "xf:s", ">");
                    c.call("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "xf:s", ">");
                    seen.add(c.call("XINFO", "STREAM", "xf:s", "FULL", "COUNT", "5").replaceAll(":\\d{12,}", ":T"));
                }
            }
            assertEquals(seen.get(0), seen.get(1));
            assertTrue(seen.get(1).contains("\"alice\""), seen.get(1));
        }
    }

    private static void waitBlocked(RawClient c, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (!c.call("INFO", "clients").contains("blocked_clients:" + n) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void consumerGroupDeliversEveryEntryToExactlyOneBlockedConsumer() throws Exception {
        int consumers = 4;
        int entries = 2000;
        try (Jedis j = jedis(server)) {
            j.sendCommand(Protocol.Command.XGROUP, "CREATE", "jobs", "workers", "$", "MKSTREAM");
        }
        Map<String, String> deliveredTo = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger acked = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            String name = "worker-" + c;
            Thread t = new Thread(() -> {
                try (Jedis j = jedis(server)) {
                    while (acked.get() < entries) {
                        var r = j.xreadGroup("workers", name, XReadGroupParams.xReadGroupParams().block(200).count(50),
                                Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                        if (r == null) {
                            continue;
                        }
                        for (StreamEntry e : r.get(0).getValue()) {
                            if (deliveredTo.putIfAbsent(e.getID().toString(), name) != null) {
                                duplicates.incrementAndGet();
                            }
                            acked.addAndGet((int) j.xack("jobs", "workers", e.getID()));
                        }
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        try (Jedis p = jedis(server)) {
            for (int i = 0; i < entries; i++) {
                p.sendCommand(Protocol.Command.XADD, "jobs", "*", "n", Integer.toString(i));
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(0, duplicates.get());
        assertEquals(entries, deliveredTo.size());
        assertEquals(entries, acked.get());
        try (Jedis j = jedis(server)) {
            assertEquals(0L, ((List<?>) j.sendCommand(Protocol.Command.XPENDING, "jobs", "workers")).get(0));
            assertTrue(Set.copyOf(deliveredTo.values()).size() > 1, "the work was shared");
        }
    }

    @Test
    void streamsGroupsAndPendingEntriesSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("helios-streams");
        String before;
        try (TestServer s = TestServer.startOn(dir); Jedis j = jedis(s)) {
            for (int i = 1; i <= 600; i++) { // large: persisted entry by entry
                j.sendCommand(Protocol.Command.XADD, "big", i + "-0", "i", Integer.toString(i));
            }
            j.sendCommand(Protocol.Command.XADD, "small", "1-1", "a", "b");
            j.sendCommand(Protocol.Command.XGROUP, "CREATE", "big", "g", "0");
            j.sendCommand(Protocol.Command.XGROUP, "CREATE", "small", "g", "$");
            j.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "g", "alice", "COUNT", "100", "STREAMS", "big", ">");
            j.sendCommand(Protocol.Command.XACK, "big", "g", "1-0", "2-0");
            j.sendCommand(Protocol.Command.XDEL, "big", "50-0", "500-0");
            j.sendCommand(Protocol.Command.XTRIM, "big", "MAXLEN", "590");
            before = snapshot(j);
        }
        try (TestServer s = TestServer.startOn(dir); Jedis j = jedis(s)) {
            assertEquals(before, snapshot(j));
            // and it goes on from where it was: the last ID came back too
            var e = org.junit.jupiter.api.Assertions.assertThrows(redis.clients.jedis.exceptions.JedisDataException.class,
                    () -> j.sendCommand(Protocol.Command.XADD, "big", "600-0", "i", "again"));
            assertEquals("ERR The ID specified in XADD is equal or smaller than the target stream top item", e.getMessage());
            assertEquals("601-0", new String((byte[]) j.sendCommand(Protocol.Command.XADD, "big", "601-0", "i", "601")));
            var next = j.xreadGroup("g", "bob", XReadGroupParams.xReadGroupParams().count(1), Map.of("big", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertEquals("101-0", next.get(0).getValue().get(0).getID().toString());
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    private static String snapshot(Jedis j) {
        StringBuilder b = new StringBuilder();
        for (String k : List.of("big", "small")) {
            b.append(render(j.sendCommand(Protocol.Command.XRANGE, k, "-", "+")));
            b.append(render(j.sendCommand(Protocol.Command.XINFO, "GROUPS", k)));
            b.append(render(j.sendCommand(Protocol.Command.XPENDING, k, "g")));
            b.append(render(j.sendCommand(Protocol.Command.XLEN, k)));
            List<?> info = (List<?>) j.sendCommand(Protocol.Command.XINFO, "STREAM", k);
            b.append(render(info.subList(6, 12))); // last-generated-id, max-deleted-entry-id, entries-added
        }
        return b.toString();
    }

    private static String render(Object o) {
        if (o instanceof byte[] bytes) {
            return new String(bytes);
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            l.forEach(x -> b.append(render(x)).append(' '));
            return b.append(']').toString();
        }
        return String.valueOf(o);
    }
}

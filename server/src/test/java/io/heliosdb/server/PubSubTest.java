package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Pub/Sub between real clients on a 3-shard server: replies, pushes, order, slow subscribers. */
class PubSubTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void resp2SubscriberGetsOneConfirmationPerChannelAndMessagesFromChannelsAndPatterns() throws Exception {
        try (RawClient sub = new RawClient(server.port()); RawClient pub = new RawClient(server.port())) {
            sub.send(List.of("SUBSCRIBE".getBytes(), "news".getBytes(), "sport".getBytes()));
            assertEquals("*[\"subscribe\", \"news\", :1]", sub.read());
            assertEquals("*[\"subscribe\", \"sport\", :2]", sub.read());
            assertEquals("*[\"psubscribe\", \"n*\", :3]", sub.call("PSUBSCRIBE", "n*"));
            assertEquals(":2", pub.call("PUBLISH", "news", "hello")); // the channel and the pattern
            assertEquals("*[\"message\", \"news\", \"hello\"]", sub.read());
            assertEquals("*[\"pmessage\", \"n*\", \"news\", \"hello\"]", sub.read());
            assertEquals(":1", pub.call("PUBLISH", "sport", "goal"));
            assertEquals("*[\"message\", \"sport\", \"goal\"]", sub.read());
            assertEquals("*[\"news\", :1, \"sport\", :1, \"none\", :0]", pub.call("PUBSUB", "NUMSUB", "news", "sport", "none"));
            // a RESP2 client in subscribed mode is of type pubsub (CLIENT LIST/KILL TYPE), the publisher normal
            String subId = "id=" + pub.call("CLIENT", "LIST", "TYPE", "pubsub").replaceAll("(?s).*?id=(\\d+) .*", "$1") + " ";
            assertTrue(pub.call("CLIENT", "LIST", "TYPE", "pubsub").contains("cmd=psubscribe"), subId);
            assertTrue(!pub.call("CLIENT", "LIST", "TYPE", "normal").contains(subId), subId);
            assertTrue(pub.call("INFO", "stats").contains("pubsub_channels:2"));
            assertTrue(pub.call("INFO", "stats").contains("pubsub_patterns:1"));
            sub.send(List.of("UNSUBSCRIBE".getBytes()));
            assertEquals("*[\"unsubscribe\", \"news\", :2]", sub.read());
            assertEquals("*[\"unsubscribe\", \"sport\", :1]", sub.read());
            assertEquals("*[\"punsubscribe\", \"n*\", :0]", sub.call("PUNSUBSCRIBE"));
            assertEquals("+OK", sub.call("SET", "after", "subscribed mode")); // out of subscribed mode again
            assertEquals(":0", pub.call("PUBLISH", "news", "nobody listens"));
        }
    }

    @Test
    void resp3PushesInterleaveWithOrdinaryReplies() throws Exception {
        try (RawClient sub = new RawClient(server.port()); RawClient pub = new RawClient(server.port())) {
            sub.call("HELLO", "3");
            assertEquals(">[\"subscribe\", \"ch\", :1]", sub.call("SUBSCRIBE", "ch"));
            assertEquals("+OK", sub.call("SET", "k", "v")); // RESP3 clients may run commands while subscribed
            assertEquals(":1", pub.call("PUBLISH", "ch", "m1"));
            assertEquals(">[\"message\", \"ch\", \"m1\"]", sub.read());
            assertEquals("\"v\"", sub.call("GET", "k"));
            assertEquals(">[\"ssubscribe\", \"sh\", :1]", sub.call("SSUBSCRIBE", "sh"));
            assertEquals(":1", pub.call("SPUBLISH", "sh", "m2"));
            assertEquals(">[\"smessage\", \"sh\", \"m2\"]", sub.read());
            assertEquals("+RESET", sub.call("RESET"));
            assertEquals(":0", pub.call("PUBLISH", "ch", "gone"));
            assertEquals(":0", pub.call("SPUBLISH", "sh", "gone"));
        }
    }

    @Test
    void everySubscriberGetsEachPublishersMessagesInOrderAcrossShards() throws Exception {
        int subscribers = 30;
        int publishers = 3;
        int perPublisher = 1000;
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        List<StatefulRedisPubSubConnection<String, String>> conns = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(subscribers * publishers * perPublisher);
        Map<String, String> problems = new ConcurrentHashMap<>();
        try {
            for (int s = 0; s < subscribers; s++) {
                StatefulRedisPubSubConnection<String, String> c = client.connectPubSub();
                int id = s;
                int[] last = new int[publishers];
                java.util.Arrays.fill(last, -1);
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String pattern, String channel, String message) {
                        if (id % 2 == 1) {
                            received(message);
                        }
                    }

                    @Override
                    public void message(String channel, String message) {
                        if (id % 2 == 0) {
                            received(message);
                        }
                    }

                    private void received(String message) {
                        String[] p = message.split(":");
                        int publisher = Integer.parseInt(p[0]);
                        int seq = Integer.parseInt(p[1]);
                        if (seq != last[publisher] + 1) {
                            problems.putIfAbsent("subscriber " + id, "publisher " + publisher + " sent " + seq + " after " + last[publisher]);
                        }
                        last[publisher] = seq;
                        all.countDown();
                    }
                });
                if (s % 2 == 0) {
                    c.sync().subscribe("orders");
                } else {
                    c.sync().psubscribe("ord*"); // half of them through a pattern
                }
                conns.add(c);
            }
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int id = p;
                Thread t = new Thread(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                        var pipe = j.pipelined();
                        for (int i = 0; i < perPublisher; i++) {
                            pipe.publish("orders", id + ":" + i);
                        }
                        pipe.sync();
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), "messages missing: " + all.getCount());
            assertEquals(Map.of(), problems);
        } finally {
            conns.forEach(StatefulRedisPubSubConnection::close);
            client.shutdown();
        }
    }

    @Test
    void lettuceSubscribesUnsubscribesAndCountsSubscribers() throws Exception {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisPubSubConnection<String, String> c = client.connectPubSub();
             Jedis j = new Jedis("127.0.0.1", server.port())) {
            List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger n = new AtomicInteger();
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(channel + "=" + message);
                    n.incrementAndGet();
                }
            });
            c.sync().subscribe("a", "b");
            assertEquals(Map.of("a", 1L, "b", 1L, "c", 0L), j.pubsubNumSub("a", "b", "c"));
            assertEquals(List.of("a", "b"), j.pubsubChannels().stream().sorted().toList());
            j.publish("a", "1");
            j.publish("b", "2");
            c.sync().unsubscribe("a");
            j.publish("a", "lost");
            j.publish("b", "3");
            long deadline = System.currentTimeMillis() + 10_000;
            while (n.get() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("a=1", "b=2", "b=3"), got);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void subscriberThatDoesNotReadIsDisconnectedAtThePubsubOutputLimit() throws Exception {
        try (Jedis admin = new Jedis("127.0.0.1", server.port()); RawClient slow = new RawClient(server.port())) {
            admin.configSet("client-output-buffer-limit", "pubsub 1mb 256kb 60");
            try {
                assertEquals("*[\"subscribe\", \"firehose\", :1]", slow.call("SUBSCRIBE", "firehose"));
                String payload = "x".repeat(100_000);
                long receivers = 1;
                for (int i = 0; i < 1000 && receivers > 0; i++) { // up to 100 MB if nothing stopped it
                    receivers = admin.publish("firehose", payload);
                }
                assertEquals(0, receivers, "the subscriber was dropped");
                assertEquals(Map.of("firehose", 0L), admin.pubsubNumSub("firehose"));
                assertEquals("PONG", admin.ping()); // the server is fine
            } finally {
                admin.configSet("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
            }
        }
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyspace notifications against redis-server (Debian's 7.0): the same random commands on both, a
 * subscriber on __key*__:* on each, and after every command the events each server published must be
 * the same, in the same order (keyspace and keyevent channels, all classes, new keys and key misses; a
 * third test reads missing keys with every read command). A marker message after
 * each command delimits its events. Reproduce a failure with -Ddiff.seed=N.
 */
class KeyspaceNotificationsTest {
    private static final long SEED = Long.getLong("diff.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("diff.steps", 1500);
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start("--shards", "1"); // one loop: events and the marker keep their order
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @Test
    void randomCommandsPublishTheSameEventsAsRedis() throws Exception {
        try (RawClient rc = new RawClient(redis.port); RawClient hc = new RawClient(helios.port());
             RawClient rs = new RawClient(redis.port); RawClient hs = new RawClient(helios.port())) {
            for (RawClient c : new RawClient[]{rc, hc}) {
                c.call("FLUSHALL");
                assertEquals("+OK", c.call("CONFIG", "SET", "notify-keyspace-events", "KEAnm"));
            }
            for (RawClient s : new RawClient[]{rs, hs}) {
                s.call("PSUBSCRIBE", "__key*__:*");
                s.call("SUBSCRIBE", "marker");
            }
            Random rnd = new Random(SEED);
            ArrayDeque<String> history = new ArrayDeque<>();
            try {
                for (int step = 0; step < STEPS; step++) {
                    String[] cmd = command(rnd);
                    history.addLast(String.join(" ", cmd));
                    if (history.size() > 60) {
                        history.removeFirst();
                    }
                    String r1 = rc.call(cmd);
                    String r2 = hc.call(cmd);
                    rc.call("PUBLISH", "marker", Integer.toString(step));
                    hc.call("PUBLISH", "marker", Integer.toString(step));
                    List<String> e1 = eventsUntilMarker(rs);
                    List<String> e2 = eventsUntilMarker(hs);
                    if (!r1.equals(r2) || !e1.equals(e2)) {
                        fail("step " + step + " (seed " + SEED + ")\n  command: " + String.join(" ", cmd) + "\n  redis:    " + r1 + " " + e1
                                + "\n  heliosdb: " + r2 + " " + e2 + "\n  recent:\n    " + String.join("\n    ", history));
                    }
                }
            } finally {
                for (RawClient c : new RawClient[]{rc, hc}) {
                    c.call("CONFIG", "SET", "notify-keyspace-events", "");
                }
            }
        }
    }

    @Test
    void expiredKeysAreAnnouncedLikeRedis() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port); RawClient s = new RawClient(port)) {
                c.call("CONFIG", "SET", "notify-keyspace-events", "Ex$gm");
                s.call("PSUBSCRIBE", "__keyevent@0__:*");
                s.call("SUBSCRIBE", "marker");
                c.call("GET", "exp:never"); // a key miss
                c.call("SET", "exp:lazy", "v", "PX", "30");
                c.call("SET", "exp:active", "v", "PX", "30");
                Thread.sleep(60);
                c.call("GET", "exp:lazy"); // expires on access
                Thread.sleep(1500); // the other one by active expiry
                c.call("PUBLISH", "marker", "end");
                List<String> events = eventsUntilMarker(s);
                events.sort(null); // active expiry's moment relative to the lazy one is not fixed
                seen.add(events);
                c.call("CONFIG", "SET", "notify-keyspace-events", "");
            }
        }
        assertEquals(seen.get(0), seen.get(1));
        assertEquals(8, seen.get(0).size(), seen.get(0).toString()); // set+expire twice, expired twice, keymiss twice (the lazily expired key misses too)
    }

    /** Every read of a missing key that Redis announces as "keymiss", and none that it does not. */
    @Test
    void readsOfMissingKeysAnnounceKeymissLikeRedis() throws Exception {
        String[][] reads = {
            {"GET", "m:a"}, {"GETRANGE", "m:a", "0", "1"}, {"SUBSTR", "m:a", "0", "1"}, {"STRLEN", "m:a"},
            {"MGET", "m:a", "m:b"}, {"GETEX", "m:a"}, {"GETDEL", "m:a"}, {"GETSET", "m:a", "v"}, {"DEL", "m:a"},
            {"SET", "m:a", "v", "GET"}, {"DEL", "m:a"}, {"LCS", "m:a", "m:b"}, {"GETBIT", "m:a", "1"},
            {"BITCOUNT", "m:a"}, {"BITPOS", "m:a", "1"}, {"BITFIELD_RO", "m:a", "GET", "u8", "0"},
            {"BITFIELD", "m:a", "GET", "u8", "0"}, {"BITOP", "AND", "m:d", "m:a", "m:b"}, {"APPEND", "m:c", "x"},
            {"INCR", "m:i"}, {"SETRANGE", "m:r", "0", "x"},
            {"EXISTS", "m:a", "m:b"}, {"TYPE", "m:a"}, {"TTL", "m:a"}, {"PTTL", "m:a"}, {"EXPIRETIME", "m:a"},
            {"PEXPIRETIME", "m:a"}, {"DUMP", "m:a"}, {"OBJECT", "ENCODING", "m:a"}, {"OBJECT", "FREQ", "m:a"},
            {"OBJECT", "IDLETIME", "m:a"}, {"OBJECT", "REFCOUNT", "m:a"}, {"MEMORY", "USAGE", "m:a"},
            {"TOUCH", "m:a", "m:b"}, {"COPY", "m:a", "m:b"}, {"RENAME", "m:a", "m:b"}, {"RENAMENX", "m:a", "m:b"},
            {"MOVE", "m:a", "1"}, {"EXPIRE", "m:a", "10"}, {"PERSIST", "m:a"}, {"SORT", "m:a"}, {"SORT_RO", "m:a"},
            {"SORT", "m:a", "STORE", "m:d"}, {"UNLINK", "m:a"},
            {"HGET", "m:h", "f"}, {"HMGET", "m:h", "f", "g"}, {"HGETALL", "m:h"}, {"HKEYS", "m:h"}, {"HVALS", "m:h"},
            {"HLEN", "m:h"}, {"HEXISTS", "m:h", "f"}, {"HSTRLEN", "m:h", "f"}, {"HRANDFIELD", "m:h"},
            {"HSCAN", "m:h", "0"}, {"HDEL", "m:h", "f"}, {"HINCRBY", "m:hi", "f", "1"},
            {"LRANGE", "m:l", "0", "-1"}, {"LLEN", "m:l"}, {"LINDEX", "m:l", "0"}, {"LPOS", "m:l", "x"},
            {"LPOP", "m:l"}, {"RPOP", "m:l", "2"}, {"LMPOP", "1", "m:l", "LEFT"}, {"LREM", "m:l", "0", "x"},
            {"LSET", "m:l", "0", "x"}, {"LTRIM", "m:l", "0", "1"}, {"LINSERT", "m:l", "BEFORE", "a", "b"},
            {"LPUSHX", "m:l", "x"}, {"RPOPLPUSH", "m:l", "m:l2"}, {"LMOVE", "m:l", "m:l2", "LEFT", "LEFT"},
            {"BLPOP", "m:l", "0.01"}, {"BLMOVE", "m:l", "m:l2", "LEFT", "LEFT", "0.01"},
            {"SMEMBERS", "m:s"}, {"SISMEMBER", "m:s", "x"}, {"SMISMEMBER", "m:s", "x"}, {"SCARD", "m:s"},
            {"SRANDMEMBER", "m:s"}, {"SPOP", "m:s"}, {"SREM", "m:s", "x"}, {"SSCAN", "m:s", "0"},
            {"SINTER", "m:s", "m:t"}, {"SUNION", "m:s", "m:t"}, {"SDIFF", "m:s", "m:t"}, {"SINTERCARD", "2", "m:s", "m:t"},
            {"SINTERSTORE", "m:d", "m:s", "m:t"}, {"SUNIONSTORE", "m:d", "m:s"}, {"SDIFFSTORE", "m:d", "m:s"},
            {"SMOVE", "m:s", "m:t", "x"},
            {"ZRANGE", "m:z", "0", "-1"}, {"ZRANGEBYSCORE", "m:z", "0", "1"}, {"ZREVRANGE", "m:z", "0", "-1"},
            {"ZRANGEBYLEX", "m:z", "-", "+"}, {"ZSCORE", "m:z", "x"}, {"ZMSCORE", "m:z", "x"}, {"ZRANK", "m:z", "x"},
            {"ZREVRANK", "m:z", "x"}, {"ZCARD", "m:z"}, {"ZCOUNT", "m:z", "0", "1"}, {"ZLEXCOUNT", "m:z", "-", "+"},
            {"ZRANDMEMBER", "m:z"}, {"ZSCAN", "m:z", "0"}, {"ZUNION", "2", "m:z", "m:y"}, {"ZINTER", "2", "m:z", "m:y"},
            {"ZDIFF", "2", "m:z", "m:y"}, {"ZINTERCARD", "2", "m:z", "m:y"}, {"ZUNIONSTORE", "m:d", "2", "m:z", "m:y"},
            {"ZRANGESTORE", "m:d", "m:z", "0", "-1"}, {"ZPOPMIN", "m:z"}, {"ZMPOP", "1", "m:z", "MIN"},
            {"ZREM", "m:z", "x"}, {"ZREMRANGEBYRANK", "m:z", "0", "1"}, {"BZPOPMIN", "m:z", "0.01"},
            {"XRANGE", "m:x", "-", "+"}, {"XREVRANGE", "m:x", "+", "-"}, {"XLEN", "m:x"},
            {"XREAD", "STREAMS", "m:x", "0"}, {"XINFO", "STREAM", "m:x"}, {"XPENDING", "m:x", "g"},
            {"XREAD", "STREAMS", "m:x", "m:x2", "0", "$"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "m:x", ">"},
            {"XCLAIM", "m:x", "g", "c", "0", "1-1"}, {"XAUTOCLAIM", "m:x", "g", "c", "0", "0"},
            {"XGROUP", "DESTROY", "m:x", "g"}, {"XGROUP", "SETID", "m:x", "g", "0"},
            {"XGROUP", "CREATECONSUMER", "m:x", "g", "c"}, {"XGROUP", "DELCONSUMER", "m:x", "g", "c"},
            {"XSETID", "m:x", "1-1"}, {"XINFO", "GROUPS", "m:x"}, {"XINFO", "CONSUMERS", "m:x", "g"},
            {"HINCRBYFLOAT", "m:hf", "f", "1"}, {"LPUSH", "m:sl", "1", "2"}, {"SORT", "m:sl", "BY", "w:*", "GET", "v:*", "GET", "#"},
            {"SET", "w:1", "5"}, {"HSET", "v:2", "f", "x"}, {"SORT", "m:sl", "BY", "w:*->f", "GET", "v:*->f", "LIMIT", "1", "1"},
            {"SORT_RO", "m:sl", "BY", "nosort", "GET", "v:*", "GET", "w:*"}, {"SORT", "m:sl", "BY", "w:*", "GET", "v:*->f", "STORE", "m:d2"},
            {"XDEL", "m:x", "1-1"}, {"XTRIM", "m:x", "MAXLEN", "1"}, {"XACK", "m:x", "g", "1-1"},
            {"PFCOUNT", "m:p"}, {"PFCOUNT", "m:p", "m:q"}, {"PFMERGE", "m:d", "m:p"},
            {"GEOPOS", "m:g", "x"}, {"GEODIST", "m:g", "x", "y"}, {"GEOHASH", "m:g", "x"},
            {"GEOSEARCH", "m:g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
            {"GEORADIUS_RO", "m:g", "0", "0", "1", "km"},
            {"GEOSEARCHSTORE", "m:d", "m:g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
            {"EVAL", "return redis.call('GET', KEYS[1])", "1", "m:a"},
            {"WATCH", "m:a"}, {"UNWATCH"},
        };
        try (RawClient rc = new RawClient(redis.port); RawClient hc = new RawClient(helios.port());
             RawClient rs = new RawClient(redis.port); RawClient hs = new RawClient(helios.port())) {
            for (RawClient c : new RawClient[]{rc, hc}) {
                c.call("FLUSHALL");
                c.call("CONFIG", "SET", "notify-keyspace-events", "KEAm");
            }
            for (RawClient s : new RawClient[]{rs, hs}) {
                s.call("PSUBSCRIBE", "__key*__:*");
                s.call("SUBSCRIBE", "marker");
            }
            List<String> wrong = new ArrayList<>();
            try {
                for (String[] cmd : reads) {
                    String r1 = rc.call(cmd);
                    String r2 = hc.call(cmd);
                    rc.call("PUBLISH", "marker", "x");
                    hc.call("PUBLISH", "marker", "x");
                    List<String> e1 = eventsUntilMarker(rs);
                    List<String> e2 = eventsUntilMarker(hs);
                    if (!e1.equals(e2) || !r1.equals(r2)) {
                        wrong.add(String.join(" ", cmd) + "\n    redis:    " + r1 + " " + e1 + "\n    heliosdb: " + r2 + " " + e2);
                    }
                }
            } finally {
                for (RawClient c : new RawClient[]{rc, hc}) {
                    c.call("CONFIG", "SET", "notify-keyspace-events", "");
                }
            }
            assertEquals(List.of(), wrong, String.join("\n  ", wrong));
        }
    }

    @Test
    void multiShardCommandsAnnounceTheSameEventsAsRedis() throws Exception {
        String[][] script = {
            {"MSET", "ms:a", "1", "ms:b", "2", "ms:c", "3", "ms:d", "4"},
            {"MSETNX", "ms:e", "1", "ms:f", "2"},
            {"RENAME", "ms:a", "ms:z"},
            {"COPY", "ms:b", "ms:y"},
            {"DEL", "ms:c", "ms:d", "ms:none"},
            {"SADD", "ms:s1", "x", "y"},
            {"SADD", "ms:s2", "y"},
            {"SINTERSTORE", "ms:dst", "ms:s1", "ms:s2"},
            {"SMOVE", "ms:s1", "ms:s3", "x"},
            {"UNLINK", "ms:z", "ms:y", "ms:e"},
        };
        try (TestServer three = TestServer.start(); RawClient rc = new RawClient(redis.port); RawClient hc = new RawClient(three.port());
             RawClient rs = new RawClient(redis.port); RawClient hs = new RawClient(three.port())) {
            for (RawClient c : new RawClient[]{rc, hc}) {
                c.call("FLUSHALL");
                c.call("CONFIG", "SET", "notify-keyspace-events", "KEAn");
            }
            for (RawClient s : new RawClient[]{rs, hs}) {
                s.call("PSUBSCRIBE", "__key*__:*");
                s.call("SUBSCRIBE", "marker");
            }
            try {
                for (String[] cmd : script) {
                    assertEquals(rc.call(cmd), hc.call(cmd), String.join(" ", cmd));
                    // a shard's events keep their order; between shards they may interleave: compare as sets
                    Thread.sleep(50);
                    rc.call("PUBLISH", "marker", "x");
                    hc.call("PUBLISH", "marker", "x");
                    List<String> e1 = eventsUntilMarker(rs);
                    List<String> e2 = eventsUntilMarker(hs);
                    e1.sort(null);
                    e2.sort(null);
                    assertEquals(e1, e2, String.join(" ", cmd));
                }
            } finally {
                for (RawClient c : new RawClient[]{rc, hc}) {
                    c.call("CONFIG", "SET", "notify-keyspace-events", "");
                }
            }
        }
    }

    private static List<String> eventsUntilMarker(RawClient s) throws Exception {
        List<String> events = new ArrayList<>();
        while (true) {
            String m = s.read();
            if (m.startsWith("*[\"message\", \"marker\"")) {
                return events;
            }
            events.add(m);
        }
    }

    private static long streamMs;

    private static String[] command(Random rnd) {
        String[] keys = {"k1", "k2", "l1", "h1", "s1", "z1", "x1"};
        String k = keys[rnd.nextInt(keys.length)];
        String k2 = keys[rnd.nextInt(keys.length)];
        String v = Integer.toString(rnd.nextInt(5));
        return switch (rnd.nextInt(46)) {
            case 0 -> new String[]{"SET", k, v};
            case 1 -> new String[]{"SET", k, v, "EX", "100"};
            case 2 -> new String[]{"SETEX", k, "100", v};
            case 3 -> new String[]{"INCR", k};
            case 4 -> new String[]{"INCRBY", k, "3"};
            case 5 -> new String[]{"DECR", k};
            case 6 -> new String[]{"APPEND", k, v};
            case 7 -> new String[]{"DEL", k, k2};
            case 8 -> new String[]{"EXPIRE", k, "100"};
            case 9 -> new String[]{"PERSIST", k};
            case 10 -> new String[]{"RENAME", k, k2};
            case 11 -> new String[]{"LPUSH", k, v, v};
            case 12 -> new String[]{"RPUSH", k, v};
            case 13 -> new String[]{"LPOP", k};
            case 14 -> new String[]{"RPOP", k, "2"};
            case 15 -> new String[]{"LSET", k, "0", v};
            case 16 -> new String[]{"LTRIM", k, "0", "1"};
            case 17 -> new String[]{"HSET", k, "f" + v, v};
            case 18 -> new String[]{"HINCRBY", k, "f1", "2"};
            case 19 -> new String[]{"HDEL", k, "f" + v};
            case 20 -> new String[]{"SADD", k, v};
            case 21 -> new String[]{"SREM", k, v};
            case 22 -> new String[]{"SREM", k, v, "9"}; // (SPOP picks at random)
            case 23 -> new String[]{"ZADD", k, v, "m" + v};
            case 24 -> new String[]{"ZINCRBY", k, "1", "m" + v};
            case 25 -> new String[]{"ZREM", k, "m" + v};
            case 26 -> new String[]{"ZPOPMIN", k};
            case 27 -> new String[]{"XADD", k, (++streamMs) + "-*", "f", v};
            case 28 -> new String[]{"GETDEL", k};
            case 29 -> new String[]{"SETRANGE", k, "1", v};
            case 30 -> new String[]{"EXPIRE", k, "0"};
            case 31 -> new String[]{"LMOVE", k, k2, "LEFT", "RIGHT"};
            case 32 -> new String[]{"SMOVE", k, k2, v};
            case 33 -> new String[]{"HSETNX", k, "f9", v};
            case 34 -> new String[]{"ZREMRANGEBYSCORE", k, "0", "2"};
            case 35 -> new String[]{"SINTERSTORE", k, k2, "s1"};
            case 36 -> new String[]{"COPY", k, k2, "REPLACE"};
            case 37 -> new String[]{"GET", k};
            case 38 -> new String[]{"MSET", k, v, k2, v};
            case 40 -> new String[]{"EXISTS", k, k2};
            case 41 -> new String[]{"SUNION", k, k2};
            case 42 -> new String[]{"ZINTER", "2", k, k2};
            case 43 -> new String[]{"LRANGE", k, "0", "-1"};
            case 44 -> new String[]{"HGETALL", k};
            case 45 -> new String[]{"XRANGE", k, "-", "+"};
            default -> new String[]{"INCRBYFLOAT", k, "1.5"};
        };
    }
}

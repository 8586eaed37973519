package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests that once froze, wedged or crashed a shard (issue 13's reproducers), each sent to
 * redis-server and to HeliosDB: the replies must be the same, and the server must go on serving.
 */
class HostileInputTest {
    private static final String MAX = "9223372036854775807";
    private static final String MIN = "-9223372036854775808";

    @Test
    void hugeOffsetsAndLimitsAreAnsweredAsRedisAnswersThem() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            String[][] script = {
                    {"RPUSH", "l", "3", "1", "2"},
                    {"SORT_RO", "l", "LIMIT", "1", MAX},
                    {"SORT_RO", "l", "LIMIT", MAX, MAX},
                    {"SORT_RO", "l", "LIMIT", MIN, "2"},
                    {"SORT", "l", "LIMIT", "2", MAX, "STORE", "dst"},
                    {"LRANGE", "dst", "0", "-1"},
                    {"SORT", "l", "LIMIT", "0", "-1", "DESC"},
                    {"FLUSHALL"}, {"DBSIZE"}, {"SELECT", "1"}, {"SELECT", "0"},
                    {"SETRANGE", "s", MAX, "x"},
                    {"SETRANGE", "s", "536870912", "x"},
                    {"SETRANGE", "s", "536870911", ""},
                    {"SETRANGE", "s", "-1", "x"},
                    {"SETRANGE", "s", "5", "abc"},
                    {"GET", "s"},
                    {"APPEND", "s", "def"},
                    {"SETBIT", "b", "4294967296", "1"},
                    {"SETBIT", "b", MAX, "1"},
                    {"GETRANGE", "s", MIN, MAX},
                    {"GETRANGE", "s", MAX, MIN},
                    {"BITFIELD", "bf", "SET", "u8", MAX, "1"},
                    {"BITFIELD", "bf", "SET", "u8", "#" + MAX, "1"},
                    {"BITFIELD", "bf", "GET", "u8", "#1152921504606846975"},
                    {"BITFIELD", "bf", "SET", "U8", "0", "1"},
                    {"BITFIELD", "bf", "SET", "u+8", "0", "1"},
                    {"BITFIELD", "bf", "SET", "i08", "0", "1"},
                    {"BITFIELD", "bf", "SET", "i64", "0", MIN, "GET", "i64", "0"},
                    {"BITFIELD", "bf", "INCRBY", "u2", "#3", MAX},
                    {"BITCOUNT", "s", MIN, MAX},
                    {"BITPOS", "s", "1", MIN, MAX},
                    {"LRANGE", "l", MIN, MAX},
                    {"RPUSH", "l", "a", "b"},
                    {"LRANGE", "l", MIN, MAX},
                    {"LTRIM", "l", MAX, MIN},
                    {"ZADD", "z", "1", "a", "2", "b"},
                    {"ZRANGE", "z", MIN, MAX},
                    {"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", MAX, MAX},
                    {"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "0", MIN},
                    {"ZRANGE", "z", "0", "-1", "BYSCORE", "LIMIT", "1", MAX},
                    {"SADD", "set", "m"}, {"HSET", "h", "f", "v"},
                    {"SRANDMEMBER", "nosuch", MIN}, {"SRANDMEMBER", "set", MIN},
                    {"HRANDFIELD", "h", MIN}, {"ZRANDMEMBER", "z", MIN, "WITHSCORES"},
                    {"LPOS", "l", "a", "COUNT", MAX, "MAXLEN", MAX},
                    {"LPOS", "l", "a", "RANK", MIN}, {"LPOS", "l", "b", "RANK", MIN},
                    {"PING"},
            };
            for (String[] cmd : script) {
                assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertEquals(r.call(cmd), h.call(cmd), String.join(" ", cmd)));
            }
            // Redis 7.0.15 itself dies on these (it allocates for the count); HeliosDB refuses them.
            assertEquals("-ERR value is out of range", h.call("SRANDMEMBER", "set", "-5000000000000000000"));
            assertEquals("-ERR value is out of range", h.call("HRANDFIELD", "h", "-5000000000000000000", "WITHVALUES"));
            assertEquals("+PONG", h.call("PING"));
        }
    }

    @Test
    void aLibraryWhoseLoadNeverEndsIsStoppedAsRedisStopsIt() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port());
             RawClient other = new RawClient(helios.port())) {
            for (String body : new String[]{"while true do end", "local x = 0 for i = 1, 1e15 do x = x + 1 end",
                    "local function spin() while true do end end spin()"}) {
                String code = "#!lua name=spin\n" + body;
                assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertEquals(r.call("FUNCTION", "LOAD", code), h.call("FUNCTION", "LOAD", code), body));
                assertEquals("+PONG", other.call("PING"));
                assertEquals(r.call("FUNCTION", "LIST"), h.call("FUNCTION", "LIST"));
            }
        }
    }

    @Test
    void maxmemoryTakesEffectBothWays() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start("--appendonly", "no");
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            String[][] script = {
                    {"SET", "a", "1"},
                    {"CONFIG", "SET", "maxmemory", "1"},
                    {"SET", "b", "2"},
                    {"GET", "a"},
                    {"CONFIG", "SET", "maxmemory", "0"},
                    {"SET", "b", "2"},
                    {"CONFIG", "SET", "maxmemory", "1"},
                    {"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"},
                    {"CONFIG", "SET", "maxmemory-policy", "noeviction"},
                    {"CONFIG", "SET", "maxmemory", "100mb"},
                    {"SET", "c", "3"},
                    {"CONFIG", "SET", "maxmemory", "0"},
                    {"SET", "d", "4"},
            };
            for (String[] cmd : script) {
                assertEquals(r.call(cmd), h.call(cmd), String.join(" ", cmd));
            }
        }
    }

    @Test
    void maxmemoryBackToZeroLiftsTheLimitWithPersistenceToo() throws Exception {
        try (TestServer helios = TestServer.start(); RawClient h = new RawClient(helios.port())) {
            for (int i = 0; i < 200; i++) {
                h.call("SET", "k" + i, "v".repeat(100));
            }
            assertEquals("+OK", h.call("CONFIG", "SET", "maxmemory", "1"));
            String oom = "-OOM command not allowed when used memory > 'maxmemory'.";
            String reply = "";
            for (int i = 0; i < 300 && !reply.equals(oom); i++) { // the budget is enforced by the periodic check
                Thread.sleep(10);
                reply = h.call("SET", "x", "y");
            }
            assertEquals(oom, reply, "keys alone exceed a 1-byte budget");
            assertEquals("+OK", h.call("CONFIG", "SET", "maxmemory", "0"));
            for (int i = 0; i < 300 && !reply.equals("+OK"); i++) {
                Thread.sleep(10);
                reply = h.call("SET", "x", "y");
            }
            assertEquals("+OK", reply);
        }
    }

    /**
     * client-output-buffer-limit normal: a reply that passes the hard limit closes its client
     * without the reply, as Redis does; the limit can be lifted again. Same steps on both servers.
     */
    @Test
    void normalClientOutputLimitTakesEffectBothWays() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start()) {
            List<List<String>> seen = new java.util.ArrayList<>();
            for (int port : new int[]{redis.port, helios.port()}) {
                List<String> t = new java.util.ArrayList<>();
                try (RawClient admin = new RawClient(port)) {
                    List<String> push = new java.util.ArrayList<>(List.of("RPUSH", "big"));
                    for (int i = 0; i < 2000; i++) {
                        push.add("v".repeat(100) + i);
                    }
                    t.add(admin.call(push.toArray(String[]::new)));
                    t.add(admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100kb 0 0"));
                    t.add(admin.call("CONFIG", "GET", "client-output-buffer-limit"));
                    t.add(readOrClosed(port, "LRANGE", "big", "0", "-1"));
                    t.add(readOrClosed(port, "LRANGE", "big", "0", "1"));
                    t.add(admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"));
                    t.add(readOrClosed(port, "LRANGE", "big", "0", "-1").length() > 200_000 ? "whole list" : "cut");
                    t.add(admin.call("CONFIG", "GET", "client-output-buffer-limit"));
                }
                seen.add(t);
            }
            assertEquals(seen.get(0), seen.get(1));
            assertEquals("(closed)", seen.get(1).get(3));
        }
    }

    /** A new client's reply to one command, or "(closed)" if the server closed it instead. */
    private static String readOrClosed(int port, String... cmd) throws Exception {
        try (RawClient c = new RawClient(port)) {
            String r = c.call(cmd);
            return r == null ? "(closed)" : r;
        } catch (java.io.IOException e) {
            return "(closed)";
        }
    }

    @Test
    void hzAndMaxclientsTakeEffectBothWays() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start("--hz", "1");
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (String[] cmd : new String[][]{{"CONFIG", "SET", "hz", "1000"}, {"CONFIG", "GET", "hz"}, {"CONFIG", "SET", "hz", "0"},
                    {"CONFIG", "GET", "hz"}, {"CONFIG", "SET", "hz", "-1"}, {"CONFIG", "SET", "hz", "1"}}) {
                assertEquals(r.call(cmd), h.call(cmd), String.join(" ", cmd));
            }
            // At hz 1 the next expiry cycle is up to a second away; raising hz must apply at once.
            for (int i = 0; i < 100; i++) {
                h.call("SET", "e" + i, "v", "PX", "1");
            }
            Thread.sleep(20);
            assertEquals("+OK", h.call("CONFIG", "SET", "hz", "500"));
            String expired = "";
            for (int i = 0; i < 25 && !expired.equals("expired_keys:100"); i++) {
                Thread.sleep(10);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("expired_keys:\\d+").matcher(h.call("INFO", "stats"));
                expired = m.find() ? m.group() : "";
            }
            assertEquals("expired_keys:100", expired, "the active expiry ran at the new hz within 250 ms");

            assertEquals("+OK", h.call("CONFIG", "SET", "maxclients", "1"));
            try (RawClient third = new RawClient(helios.port())) {
                assertEquals("-ERR max number of clients reached", third.read());
            }
            assertEquals("+OK", h.call("CONFIG", "SET", "maxclients", "10000"));
            try (RawClient fourth = new RawClient(helios.port())) {
                assertEquals("+PONG", fourth.call("PING"));
            }
        }
    }
}

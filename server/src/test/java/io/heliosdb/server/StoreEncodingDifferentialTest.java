package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoding of what the *STORE commands build (SINTERSTORE, SUNIONSTORE, SDIFFSTORE,
 * ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE, GEOSEARCHSTORE; BITOP's raw string; PFMERGE)
 * under small set-max-intset-entries, zset-max-listpack-entries/-value and hll-sparse-max-bytes,
 * against redis-server 7.0.15: Redis
 * reads the parameters when it builds the result. Once with every key on one shard ({k} tags) and
 * once with keys spread over shards (the result is built on the destination's shard from copies).
 */
class StoreEncodingDifferentialTest {
    private static final List<String> SETUP = List.of(
            "SADD #a 1 2 3", "SADD #b 2 3 4", "SADD #c x y", "ZADD #z 1 a 2 b 3 c", "ZADD #w 1 a", "ZADD #long 1 abcdef 2 b",
            "GEOADD #g 13.361389 38.115556 p1 15.087269 37.502669 Catania", "SET #n 12", "SET #s1 ab");
    private static final List<String> COMMANDS = List.of(
            "SINTERSTORE #d #a #b", "OBJECT ENCODING #d", "SUNIONSTORE #d #a #b", "OBJECT ENCODING #d", "SDIFFSTORE #d #a #b",
            "OBJECT ENCODING #d", "SUNIONSTORE #d #a #c", "OBJECT ENCODING #d", "SINTERSTORE #d #a #c", "EXISTS #d",
            "SINTERSTORE #d #a #missing", "EXISTS #d", "SDIFFSTORE #a #a #b", "OBJECT ENCODING #a", "SMEMBERS #a",
            "ZUNIONSTORE #d 2 #z #w", "OBJECT ENCODING #d", "ZINTERSTORE #d 2 #z #w", "OBJECT ENCODING #d", "ZDIFFSTORE #d 2 #z #w",
            "OBJECT ENCODING #d", "ZUNIONSTORE #d 2 #long #b", "OBJECT ENCODING #d", "ZINTERSTORE #d 2 #z #c", "ZUNIONSTORE #d 1 #c",
            "ZRANGESTORE #d #z 0 0", "OBJECT ENCODING #d", "ZRANGESTORE #d #z 0 -1", "OBJECT ENCODING #d",
            "ZRANGESTORE #d #long 0 0", "OBJECT ENCODING #d", "ZRANGESTORE #d #z (1 +inf BYSCORE LIMIT 0 1", "OBJECT ENCODING #d",
            "ZRANGESTORE #d #z 5 9", "EXISTS #d", "ZRANGESTORE #d #c 0 -1",
            "GEOSEARCHSTORE #d #g FROMLONLAT 13.361389 38.115556 BYRADIUS 10 km", "OBJECT ENCODING #d",
            "GEOSEARCHSTORE #d #g FROMLONLAT 15 37 BYRADIUS 500 km", "OBJECT ENCODING #d", "ZRANGE #d 0 -1 WITHSCORES",
            "BITOP OR #d #n #missing", "OBJECT ENCODING #d", "GET #d", "BITOP NOT #d #s1", "GET #d", "BITOP AND #d #missing", "EXISTS #d",
            "BITOP XOR #s1 #s1 #n", "GET #s1", "BITOP AND #d #n #a", "EXISTS #d");
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start(); // first: HeliosDB's ephemeral port must not take the peer's
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    private static String[] words(String command, String prefix) {
        return command.replace("#", prefix).split(" ");
    }

    private static void compare(RawClient r, RawClient h, String prefix) throws Exception {
        for (RawClient c : new RawClient[] {r, h}) {
            c.call("FLUSHALL");
            for (String s : SETUP) {
                c.call(words(s, prefix));
            }
        }
        for (String command : COMMANDS) {
            String[] w = words(command, prefix);
            assertEquals(r.call(w), h.call(w), String.join(" ", w));
        }
    }

    /** PFMERGE's destination turns dense past hll-sparse-max-bytes, as Redis' hllSparseSet promotes it. */
    @ParameterizedTest
    @ValueSource(strings = {"{k}", ""})
    void pfmergeFollowsHllSparseMaxBytes(String prefix) throws Exception {
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (RawClient c : new RawClient[] {r, h}) {
                c.call("FLUSHALL");
                c.call(words("PFADD #h1 a b c", prefix));
                c.call(words("PFADD #h2 c d e", prefix));
                c.call("CONFIG", "SET", "hll-sparse-max-bytes", "10");
            }
            try {
                for (String command : List.of("PFMERGE #d #h1 #h2", "PFDEBUG ENCODING #d", "STRLEN #d", "PFCOUNT #d", "PFDEBUG ENCODING #h1",
                        "PFMERGE #h1 #h2", "PFDEBUG ENCODING #h1", "PFCOUNT #h1 #h2")) {
                    String[] w = words(command, prefix);
                    assertEquals(r.call(w), h.call(w), String.join(" ", w));
                }
            } finally {
                r.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
                h.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{k}", ""})
    void storedResultsFollowTheEncodingParameters(String prefix) throws Exception {
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            try {
                compare(r, h, prefix); // the defaults: intsets and listpacks
                for (RawClient c : new RawClient[] {r, h}) {
                    c.call("CONFIG", "SET", "set-max-intset-entries", "1");
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", "1");
                    c.call("CONFIG", "SET", "zset-max-listpack-value", "3");
                }
                compare(r, h, prefix);
                for (RawClient c : new RawClient[] {r, h}) {
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", "0");
                }
                compare(r, h, prefix);
            } finally {
                for (RawClient c : new RawClient[] {r, h}) {
                    c.call("CONFIG", "SET", "set-max-intset-entries", "512");
                    c.call("CONFIG", "SET", "zset-max-listpack-entries", "128");
                    c.call("CONFIG", "SET", "zset-max-listpack-value", "64");
                }
            }
        }
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Glob patterns as redis-server matches them (util.c stringmatchlen), through every command that
 * matches: random keys and patterns over a small alphabet full of metacharacters go to KEYS, SCAN
 * MATCH, HSCAN MATCH and PUBSUB CHANNELS on both servers; and abusive patterns (CVE-2022-36021's
 * many stars against a long key) are answered at once, with the server still serving others.
 * Reproduce with -Dglob.seed=N. CI (CI=true) runs a fixed seed, one that once found a divergence, so
 * that a submission's result does not depend on the draw; other runs draw a new seed each time.
 */
class GlobPatternTest {
    private static final long SEED = Long.getLong("glob.seed",
            "true".equals(System.getenv("CI")) ? 10596205864677L : System.nanoTime());
    private static final String ALPHABET = "ab*?[]^-\\Ax";

    @Test
    void randomPatternsMatchAsRedisMatchesThem() throws Exception {
        Random rnd = new Random(SEED);
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                keys.add(random(rnd, rnd.nextInt(7)));
            }
            for (String k : keys) {
                both(r, h, "SET", k, "1");
                both(r, h, "HSET", "{h}hash", k, "1");
            }
            java.util.Set<String> redisNames = new java.util.HashSet<>(configNames(r.call("CONFIG", "GET", "*")));
            for (int i = 0; i < 400; i++) {
                String p = random(rnd, 1 + rnd.nextInt(6));
                String why = "seed " + SEED + ", pattern " + RawClient.quote(p.getBytes());
                assertEquals(sorted(r.call("KEYS", p)), sorted(h.call("KEYS", p)), why);
                assertEquals(sorted(r.call("HSCAN", "{h}hash", "0", "MATCH", p, "COUNT", "1000")),
                        sorted(h.call("HSCAN", "{h}hash", "0", "MATCH", p, "COUNT", "1000")), why);
                String upper = p.toUpperCase();
                List<String> ours = configNames(h.call("CONFIG", "GET", upper));
                ours.removeIf(n -> !redisNames.contains(n.toLowerCase())); // HeliosDB's own parameters
                assertEquals(configNames(r.call("CONFIG", "GET", upper)), ours, why);
            }
        }
    }

    @Test
    void manyStarsAgainstALongKeyAreAnsweredAtOnce() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port());
             RawClient other = new RawClient(helios.port())) {
            String key = "a".repeat(5000);
            both(r, h, "SET", key, "1");
            both(r, h, "HSET", "hash", key, "1");
            both(r, h, "SADD", "set", key);
            for (String p : new String[]{"*a".repeat(40) + "b", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                    "*a".repeat(999), "*a".repeat(1001), "[a-z]*".repeat(300) + "?b"}) {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    assertEquals(r.call("KEYS", p), h.call("KEYS", p));
                    assertEquals(r.call("SCAN", "0", "MATCH", p, "COUNT", "100"), h.call("SCAN", "0", "MATCH", p, "COUNT", "100"));
                    assertEquals(r.call("HSCAN", "hash", "0", "MATCH", p), h.call("HSCAN", "hash", "0", "MATCH", p));
                    assertEquals(r.call("SSCAN", "set", "0", "MATCH", p), h.call("SSCAN", "set", "0", "MATCH", p));
                    assertEquals(r.call("PUBSUB", "CHANNELS", p), h.call("PUBSUB", "CHANNELS", p));
                    assertEquals(r.call("CONFIG", "GET", p), h.call("CONFIG", "GET", p));
                    assertEquals("+PONG", other.call("PING"));
                });
            }
        }
    }

    private static void both(RawClient r, RawClient h, String... cmd) throws Exception {
        assertEquals(r.call(cmd), h.call(cmd), String.join(" ", cmd));
    }

    private static String random(Random rnd, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** The parameter names of a CONFIG GET reply, sorted (Redis answers in its dict's order). */
    private static List<String> configNames(String reply) {
        String inner = reply.substring(reply.indexOf('[') + 1, reply.length() - 1);
        String[] parts = inner.isEmpty() ? new String[0] : inner.split(", ");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parts.length; i += 2) {
            names.add(parts[i]);
        }
        names.sort(null);
        return names;
    }

    /** An array reply's elements in order, so that sets compare whatever the servers' orders. */
    private static String sorted(String reply) {
        int nested = reply.indexOf(", *["); // a SCAN reply: the cursor, then the elements
        int open = nested >= 0 ? nested + 3 : reply.indexOf('[');
        if (open < 0 || !reply.endsWith("]")) {
            return reply;
        }
        int close = nested >= 0 ? reply.length() - 2 : reply.length() - 1;
        String inner = reply.substring(open + 1, close);
        String[] parts = inner.isEmpty() ? new String[0] : inner.split(", ");
        Arrays.sort(parts);
        return reply.substring(0, open + 1) + String.join(", ", parts) + reply.substring(close);
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random sequences of string and key-space commands sent to a real redis-server (Debian's 7.0,
 * installed by ./heliosdb test) and to HeliosDB (3 shards, so multi-key commands cross shards); every
 * reply must be identical, in RESP2 and in RESP3. Commands whose replies depend on the clock at
 * microsecond level (TTL, PTTL, TIME) or on randomness (RANDOMKEY, SCAN cursors) are left out;
 * expiry is exercised through absolute times, read back with EXPIRETIME/PEXPIRETIME.
 * Reproduce a failure with -Ddiff.seed=N.
 */
class RedisDifferentialTest {
    private static final long SEED = Long.getLong("diff.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("diff.steps", 4000);
    private static RedisPeer redis;
    private static int redisPort;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        // redis-server first: HeliosDB's ephemeral port must not take the port reserved for the peer.
        redis = RedisPeer.start();
        redisPort = redis.port;
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void randomCommandSequencesGiveIdenticalReplies(int protocol) throws Exception {
        try (RawClient r = new RawClient(redisPort); RawClient h = new RawClient(helios.port())) {
            Differential.run(protocol, SEED, STEPS, r, h, RedisDifferentialTest::randomCommand, RedisDifferentialTest::normalize, null);
            assertTrue(r.call("DBSIZE").equals(h.call("DBSIZE")));
        }
    }

    /**
     * KEYS returns the same set in any order; an expiry time set relative to now (SETEX) differs
     * by the milliseconds between the two servers, so it compares as "near now" (absolute times in
     * 2100 compare exactly).
     */
    private static String normalize(String[] cmd, String reply) {
        if ((cmd[0].equals("EXPIRETIME") || cmd[0].equals("PEXPIRETIME")) && reply.startsWith(":")) {
            long v = Long.parseLong(reply.substring(1));
            long future = cmd[0].equals("EXPIRETIME") ? FUTURE : FUTURE * 1000;
            if (v > 0 && v < future) {
                return ":<near now>";
            }
        }
        if (cmd[0].equals("KEYS") && reply.startsWith("*[") && reply.length() > 3) {
            String[] items = reply.substring(2, reply.length() - 1).split(", ");
            Arrays.sort(items);
            return "*[" + String.join(", ", items) + "]";
        }
        return reply;
    }

    private static final String[] KEYS = {"a", "b", "c", "d", "e", "num", "float", "{t}x", "{t}y", "long"};
    private static final String[] VALUES = {"", "0", "1", "-7", "42", "007", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "3.14", "1e3", "-0.5", "hello", "hello world", "x".repeat(44), "y".repeat(45),
            "z".repeat(300), "\u00e9t\u00e9", "12345678901234567890", " 5", "inf"};
    private static final long FUTURE = 4_102_444_800L; // 2100-01-01, in seconds

    private static String key(Random r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String pfKey(Random r) {
        return r.nextInt(6) == 0 ? key(r) : "{t}hll" + r.nextInt(3);
    }

    private static String value(Random r) {
        return r.nextInt(4) == 0 ? Integer.toString(r.nextInt(2000) - 1000) : VALUES[r.nextInt(VALUES.length)];
    }

    private static String[] randomCommand(Random r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(50)) {
            case 0, 1, 2 -> {
                c.addAll(List.of("SET", key(r), value(r)));
                if (r.nextInt(3) == 0) {
                    c.add(r.nextBoolean() ? "NX" : "XX");
                }
                if (r.nextInt(3) == 0) {
                    c.add("GET");
                }
                switch (r.nextInt(6)) {
                    case 0 -> c.addAll(List.of("EXAT", Long.toString(FUTURE + r.nextInt(1000))));
                    case 1 -> c.addAll(List.of("PXAT", Long.toString(FUTURE * 1000 + r.nextInt(100000))));
                    case 2 -> c.add("KEEPTTL");
                    case 3 -> c.addAll(List.of("EX", r.nextBoolean() ? "0" : "abc"));
                    default -> { }
                }
            }
            case 3, 4 -> c.addAll(List.of("GET", key(r)));
            case 5 -> c.addAll(List.of("GETSET", key(r), value(r)));
            case 6 -> c.addAll(List.of("GETDEL", key(r)));
            case 7 -> c.addAll(r.nextBoolean() ? List.of("GETEX", key(r), "PERSIST") : List.of("GETEX", key(r), "EXAT", Long.toString(FUTURE)));
            case 8 -> c.addAll(List.of("SETNX", key(r), value(r)));
            case 9 -> c.addAll(List.of("MSET", key(r), value(r), key(r), value(r), key(r), value(r)));
            case 10 -> c.addAll(List.of("MSETNX", key(r), value(r), key(r), value(r)));
            case 11 -> c.addAll(List.of("MGET", key(r), key(r), key(r), key(r)));
            case 12 -> c.addAll(List.of("INCR", key(r)));
            case 13 -> c.addAll(List.of("DECRBY", key(r), Integer.toString(r.nextInt(100))));
            case 14 -> c.addAll(List.of("INCRBY", key(r), value(r)));
            case 15 -> c.addAll(List.of("INCRBYFLOAT", key(r), r.nextBoolean() ? value(r) : (r.nextInt(1000) / 8.0 - 60) + ""));
            case 16 -> c.addAll(List.of("APPEND", key(r), value(r)));
            case 17 -> c.addAll(List.of("STRLEN", key(r)));
            case 18 -> c.addAll(List.of("GETRANGE", key(r), Integer.toString(r.nextInt(20) - 10), Integer.toString(r.nextInt(20) - 10)));
            case 19 -> c.addAll(List.of("SETRANGE", key(r), Integer.toString(r.nextInt(60) - 2), value(r)));
            case 20 -> c.addAll(List.of("LCS", key(r), key(r)));
            case 21 -> c.addAll(List.of("DEL", key(r), key(r)));
            case 22 -> c.addAll(List.of("EXISTS", key(r), key(r), key(r)));
            case 23 -> c.addAll(List.of("TYPE", key(r)));
            case 24 -> {
                c.addAll(List.of(r.nextBoolean() ? "EXPIREAT" : "PEXPIREAT", key(r)));
                c.add(Long.toString(c.get(0).equals("EXPIREAT") ? FUTURE + r.nextInt(500) : FUTURE * 1000 + r.nextInt(500000)));
                if (r.nextBoolean()) {
                    c.add(List.of("NX", "XX", "GT", "LT").get(r.nextInt(4)));
                }
            }
            case 25 -> c.addAll(List.of(r.nextBoolean() ? "EXPIRETIME" : "PEXPIRETIME", key(r)));
            case 26 -> c.addAll(List.of("PERSIST", key(r)));
            case 27 -> c.addAll(List.of("RENAME", key(r), key(r)));
            case 28 -> c.addAll(List.of("RENAMENX", key(r), key(r)));
            case 29 -> {
                c.addAll(List.of("COPY", key(r), key(r)));
                if (r.nextBoolean()) {
                    c.add("REPLACE");
                }
            }
            case 30 -> c.addAll(List.of("MOVE", key(r), "1"));
            case 31 -> c.addAll(List.of("OBJECT", "ENCODING", key(r)));
            case 32 -> c.addAll(List.of("KEYS", r.nextBoolean() ? "*" : "[a-c]*"));
            case 33 -> c.add("DBSIZE");
            case 34 -> c.addAll(List.of("UNLINK", key(r)));
            case 35 -> c.addAll(List.of("TOUCH", key(r), key(r)));
            case 36 -> c.addAll(List.of("SUBSTR", key(r), "0", Integer.toString(r.nextInt(10))));
            case 37 -> c.addAll(List.of("EXPIRE", key(r), r.nextBoolean() ? "-1" : "abc"));
            case 38 -> c.addAll(List.of("DECR", key(r)));
            case 40 -> c.addAll(List.of("SETBIT", key(r), Integer.toString(r.nextInt(80) - 2), r.nextInt(8) == 0 ? "2" : Integer.toString(r.nextInt(2))));
            case 41 -> c.addAll(List.of("GETBIT", key(r), Integer.toString(r.nextInt(80) - 2)));
            case 42 -> {
                c.addAll(List.of("BITCOUNT", key(r)));
                if (r.nextBoolean()) {
                    c.addAll(List.of(Integer.toString(r.nextInt(20) - 10), Integer.toString(r.nextInt(20) - 10)));
                    if (r.nextBoolean()) {
                        c.add(r.nextBoolean() ? "BIT" : "BYTE");
                    }
                }
            }
            case 43 -> {
                c.addAll(List.of("BITPOS", key(r), Integer.toString(r.nextInt(3))));
                if (r.nextBoolean()) {
                    c.add(Integer.toString(r.nextInt(20) - 10));
                    if (r.nextBoolean()) {
                        c.add(Integer.toString(r.nextInt(20) - 10));
                        if (r.nextBoolean()) {
                            c.add(r.nextBoolean() ? "BIT" : "BYTE");
                        }
                    }
                }
            }
            case 44 -> {
                String op = List.of("AND", "OR", "XOR", "NOT").get(r.nextInt(4));
                c.addAll(List.of("BITOP", op, key(r), key(r)));
                if (!op.equals("NOT") || r.nextInt(4) == 0) {
                    c.add(key(r));
                }
            }
            case 45 -> {
                c.addAll(List.of(r.nextInt(4) == 0 ? "BITFIELD_RO" : "BITFIELD", key(r)));
                for (int i = 0; i < 1 + r.nextInt(3); i++) {
                    String type = (r.nextBoolean() ? "i" : "u") + (1 + r.nextInt(r.nextBoolean() ? 8 : 64));
                    String offset = (r.nextInt(4) == 0 ? "#" : "") + r.nextInt(40);
                    switch (r.nextInt(4)) {
                        case 0 -> c.addAll(List.of("GET", type, offset));
                        case 1 -> c.addAll(List.of("SET", type, offset, Integer.toString(r.nextInt(600) - 300)));
                        case 2 -> c.addAll(List.of("INCRBY", type, offset, Integer.toString(r.nextInt(600) - 300)));
                        default -> c.addAll(List.of("OVERFLOW", List.of("WRAP", "SAT", "FAIL").get(r.nextInt(3))));
                    }
                }
            }
            // HyperLogLogs live in keys of their own: bit commands on an HLL string corrupt it, and
            // what Redis then does with the damaged opcodes is its own business.
            case 46 -> {
                c.addAll(List.of("PFADD", r.nextInt(8) == 0 ? "str" + r.nextInt(2) : "{t}hll" + r.nextInt(3)));
                for (int i = r.nextInt(200); i > 0; i--) {
                    c.add("e" + r.nextInt(5000));
                }
            }
            case 47 -> c.addAll(r.nextBoolean() ? List.of("PFCOUNT", pfKey(r)) : List.of("PFCOUNT", pfKey(r), pfKey(r)));
            case 48 -> c.addAll(List.of("PFMERGE", "{t}hll" + r.nextInt(3), pfKey(r), pfKey(r)));
            default -> c.addAll(List.of("SETEX", key(r), r.nextBoolean() ? "0" : "100000", value(r)));
        }
        return c.toArray(String[]::new);
    }
}

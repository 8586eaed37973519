package io.heliosdb.server;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random stream commands to a real redis-server (Debian's 7.0) and to HeliosDB (3 shards): appends
 * with and without trimming (= and ~), deletions, ranges, groups, reads by group, acknowledgements,
 * claims, XINFO GROUPS (entries-read and lag) and XSETID. Every reply must be identical, in RESP2
 * and RESP3. IDs are given ("N-*"), so both servers assign the same ones. Idle times are left out
 * (they move). Reproduce a failure with -Ddiff.seed=N.
 */
class StreamDifferentialTest {
    private static final long SEED = Long.getLong("diff.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("diff.steps", 3000);
    private static RedisPeer redis;
    private static TestServer helios;
    private static long clock;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void randomStreamCommandsGiveIdenticalReplies(int protocol) throws Exception {
        clock = 1000;
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            // After every step, the groups (consumers, pending, last IDs, counters) and the entries must agree too.
            Differential.AfterStep deep = (rc, hc) -> {
                for (String k : new String[]{"s1", "s2"}) {
                    for (String[] probe : new String[][]{{"XINFO", "GROUPS", k}, {"XRANGE", k, "-", "+"}}) {
                        String re = rc.call(probe);
                        String he = hc.call(probe);
                        if (!re.equals(he)) {
                            return new String[]{String.join(" ", probe) + " -> " + re, String.join(" ", probe) + " -> " + he};
                        }
                    }
                }
                return null;
            };
            Differential.run(protocol, SEED, STEPS, r, h, StreamDifferentialTest::command, (cmd, reply) -> reply, deep);
        }
    }

    private static String[] command(Random rnd) {
        String k = rnd.nextInt(5) == 0 ? "s2" : "s1";
        String g = rnd.nextBoolean() ? "g1" : "g2";
        String c = "c" + rnd.nextInt(3);
        String id = (clock - rnd.nextInt(40)) + "-" + rnd.nextInt(3);
        return switch (rnd.nextInt(22)) {
            case 0, 1, 2, 3 -> new String[]{"XADD", k, (clock += 1 + rnd.nextInt(2)) + "-*", "f", "v" + rnd.nextInt(9)};
            case 4 -> new String[]{"XADD", k, "MAXLEN", rnd.nextBoolean() ? "=" : "~", Integer.toString(rnd.nextInt(150)),
                    (clock += 1) + "-*", "f", "t"};
            case 5 -> new String[]{"XDEL", k, id, (clock - rnd.nextInt(40)) + "-0"};
            case 6 -> new String[]{"XRANGE", k, "-", "+", "COUNT", Integer.toString(rnd.nextInt(6))};
            case 7 -> new String[]{"XREVRANGE", k, "+", (clock - rnd.nextInt(60)) + "", "COUNT", Integer.toString(1 + rnd.nextInt(5))};
            case 8 -> new String[]{"XLEN", k};
            case 9 -> rnd.nextBoolean() ? new String[]{"XTRIM", k, "MAXLEN", Integer.toString(20 + rnd.nextInt(100))}
                    : new String[]{"XTRIM", k, "MINID", "~", Long.toString(clock - 200)};
            case 10 -> new String[]{"XGROUP", "CREATE", k, g, rnd.nextBoolean() ? "0" : "$", "MKSTREAM"};
            case 11, 12 -> new String[]{"XREADGROUP", "GROUP", g, c, "COUNT", Integer.toString(1 + rnd.nextInt(4)), "STREAMS", k, ">"};
            case 13 -> new String[]{"XREADGROUP", "GROUP", g, c, "COUNT", "3", "STREAMS", k, "0"};
            case 14, 15 -> new String[]{"XACK", k, g, id, (clock - rnd.nextInt(40)) + "-0"};
            case 16 -> new String[]{"XPENDING", k, g};
            case 17 -> new String[]{"XCLAIM", k, g, c, "0", id, (clock - rnd.nextInt(40)) + "-0", "JUSTID"};
            case 18 -> new String[]{"XAUTOCLAIM", k, g, c, "0", "0", "COUNT", "3", "JUSTID"};
            case 19 -> new String[]{"XINFO", "GROUPS", k};
            case 20 -> new String[]{"XREAD", "COUNT", "2", "STREAMS", k, (clock - rnd.nextInt(30)) + "-0"};
            default -> new String[]{"XGROUP", "SETID", k, g, rnd.nextBoolean() ? "$" : "0"};
        };
    }
}

package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The loop of the differential tests: the same random commands to redis-server and HeliosDB, every
 * reply compared after normalisation; a failure names the step, the seed and the recent commands.
 */
final class Differential {
    private Differential() {}

    /** An optional check after a step whose replies matched: null, or {expected, actual} of a difference. */
    interface AfterStep {
        String[] check(RawClient redis, RawClient helios) throws Exception;
    }

    static void run(int protocol, long seed, int steps, RawClient r, RawClient h, Function<Random, String[]> commands,
                    BiFunction<String[], String, String> normalize, AfterStep after) throws Exception {
        Random rnd = new Random(seed + protocol);
        for (RawClient c : new RawClient[]{r, h}) {
            c.call("HELLO", Integer.toString(protocol));
            c.call("FLUSHALL");
        }
        ArrayDeque<String> history = new ArrayDeque<>();
        for (int step = 0; step < steps; step++) {
            String[] cmd = commands.apply(rnd);
            history.addLast(String.join(" ", cmd));
            if (history.size() > 25) {
                history.removeFirst();
            }
            String expected = normalize.apply(cmd, r.call(cmd));
            String actual = normalize.apply(cmd, h.call(cmd));
            if (expected.equals(actual) && after != null) {
                String[] diff = after.check(r, h);
                if (diff != null) {
                    expected = diff[0];
                    actual = diff[1];
                }
            }
            if (!expected.equals(actual)) {
                fail("RESP" + protocol + " step " + step + " (seed " + seed + ")\n  command:  " + String.join(" ", cmd)
                        + "\n  redis:    " + expected + "\n  heliosdb: " + actual + "\n  recent commands:\n    "
                        + String.join("\n    ", history));
            }
        }
    }
}

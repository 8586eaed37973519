package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Scripts when used memory is over maxmemory, side by side with redis-server 7.0.15 (maxmemory 1,
 * so always over): a script without a shebang fails only at its first deny-oom command and not after
 * a write; a shebang script that may write is refused up front, unless it declares no-writes or
 * allow-oom.
 */
class ScriptOomTest {
    private static final String[][] SCRIPTS = {
        {"EVAL", "return redis.call('set', 'x', 'v')", "0"},
        {"EVAL", "return redis.pcall('set', 'x', 'v')", "0"},
        {"EVAL", "return redis.call('get', 'nokey')", "0"},
        {"EVAL", "redis.call('del', 'nokey') return redis.call('set', 'x', 'v')", "0"}, // after a write it must go on
        {"EVAL", "redis.call('del', 'nokey') return redis.call('del', 'x')", "0"},
        {"EVAL", "#!lua\nreturn redis.call('get', 'nokey')", "0"},
        {"EVAL", "#!lua\nreturn 1", "0"},
        {"EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'nokey')", "0"},
        {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('rpush', 'oomlist', 'v')", "0"},
        {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('del', 'oomlist')", "0"},
        {"EVAL_RO", "#!lua\nreturn 1", "0"},
        {"EVAL_RO", "return redis.call('get', 'nokey')", "0"},
        {"EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"},
    };

    @Test
    void scriptsUnderMaxmemoryAreRefusedAsRedisRefusesThem() throws Exception {
        try (RedisPeer redis = RedisPeer.start();
             TestServer helios = TestServer.start("--appendonly", "no", "--maxmemory", "3mb", "--maxmemory-policy", "noeviction",
                     "--shards", "1");
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            r.call("CONFIG", "SET", "maxmemory", "1");
            boolean full = false;
            String value = "v".repeat(1000);
            for (int i = 0; i < 20_000 && !full; i++) {
                full = h.call("SET", "fill" + i, value).startsWith("-OOM");
            }
            assertTrue(full, "HeliosDB must reach maxmemory");
            for (String[] s : SCRIPTS) {
                assertEquals(r.call(s), h.call(s), String.join(" ", s));
            }
            r.call("CONFIG", "SET", "maxmemory", "0");
        }
    }
}

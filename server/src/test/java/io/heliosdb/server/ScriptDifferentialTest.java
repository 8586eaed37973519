package io.heliosdb.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random scripts to a real redis-server (Debian's 7.0) and to HeliosDB (3 shards): each wraps a random
 * command in one of several script shapes (returned as is, through pcall, its Lua type, its shape as a
 * table, through cjson and cmsgpack, under RESP3 with redis.setresp), or writes to two keys that may
 * live on different shards. Every reply must be identical, in RESP2 and RESP3, so the Lua<->RESP
 * conversion rules, error tables and error texts match Redis. Reproduce a failure with -Ddiff.seed=N.
 */
class ScriptDifferentialTest {
    private static final long SEED = Long.getLong("diff.seed", System.nanoTime());
    private static final int STEPS = Integer.getInteger("diff.steps", 1500);
    private static final String[] KEYS = {"s1", "s2", "{t}a", "{t}b", "n"};
    private static RedisPeer redis;
    private static TestServer helios;

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
    void randomScriptsGiveIdenticalReplies(int protocol) throws Exception {
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            Differential.run(protocol, SEED, STEPS, r, h, ScriptDifferentialTest::randomScript, (cmd, reply) -> reply, null);
        }
    }

    private static final String[] SHAPES = {
        "return redis.call(unpack(ARGV))",
        "return redis.pcall(unpack(ARGV))",
        "local r = redis.pcall(unpack(ARGV)); return type(r)",
        "local r = redis.pcall(unpack(ARGV)); if type(r) == 'table' then return {#r, r['ok'] or r['err'] or 'array'} end return {tostring(r)}",
        "return cjson.encode({redis.call(unpack(ARGV))})",
        "local ok, e = pcall(error, ARGV[1]); return e",
        "local ok, e = pcall(function() error({err='X ' .. ARGV[1]}) end); return {type(e), e}",
        "return cmsgpack.unpack(cmsgpack.pack(redis.pcall(unpack(ARGV))))",
        "redis.setresp(3); return redis.pcall(unpack(ARGV))",
        "redis.setresp(3); local r = redis.pcall(unpack(ARGV)); return type(r)",
        "local ok, e = pcall(redis.call, unpack(ARGV)); if ok then return 'ok' end return e",
    };

    private static String[] randomScript(Random rnd) {
        String k = KEYS[rnd.nextInt(KEYS.length)];
        if (rnd.nextInt(8) == 0) {
            // two keys, perhaps on two shards: the script holds both for its whole run
            String k2 = KEYS[rnd.nextInt(KEYS.length)];
            return new String[]{"EVAL", "redis.call('set', KEYS[1], ARGV[1]); redis.call('rpush', KEYS[2], ARGV[1]); "
                    + "return {redis.call('get', KEYS[1]), redis.call('llen', KEYS[2])}", "2", k, k2, value(rnd)};
        }
        String[] cmd = command(rnd, k);
        String shape = SHAPES[rnd.nextInt(SHAPES.length)];
        List<String> call = new ArrayList<>(List.of("EVAL", shape, "1", k));
        call.addAll(List.of(cmd));
        return call.toArray(String[]::new);
    }

    private static String value(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Integer.toString(rnd.nextInt(100) - 50);
            case 1 -> (rnd.nextInt(200) - 100) / 4.0 + "";
            case 2 -> "v" + rnd.nextInt(5);
            default -> "";
        };
    }

    private static String[] command(Random rnd, String k) {
        String v = value(rnd);
        String f = "f" + rnd.nextInt(3);
        String m = "m" + rnd.nextInt(4);
        return switch (rnd.nextInt(26)) {
            case 0 -> new String[]{"set", k, v};
            case 1 -> new String[]{"get", k};
            case 2 -> new String[]{"incr", k};
            case 3 -> new String[]{"incrbyfloat", k, "1.5"};
            case 4 -> new String[]{"append", k, v};
            case 5 -> new String[]{"del", k};
            case 6 -> new String[]{"rpush", k, v, "x"};
            case 7 -> new String[]{"lrange", k, "0", "-1"};
            case 8 -> new String[]{"lpop", k};
            case 9 -> new String[]{"llen", k};
            case 10 -> new String[]{"hset", k, f, v};
            case 11 -> new String[]{"hget", k, f};
            case 12 -> new String[]{"hincrby", k, f, "2"};
            case 13 -> new String[]{"hlen", k};
            case 14 -> new String[]{"zadd", k, Integer.toString(rnd.nextInt(10)), m};
            case 15 -> new String[]{"zrange", k, "0", "-1", "withscores"};
            case 16 -> new String[]{"zscore", k, m};
            case 17 -> new String[]{"zincrby", k, "1.5", m};
            case 18 -> new String[]{"sadd", k, m};
            case 19 -> new String[]{"scard", k};
            case 20 -> new String[]{"sismember", k, m};
            case 21 -> new String[]{"exists", k};
            case 22 -> new String[]{"type", k};
            case 23 -> new String[]{"ttl", k};
            case 24 -> new String[]{"expire", k, "100"};
            default -> new String[]{"hmget", k, f, "nofield"};
        };
    }
}

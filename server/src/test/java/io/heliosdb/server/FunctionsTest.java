package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.FunctionRestorePolicy;

/** Function libraries through Jedis: FCALL across shards, restarts, FUNCTION DUMP/RESTORE with redis-server. */
class FunctionsTest {
    private static final String LIBRARY = """
            #!lua name=counters
            local function bump(keys, args)
              local total = 0
              for i, k in ipairs(keys) do total = total + redis.call('INCRBY', k, args[1]) end
              return total
            end
            redis.register_function('bump', bump)
            redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,
              flags={'no-writes'}, description='reads one counter'}
            """;
    private static RedisPeer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
    }

    @Test
    void librariesServeFcallAcrossShardsAndSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("helios-functions");
        try {
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                assertEquals("counters", j.functionLoad(LIBRARY));
                // keys on several shards: the call holds every shard it touches
                assertEquals(30L, j.fcall("bump", List.of("c:a", "c:b", "c:c"), List.of("10")));
                assertEquals("10", j.fcallReadonly("peek", List.of("c:b"), List.of()));
            }
            try (TestServer s = TestServer.startOn(dir); Jedis j = new Jedis("127.0.0.1", s.port())) {
                assertEquals(60L, j.fcall("bump", List.of("c:a", "c:b", "c:c"), List.of("10")));
                assertEquals(1, j.functionList().size());
                assertEquals("counters", j.functionList().get(0).getLibraryName());
            }
        } finally {
            TestServer.deleteRecursively(dir);
        }
    }

    @Test
    void functionDumpsMoveBothWaysBetweenRedisAndHeliosDb() throws Exception {
        try (TestServer s = TestServer.start(); Jedis h = new Jedis("127.0.0.1", s.port());
             Jedis r = new Jedis("127.0.0.1", redis.port)) {
            r.functionFlush();
            r.functionLoad(LIBRARY);
            byte[] fromRedis = r.functionDump();
            assertEquals("OK", h.functionRestore(fromRedis));
            assertEquals(20L, h.fcall("bump", List.of("x", "y"), List.of("10")));
            byte[] fromHelios = h.functionDump();
            r.functionFlush();
            assertEquals("OK", r.functionRestore(fromHelios, FunctionRestorePolicy.REPLACE));
            assertEquals(2L, r.fcall("bump", List.of("x", "y"), List.of("1")));
            r.functionFlush();
        }
    }
}

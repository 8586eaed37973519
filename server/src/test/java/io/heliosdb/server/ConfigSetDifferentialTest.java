package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CONFIG SET's refusals, now worded at the RESP edge from the registry's status, compared with a
 * real redis-server 7.0: which name is named (as typed or lower-cased), and that nothing applies.
 */
class ConfigSetDifferentialTest {
    private static final List<String[]> CASES = List.of(
            new String[]{"CONFIG", "SET", "NoSuch", "1"},
            new String[]{"CONFIG", "SET", "Daemonize", "no"},
            new String[]{"CONFIG", "SET", "hz", "20", "HZ", "30"},
            new String[]{"CONFIG", "SET", "hz", "20", "MaxMemory", "lots"},
            new String[]{"CONFIG", "SET", "hz", "20", "maxmemory-policy", "nope"},
            new String[]{"CONFIG", "SET", "hz", "20", "appendfsync", "sometimes"},
            new String[]{"CONFIG", "SET", "loglevel", "loud"},
            new String[]{"CONFIG", "SET", "acl-pubsub-default", "some"},
            new String[]{"CONFIG", "SET", "timeout", "-1"},
            new String[]{"CONFIG", "SET", "protected-mode", "maybe"},
            new String[]{"CONFIG", "SET", "hash-max-ziplist-entries", "1", "hash-max-listpack-entries", "2"},
            new String[]{"CONFIG", "GET", "hz"},
            new String[]{"CONFIG", "GET", "hash-max-listpack-entries"},
            new String[]{"CONFIG", "SET", "hz", "10", "hash-max-listpack-entries", "512"});

    @Test
    void refusalsNameTheSameParameterInTheSameWordsAndApplyNothing() throws Exception {
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (String[] c : CASES) {
                assertEquals(r.call(c), h.call(c), String.join(" ", c));
            }
        }
    }
}

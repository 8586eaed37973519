package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heliosdb.resp.engine.RespParameters;
import io.heliosdb.runtime.config.ConfigRegistry;
import io.heliosdb.runtime.config.Param;
import io.heliosdb.runtime.config.ParamType;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CONFIG SET's refusals, now worded at the RESP edge from the registry's status, compared with a
 * real redis-server 7.0: which name is named (as typed or lower-cased), and that nothing applies;
 * and every parameter of Redis' CONFIG GET * (and every one HeliosDB registers that Redis knows)
 * set to values of every kind, with the value read back after each accepted one.
 */
class ConfigSetDifferentialTest {
    /** Redis' HIDDEN_CONFIG parameters: CONFIG GET * leaves them out, their names still set them. */
    private static final List<String> HIDDEN = List.of("watchdog-period", "rdb-key-save-delay", "key-load-delay",
            "use-exit-on-panic", "loading-process-events-interval-bytes");
    /** HeliosDB fixes these at start (a running server does not move its listener or switch its engine). */
    private static final Set<String> FIXED_AT_START = Set.of("port", "bind", "appendonly");
    /**
     * Texts every parameter is tried with: wrong kinds, signs, units, overflow, emptiness, and
     * values that one of the special syntaxes takes (events, save points, limits, percentiles,
     * shutdown flags, a title template, OOM scores).
     */
    private static final List<String> PROBES = List.of("abc", "-1", "0", "1kb", "5%", "200%", "99999999999999999999", "yes",
            "No", "", "a b", "1 2", " 1", "1  2", "18446744073709551615", "9223372036854775808", "1e3", "KEg$xmn", "Ax", "3600 1 300 10",
            "pubsub 1mb 512kb 10", "50 99.5 100", "save NOW", "nosave save", "{port} x", "{title}", "-5 0 2000", "a/b");
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

    @Test
    void everyParameterAnswersEveryKindOfValueAsRedisDoes() throws Exception {
        ConfigRegistry registry = ServerParameters.registry();
        Set<String> names = new LinkedHashSet<>(capturedNames());
        names.addAll(registry.matching(List.of("*")).keySet());
        names.addAll(HIDDEN);
        List<String> differences = new ArrayList<>();
        int covered = 0;
        try (RedisPeer redis = RedisPeer.start(); TestServer helios = TestServer.start();
             RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (String name : names) {
                if (r.call("CONFIG", "GET", name).equals("*[]")) {
                    continue; // HeliosDB's own (shards, lsm-*, ...): Redis has no such parameter
                }
                covered++;
                if (FIXED_AT_START.contains(name)) {
                    assertEquals("-ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config",
                            h.call("CONFIG", "SET", name, registry.get(name)));
                    continue;
                }
                for (String v : probes(registry.param(name))) {
                    String[] set = {"CONFIG", "SET", name, v};
                    String expected = r.call(set);
                    String actual = h.call(set);
                    if (!expected.equals(actual)) {
                        differences.add(name + " '" + v + "': redis " + expected + " / heliosdb " + actual);
                    } else if (expected.equals("+OK")) {
                        String got = r.call("CONFIG", "GET", name);
                        String hgot = h.call("CONFIG", "GET", name);
                        if (!got.equals(hgot)) {
                            differences.add(name + " '" + v + "' read back: redis " + got + " / heliosdb " + hgot);
                        }
                    }
                }
            }
        }
        assertTrue(covered > 190, "parameters covered: " + covered);
        assertEquals(List.of(), differences);
    }

    /** The common probes, the parameter's bounds and one past each, its choices, then its default back. */
    private static List<String> probes(Param p) {
        List<String> out = new ArrayList<>(PROBES);
        if (p.type() == ParamType.INT || p.type() == ParamType.MEMORY) {
            BigInteger max = p.max() == -1 && p.type() == ParamType.MEMORY
                    ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(p.max());
            out.addAll(List.of(BigInteger.valueOf(p.min()).subtract(BigInteger.ONE).toString(), Long.toString(p.min()),
                    max.toString(), max.add(BigInteger.ONE).toString()));
        }
        for (String c : p.choices()) {
            out.add(c.toUpperCase(Locale.ROOT));
        }
        out.add(p.value());
        return out;
    }

    /** The names of Redis 7.0's CONFIG GET *, as captured with the defaults RespParameters registers. */
    private static List<String> capturedNames() throws Exception {
        List<String> names = new ArrayList<>();
        try (InputStream in = RespParameters.class.getResourceAsStream("redis-7.0-config-defaults.json");
             JsonParser p = new JsonFactory().createParser(in)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                p.nextToken();
                names.add(name);
            }
        }
        return names;
    }

    @Test
    void configGetListsTheParametersRedisListsAndHeliosOwnOnes() throws Exception {
        Set<String> redisOnly = new LinkedHashSet<>();
        Set<String> heliosNames = ServerParameters.registry().matching(List.of("*")).keySet();
        for (String name : capturedNames()) {
            if (!heliosNames.contains(name)) {
                redisOnly.add(name);
            }
        }
        assertEquals(Set.of(), redisOnly, "CONFIG GET * without these");
        for (String name : HIDDEN) {
            assertTrue(!heliosNames.contains(name), name + " is hidden from patterns, as in Redis");
        }
    }
}

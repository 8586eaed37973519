package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.heliosdb.resp.command.CommandSpec;
import io.heliosdb.resp.command.CommandTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * COMMAND GETKEYS and GETKEYSANDFLAGS answer what redis-server answers, for every movablekeys
 * command of the table (well-formed calls and the malformed counts and keywords its key finding
 * trips over), SORT ... STORE, the variable-flags commands, and the error cases.
 */
class CommandGetKeysDifferentialTest {
    private static RedisPeer redis;
    private static TestServer helios;

    /** Calls per movablekeys command (space-separated words; "" is an empty argument). */
    static final Map<String, List<String>> CASES = new TreeMap<>(Map.ofEntries(
            Map.entry("sort", List.of("sort k", "sort k store d", "sort k by w_* get # get o_* limit 0 1 store d",
                    "sort k store d store e", "sort k limit store 1 store d", "sort k get store", "sort k store",
                    "sort k by store store d", "sort k asc alpha")),
            Map.entry("sort_ro", List.of("sort_ro k", "sort_ro k by w_* get # store d")),
            Map.entry("eval", List.of("eval s 0", "eval s 2 a b c", "eval s 1 a", "eval s 3 a b", "eval s -1 a",
                    "eval s 2abc a b", "eval s x a", "eval s 01 a")),
            Map.entry("evalsha", List.of("evalsha s 1 a", "evalsha s 0 a", "evalsha s 2 a")),
            Map.entry("eval_ro", List.of("eval_ro s 2 a b", "eval_ro s 0")),
            Map.entry("evalsha_ro", List.of("evalsha_ro s 1 a x", "evalsha_ro s 9 a")),
            Map.entry("fcall", List.of("fcall f 2 a b x", "fcall f 0", "fcall f 1abc a")),
            Map.entry("fcall_ro", List.of("fcall_ro f 1 a", "fcall_ro f 0 x")),
            Map.entry("migrate", List.of("migrate h 1 k 0 10", "migrate h 1 \"\" 0 10 keys a b", "migrate h 1 k 0 10 keys a b",
                    "migrate h 1 \"\" 0 10 copy replace auth p keys a", "migrate h 1 \"\" 0 10 auth2 u p keys a b",
                    "migrate h 1 \"\" 0 10 auth keys keys a", "migrate h 1 \"\" 0 10 keys", "migrate h 1 k 0 10 copy")),
            Map.entry("zunionstore", List.of("zunionstore d 2 a b", "zunionstore d 2 a b weights 1 2", "zunionstore d 3 a b",
                    "zunionstore d 0 a", "zunionstore d 2abc a b", "zunionstore d -1 a")),
            Map.entry("zinterstore", List.of("zinterstore d 1 a aggregate max", "zinterstore d 5 a b")),
            Map.entry("zdiffstore", List.of("zdiffstore d 2 a b", "zdiffstore d 1x a")),
            Map.entry("zunion", List.of("zunion 2 a b withscores", "zunion 3 a b", "zunion 0 a")),
            Map.entry("zinter", List.of("zinter 1 a", "zinter 2a a b")),
            Map.entry("zdiff", List.of("zdiff 2 a b", "zdiff x a")),
            Map.entry("zintercard", List.of("zintercard 2 a b limit 1", "zintercard 3 a b")),
            Map.entry("sintercard", List.of("sintercard 2 a b", "sintercard 1 a limit 0", "sintercard 4 a")),
            Map.entry("lmpop", List.of("lmpop 2 a b left", "lmpop 1 a right count 2", "lmpop 5 a left", "lmpop 0 a left")),
            Map.entry("blmpop", List.of("blmpop 0 2 a b left", "blmpop 1 1 a right", "blmpop 0 3 a b")),
            Map.entry("zmpop", List.of("zmpop 2 a b min", "zmpop 3 a b")),
            Map.entry("bzmpop", List.of("bzmpop 0 2 a b max", "bzmpop 0 4 a b")),
            Map.entry("xread", List.of("xread streams a b 0 0", "xread count 1 block 0 streams a 0", "xread streams a b 0",
                    "xread count 1 a b", "xread streams streams 0")),
            Map.entry("xreadgroup", List.of("xreadgroup group g c streams a b 0 0", "xreadgroup group g c count 1 streams a >",
                    "xreadgroup group g c noack streams a", "xreadgroup group g streams c d e")),
            Map.entry("georadius", List.of("georadius k 0 0 1 km", "georadius k 0 0 1 km store d", "georadius k 0 0 1 km storedist d",
                    "georadius k 0 0 1 km store d storedist e", "georadius k 0 0 1 km withdist store")),
            Map.entry("georadiusbymember", List.of("georadiusbymember k m 1 km", "georadiusbymember k m 1 km store d",
                    "georadiusbymember k m 1 km storedist d count 2"))));

    /** Fixed-key commands whose keys or flags depend on the call, and the error answers. */
    static final List<String> OTHER = List.of("set k v", "set k v get", "set k v ex 10 get", "set k get", "set k v nx",
            "bitfield k get u8 0", "bitfield k get u8 0 set u8 0 1", "bitfield k overflow sat get u8 0", "bitfield k get u8",
            "bitfield k incrby u8 0 1", "bitfield_ro k get u8 0", "get k", "mset a 1 b 2", "mset a 1 b", "mget a b c",
            "del a b", "rename a b", "lmove a b left right", "xadd s * f v", "object encoding k", "memory usage k",
            "ping", "get", "nosuchcommand a", "config get x", "client list", "object", "spublish ch m", "ssubscribe ch",
            "publish ch m", "sunsubscribe", "xgroup create s g $", "xinfo stream s", "script load s", "command getkeys get k");

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

    @Test
    void everyMovablekeysCommandHasCases() {
        Set<String> movable = new TreeSet<>();
        for (CommandSpec s : CommandTable.of(helios.server.context()).allRows()) {
            if (s.handler() != null && s.flags().contains("movablekeys")) {
                movable.add(s.name());
            }
        }
        Set<String> missing = new TreeSet<>(movable);
        missing.removeAll(CASES.keySet());
        assertTrue(missing.isEmpty(), "movablekeys commands without GETKEYS cases: " + missing);
    }

    @Test
    void getkeysAndFlagsMatchRedisUnderResp2AndResp3() throws Exception {
        List<String> calls = new ArrayList<>(OTHER);
        List<String> differences = new ArrayList<>();
        CASES.values().forEach(calls::addAll);
        for (int protocol : new int[] {2, 3}) {
            try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
                if (protocol == 3) {
                    r.call("HELLO", "3");
                    h.call("HELLO", "3");
                }
                for (String call : calls) {
                    for (String sub : new String[] {"GETKEYS", "GETKEYSANDFLAGS"}) {
                        String[] argv = words("COMMAND " + sub + " " + call);
                        String expected = r.call(argv), actual = h.call(argv);
                        if (!expected.equals(actual)) {
                            differences.add("RESP" + protocol + ": COMMAND " + sub + " " + call + "\n  redis:    " + expected
                                    + "\n  heliosdb: " + actual);
                        }
                    }
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    private static String[] words(String line) {
        String[] w = line.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals("\"\"")) {
                w[i] = "";
            }
        }
        return w;
    }
}

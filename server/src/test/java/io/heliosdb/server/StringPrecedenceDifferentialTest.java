package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The string and bitmap commands' error precedence against redis-server 7.0.15: a missing key, a
 * key of another type and a string, each with invalid arguments that Redis checks before or after
 * it looks the key up (the string operations take parsed arguments; their RESP handlers keep that
 * order). Every command starts from the same keys; reply and resulting values must be identical.
 */
class StringPrecedenceDifferentialTest {
    private static final List<String> COMMANDS = List.of(
            "SET s v GET", "SET l v GET", "SET nokey v XX GET", "SET s v NX GET", "SET s v NX", "SET nokey v XX",
            "SET s v EX 0", "SET l v EX abc", "SET s v KEEPTTL EX 5", "SET s v PXAT 1", "SET s 7 KEEPTTL",
            "GETSET l v", "GETSET s 12", "GETSET nokey v", "GETDEL l", "GETDEL s", "GETDEL nokey",
            "GETEX nokey EX 0", "GETEX l EX 0", "GETEX s EX 0", "GETEX nokey EX abc", "GETEX l EX abc", "GETEX s EX abc",
            "GETEX s PX 100000", "GETEX s PERSIST", "GETEX s EXAT 1", "GETEX s FOO", "GETEX nokey FOO",
            "SETNX s x", "SETNX nokey x", "SETEX s 0 x", "SETEX l abc x", "PSETEX s 100000 x", "SETEX s 9223372036854775807 x",
            "INCR l", "INCR s", "INCR n", "INCRBY n abc", "INCRBY l abc", "DECRBY n -9223372036854775808", "DECR big",
            "INCRBYFLOAT l abc", "INCRBYFLOAT s abc", "INCRBYFLOAT s 1", "INCRBYFLOAT n abc", "INCRBYFLOAT n inf",
            "INCRBYFLOAT n 0.1", "INCRBYFLOAT nokey 1e3", "INCRBYFLOAT f 1.5e3",
            "INCRBYFLOAT n 1e4933", "INCRBYFLOAT n -1e4933", "INCRBYFLOAT n 1e-5000",
            "APPEND l x", "APPEND n 3", "APPEND nokey x", "STRLEN l", "STRLEN n", "STRLEN nokey",
            "GETRANGE l 0 x", "GETRANGE l 0 1", "GETRANGE nokey 0 1", "GETRANGE n 1 -1", "SUBSTR s -3 -1", "GETRANGE s -1 -5",
            "SETRANGE l -1 x", "SETRANGE l 0 x", "SETRANGE s -1 x", "SETRANGE s 3 XY", "SETRANGE nokey 2 ab", "SETRANGE nokey 2 \"\"",
            "SETRANGE s 536870911 xy",
            "MGET s l nokey n", "MSET s 1 n 2", "MSETNX s 1 newk 2", "MSETNX newk 1 other 2",
            "GETBIT l 0", "GETBIT nokey 3", "GETBIT s -1", "GETBIT n 2", "SETBIT l 0 1", "SETBIT s -1 1", "SETBIT s 3 2",
            "SETBIT nokey 10 1", "SETBIT n 6 1",
            "BITCOUNT nokey 0 x", "BITCOUNT l 0 x", "BITCOUNT s 0 x", "BITCOUNT nokey 0", "BITCOUNT l 0", "BITCOUNT s 0",
            "BITCOUNT s 0 1 2 3", "BITCOUNT nokey 0 1 2 3", "BITCOUNT s -1 -5 FOO", "BITCOUNT s 0 1 FOO", "BITCOUNT s 1 2 BIT",
            "BITCOUNT n", "BITPOS nokey 1 0 x", "BITPOS l 1 x", "BITPOS s 1 0 1 FOO", "BITPOS s 1 0 FOO", "BITPOS s 2",
            "BITPOS nokey 2", "BITPOS l x", "BITPOS s 0 1 2 BIT x", "BITPOS nokey 0 1 2 BIT x", "BITPOS s 0 0 -1 BIT",
            "BITPOS ones 0", "BITPOS ones 0 0 -1", "BITPOS ones 1 1", "BITPOS n 1 0 -1 BYTE",
            "LCS s f", "LCS s l", "LCS l s", "LCS s nokey", "LCS nokey other", "LCS s n LEN", "LCS s ones IDX WITHMATCHLEN",
            "LCS s f IDX MINMATCHLEN x",
            "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 x", "BITFIELD nokey GET i8 0", "BITFIELD nokey SET u8 0 255 GET i8 0",
            "BITFIELD s INCRBY u2 100 1 OVERFLOW SAT INCRBY i8 0 500 OVERFLOW FAIL INCRBY u8 0 1000", "BITFIELD n GET u8 #1",
            "BITFIELD_RO s GET u8 0 SET u8 0 1", "BITFIELD_RO l GET u8 0", "BITFIELD_RO nokey GET u8 0", "BITFIELD s GET u64 0",
            "BITOP AND newk s f", "BITOP OR newk s nokey n", "BITOP XOR s s ones", "BITOP NOT newk s", "BITOP NOT newk s f",
            "BITOP AND newk s l", "BITOP FOO newk s", "BITOP AND newk nokey other");
    private static RedisPeer redis;
    private static TestServer helios;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisPeer.start(); // first: HeliosDB's ephemeral port must not take the peer's
        helios = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        helios.close();
        redis.close();
    }

    private static String[] words(String command) {
        return command.replace("\"\"", "\u0000").split(" ");
    }

    private static String run(RawClient c, String command) throws Exception {
        c.call("FLUSHALL");
        c.call("SET", "s", "foobar", "EX", "1000");
        c.call("SET", "n", "12");
        c.call("SET", "f", "10.5");
        c.call("SET", "big", "-9223372036854775808");
        c.call("BITFIELD", "ones", "SET", "u16", "0", "65535");
        c.call("RPUSH", "l", "a");
        String[] w = words(command);
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i].equals("\u0000") ? "" : w[i];
        }
        String reply = c.call(w);
        long ttl = Long.parseLong(c.call("TTL", "s").substring(1));
        return reply + " | " + c.call("MGET", "s", "n", "f", "nokey", "newk", "other", "big") + " " + c.call("TYPE", "l")
                + " ttl " + (ttl > 0 ? "yes" : Long.toString(ttl));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void repliesAndValuesMatchRedis(int protocol) throws Exception {
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            r.call("HELLO", Integer.toString(protocol));
            h.call("HELLO", Integer.toString(protocol));
            for (String command : COMMANDS) {
                assertEquals(run(r, command), run(h, command), command);
            }
        }
    }
}

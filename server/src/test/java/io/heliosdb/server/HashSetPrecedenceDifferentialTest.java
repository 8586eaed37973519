package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hash and set commands' outcomes and error precedence against redis-server 7.0.15: a missing
 * key, a key of another type and a key of the family, with arguments that Redis refuses before or
 * after it looks the key up (HashOps and SetOps take parsed arguments; their RESP handlers keep
 * that order). Every command starts from the same keys; reply and resulting values must match.
 */
class HashSetPrecedenceDifferentialTest {
    private static final List<String> COMMANDS = List.of(
            "HSET h", "HSET h a", "HSET str a 1", "HSET nokey a 1 b", "HSET h a 2 c 3", "HMSET h a 2 c 3", "HMSET str a 1",
            "HGET str a", "HGET nokey a", "HGET h zz", "HGET h b", "HMGET str a", "HMGET nokey a b", "HMGET h b zz a",
            "HSETNX h a 9", "HSETNX h z 9", "HSETNX str a 1", "HSETNX nokey a 1",
            "HDEL str a", "HDEL nokey a", "HDEL h a zz", "HDEL h a b f big",
            "HEXISTS str a", "HEXISTS h a", "HEXISTS nokey a", "HLEN str", "HLEN h", "HLEN nokey",
            "HSTRLEN h b", "HSTRLEN h zz", "HSTRLEN str b", "HGETALL str", "HGETALL h", "HGETALL nokey", "HKEYS h", "HKEYS nokey",
            "HVALS h", "HVALS str",
            "HINCRBY str a x", "HINCRBY str a 1", "HINCRBY h b 1", "HINCRBY h big 1", "HINCRBY h a x", "HINCRBY nokey a 5",
            "HINCRBY h a -9223372036854775808", "HINCRBY h a 41",
            "HINCRBYFLOAT str a x", "HINCRBYFLOAT str a 1", "HINCRBYFLOAT h b 1", "HINCRBYFLOAT h f 0.1", "HINCRBYFLOAT h f inf",
            "HINCRBYFLOAT nokey a inf", "HINCRBYFLOAT nokey a 2.5", "HINCRBYFLOAT h a x", "HINCRBYFLOAT h f 1e4933", "HINCRBYFLOAT h f 1e-5000",
            "HRANDFIELD str", "HRANDFIELD nokey", "HRANDFIELD str x", "HRANDFIELD nokey x", "HRANDFIELD str 1 WITHVALUES x",
            "HRANDFIELD nokey 0", "HRANDFIELD h 0", "HRANDFIELD h -9223372036854775808", "HRANDFIELD str 1",
            "HRANDFIELD one", "HRANDFIELD one 1 WITHVALUES", "HRANDFIELD one -3 WITHVALUES", "HRANDFIELD one 5", "HRANDFIELD one -2",
            "SRANDMEMBER single -2", "SRANDMEMBER single 4", "SPOP single 1",
            "HSCAN str x", "HSCAN str 0", "HSCAN nokey 0 COUNT 0", "HSCAN str 0 COUNT 0", "HSCAN h 0 COUNT 0", "HSCAN h 0 MATCH a*",
            "HSCAN h 0 COUNT x", "HSCAN nokey x",
            "SADD str a", "SADD s 4 1", "SADD t y z", "SADD nokey 1", "SREM str a", "SREM nokey a", "SREM s 1 9", "SREM s 1 2 3",
            "SISMEMBER str a", "SISMEMBER s 1", "SISMEMBER nokey 1", "SMISMEMBER str a", "SMISMEMBER nokey a b", "SMISMEMBER s 3 9 1",
            "SCARD str", "SCARD s", "SCARD nokey", "SMEMBERS str", "SMEMBERS s", "SMEMBERS nokey",
            "SPOP str", "SPOP nokey", "SPOP str -1", "SPOP nokey -1", "SPOP str 1 2", "SPOP nokey 0", "SPOP s 0", "SPOP s 5",
            "SPOP s x", "SPOP str 0",
            "SRANDMEMBER str", "SRANDMEMBER nokey", "SRANDMEMBER str x", "SRANDMEMBER nokey x", "SRANDMEMBER s 0",
            "SRANDMEMBER nokey 5", "SRANDMEMBER s -9223372036854775808", "SRANDMEMBER s 1 2", "SRANDMEMBER s 3", "SRANDMEMBER str 1",
            "SMOVE str t a", "SMOVE s str 1", "SMOVE nokey str 1", "SMOVE s t 9", "SMOVE s t 1", "SMOVE s s 1", "SMOVE s s 9",
            "SMOVE s newset 2", "SMOVE nokey t 1",
            "SINTER s str", "SINTER nokey str", "SINTER s nokey", "SINTER s s", "SINTERSTORE dst s t", "SINTERSTORE str s",
            "SINTERSTORE dst str s", "SUNIONSTORE dst s nokey", "SUNIONSTORE dst nokey", "SDIFF s nokey", "SDIFFSTORE s s", "SUNION s s",
            "SDIFF nokey s", "SDIFFSTORE dst s str",
            "SINTERCARD 0 s", "SINTERCARD x s", "SINTERCARD 3 s", "SINTERCARD 1 str", "SINTERCARD 2 s t LIMIT x",
            "SINTERCARD 1 s LIMIT 1", "SINTERCARD 1 str LIMIT x", "SINTERCARD 2 s nokey", "SINTERCARD 1 s LIMIT -1", "SINTERCARD 1 s FOO",
            "SSCAN str x", "SSCAN nokey 0 FOO", "SSCAN str 0 FOO", "SSCAN s 0 FOO", "SSCAN s 0 MATCH 1", "SSCAN s 0 COUNT 1");
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

    private static String run(RawClient c, String command) throws Exception {
        c.call("FLUSHALL");
        c.call("HSET", "h", "a", "1", "b", "hello", "f", "10.5", "big", "9223372036854775807");
        c.call("SADD", "s", "3", "1", "2");
        c.call("SADD", "t", "x", "y");
        c.call("SET", "str", "foobar");
        c.call("HSET", "one", "k", "v");
        c.call("SADD", "single", "m");
        String reply = c.call(command.split(" "));
        return reply + " | " + c.call("HGETALL", "h") + " " + c.call("SMEMBERS", "s") + " " + c.call("SMISMEMBER", "t", "x", "y", "z", "1", "2")
                + " " + c.call("SCARD", "t") + " " + c.call("TYPE", "str") + " " + c.call("EXISTS", "nokey") + " " + c.call("SMEMBERS", "newset")
                + " " + c.call("SMEMBERS", "dst") + " " + c.call("HGETALL", "nokey");
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

    /** SMOVE builds its destination under set-max-intset-entries, as Redis' setTypeAdd does. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void smoveFollowsSetMaxIntsetEntries(int protocol) throws Exception {
        try (RawClient r = new RawClient(redis.port); RawClient h = new RawClient(helios.port())) {
            for (RawClient c : new RawClient[] {r, h}) {
                c.call("HELLO", Integer.toString(protocol));
                c.call("FLUSHALL");
                c.call("CONFIG", "SET", "set-max-intset-entries", "1");
            }
            try {
                for (String[] command : new String[][] {{"SADD", "{k}dst", "5"}, {"SADD", "{k}src", "7", "8"}, {"SMOVE", "{k}src", "{k}dst", "7"},
                        {"OBJECT", "ENCODING", "{k}dst"}, {"SMOVE", "{k}src", "{k}new", "8"}, {"OBJECT", "ENCODING", "{k}new"},
                        {"SMEMBERS", "{k}new"}, {"SCARD", "{k}dst"}}) {
                    assertEquals(r.call(command), h.call(command), String.join(" ", command));
                }
            } finally {
                r.call("CONFIG", "SET", "set-max-intset-entries", "512");
                h.call("CONFIG", "SET", "set-max-intset-entries", "512");
            }
        }
    }
}

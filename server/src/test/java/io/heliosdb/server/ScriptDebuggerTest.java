package io.heliosdb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Lua debugger (SCRIPT DEBUG YES|SYNC, then EVAL) against redis-server 7.0: the same debugger
 * commands go to both, and every reply of the session (the stop logs, what each command prints, the
 * end mark, the script's reply, the closed connection) must be the same, as must the data left
 * behind: kept after SYNC, as it was after YES (Redis' forked session). Function addresses are
 * masked. HeliosDB runs 3 shards, so the session holds shards the script's keys are not on.
 */
class ScriptDebuggerTest {
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

    private static final String BASIC = """
            local a = 1
            local t = {1, 2, "x\\n", {k = true}}
            redis.call('set', KEYS[1], ARGV[1])
            redis.debug('hello', a, t, nil, 0.1, 1e20, 3.14159265)
            local v = redis.call('get', KEYS[1])
            return v
            """;

    private static final String FUNCTIONS = """
            local function inner(x)
              local y = x * 2
              redis.breakpoint()
              return y + 1
            end
            local function outer(z)
              return inner(z) + 0
            end
            local total = 0
            for i = 1, 3 do
              total = total + outer(i)
            end
            return total
            """;

    private static final String ERRORS = """
            redis.call('set', KEYS[1], 'before')
            local ok = pcall(redis.call, 'nosuchcommand', 'x')
            pcall(redis.call, 'incr', KEYS[1])
            redis.call('set', KEYS[1], string.rep('y', 300))
            return redis.call('get', KEYS[1])
            """;

    private static List<String> cmds(String... c) {
        return List.of(c);
    }

    @Test
    void syncSessionsAnswerAsRedis() throws Exception {
        compare("SYNC", BASIC, List.of("1", "dbg:k1", "v1"), cmds("s", "p", "p a", "p t", "p KEYS", "p ARGV", "p nope", "b 5", "b",
                "b 99", "b 5", "b x", "b -3", "c", "l", "l 2", "l 3 1", "l 0 0", "w", "t", "e 1 + 1", "e KEYS[1]", "e {1, 'a'}",
                "e local q = 1", "e (", "e nosuch()", "r get dbg:k1", "r", "redis set dbg:k1 changed", "h", "m", "m 10", "m 0",
                "xyz", "next", "S", "continue"));
        compare("SYNC", FUNCTIONS, List.of("0"), cmds("b 2 4 7 12", "b -2", "b", "b -7", "b", "b 0", "b", "c", "t", "p", "s",
                "p", "t", "b 2", "c", "t", "b -2", "c", "c", "c"));
        compare("SYNC", ERRORS, List.of("1", "dbg:k2"), cmds("s", "s", "s", "s", "s", "m 60", "s"));
        compare("SYNC", ERRORS, List.of("1", "dbg:k2"), cmds("n", "c"));
    }

    @Test
    void forkedSessionsLeaveTheDataAsItWas() throws Exception {
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("SET", "dbg:k1", "original");
                c.call("PEXPIRE", "dbg:k1", "100000");
                c.call("DEL", "dbg:k3");
            }
        }
        compare("YES", BASIC, List.of("1", "dbg:k1", "v1"), cmds("s", "s", "s", "r set dbg:k3 created", "c"));
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                assertEquals("\"original\"", c.call("GET", "dbg:k1"), "port " + port);
                assertTrue(Long.parseLong(c.call("PTTL", "dbg:k1").substring(1)) > 90_000, "port " + port);
                assertEquals("(nil)", c.call("GET", "dbg:k3"), "port " + port);
            }
        }
        compare("YES", ERRORS, List.of("1", "dbg:k2"), cmds("c"));
        // HeliosDB cannot fork: a write it could not undo is refused in a YES session (SYNC runs it)
        List<String> t = session(helios.port(), "YES", "return redis.pcall('flushall')", List.of("0"), cmds("c"));
        assertTrue(t.get(t.size() - 2).contains("FLUSHALL cannot be undone at the end of a SCRIPT DEBUG YES session"), t.toString());
    }

    /** redis-cli's own debugger front end (--ldb-sync-mode) shows the same session with both servers. */
    @Test
    void redisCliDebugsAScriptAlike() throws Exception {
        java.nio.file.Path script = java.nio.file.Files.createTempFile("ldb", ".lua");
        java.nio.file.Files.writeString(script, BASIC);
        List<String> outputs = new ArrayList<>();
        for (int port : new int[]{redis.port, helios.port()}) {
            Process p = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "--ldb-sync-mode", "--eval", script.toString(),
                    "dbg:cli", ",", "v").redirectErrorStream(true).start();
            p.getOutputStream().write("s\np\nb 5\nc\nt\nr get dbg:cli\nc\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "redis-cli did not finish");
            outputs.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(outputs.get(0), outputs.get(1));
        assertTrue(outputs.get(1).contains("<reply> \"v\""), outputs.get(1));
    }

    @Test
    void sessionEndsAsRedisEndsThem() throws Exception {
        compare("SYNC", "return 1", List.of("0"), cmds("a"));
        compare("SYNC", "local x = 1\nreturn x", List.of("0"), cmds("s", "abort"));
        compare("SYNC", "return (", List.of("0"), cmds()); // a compile error: the session ends at once
        compare("SYNC", "return 1", List.of("x"), cmds());
        compare("SYNC", "return 1", List.of("2", "a"), cmds());
        compare("SYNC", "", List.of("0"), cmds());
        compare("SYNC", "\n\nreturn 'trailing'\n\n\n", List.of("0"), cmds("w", "c"));
        // a protocol error from the client ends the script with an error
        List<List<String>> seen = new ArrayList<>();
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                List<String> t = new ArrayList<>();
                t.add(c.call("SCRIPT", "DEBUG", "SYNC"));
                c.send(List.of(b("EVAL"), b("return 1"), b("0")));
                t.add(c.read());
                c.sendRaw(b("s\r\n"));
                t.add(c.read());
                t.add(c.read());
                t.add(c.isClosedByPeer() ? "(closed)" : "(open)");
                seen.add(t);
            }
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    /** A script that runs past busy-reply-threshold without stopping stops by itself, as an infinite loop would. */
    @Test
    void aScriptRunningTooLongStopsInTheDebugger() throws Exception {
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                assertEquals("+OK", c.call("CONFIG", "SET", "busy-reply-threshold", "200"));
            }
        }
        try {
            compare("SYNC", "local x = 1\nwhile true do end", List.of("0"), cmds("c", "p", "a"));
        } finally {
            for (int port : new int[]{redis.port, helios.port()}) {
                try (RawClient c = new RawClient(port)) {
                    c.call("CONFIG", "SET", "busy-reply-threshold", "5000");
                }
            }
        }
    }

    @Test
    void debugModeSettingsAnswerAsRedis() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        for (int port : new int[]{redis.port, helios.port()}) {
            List<String> t = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                t.add(c.call("SCRIPT", "DEBUG", "maybe"));
                t.add(c.call("SCRIPT", "DEBUG"));
                t.add(c.call("SCRIPT", "DEBUG", "yes", "no"));
                t.add(c.call("SCRIPT", "DEBUG", "YES"));
                t.add(c.call("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"));
                t.add(c.call("EVALSHA", "short", "0"));
                t.add(c.call("EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "x"));
                t.add(c.call("SCRIPT", "DEBUG", "no"));
                t.add(c.call("EVAL", "return 7", "0"));
                t.add(c.call("MULTI"));
                t.add(c.call("SCRIPT", "DEBUG", "sync"));
                t.add(c.call("EXEC"));
                // pipelined behind another command's reply
                c.sendRaw(b("*1\r\n$4\r\nPING\r\n*3\r\n$6\r\nSCRIPT\r\n$5\r\nDEBUG\r\n$3\r\nYES\r\n"));
                t.add(c.read());
                t.add(c.read());
                t.add(c.call("EVAL", "return 8", "0"));
            }
            seen.add(t);
        }
        assertEquals(seen.get(0), seen.get(1));
    }

    /** A client that goes away mid-session: the script runs to its end and the server serves others. */
    @Test
    void aClientLeavingMidSessionDoesNotHoldTheServer() throws Exception {
        for (int port : new int[]{redis.port, helios.port()}) {
            try (RawClient c = new RawClient(port)) {
                c.call("DEL", "dbg:left");
                c.call("SCRIPT", "DEBUG", "SYNC");
                c.send(List.of(b("EVAL"), b("redis.call('set', KEYS[1], 'a')\nredis.call('set', KEYS[1], 'b')\nreturn 1"), b("1"), b("dbg:left")));
                assertTrue(c.read().contains("Stopped at 1"));
            }
            try (RawClient other = new RawClient(port)) {
                long deadline = System.currentTimeMillis() + 5000;
                String v = other.call("GET", "dbg:left");
                while (!v.equals("\"b\"") && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                    v = other.call("GET", "dbg:left");
                }
                assertEquals("\"b\"", v, "port " + port);
                assertEquals("+PONG", other.call("PING"));
            }
        }
    }

    /** Runs one session on both servers and requires the same transcript and the same data after it. */
    private static void compare(String mode, String script, List<String> evalArgs, List<String> commands) throws Exception {
        List<String> r = session(redis.port, mode, script, evalArgs, commands);
        List<String> h = session(helios.port(), mode, script, evalArgs, commands);
        assertEquals(String.join("\n", r), String.join("\n", h), "SCRIPT DEBUG " + mode + " of:\n" + script);
        assertTrue(r.get(r.size() - 1).equals("(closed)") || !r.get(0).equals("+OK"), String.join("\n", r));
    }

    private static List<String> session(int port, String mode, String script, List<String> evalArgs, List<String> commands)
            throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            t.add(c.call("SCRIPT", "DEBUG", mode));
            List<byte[]> eval = new ArrayList<>(List.of(b("EVAL"), b(script)));
            for (String a : evalArgs) {
                eval.add(b(a));
            }
            c.send(eval);
            Iterator<String> next = commands.iterator();
            for (int round = 0; round < 200; round++) {
                String r;
                try {
                    r = c.read();
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("no answer from port " + port + " after: " + String.join("\n", t), e);
                }
                if (r == null) {
                    t.add("(closed)");
                    return t;
                }
                t.add(masked(r));
                if (r.contains("+<endsession>")) {
                    t.add(masked(String.valueOf(c.read())));
                    t.add(c.isClosedByPeer() ? "(closed)" : "(open)");
                    return t;
                }
                if (!r.startsWith("*[")) {
                    continue;
                }
                String cmd = next.hasNext() ? next.next() : "c";
                t.add("> " + cmd);
                List<byte[]> words = new ArrayList<>();
                for (String w : cmd.split(" ")) {
                    words.add(b(w));
                }
                c.send(words);
            }
        }
        throw new AssertionError("session did not end: " + t);
    }

    private static String masked(String reply) {
        return reply.replaceAll("(function|userdata|thread)@0x[0-9a-f]+", "$1@ADDR");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
